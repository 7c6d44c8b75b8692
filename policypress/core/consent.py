"""The consent banner's configuration, from the register of the policy that lists the cookies.

Categories: "necessary" (every purpose that does not rest on consent, with its cookies, always
on) and one per consent-based purpose (GDPR Art. 6(1)(a)), each with its name, description and
cookies in the page's language. The *fingerprint* hashes only what consent is given to (the
categories, their purposes and legal bases, their cookies and how long these last), not the
wording, so an editorial change does not ask visitors again while a changed cookie does.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping
from typing import Any, NamedTuple

from . import dpv
from .frontmatter import read_source
from .model import Cookie, Purpose, Register, Revision
from .problems import Problem
from .register import duration_text

# Google Consent Mode v2 storage types a category needs, by the DPV purpose it serves
# (the term itself or any broader concept).
CONSENT_MODE_TYPES: dict[str, tuple[str, ...]] = {
    "dpv:Marketing": ("ad_storage", "ad_user_data", "ad_personalization"),
    "dpv:Advertising": ("ad_storage", "ad_user_data", "ad_personalization"),
    "dpv:ServiceUsageAnalytics": ("analytics_storage",),
    "dpv:ServiceMonitoring": ("analytics_storage",),
    "dpv:Personalisation": ("personalization_storage",),
}

MAX_AGE_DAYS = 395  # 13 months: regulators' ceiling for how long a consent may be relied on


def consent_modes(purpose: Purpose) -> list[str]:
    types: set[str] = set()
    for term in purpose.purpose:
        for concept in dpv.ancestors(term):
            types.update(CONSENT_MODE_TYPES.get(concept, ()))
    return sorted(types)


def bases(purpose: Purpose) -> str | list[str]:
    """A purpose's legal bases: one as a string (the form every record so far was made with),
    several as a list."""
    return purpose.legal_basis[0] if len(purpose.legal_basis) == 1 else list(purpose.legal_basis)


def fingerprint(register: Register) -> str:
    """A hash of the consent-relevant facts of a register."""
    facts = [
        [p.id, bases(p), sorted(p.purpose),
         sorted([c.name, c.provider, str(c.duration), c.storage] for c in register.cookies_for(p.id))]
        for p in register.processing
        if p.needs_consent or register.cookies_for(p.id)
    ]
    return hashlib.sha256(json.dumps(facts, sort_keys=True).encode()).hexdigest()[:16]


def _cookie(cookie: Cookie, language: str, t: Mapping[str, str]) -> dict[str, str]:
    duration = t["session"] if cookie.duration == "session" else duration_text(cookie.duration, language)  # type: ignore[arg-type]
    return {"name": cookie.name, "provider": cookie.provider, "duration": duration,
            "purpose": cookie.text[language].description, "storage": cookie.storage}


def config(
    policy_id: str,
    revision: Revision,
    language: str,
    t: Mapping[str, str],
    *,
    notice: str,
    cookie: str,
    max_age_days: int,
    endpoint: str | None,
    jurisdiction: str,
    consent_mode: bool,
) -> dict[str, Any]:
    """What the banner reads from `<script type="application/json" id="policypress-consent">`."""
    register = revision.register
    necessary = [p for p in register.processing if not p.needs_consent and register.cookies_for(p.id)]
    categories: list[dict[str, Any]] = [{
        "id": "necessary",
        "required": True,
        "name": t["consent_necessary"],
        "description": t["consent_necessary_description"],
        "dpv": sorted({term for p in necessary for term in p.purpose}),
        "legalBasis": sorted({basis for p in necessary for basis in p.legal_basis}),
        "cookies": [_cookie(c, language, t) for p in necessary for c in register.cookies_for(p.id)],
    }]
    for purpose in register.consent_purposes:
        categories.append({
            "id": purpose.id,
            "name": purpose.text[language].name,
            "description": purpose.text[language].description,
            "dpv": list(purpose.purpose),
            "legalBasis": bases(purpose),
            "consentMode": consent_modes(purpose),
            "cookies": [_cookie(c, language, t) for c in register.cookies_for(purpose.id)],
        })
    strings = {key.removeprefix("consent_"): value for key, value in t.items() if key.startswith("consent_")}
    return {
        "revision": f"{policy_id} {revision.version}",
        "fingerprint": fingerprint(register),
        "notice": notice,
        "language": language,
        "jurisdiction": jurisdiction,
        "cookie": cookie,
        "maxAgeDays": min(max_age_days, MAX_AGE_DAYS),
        "endpoint": endpoint,
        "consentMode": consent_mode,
        "categories": categories,
        "strings": strings,
    }


class Linked(NamedTuple):
    """A file another website's page loads from the policy site: its URL, and the Subresource
    Integrity the browser checks it against."""

    url: str
    integrity: str


def linked(url: str, content: bytes) -> Linked:
    return Linked(url, "sha384-" + base64.b64encode(hashlib.sha384(content).digest()).decode("ascii"))


def loader(settings: Mapping[str, Any], script: Linked, style: Linked) -> str:
    """The configuration script another website loads with `<script src>`: the banner's
    settings, and the code that adds the banner's stylesheet and script (versioned: their URLs
    change whenever their content does) and starts the banner once both have arrived, so it never
    shows unstyled. The browser runs them only as they were built (Subresource Integrity: a
    changed byte on the policy site's server and the banner does not start), which needs CORS on
    them (`crossorigin="anonymous"`: README, Deploy). The nonce of the `<script>` that loaded it,
    if any, goes to both (a strict CSP with nonces). ASCII only: it reads the same whatever
    charset it is served or included with."""
    return (
        "/* policypress consent banner: the settings of the cookie policy in force, and the banner they\n"
        "   work with. Generated by policypress; load it with <script src>, once per page. */\n"
        "(function (d, c) {\n"
        "  var me = d.currentScript, n = 2, link = d.createElement(\"link\"), script = d.createElement(\"script\");\n"
        "  function ready() { if (!--n) window.policypressConsent.init(c); }\n"
        "  link.rel = \"stylesheet\";\n"
        f"  link.href = {json.dumps(style.url)};\n"
        f"  link.integrity = {json.dumps(style.integrity)};\n"
        f"  script.src = {json.dumps(script.url)};\n"
        f"  script.integrity = {json.dumps(script.integrity)};\n"
        "  link.crossOrigin = script.crossOrigin = \"anonymous\";\n"
        "  link.onload = link.onerror = script.onload = ready;\n"
        "  if (me && me.nonce) link.nonce = script.nonce = me.nonce;\n"
        "  d.head.append(link, script);\n"
        "})(document,\n"
        f"{json.dumps(settings, ensure_ascii=True, separators=(',', ':'))}\n"
        ");\n"
    )


def matches(pattern: str, name: str) -> bool:
    """Whether a listed cookie name (a trailing `*` matches a prefix) covers a cookie, as the
    banner matches them when it deletes a withdrawn category's cookies."""
    return name.startswith(pattern[:-1]) if pattern.endswith("*") else name == pattern


def record_conflicts(revision: Revision, language: str, record_cookie: str) -> list[Problem]:
    """Cookies of a consent-based purpose whose name matches the cookie that keeps the consent
    record: withdrawing that consent deletes the purpose's cookies, and would take the record of
    the choice with them. Reported at the cookie's name in the `language` file (which states the
    cookies' facts)."""
    consented = {p.id for p in revision.register.consent_purposes}
    found = [(index, c) for index, c in enumerate(revision.register.cookies)
             if c.processing in consented and c.storage == "cookie" and matches(c.name, record_cookie)]
    if not found:
        return []
    text = revision.texts[language]
    source = read_source(text.path, text.source) if text.path is not None else None
    return [Problem(text.source, source.line_of(("cookies", index, "name")) if source else None, f"cookies[{index}].name",
                    f"expected a name that does not match {record_cookie!r}, the cookie the consent banner keeps the "
                    f"visitor's choice in (consent.cookie in mkdocs.yml), found {cookie.name!r}: withdrawing consent to "
                    f"{cookie.processing!r} deletes its cookies, and would delete the record of the choice with them; "
                    + (f"list {record_cookie!r} under a purpose that needs no consent" if cookie.name == record_cookie
                       else "list the cookies this pattern stands for more narrowly, so that none matches"))
            for index, cookie in found]
