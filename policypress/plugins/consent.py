"""The consent banner on every page: which policy drives it, its settings in each language, and
its files. It replaces Material's own consent form."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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
from .state import PassState

log = get_plugin_logger(__name__)

ASSETS = Path(__file__).resolve().parent.parent / "assets" / "consent"
# The banner as shipped (built from banner/ by scripts/build_banner.py); its CSS is served
# inside policypress.css.
SCRIPTS = {f"assets/policypress/consent/{name}": ASSETS / name for name in ("consent.min.js", "consent.min.mjs")}
STYLESHEET = ASSETS / "consent.min.css"
SCRIPT = "assets/policypress/consent/consent.min.js"


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
        options = build.options.consent
        policy = build.site.policies[build.consent_policy]
        state.banner = consent.config(
            policy.id, build.shown(policy), state.language, strings(state.language),
            notice=build.routes.stable(policy, state.language), cookie=options.cookie,
            max_age_days=options.max_age_days, endpoint=options.endpoint,
            jurisdiction=options.jurisdiction, consent_mode=options.consent_mode,
        )
    return state.banner


def page_context(state: PassState, page_url: str) -> dict[str, str]:
    """The banner's configuration (as JSON for a `<script>`) and script URL for one page."""
    base = settings(state)
    if base is None:
        return {}
    page_settings = dict(base, notice=relative(str(base["notice"]), page_url))
    return {"consent": script_json(page_settings), "consent_script": relative(SCRIPT, page_url)}


def write_assets(site_dir: Path) -> None:
    for uri, source in SCRIPTS.items():
        (site_dir / uri).parent.mkdir(parents=True, exist_ok=True)
        (site_dir / uri).write_bytes(source.read_bytes())
