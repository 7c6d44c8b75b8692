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
from typing import Literal

from .model import Policy, Revision

State = Literal["superseded", "current", "upcoming", "draft"]


def build_date(environ: dict[str, str] | None = None) -> dt.date:
    """The day the site describes: SOURCE_DATE_EPOCH (UTC) if set, else today."""
    epoch = (environ if environ is not None else os.environ).get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
    return dt.date.today()


@dataclass(frozen=True)
class Timeline:
    policy: Policy
    today: dt.date

    @property
    def public(self) -> tuple[Revision, ...]:
        """Released revisions whose publication date has come, oldest first."""
        return tuple(r for r in self.policy.revisions if r.published is not None and r.published <= self.today)

    @property
    def in_force(self) -> Revision | None:
        effective = [r for r in self.public if r.effective <= self.today]
        return effective[-1] if effective else None

    @property
    def upcoming(self) -> tuple[Revision, ...]:
        return tuple(r for r in self.public if r.effective > self.today)

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
        return "current" if revision == self.in_force else "superseded"

    def previous(self, revision: Revision) -> Revision | None:
        public = self.public
        index = public.index(revision) if revision in public else len(public)
        return public[index - 1] if index > 0 else None

    def next(self, revision: Revision) -> Revision | None:
        public = self.public
        if revision not in public:
            return None
        index = public.index(revision)
        return public[index + 1] if index + 1 < len(public) else None

    def until(self, revision: Revision) -> dt.date | None:
        """The last day a revision is (or was, or will be) in force, if a successor is known."""
        successor = self.next(revision)
        return successor.effective - dt.timedelta(days=1) if successor else None
