"""`sitemap.xml` (and `.gz`): every page built in every language, with its hreflang alternates and
the date it last changed. Pages are recorded as they are rendered and written once every
language is built."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import urljoin

from ..core import sitemap
from ..core.sourcedate import committed
from .pages import changed_on
from .placeholders import PLACEHOLDER_RE
from .state import BuildState


def shows_policies(markdown: str) -> bool:
    """Whether a page's Markdown lists the policies (its content then changes with theirs)."""
    return any(match["kind"] == "policies" for match in PLACEHOLDER_RE.finditer(markdown))


def landing_date(build: BuildState, source: Path | None, markdown: str) -> dt.date | None:
    """When a page of the site's own (a landing page) last changed: the last commit of its source
    and, if it lists the policies (`<!-- policies -->`), the last day one of them changed; never
    the build date. None if neither is known (a source outside git, without the list): the
    sitemap then gives no date rather than a wrong one."""
    days = [changed_on(build, list(build.site.policies.values())) if shows_policies(markdown) else None,
            committed(source) if source is not None else None]
    known = [day for day in days if day is not None]
    return max(known) if known else None


def record(build: BuildState, site_url: str, page_url: str, lastmod: dt.date | None,
           alternates: list[dict[str, str]]) -> None:
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
