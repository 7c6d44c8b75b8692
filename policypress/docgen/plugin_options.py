"""The policypress plugin's options in mkdocs.yml (`plugins: - policypress: {…}`), read from its
typed configuration: each option's path, kind and default. MkDocs options carry no description,
so what each one means is said here; `undescribed` names an option added without one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config

from ..core import vocabulary as vocab
from ..plugins.config import PolicyConfig
from .field_kinds import Kind, dpv_terms, labelled

# Where the options are, as `policypress check` names them.
PREFIX = ("plugins", "policypress")

# What each option is for, in the words of an editor of mkdocs.yml.
MEANINGS: dict[str, str] = {
    "enabled": "false turns the plugin off: the site is then built as plain Material, unchecked",
    "i18n_plugin": "the name of the mkdocs-static-i18n entry whose languages the policies are written in",
    "controller": "the controller: who decides why and how personal data is processed; once for every policy",
    "controller.name": "the organisation's legal name",
    "controller.identifier": "its organisation number, e.g. 559900-0147",
    "controller.email": "where people write about their personal data",
    "controller.phone": "a telephone number for the same",
    "controller.url": "the organisation's website; its host is the provider of first-party cookies",
    "controller.address": "the postal address",
    "dpo": "the data protection officer; `{appointed: false}` when none is required",
    "dpo.appointed": "false states that no data protection officer is appointed",
    "dpo.name": "the officer's name, where it is published",
    "dpo.email": "the officer's address",
    "dpo.address": "the officer's postal address",
    "authority": "the supervisory authority people can complain to, for every policy that names none of its own",
    "authority.term": "the authority as a DPV term, e.g. legal-se:DPA-SE for IMY",
    "authority.name": "its name, e.g. Integritetsskyddsmyndigheten (IMY)",
    "authority.url": "its website",
    "authority.address": "its postal address",
    "privacy_policy": "the policy every page links to with <link rel=\"privacy-policy\">",
    "rights": "the data subject's rights every policy states unless it lists its own rights",
    "consent": "the cookie-consent banner, made from the policy that lists the cookies",
    "consent.enabled": "false: no banner on the site, and no consent/<language>.js for other websites",
    "consent.policy": "the policy whose consent-based purposes are the banner's categories (default: the one policy "
                      "that lists cookies)",
    "consent.cookie": "the first-party cookie that keeps the visitor's choice; list it in that policy's cookies",
    "consent.max_age_days": "ask again after this many days; at most 395 (13 months)",
    "consent.endpoint": "where the banner sends a receipt of every choice (policypress receipts serve); no receipts "
                        "when left out",
    "consent.jurisdiction": "the jurisdiction receipts name, an ISO 3166 code",
    "consent.consent_mode": "keep Google Consent Mode v2 signals in step with the visitor's choices",
    "locales": "the CLDR locale of a language's dates where it is not the language itself, e.g. {en: en_GB} for "
               "\"1 June 2025\"",
}
ADDRESS = {"street": "street address or PO box", "postal_code": "postal code", "locality": "town or city",
           "country": "the country, an ISO 3166 code such as SE"}

# Options whose values are a closed set.
VALUES: dict[str, Kind] = {
    "rights": Kind("a list of GDPR data-subject rights", labelled(vocab.RIGHTS)),
    "authority.term": Kind("a supervisory authority", dpv_terms("authority", ("legal-se", "eu-gdpr", "dpv")),
                           "DPV 2.3"),
}
WORDS = {str: "text", bool: "true or false", int: "a whole number", dict: "a mapping"}


@dataclass(frozen=True)
class Option:
    path: tuple[str, ...]       # under plugins.policypress: ("consent", "max_age_days")
    kind: Kind
    default: Any
    group: bool                 # options of its own below it

    @property
    def dotted(self) -> str:
        return ".".join(self.path)

    @property
    def meaning(self) -> str | None:
        return MEANINGS.get(self.dotted) or (ADDRESS.get(self.path[-1]) if "address" in self.path[:-1] else None)


def options(config: type[Config] = PolicyConfig, prefix: tuple[str, ...] = ()) -> list[Option]:
    found = []
    for name, option in config._schema:
        path = (*prefix, name)
        if isinstance(option, c.SubConfig):
            found.append(Option(path, Kind("a mapping of the options below"), None, True))
            found += options(option.config_class, path)
            continue
        inner = option.option if isinstance(option, c.Optional) else option
        words = f"a list of {words_of(inner.option_type)}" if isinstance(inner, c.ListOfItems) else words_of(inner)
        kind = VALUES.get(".".join(path), Kind(words))
        found.append(Option(path, kind, option.default, False))
    return found


def words_of(option: c.BaseConfigOption) -> str:
    """What a value of an option is: an option type of policypress's own says so in its docstring
    (up to the first colon), MkDocs' `Type` by the Python types it takes."""
    if type(option).__module__.startswith("policypress") and type(option).__doc__:
        said = type(option).__doc__.split(":")[0].strip()
        return said[0].lower() + said[1:]
    taken = getattr(option, "_type", None)
    return " or ".join(WORDS.get(kind, "a value") for kind in (taken if isinstance(taken, tuple) else (taken,)))


def undescribed() -> list[str]:
    return [option.dotted for option in options() if not option.meaning]
