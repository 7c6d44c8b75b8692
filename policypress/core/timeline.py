"""Which revisions of a policy are public, in force or announced on a given day.

The day is the build date: `SOURCE_DATE_EPOCH` when set (reproducible builds and tests),
otherwise today. A revision is public from its `published` date; it is in force from its
`effective` date until the next public revision takes effect. A public revision that takes
effect later is *announced*: readers see it, its diff and a notice, while the stable URL keeps
showing the revision in force.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from .model import Policy, Revision
from .problems import PolicyError, Problem

State = Literal["superseded", "current", "upcoming", "draft"]


def build_date(environ: dict[str, str] | None = None) -> dt.date:
    """The day the site describes: SOURCE_DATE_EPOCH (UTC) if set, else today."""
    epoch = (environ if environ is not None else os.environ).get("SOURCE_DATE_EPOCH")
    if not epoch:
        return dt.date.today()
    try:
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
    except (ValueError, OverflowError, OSError):
        raise PolicyError([Problem("SOURCE_DATE_EPOCH", None, "", "expected the build date as whole seconds since "
                                   f"1970-01-01 UTC (such as 1767225600), found {epoch!r}")]) from None


@dataclass(frozen=True)
class Timeline:
    policy: Policy
    today: dt.date

    # Computed once: every page lists every revision, so these are asked for R times per page.
    @cached_property
    def public(self) -> tuple[Revision, ...]:
        """Released revisions whose publication date has come, oldest first."""
        return tuple(r for r in self.policy.revisions if r.published is not None and r.published <= self.today)

    @cached_property
    def in_force(self) -> Revision | None:
        effective = [r for r in self.public if r.effective <= self.today]
        return effective[-1] if effective else None

    @cached_property
    def upcoming(self) -> tuple[Revision, ...]:
        return tuple(r for r in self.public if r.effective > self.today)

    @cached_property
    def _positions(self) -> dict[object, int]:
        return {r.version: index for index, r in enumerate(self.public)}

    def position(self, revision: Revision) -> int | None:
        """Where a revision stands among the public ones, or None (a draft, or not yet published)."""
        index = self._positions.get(revision.version)
        return index if index is not None and (self.public[index] is revision or self.public[index] == revision) else None

    @property
    def shown(self) -> Revision:
        """What the policy's stable URL shows: the revision in force; before any is in force, the
        first announced one; with nothing released, the living text (a draft)."""
        return self.in_force or (self.upcoming[0] if self.upcoming else self.policy.living)

    def state(self, revision: Revision) -> State:
        if not revision.is_released:
            return "draft"
        if revision.effective > self.today:
            return "upcoming"
        in_force = self.in_force
        return "current" if revision is in_force or revision == in_force else "superseded"

    def previous(self, revision: Revision) -> Revision | None:
        index = self.position(revision)
        index = len(self.public) if index is None else index
        return self.public[index - 1] if index > 0 else None

    def next(self, revision: Revision) -> Revision | None:
        index = self.position(revision)
        return self.public[index + 1] if index is not None and index + 1 < len(self.public) else None

    def until(self, revision: Revision) -> dt.date | None:
        """The last day a revision is (or was, or will be) in force, if a successor is known."""
        successor = self.next(revision)
        return successor.effective - dt.timedelta(days=1) if successor else None
