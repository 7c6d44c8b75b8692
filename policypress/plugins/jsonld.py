"""JSON-LD (DPV + schema.org): inside every policy page, `processing.jsonld` per language with
everything processed today, and the context file both point to."""

from __future__ import annotations

import json
from pathlib import Path

from ..core import jsonld
from ..core.htmljson import script_json
from .pages import PolicyPage
from .state import BuildState

CONTEXT = "assets/policypress/context.jsonld"


def page_script(page: PolicyPage) -> str:
    """The `<script type="application/ld+json">` content of a policy page; a page of an earlier
    version describes that version."""
    build, policy, revision = page.build, page.policy, page.revision
    routes, timeline = build.routes, build.timelines[policy.id]
    urls = jsonld.PageUrls(
        page=routes.absolute(page.url_in(page.language)),
        translations={lang: routes.absolute(page.url_in(lang)) for lang in build.languages},
        revision=routes.absolute(routes.revision(policy, revision, build.default_language)),
        site=routes.absolute(routes.home(build.default_language)),
    )
    first = timeline.public[0].published if page.stable and timeline.public else revision.published
    document = jsonld.page_document(
        build.site.info, policy, revision, page.language, build.default_language, urls,
        published=first.isoformat() if first else None,
        modified=revision.published.isoformat() if revision.published else None,
    )
    return script_json(document)


def write_processing(build: BuildState, site_dir: Path, language: str) -> None:
    """`processing.jsonld`: everything processed today, in this language."""
    routes = build.routes
    described = [
        (revision, routes.absolute(routes.stable(policy, language)),
         routes.absolute(routes.revision(policy, revision, build.default_language)))
        for policy in build.site.policies.values()
        if (revision := build.timelines[policy.id].in_force) is not None
    ]
    document = jsonld.processing_document(build.site.info, described, language,
                                          routes.absolute(routes.home(build.default_language)),
                                          routes.absolute(CONTEXT))
    target = site_dir / routes.processing(language)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def write_context(site_dir: Path) -> None:
    (site_dir / CONTEXT).parent.mkdir(parents=True, exist_ok=True)
    (site_dir / CONTEXT).write_bytes(jsonld.CONTEXT_FILE.read_bytes())
