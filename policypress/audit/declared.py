"""The register an audit compares the website with: the cookies and storage keys of the cookie
policy, each with its category, provider and duration.

Read from one of:
- the site's sources (`--site mkdocs.yml`): the policy the consent banner follows, in the revision
  its stable page shows, loaded and checked as `policypress check` loads it;
- the banner's configuration (`--config`): a JSON file, a built page holding
  `<script type="application/json" id="policypress-consent">`, a built site's folder, or the
  address of such a page; durations there are words in the page's language ("13 months",
  "13 månader"), read back here.
"""

from __future__ import annotations

import json
import re
import urllib.request
from dataclasses import replace
from pathlib import Path
from typing import Any, cast
from urllib.parse import urljoin

from babel.units import format_unit

from ..core.register import UNITS
from ..core.texts import strings
from ..core.types import Duration, parse_duration
from .config_shape import problem as shape_problem
from .model import CannotRun, Declared, Register, Storage
from .origins import canonical, in_config

CONFIG_ID = "policypress-consent"
STORAGE_KINDS = ("cookie", "local-storage", "session-storage")
_AMOUNT_RE = re.compile(r"([0-9]+)\s+([^\W\d_]+)")


class RegisterError(CannotRun):
    """The register could not be read."""


# --- the banner's configuration ----------------------------------------------------------------


def from_config(config: Any, source: str) -> Register:
    """The register in a banner configuration (the object the banner reads)."""
    # A field of the wrong type is named, not skipped: skipped, it left an empty register.
    wrong = shape_problem(config)
    if wrong is not None:
        raise RegisterError(f"{source}: {wrong}")
    language = str(config.get("language") or "en")
    items: list[Declared] = []
    notes: list[str] = []
    for category in config["categories"]:
        if not isinstance(category, dict):
            continue
        for cookie in category.get("cookies") or []:
            if not isinstance(cookie, dict) or not isinstance(cookie.get("name"), str):
                continue
            text = str(cookie.get("duration", ""))
            session, days = read_duration(text, language)
            if not session and days is None:
                notes.append(f"{source}: the duration {text!r} of {cookie['name']!r} could not be read; its lifetime "
                             f"is not checked")
            storage = cast(Storage, cookie["storage"] if cookie.get("storage") in STORAGE_KINDS else "cookie")
            items.append(Declared(cookie["name"], str(category.get("id")), bool(category.get("required")),
                                  str(cookie.get("provider", "")), storage, text, days, session))
    return Register(tuple(items), str(config.get("cookie") or "pp_consent"), source, tuple(notes), in_config(config))


def read_duration(text: str, language: str) -> tuple[bool, float | None]:
    """(session, days) of a duration as the banner shows it: the language's words for a
    session, an ISO 8601 duration, or amounts with units ("1 år och 6 månader")."""
    words = text.strip()
    if words.casefold() in {"session", strings(language)["session"].casefold(), strings("en")["session"].casefold()}:
        return True, None
    try:
        return False, parse_duration(words).approximate_days
    except ValueError:
        pass
    amounts = {unit: 0 for unit in UNITS}
    found = _AMOUNT_RE.findall(" ".join(words.split()))
    for amount, word in found:
        unit = next((unit for unit, key in UNITS.items()
                     if " ".join(format_unit(int(amount), key, length="long", locale=language).split()) == f"{amount} {word}"),
                    None)
        if unit is None:
            return False, None
        amounts[unit] += int(amount)
    return False, Duration(words, **amounts).approximate_days if found else None


def config_text(html: str, source: str) -> str:
    """The JSON of the banner's configuration element in a page."""
    from lxml import html as lxml_html

    element = lxml_html.fromstring(html).find(f".//script[@id='{CONFIG_ID}']")
    if element is None:
        raise RegisterError(f"{source}: no <script type=\"application/json\" id=\"{CONFIG_ID}\"> in this page; give "
                            f"a page of the built site, the site's folder, or a JSON file")
    return element.text or ""


def from_config_source(where: str, timeout: float) -> Register:
    """The register in a JSON file, a built page, a built site's folder (its index.html) or the
    address of a page."""
    if re.match(r"https?://", where):
        try:
            with urllib.request.urlopen(where, timeout=timeout) as response:
                text = response.read().decode("utf-8", "replace")
        except OSError as error:
            raise RegisterError(f"{where}: could not be read ({error})") from None
    else:
        path = Path(where)
        if path.is_dir():
            path = path / "index.html"
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise RegisterError(f"{path}: could not be read ({error})") from None
    if not text.lstrip().startswith(("{", "[")):
        text = config_text(text, where)
    register = from_embedded(text, where)
    # A page the configuration was read from is the policy site's.
    here = canonical(where)
    return replace(register, consent_origins=(*register.consent_origins, here)) if here else register


def from_embedded(text: str, source: str) -> Register:
    try:
        config = json.loads(text)
    except ValueError as error:
        raise RegisterError(f"{source}: the consent configuration is not JSON ({error})") from None
    except RecursionError:
        raise RegisterError(f"{source}: the consent configuration is nested too deeply to be read (expected the "
                            f"banner's configuration, a few levels deep)") from None
    return from_config(config, source)


# --- the site's sources ------------------------------------------------------------------------


def from_site(config_file: Path) -> Register:
    """The register of the policy the banner follows, as `policypress check` loads the site."""
    from mkdocs.exceptions import PluginError

    from ..siteconfig import UsageError, read_config, validated
    from ..core.load import load_site
    from ..core.problems import format_problems
    from ..core.timeline import Timeline, build_date
    from ..plugins.consent import consent_policy

    try:
        config = read_config(config_file)
        settings = validated(config, config_file)
    except UsageError as error:
        raise RegisterError(*error.lines) from None
    except RecursionError:  # YAML's reader recurses once a level
        raise RegisterError(f"{config_file}: nested too deeply to be read (expected the site's mkdocs.yml, a few "
                            f"levels deep)") from None
    options = config.plugins["policypress"].config.consent
    result = load_site(settings.docs_dir, settings.languages, settings.default, root=config_file.resolve().parent,
                       info=settings.info, config_source=config_file.name)
    if result.problems:
        raise RegisterError(f"{config_file}: the site's policies have problems; fix them first (policypress check)",
                            *format_problems(result.problems).splitlines())
    try:
        policy_id = consent_policy(result.site, options)
    except PluginError as error:
        raise RegisterError(*str(error).splitlines()) from None
    if policy_id is None:
        raise RegisterError(f"{config_file}: no policy of this site drives the consent banner (none lists cookies, "
                            f"several do, or the banner is off); name it as consent.policy of the policypress plugin")
    policy = result.site.policies[policy_id]
    revision = Timeline(policy, build_date()).shown
    register = revision.register
    items = []
    for cookie in register.cookies:
        purpose = register.purpose(cookie.processing)
        days = cookie.duration.approximate_days if isinstance(cookie.duration, Duration) else None
        items.append(Declared(cookie.name, purpose.id if purpose.needs_consent else "necessary", not purpose.needs_consent,
                              cookie.provider, cast(Storage, cookie.storage), str(cookie.duration), days,
                              cookie.duration == "session"))
    # The policy site and its receipts endpoint: the consent mechanism, never a third party.
    site_url = config.get("site_url") or ""
    origins = (canonical(site_url), canonical(urljoin(site_url, options.endpoint)) if options.endpoint else None)
    return Register(tuple(items), options.cookie, f"{config_file} ({policy_id} {revision.version})",
                    consent_origins=tuple(dict.fromkeys(origin for origin in origins if origin)))
