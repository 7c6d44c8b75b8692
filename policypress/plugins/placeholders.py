"""Placeholders any page may use, each on a line of its own:

    <!-- policies -->                  every policy with its version in force and any announced one
    <!-- consent: settings-button -->  a button that opens the cookie settings (hidden without the banner)

Like the register's placeholders they are HTML comments that Markdown passes through, replaced
after conversion; in a code block they are escaped text and stay as written.
"""

from __future__ import annotations

import re
from typing import Any

from ..core.texts import strings
from .context import date_info, dates_locale
from .routes import relative
from .state import PassState

PLACEHOLDER_RE = re.compile(r"^<!--\s*(?P<kind>policies|consent:\s*settings-button)\s*-->[ \t]*$", re.M)
TEMPLATE = "partials/policypress/placeholders.html"


def policies(state: PassState, page_url: str) -> list[dict[str, Any]]:
    """Each policy as the landing page lists it: title, address, version in force, announced ones."""
    build, language = state.build, state.language
    dates = dates_locale(build, language)
    rows = []
    for policy in sorted(build.site.policies.values(), key=lambda p: p.id != build.site.info.privacy_policy):
        timeline = build.timelines[policy.id]
        shown = build.shown(policy)
        rows.append({
            "id": policy.id,
            "title": shown.texts[language].title,
            "url": relative(build.routes.stable(policy, language), page_url),
            "in_force": None if timeline.in_force is None else {
                "version": str(timeline.in_force.version), "effective": date_info(timeline.in_force.effective, dates)},
            "announced": [{"version": str(r.version), "effective": date_info(r.effective, dates),
                           "url": relative(build.routes.revision(policy, r, language), page_url)}
                          for r in timeline.upcoming],
        })
    return rows


def replace(html: str, state: PassState, page_url: str) -> str:
    """The page with its placeholders replaced."""
    if "<!--" not in html:
        return html
    template = state.env.get_template(TEMPLATE)
    t = strings(state.language)
    consent_on = state.build.consent_policy is not None

    def render(match: re.Match[str]) -> str:
        if match["kind"] == "policies":
            return template.render(t=t, kind="policies", rows=policies(state, page_url))
        return template.render(t=t, kind="settings-button") if consent_on else ""

    return PLACEHOLDER_RE.sub(render, html)
