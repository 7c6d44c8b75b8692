"""Typed configuration of the policypress MkDocs plugin: who is responsible, once per site.

Options that cannot work are refused in the project's words, with mkdocs.yml, the option's
line and its path (`plugins.policypress.dpo.appointed`), the same way for `policypress check`
and for every build."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from mkdocs.config import config_options as c
from mkdocs.config.base import Config, ValidationError

from ..core.model import Address, Authority, DataProtectionOfficer, Organisation, SiteInfo
from ..core.problems import Problem, describe, explained, field_path, ordered
from ..core.texts import check_locale
from ..core.types import nearest

Loc = tuple[str | int, ...]
PLUGIN = ("plugins", "policypress")  # where the plugin's options are in mkdocs.yml


class PerLanguage(c.Type):
    """Text, or the text in each language of the site: `locality: Stockholm`, or
    `locality: {sv: Stockholm, fi: Tukholma}`; pages, summaries and feeds of a language show its own."""

    def __init__(self) -> None:
        super().__init__((str, dict))


class AddressConfig(Config):
    street = c.Optional(c.Type(str))
    postal_code = c.Optional(c.Type(str))
    locality = c.Optional(PerLanguage())
    country = c.Optional(c.Type(str))  # ISO 3166 alpha-2, e.g. SE


class ControllerConfig(Config):
    name = c.Optional(c.Type(str))
    identifier = c.Optional(c.Type(str))  # organisation number
    email = c.Optional(c.Type(str))
    phone = c.Optional(c.Type(str))
    url = c.Optional(c.Type(str))
    address = c.SubConfig(AddressConfig)


class DpoConfig(Config):
    # `appointed: false` states that no data protection officer is required.
    appointed = c.Type(bool, default=True)
    name = c.Optional(c.Type(str))
    email = c.Optional(c.Type(str))
    address = c.SubConfig(AddressConfig)


class AuthorityConfig(Config):
    term = c.Optional(c.Type(str))  # a DPV authority, e.g. legal-se:DPA-SE for IMY
    name = c.Optional(PerLanguage())
    url = c.Optional(c.Type(str))
    address = c.SubConfig(AddressConfig)


class ConsentConfig(Config):
    """The cookie-consent banner."""

    enabled = c.Type(bool, default=True)
    # The policy whose consent-based purposes become the banner's categories (default: the one
    # policy that lists cookies; no cookies anywhere, no banner).
    policy = c.Optional(c.Type(str))
    # The one first-party cookie that holds the consent record (list it in that policy).
    cookie = c.Type(str, default="pp_consent")
    # Ask again after this many days (at most 395, i.e. 13 months).
    max_age_days = c.Type(int, default=182)
    # Where to send a consent receipt with navigator.sendBeacon (off when not set).
    endpoint = c.Optional(c.Type(str))
    jurisdiction = c.Type(str, default="SE")
    # Keep Google Consent Mode v2 signals in step with the visitor's choices.
    consent_mode = c.Type(bool, default=True)


class PolicyConfig(Config):
    """`plugins: - policypress: {...}` in mkdocs.yml."""

    enabled = c.Type(bool, default=True)

    # Name of the mkdocs-static-i18n plugin entry whose languages the policies are written in.
    i18n_plugin = c.Type(str, default="i18n")

    # The controller, its data protection officer and the supervisory authority: the same for
    # every policy, used by the JSON-LD, the register placeholders and the Art. 13 check.
    controller = c.SubConfig(ControllerConfig)
    dpo = c.SubConfig(DpoConfig)
    authority = c.SubConfig(AuthorityConfig)

    # The policy every page links to with <link rel="privacy-policy">.
    privacy_policy = c.Type(str, default="privacy")

    # The data subject's rights every policy states unless it lists its own `rights`.
    rights = c.ListOfItems(c.Type(str), default=[])

    consent = c.SubConfig(ConsentConfig)

    # The CLDR locale of a language's dates where it is not the language itself: `{en: en_GB}`
    # gives "1 June 2025" on English pages (CLDR's `en` writes "June 1, 2025").
    locales = c.Type(dict, default={})

    def validate(self) -> tuple[list[Any], list[Any]]:
        """MkDocs' validation, after our own: an unknown option or a value of the wrong kind is
        raised in the project's words (MkDocs prints a raised ValidationError as it is)."""
        found = option_problems(type(self), dict(self), PLUGIN) + locale_problems(dict(self).get("locales"))
        if found:
            raise OptionsError([config_problem(self.config_file_path, loc, message) for loc, message in found])
        return super().validate()


