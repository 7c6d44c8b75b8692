"""`summary.json` next to `processing.jsonld`: the short layer of every policy in force, in each
language, for apps and assistants that show a policy in brief."""

from __future__ import annotations

import json
from pathlib import Path

from ..core.summary import summary
from .context import info_in
from .state import BuildState


def write(build: BuildState, site_dir: Path, language: str) -> None:
    routes, info = build.routes, info_in(build, language)
    policies = [
        {"url": routes.absolute(routes.stable(policy, language)), **summary(info, revision, language)}
        for policy in build.site.policies.values()
        if (revision := build.timelines[policy.id].in_force) is not None and revision.register.processing
    ]
    target = site_dir / routes.prefix(language) / "summary.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps({"language": language, "policies": policies}, ensure_ascii=False, indent=2) + "\n",
                      encoding="utf-8")
