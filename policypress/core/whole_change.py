"""Which earlier revisions a revision is compared with besides the one just before it.

A reader hears of a revision while another one is in force. When several are announced at once
(3.0 from January and 3.1 from February, while 2.0 is in force), the diff of the latest compares
it with the one before (3.0), which the reader has never been under: what changes for them is
everything from 2.0 to 3.1. So a revision is also compared with every revision that was in force
at some time while it was announced, other than the one just before it. The answer depends only
on days that have passed, so a comparison once published keeps its address.
"""

from __future__ import annotations

import datetime as dt

from .model import Revision
from .timeline import Timeline


def whole_change_bases(timeline: Timeline, revision: Revision) -> tuple[Revision, ...]:
    """The public revisions, oldest first, that were in force while `revision` was announced
    (from its publication until it took effect, or until today), except the one just before it."""
    position = timeline.position(revision)
    if position is None or position < 2 or revision.published is None:
        return ()
    # The announcement's days on which the revision in force may have changed: its first, and
    # every day another revision took effect (none after today: they have not happened yet).
    end = min(revision.effective, timeline.today + dt.timedelta(days=1))
    days = {revision.published} | {r.effective for r in timeline.public if revision.published < r.effective < end}
    in_force = (Timeline(timeline.policy, day).in_force for day in days if day < end)
    versions = {r.version for r in in_force if r is not None}
    return tuple(r for r in timeline.public[:position - 1] if r.version in versions)
