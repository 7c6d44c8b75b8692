"""The consent banner on every page: which policy drives it, its settings in each language, and
its files. It replaces Material's own consent form."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger

from ..core import consent
from ..core.htmljson import script_json
from ..core.model import Site
from ..core.problems import Problem, describe
from ..core.texts import strings
from .config import PLUGIN, ConsentConfig, config_problem
from .routes import relative
from .state import BuildState, PassState

log = get_plugin_logger(__name__)

ASSETS = Path(__file__).resolve().parent.parent / "assets" / "consent"
# The banner as shipped (built from banner/ by scripts/build_banner.py); its CSS is served
# inside policypress.css.
SCRIPTS = {f"assets/policypress/consent/{name}": ASSETS / name for name in ("consent.min.js", "consent.min.mjs")}
STYLESHEET = ASSETS / "consent.min.css"
SCRIPT = "assets/policypress/consent/consent.min.js"
# The banner for the company's other websites (needs `site_url`): per language a configuration
# script at a stable URL, `consent/sv.js`, which names the banner's script and stylesheet under
# versioned names, `consent/banner.<hash>.js` and `.css`, so an old banner cached by a browser never
# meets a new configuration. Cache the first briefly, the others for good (README: Cookie consent).
ELSEWHERE = "consent"


def check_options(options: ConsentConfig, config: MkDocsConfig) -> list[Problem]:
    """The consent options, checked here for `policypress check` and every build alike: options
    that cannot work raise; Material's own consent form is warned about, and returned (a strict
    build such as `policypress build` refuses it too)."""
    if not options.enabled:
        return []
    if not 1 <= options.max_age_days <= consent.MAX_AGE_DAYS:
        raise PluginError(str(config_problem(config.config_file_path, (*PLUGIN, "consent", "max_age_days"),
                                             f"expected 1 to {consent.MAX_AGE_DAYS} days (at most 13 months), "
                                             f"found {describe(options.max_age_days)}")))
    if not config.extra.get("consent"):
        return []
    warning = config_problem(config.config_file_path, ("extra", "consent"),
                             "expected no settings for Material's own consent form, which the policypress banner "
                             "replaces, found some; remove extra.consent")
    log.warning(str(warning))
    return [warning]


def consent_policy(site: Site, options: ConsentConfig) -> str | None:
    """The policy whose consent-based purposes the banner offers (warned about when unclear)."""
    if not options.enabled or not site.policies:
        return None
    if options.policy is not None:
        if options.policy not in site.policies:
            log.warning(f"consent.policy: expected the id of the policy that lists the cookies "
                        f"({', '.join(site.policies)}), found {options.policy!r}; no consent banner")
            return None
        chosen = options.policy
    else:
        listing = [pid for pid, policy in site.policies.items() if policy.living.register.cookies]
        if len(listing) > 1:
            log.warning(f"consent.policy: several policies list cookies ({', '.join(listing)}); name the one the "
                        f"banner follows under the policypress plugin's consent options")
            return None
        if not listing:
            return None
        chosen = listing[0]
    if options.cookie not in [c.name for c in site.policies[chosen].living.register.cookies]:
        log.warning(f"consent.cookie: the banner stores consent in the cookie {options.cookie!r}, which "
                    f"policy {chosen!r} does not list in its cookies; add it there")
    return chosen


def settings(state: PassState) -> dict[str, Any] | None:
    """The banner's settings in the pass's language, from the consent policy's revision shown;
    made once per language (only the notice's relative URL differs between pages)."""
    build = state.build
    if build.consent_policy is None:
        return None
    if state.banner is None:
        policy = build.site.policies[build.consent_policy]
        state.banner = banner_config(build, state.language, build.routes.stable(policy, state.language),
                                     build.options.consent.endpoint)
    return state.banner


def banner_config(build: BuildState, language: str, notice: str, endpoint: str | None) -> dict[str, Any]:
    """The banner's settings in a language, from the consent policy's revision shown, with the
    notice's and the endpoint's URLs as given."""
    assert build.consent_policy is not None
    options = build.options.consent
    policy = build.site.policies[build.consent_policy]
    return consent.config(
        policy.id, build.shown(policy), language, strings(language), notice=notice, cookie=options.cookie,
        max_age_days=options.max_age_days, endpoint=endpoint, jurisdiction=options.jurisdiction,
        consent_mode=options.consent_mode,
    )


def page_context(state: PassState, page_url: str) -> dict[str, str]:
    """The banner's configuration (as JSON for a `<script>`) and script URL for one page."""
    base = settings(state)
    if base is None:
        return {}
    page_settings = dict(base, notice=relative(str(base["notice"]), page_url))
    return {"consent": script_json(page_settings), "consent_script": relative(SCRIPT, page_url)}


def write_assets(state: PassState) -> None:
    """The banner's files, once per build (in the default language's pass): those of this site,
    and those for other websites where `site_url` makes their absolute URLs possible."""
    files = {uri: source.read_bytes() for uri, source in SCRIPTS.items()}
    if state.build.consent_policy is not None:
        if state.site_url:
            files.update(elsewhere(state.build, state.site_url))
        else:
            log.warning(f"set 'site_url' in mkdocs.yml to use the consent banner on your other websites: the "
                        f"configuration scripts for them ({ELSEWHERE}/<language>.js) need absolute links; "
                        f"until then the banner runs on this site only")
    for uri, content in files.items():
        (state.site_dir / uri).parent.mkdir(parents=True, exist_ok=True)
        (state.site_dir / uri).write_bytes(content)


def elsewhere(build: BuildState, site_url: str) -> dict[str, bytes]:
    """The files for other websites, by site path: the banner's script and stylesheet named by the
    digest their integrity attribute gives, and per language the configuration script that names
    them, with the notice's and the endpoint's URLs absolute (on this site). (Their names changed
    with integrity: a banner cached for a year as fetched without CORS fails a request with CORS.)"""
    versioned = {f"{ELSEWHERE}/banner.{hashlib.sha384(content).hexdigest()[:10]}.{kind}": content
                 for kind, content in (("js", SCRIPTS[SCRIPT].read_bytes()), ("css", STYLESHEET.read_bytes()))}
    script, style = (consent.linked(urljoin(site_url, uri), content) for uri, content in versioned.items())
    assert build.consent_policy is not None
    policy = build.site.policies[build.consent_policy]
    endpoint = build.options.consent.endpoint
    files = dict(versioned)
    for language in build.languages:
        settings = banner_config(build, language, urljoin(site_url, build.routes.stable(policy, language).removeprefix("./")),
                                 urljoin(site_url, endpoint) if endpoint else None)
        files[f"{ELSEWHERE}/{language}.js"] = consent.loader(settings, script, style).encode()
    return files
