"""`policypress release <policy>`: freeze the living text of a policy, in every language.

A release is refused, with every reason at once and nothing written, when the policy has any
problem (languages disagree, a field is missing, an archive was edited, the text changed without
a new version), when its version is already released, when a summary was not updated, or when
dates would not increase.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from . import archive
from .load import LoadResult
from .model import Policy
from .problems import PolicyError, Problem, display_path

# Large services announce major changes this long before they take effect.
NOTICE_PERIOD = dt.timedelta(days=30)


@dataclass
class Release:
    policy: Policy
    published: dt.date
    files: list[tuple[Path, str]]  # (archive file, sealed text)
    notices: list[str] = field(default_factory=list)


def plan_release(result: LoadResult, policy_id: str, published: dt.date, root: Path) -> Release:
    """What releasing `policy_id` today would write; raises PolicyError instead if it must not."""
    if policy_id not in result.site.policies:
        problems = result.by_policy.get(policy_id)
        if problems:
            raise PolicyError(problems)
        known = ", ".join(sorted(set(result.site.policies) | set(result.by_policy))) or "none"
        raise PolicyError([Problem("release", None, "", f"expected the id of a policy ({known}), found {policy_id!r}")])

    if result.by_policy.get(policy_id):
        # Valid but incomplete (GDPR Art. 13): not fit to publish either.
        raise PolicyError(result.by_policy[policy_id])
    policy = result.site.policies[policy_id]
    living, latest = policy.living, policy.latest
    default = next(iter(living.texts))
    shown = living.texts[default].source
    problems: list[Problem] = []

    def refuse(field_name: str, message: str, source: str = shown) -> None:
        problems.append(Problem(source, None, field_name, message))

    if latest is not None and living.version == latest.version:
        refuse("version", f"expected a version above \"{latest.version}\", which is already released "
                          f"({latest.texts[default].source}); raise it to release a change")
    elif latest is not None:
        for language, text in living.texts.items():
            if text.summary == latest.texts[language].summary:
                refuse("summary", f"expected a summary of what changed in {living.version}, found the same text "
                                  f"as in {latest.version}", text.source)
        if living.effective <= latest.effective:
            refuse("effective", f"expected a date after {latest.effective} (when {latest.version} took effect), "
                                f"found {living.effective}")
        if latest.published and published < latest.published:
            refuse("", f"expected a release date on or after {latest.published} (when {latest.version} was "
                       f"released), found {published}")
    if living.effective < published:
        refuse("effective", f"expected a date on or after the release date {published}: a revision cannot take "
                            f"effect before it is published; found {living.effective}")
    for language, path in policy.paths.items():
        target = archive.archive_path(path, str(living.version), language)
        if target.exists():
            refuse("", f"expected no released revision {living.version} yet, found {display_path(target, root)}",
                   living.texts[language].source)
    if problems:
        raise PolicyError(problems)

    files = [
        (archive.archive_path(path, str(living.version), language), archive.seal(path.read_text(encoding="utf-8-sig"), published))
        for language, path in policy.paths.items()
    ]
    notices = []
    if living.is_major and living.effective - published < NOTICE_PERIOD and latest is not None:
        days = (living.effective - published).days
        notices.append(f"version {living.version} is a major change that takes effect in {days} days; "
                       f"customers are usually told at least {NOTICE_PERIOD.days} days before")
    return Release(policy, published, files, notices)


def write_release(release: Release) -> None:
    """Write every file or none: all are written to temporary files first, then moved."""
    staged: list[tuple[str, Path]] = []
    moved: list[Path] = []
    try:
        for target, text in release.files:
            handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
            staged.append((temporary, target))
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
                stream.write(text)
        for temporary, target in staged:
            os.replace(temporary, target)
            moved.append(target)
    except BaseException:
        # The targets did not exist before (plan_release checked), so removing them restores the state.
        for target in moved:
            target.unlink(missing_ok=True)
        raise
    finally:
        for temporary, _ in staged:
            if os.path.exists(temporary):
                os.unlink(temporary)
