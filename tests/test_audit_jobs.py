"""`policypress audit --jobs N` (issue 19 §6): each state's pages shared among N browser contexts,
with what is reported the same as with one: the fixture main website of test_audit audited with
--jobs 1 and --jobs 3 gives the same pages, problems, findings and observations in every state."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest

from conftest import ROOT, Server, run_cli
from policypress.audit import crawl
from test_audit import AUDIT_SITE, main_site, third_party  # noqa: F401 - the fixture servers, shared

# Fields that depend on the moment a cookie was read, not on what the site did.
MOMENTS = ("expires", "seen_at", "lifetime_days")


@pytest.fixture
def contexts(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many browser contexts the audits open."""
    opened: list[int] = []
    real = crawl.new_profile

    @asynccontextmanager
    async def counted(*args: Any, **kwargs: Any) -> AsyncIterator[crawl.Visitor]:
        opened.append(1)
        async with real(*args, **kwargs) as visitor:
            yield visitor

    monkeypatch.setattr(crawl, "new_profile", counted)
    return opened


def audited(server: Server, *args: str) -> dict[str, Any]:
    result = run_cli(["audit", server.url + "/", "--config", str(AUDIT_SITE / "consent.json"), "--wait", "0.2",
                      "--json", *args], ROOT)
    assert result.returncode == 1, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def normalised(data: dict[str, Any]) -> dict[str, Any]:
    """What the audit found and saw, each list sorted, without the moments of reading or the
    time taken. A lifetime is kept to the day."""
    def rows(items: list[dict[str, Any]]) -> list[str]:
        return sorted(json.dumps(item, sort_keys=True) for item in items)

    def cookie(item: dict[str, Any]) -> dict[str, Any]:
        days = item["lifetime_days"]
        return {**{k: v for k, v in item.items() if k not in MOMENTS}, "days": None if days is None else round(days)}

    states = {name: {"note": record["note"], "cookies": rows([cookie(c) for c in record["cookies"]]),
                     "storage": rows(record["storage"]), "requests": rows(record["requests"])}
              for name, record in data["states"].items()}
    return {"pages": sorted(data["pages"]), "problems": rows(data["problems"]), "findings": rows(data["findings"]),
            "states": states, "summary": data["summary"], "consent_manager": data["consent_manager"]}


@pytest.mark.browser
@pytest.mark.parametrize("limit", [[], ["--max-pages", "4"]], ids=["every page", "max-pages 4"])
def test_three_jobs_report_what_one_does(main_site: Server, contexts: list[int], limit: list[str]) -> None:  # noqa: F811
    one = audited(main_site, "--jobs", "1", *limit)
    assert len(contexts) == 3  # before any choice, reject, accept: one context each
    three = audited(main_site, "--jobs", "3", *limit)
    assert len(contexts) > 3 + 3  # more than one context in some state
    assert normalised(three) == normalised(one)
    # The fixture's own defects, whatever the jobs: the comparison is not of two empty audits.
    kinds = {(f["kind"], f["name"]) for f in three["findings"]}
    paths = [page.removeprefix(main_site.url) for page in three["pages"]]
    if not limit:
        assert {("survives-withdrawal", "recent"), ("before-consent", "trk_uid"), ("lifetime", "layout")} <= kinds
        assert len(paths) == 7
    else:
        # The first four in the crawl's order (the banner's link to its notice comes before the menu's).
        assert paths == ["/", "/about.html", "/shop.html", "/recipes.html"]


@pytest.mark.parametrize("value", ["0", "17", "two"])
def test_jobs_out_of_range_is_a_usage_error(contexts: list[int], value: str) -> None:
    result = run_cli(["audit", "http://127.0.0.1:1/", "--jobs", value, "--config", str(AUDIT_SITE / "consent.json")], ROOT)
    assert result.returncode == 2 and contexts == []
    expected = "invalid int value: 'two'" if value == "two" else f"expected a whole number from 1 to 16, found '{value}'"
    assert result.stderr.splitlines()[-1] == f"policypress audit: error: argument --jobs: {expected}"