def text_in(value: str | dict[str, str] | None, language: str | None) -> str | None:
    """A `PerLanguage` option's text in `language`; with no language (or one it lacks, which
    `language_problems` refuses in a build), the first it gives: the default language's."""
    if not isinstance(value, dict):
        return value
    return value.get(language) if language in value else next(iter(value.values()), None)


def _address(config: AddressConfig, language: str | None) -> Address | None:
    if not any(config[key] for key in ("street", "postal_code", "locality")):
        return None
    return Address(config.street or "", config.postal_code or "", text_in(config.locality, language) or "",
                   config.country or "")


def site_info(config: PolicyConfig, language: str | None = None) -> SiteInfo:
    """The plugin's options as the core's plain model (sections left out become None), with the
    texts given per language in `language` (by default the first given, the default language's:
    JSON-LD and the checks read that one)."""
    controller, dpo, authority = config.controller, config.dpo, config.authority
    dpo_given = bool(dpo.name or dpo.email or _address(dpo.address, language)) or not dpo.appointed
    return SiteInfo(
        controller=Organisation(controller.name, controller.identifier, controller.email, controller.phone,
                                controller.url, _address(controller.address, language)) if controller.name else None,
        dpo=DataProtectionOfficer(dpo.appointed, dpo.name, dpo.email, _address(dpo.address, language)) if dpo_given else None,
        authority=Authority(authority.term, text_in(authority.name, language) or authority.term, authority.url,
                            _address(authority.address, language)) if authority.term else None,
        privacy_policy=config.privacy_policy,
        rights=tuple(config.rights),
        consent_cookie=config.consent.cookie if config.consent.enabled else None,
    )


def language_problems(config: PolicyConfig, languages: list[str]) -> list[Problem]:
    """Texts given per language must be given in each language the site is built in, and only
    in those (a typo such as `se` for `sv` would otherwise never be shown)."""
    found: list[Problem] = []

    def walk(section: Config, loc: Loc) -> None:
        for key, option in section._schema:
            value = section[key]
            if isinstance(option, c.SubConfig):
                walk(value, (*loc, key))
            elif isinstance(getattr(option, "option", option), PerLanguage) and isinstance(value, dict):
                missing = [language for language in languages if language not in value]
                unknown = [str(language) for language in value if language not in languages]
                if missing or unknown:
                    what = "; ".join(part for part in (
                        f"missing {', '.join(missing)}" if missing else "",
                        f"found {', '.join(map(repr, unknown))}, not a language the site is built in" if unknown else "",
                    ) if part)
                    found.append(config_problem(config.config_file_path, (*loc, key),
                                                f"expected the text in each language the site is built in "
                                                f"({', '.join(languages)}): {what}"))

    walk(config, PLUGIN)
    return found


# --- options in the project's words ---------------------------------------------------------------


class OptionsError(ValidationError):
    """Options in mkdocs.yml that cannot work, one line each: file:line: option: expected, found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = ordered(problems)
        super().__init__("\n".join(map(explained, self.problems)))


# What each kind of value is called in messages (a value written in YAML, not a Python type).
KINDS = {bool: "true or false", str: "text", int: "a whole number"}


def option_problems(config_class: type[Config], raw: Any, loc: Loc) -> list[tuple[Loc, str]]:
    """Every option of `raw` (as written in mkdocs.yml) that `config_class` does not know or
    whose value is not of the option's kind; an empty value leaves the default."""
    if raw is None:
        return []
    if not isinstance(raw, dict):
        return [(loc, f"expected options as key: value pairs, found {describe(raw)}")]
    schema = dict(config_class._schema)
    found: list[tuple[Loc, str]] = []
    for key, value in raw.items():
        option = schema.get(key)
        if option is None:
            guess = nearest(str(key), list(schema))
            hint = f"did you mean {guess!r}? " if guess else ""
            found.append(((*loc, key), f"unknown option {key!r}; {hint}expected one of: {', '.join(schema)}"))
        else:
            found += _value_problems(option, value, (*loc, key))
    return found


