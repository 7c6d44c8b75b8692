"""Which earlier revisions a revision is compared with as a whole (policypress.core.whole_change):
every one in force while it was announced, other than the one just before it, on the example's
privacy policy and on a history of three versions announced at once."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from conftest import EXAMPLE_DAYS, TODAY
from policypress.core.model import Policy, Site
from policypress.core.timeline import Timeline
from policypress.core.whole_change import whole_change_bases

D = dt.date


def bases(policy: Policy, today: dt.date) -> dict[str, list[str]]:
    timeline = Timeline(policy, today)
    return {str(r.version): [str(b.version) for b in whole_change_bases(timeline, r)] for r in timeline.public}


@pytest.mark.parametrize("today", EXAMPLE_DAYS.values(), ids=EXAMPLE_DAYS.keys())
def test_the_example_compares_3_1_with_2_0_from_its_announcement_on(example_model: Site, today: dt.date) -> None:
    """3.0 and 3.1 were announced while 2.0 was in force: 3.1 is compared with 2.0 as well, and the
    comparison stays after 3.0 and 3.1 take effect (its address keeps working)."""
    assert bases(example_model.policies["privacy"], today) == {"1.0": [], "1.1": [], "2.0": [], "3.0": [], "3.1": ["2.0"]}


def test_before_the_second_announcement_there_is_nothing_to_span(example_model: Site) -> None:
    privacy = example_model.policies["privacy"]
    assert bases(privacy, privacy.revisions[-1].published - dt.timedelta(days=1)) == {
        "1.0": [], "1.1": [], "2.0": [], "3.0": []}


def test_revisions_announced_one_at_a_time_are_compared_with_the_one_before_only(example_model: Site) -> None:
    cookies = example_model.policies["cookies"]
    assert all(not spans for spans in bases(cookies, TODAY).values())


def history(example_model: Site, dates: list[tuple[dt.date, dt.date]]) -> Policy:
    """The example's privacy policy with its revisions published and taking effect on other days."""
    privacy = example_model.policies["privacy"]
    revisions = tuple(dataclasses.replace(r, published=published, effective=effective)
                      for r, (published, effective) in zip(privacy.revisions, dates, strict=True))
    return dataclasses.replace(privacy, revisions=revisions)


def test_every_version_in_force_during_an_announcement_is_a_base(example_model: Site) -> None:
    """1.0 in force; 1.1, 2.0 and 3.0 announced at once, then 3.1 while 1.1 is in force: as each
    takes effect, the later ones gain a comparison with it; none is ever lost."""
    policy = history(example_model, [
        (D(2024, 1, 1), D(2024, 1, 1)),  # 1.0
        (D(2024, 2, 1), D(2024, 3, 1)),  # 1.1
        (D(2024, 2, 1), D(2024, 4, 1)),  # 2.0
        (D(2024, 2, 1), D(2024, 5, 1)),  # 3.0
        (D(2024, 3, 15), D(2024, 6, 1)),  # 3.1, announced while 1.1 is in force
    ])
    assert bases(policy, D(2024, 2, 1)) == {"1.0": [], "1.1": [], "2.0": ["1.0"], "3.0": ["1.0"]}
    assert bases(policy, D(2024, 3, 20)) == {"1.0": [], "1.1": [], "2.0": ["1.0"], "3.0": ["1.0", "1.1"], "3.1": ["1.1"]}
    assert bases(policy, D(2024, 4, 1)) == {"1.0": [], "1.1": [], "2.0": ["1.0"], "3.0": ["1.0", "1.1"], "3.1": ["1.1", "2.0"]}
    # Once 3.1 is in force nothing more is added: the set is that of the announcement.
    assert bases(policy, D(2030, 1, 1)) == bases(policy, D(2024, 6, 1)) == bases(policy, D(2024, 5, 1))


def test_a_revision_that_took_effect_on_publication_spans_nothing(example_model: Site) -> None:
    policy = history(example_model, [(D(2024, 1, 1), D(2024, 1, 1)), (D(2024, 2, 1), D(2024, 2, 1)),
                                          (D(2024, 3, 1), D(2024, 3, 1)), (D(2024, 4, 1), D(2024, 4, 1)),
                                          (D(2024, 5, 1), D(2024, 5, 1))])
    assert all(not spans for spans in bases(policy, D(2025, 1, 1)).values())
