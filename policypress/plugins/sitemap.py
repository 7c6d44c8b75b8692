"""`sitemap.xml` (and `.gz`): every page built in every language, with its hreflang alternates and
the date it last changed. Pages are recorded as they are rendered and written once every
language is built."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import urljoin

from ..core import sitemap
from .state import BuildState


def record(build: BuildState, site_url: str, page_url: str, lastmod: dt.date, alternates: list[dict[str, str]]) -> None:
    build.sitemap.append(sitemap.Entry(
        loc=urljoin(site_url, page_url.removeprefix("./")),
        lastmod=lastmod,
        alternates=[(a["hreflang"], a["href"]) for a in alternates],
    ))


def write(build: BuildState, site_dir: Path) -> None:
    document = sitemap.sitemap(build.sitemap)
    (site_dir / "sitemap.xml").write_bytes(document)
    (site_dir / "sitemap.xml.gz").write_bytes(sitemap.gzipped(document))


def write_robots(site_dir: Path, site_url: str) -> None:
    """`robots.txt` that points crawlers at the sitemap; a robots.txt of the site's own (from
    docs/) is kept as it is."""
    target = site_dir / "robots.txt"
    if not target.exists():
        target.write_text(f"User-agent: *\nAllow: /\n\nSitemap: {urljoin(site_url, 'sitemap.xml')}\n", encoding="utf-8")
