"""Editors in `mkdocs serve` (issue 13): a draft's "see what changes" link leads to its comparison
with the latest release, in every language."""

from __future__ import annotations

import urllib.request

from bs4 import BeautifulSoup

from conftest import FixtureSite
from test_integrity_modes import serving


def draft_2_2(site: FixtureSite) -> None:
    """A new version of the minimal policy, not released: one purpose renamed."""
    for path, summary in (("privacy/index.sv.md", "Beställningar heter nu köp."), ("privacy/index.en.md", "Orders are now purchases.")):
        site.replace(path, 'version: "2.1"', 'version: "2.2"')
        site.replace(path, site.read(path).split("summary: ", 1)[1].split("\n", 1)[0], summary)
    site.replace("privacy/index.sv.md", "    name: Beställningar\n", "    name: Köp\n")
    site.replace("privacy/index.en.md", "    name: Orders\n", "    name: Purchases\n")


def fetch(url: str) -> BeautifulSoup:
    return BeautifulSoup(urllib.request.urlopen(url, timeout=10).read(), "html.parser")


def test_a_draft_can_be_compared_with_the_latest_release_while_previewing(minimal: FixtureSite) -> None:
    draft_2_2(minimal)
    with serving(minimal) as url:
        for prefix, new, old in (("", "Köp", "Beställningar"), ("en/", "Purchases", "Orders")):
            page = fetch(f"{url}{prefix}privacy/")
            assert page.select_one('[data-pp-state="draft"]') is not None
            link = page.select_one(".pp-revision__summary a")
            assert link is not None and link["href"] == "changes/"
            diff = fetch(f"{url}{prefix}privacy/changes/")
            inserted = {ins.get_text() for ins in diff.select("ins")}
            deleted = {d.get_text() for d in diff.select("del")}
            assert any(new in text for text in inserted) and any(old in text for text in deleted), (inserted, deleted)
            assert "2.2" in diff.title.get_text()
