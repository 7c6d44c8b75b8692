"""The site the consent tests run against: the example site plus a page whose embeds come from
a second server on another port. That server plays the third party: it serves a tracking script
and an embedded video, and counts every request it gets.

The fixtures are imported by test_consent.py and test_consent_ui.py.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from urllib.parse import unquote

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from conftest import ROOT, Server, copy_example, in_force

THIRD_PARTY_JS = """window.trackerRuns = (window.trackerRuns || 0) + 1;
document.cookie = "bs_id=tracked; Path=/"; document.cookie = "bs_ses=1; Path=/";"""
EMBEDS = """---
title: {title}
---

Text before the embeds.

<script type="text/plain" data-category="statistics" src="{third}/tracker.js"></script>
<script type="text/plain" data-category="statistics">window.inlineRuns = (window.inlineRuns || 0) + 1;</script>
<iframe data-category="video" data-src="{third}/video.html" title="Video"></iframe>
"""


@pytest.fixture(scope="module")
def third_party(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("third-party")
    (folder / "tracker.js").write_text(THIRD_PARTY_JS)
    (folder / "video.html").write_text("<!doctype html><title>Video</title><p>Video")
    # No caching: every load the browser makes reaches the server and is counted.
    with Server(folder, headers={"Cache-Control": "no-store"}) as server:
        yield server


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, third_party: Server) -> Iterator[Server]:
    """The example site plus a page with blocked embeds from the third party, and a consent log."""
    example = copy_example(tmp_path_factory.mktemp("consent-site"))
    root = example.root
    config = (ROOT / "mkdocs.yml").read_text()
    config = config.replace("  - cookies/index.md\n", "  - cookies/index.md\n  - embeds.md\n")
    config = config.replace("      privacy_policy: privacy\n", "      privacy_policy: privacy\n      consent:\n        endpoint: /consent-log\n")
    (root / "mkdocs.yml").write_text(config)
    (root / "docs/embeds.sv.md").write_text(EMBEDS.format(title="Inbäddat", third=third_party.url))
    (root / "docs/embeds.en.md").write_text(EMBEDS.format(title="Embeds", third=third_party.url))
    build = example.build()
    assert build.returncode == 0, build.output
    with Server(build.site) as server:
        yield server


@pytest.fixture
def fresh(browser: Browser, third_party: Server) -> Iterator[BrowserContext]:
    """A new visitor: no cookies, no storage; the third party's count starts at zero."""
    third_party.requests.clear()
    context = browser.new_context()
    yield context
    context.close()


@pytest.fixture
def visitor(fresh: BrowserContext) -> Page:
    page = fresh.new_page()
    page.errors = []  # type: ignore[attr-defined]
    page.on("pageerror", lambda error: page.errors.append(str(error)))  # type: ignore[attr-defined]
    return page


def banner(page: Page, language: str = "sv"):
    return page.get_by_role("region", name="Vi använder kakor" if language == "sv" else "We use cookies")


def consent_cookie(context: BrowserContext) -> dict | None:
    cookie = next((c for c in context.cookies() if c["name"] == "pp_consent"), None)
    if cookie is None:
        return None
    return {**cookie, "record": json.loads(unquote(cookie["value"]))}


def cookie_register():
    return in_force("cookies").register
