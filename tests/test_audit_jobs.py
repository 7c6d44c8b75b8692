"""`policypress audit --jobs N` (issue 19 §6): each state's pages shared among N browser contexts,
with what is reported the same as with one: the fixture main website of test_audit audited with
--jobs 1 and --jobs 3 gives the same pages, problems, findings and observations in every state.

And what made the audit fast stays safe: Chromium's popup blocker refuses windows, and while the
audit itself gives a page user activation (clicking the banner, evaluating in a frame), the route
that stops every request of a window is on."""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from conftest import CHROMIUM, ROOT, Server, run_cli
from policypress.audit import crawl
from test_audit import ASSETS, AUDIT_SITE, main_site, third_party  # noqa: F401 - the fixture servers, shared

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


# A page that asks for a window as it loads (Chromium's popup blocker refuses it), and again as
# soon as it has user activation: the audit gives it that when it clicks the banner's buttons, or
# evaluates through Playwright in a frame of another site.
EAGER = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Eager</title><link rel="stylesheet" href="/consent.min.css"></head>
<body><h1>Eager</h1>FRAME
<script>
window.open("POPUPS/at-load.html");
const watch = setInterval(() => {
  if (navigator.userActivation.isActive) { clearInterval(watch); window.open("POPUPS/activated.html"); }
}, 10);
</script>
<script type="application/json" id="policypress-consent">CONSENT</script>
<script src="/consent.min.js"></script></body></html>
"""


@pytest.fixture
def eager(tmp_path: Path) -> Iterator[tuple[Server, Server]]:
    """The page at / (its frame at /framed.html) and the server its windows would ask."""
    with ExitStack() as stack:
        for folder in ("popups", "frame", "site"):
            (tmp_path / folder).mkdir()
        popups = stack.enter_context(Server(tmp_path / "popups"))
        (tmp_path / "frame" / "frame.html").write_text("<p>a frame of another site</p>", encoding="utf-8")
        frame = stack.enter_context(Server(tmp_path / "frame"))
        site = tmp_path / "site"
        page = EAGER.replace("POPUPS", popups.url).replace("CONSENT", (AUDIT_SITE / "consent.json").read_text(encoding="utf-8"))
        (site / "index.html").write_text(page.replace("FRAME", ""), encoding="utf-8")
        iframe = f'<iframe src="{frame.url.replace("127.0.0.1", "localhost")}/frame.html"></iframe>'
        (site / "framed.html").write_text(page.replace("FRAME", iframe), encoding="utf-8")
        for name in ("consent.min.js", "consent.min.css"):
            shutil.copy(ASSETS / name, site / name)
        yield stack.enter_context(Server(site)), popups


@pytest.mark.browser
def test_windows_asked_for_while_the_banner_is_clicked_send_nothing(eager: tuple[Server, Server]) -> None:
    server, popups = eager
    result = run_cli(["audit", server.url + "/", "--config", str(AUDIT_SITE / "consent.json"), "--wait", "0.5",
                      "--max-pages", "1", "--json"], ROOT)
    assert result.stdout, result.stderr
    data = json.loads(result.stdout)
    assert [(p["url"], p["reason"]) for p in data["problems"]] == [
        (server.url + "/", f"opened a window for {popups.url}/{name}.html; stopped") for name in ("at-load", "activated")]
    assert all(record["note"] is None for record in data["states"].values())  # every state audited
    assert popups.requests == []


@pytest.mark.browser
def test_windows_asked_for_after_a_frame_is_read_send_nothing(eager: tuple[Server, Server]) -> None:
    server, popups = eager

    async def visited() -> list[tuple[str, str]]:
        from playwright.async_api import async_playwright

        async with async_playwright() as playwright:
            plan = crawl.Plan((server.url + "/framed.html",), timeout=10, wait=0, chromium=CHROMIUM)
            async with crawl.fresh_profile(playwright, plan) as visitor:
                assert await visitor.visit(plan.urls[0]) == plan.urls[0]
                await visitor.record(plan.urls[0])
                await visitor.page.wait_for_timeout(500)  # the page's time to use its activation
                return [(p.url, p.reason) for p in visitor.problems]

    assert asyncio.run(visited()) == [
        (server.url + "/framed.html", f"opened a window for {popups.url}/{name}.html; stopped")
        for name in ("at-load", "activated")]
    assert popups.requests == []