def locale_problems(raw: Any) -> list[tuple[Loc, str]]:
    """`locales`: each language to a CLDR locale Babel knows."""
    loc = (*PLUGIN, "locales")
    if raw is None:
        return []
    if not isinstance(raw, dict):
        return [(loc, f"expected each language with the CLDR locale of its dates, e.g. {{en: en_GB}}, found {describe(raw)}")]
    found: list[tuple[Loc, str]] = []
    for language, locale in raw.items():
        problem = check_locale(locale) if isinstance(locale, str) else f"expected text, found {describe(locale)}"
        if problem:
            found.append(((*loc, str(language)), problem))
    return found


def _value_problems(option: Any, value: Any, loc: Loc) -> list[tuple[Loc, str]]:
    if value is None:
        return []
    if isinstance(option, c.Optional):
        option = option.option
    if isinstance(option, c.SubConfig):
        return option_problems(option.config_class, value, loc)
    if isinstance(option, PerLanguage):
        if isinstance(value, dict) and value:
            return [((*loc, language), f"expected text, found {describe(text)}") for language, text in value.items()
                    if not (isinstance(text, str) and text.strip())]
        if isinstance(value, str):
            return []
        return [(loc, f"expected text, or the text in each language such as {{sv: Stockholm, fi: Tukholma}}, "
                      f"found {describe(value)}")]
    if isinstance(option, c.ListOfItems):
        if not isinstance(value, list):
            return [(loc, f"expected a list (items on lines starting with '- ' or [a, b]), found {describe(value)}")]
        return [problem for index, item in enumerate(value)
                for problem in _value_problems(option.option_type, item, (*loc, index))]
    kind = getattr(option, "_type", None)  # c.Type's type: the options above wrap only c.Type
    if kind in KINDS and (not isinstance(value, kind) or (kind is int and isinstance(value, bool))):
        hint = "; put it in quotes to make it text" if kind is str and isinstance(value, (int, float)) else ""
        return [(loc, f"expected {KINDS[kind]}, found {describe(value)}{hint}")]
    return []


def config_problem(config_file_path: str | None, loc: Loc, message: str) -> Problem:
    """A problem with an option of mkdocs.yml, on the option's line when it is in that file (not
    only in a file it INHERITs from)."""
    path = Path(config_file_path or "mkdocs.yml")
    lines = config_lines(path)
    # The option's own line, else its closest parent's (an option left out is on no line).
    line = next((lines[loc[:end]] for end in range(len(loc), 0, -1) if loc[:end] in lines), None)
    return Problem(path.name, line, field_path(loc), message)


def config_lines(path: Path) -> dict[Loc, int]:
    """The line of every option in mkdocs.yml, by its path; a plugin's options are under its
    name (`plugins`, `policypress`, …) whether plugins are written as a list or a mapping. Tags
    such as !ENV are not resolved: only the places are read."""
    try:
        node = yaml.compose(path.read_text(encoding="utf-8-sig"), Loader=yaml.SafeLoader)
    except (OSError, UnicodeError, yaml.YAMLError):
        return {}
    lines: dict[Loc, int] = {}

    def walk(node: yaml.Node | None, loc: Loc) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    lines.setdefault((*loc, key.value), key.start_mark.line + 1)
                    walk(value, (*loc, key.value))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                if loc == ("plugins",) and isinstance(item, yaml.ScalarNode):
                    lines.setdefault((*loc, item.value), item.start_mark.line + 1)
                elif loc == ("plugins",) and isinstance(item, yaml.MappingNode) and len(item.value) == 1:
                    walk(item, loc)  # `- name: {options}`: the options are under the plugin's name
                else:
                    lines.setdefault((*loc, index), item.start_mark.line + 1)
                    walk(item, (*loc, index))

    walk(node, ())
    return lines
