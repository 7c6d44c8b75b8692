"""The real clock (issue 22): a production build sets no SOURCE_DATE_EPOCH and describes the day it
runs on (`date.today()`). Every other test pins the day; here the clock is faked with time-machine,
on each side of the day privacy 3.0 of the example site takes effect (2027-01-01)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import time_machine

from conftest import FixtureSite, copy_example
from policypress.core.timeline import build_date


def noon(day: dt.date) -> dt.datetime:
    """Midday UTC: the same date in every time zone within eleven hours of UTC."""
    return dt.datetime.combine(day, dt.time(12), dt.timezone.utc)


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> FixtureSite:
    return copy_example(tmp_path_factory.mktemp("clock"))


# The day before 3.0 takes effect, and that day: what the stable URL shows, what it announces.
ANNOUNCE_3_0 = "A new version (3.0) takes effect on 1 January 2027."
ANNOUNCE_3_1 = "A new version (3.1) takes effect on 1 February 2027."
DAYS = [(dt.date(2026, 12, 31), "2.0", [ANNOUNCE_3_0, ANNOUNCE_3_1]), (dt.date(2027, 1, 1), "3.0", [ANNOUNCE_3_1])]


@pytest.mark.parametrize(("day", "version", "notices"), DAYS, ids=[str(day) for day, _, _ in DAYS])
def test_a_build_without_source_date_epoch_describes_the_day_it_runs_on(
        example: FixtureSite, tmp_path: Path, day: dt.date, version: str, notices: list[str]) -> None:
    with time_machine.travel(noon(day)):
        build = example.build(today=None, site_dir=tmp_path / "site")
    assert build.returncode == 0, build.output
    for page in ("privacy/index.html", "en/privacy/index.html"):
        assert build.html(page).select_one("[data-pp-version]").get_text() == version, page
    english = build.html("en/privacy/index.html")
    assert [n.select_one(".admonition-title").get_text() for n in english.select(".pp-notice")] == notices


@pytest.mark.parametrize("day", [dt.date(2026, 12, 31), dt.date(2027, 1, 1)], ids=str)
def test_the_build_date_is_today_without_source_date_epoch(day: dt.date) -> None:
    with time_machine.travel(noon(day)):
        assert build_date({}) == day
        assert build_date({"SOURCE_DATE_EPOCH": ""}) == day
