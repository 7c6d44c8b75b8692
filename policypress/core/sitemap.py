"""sitemap.xml listing every page in every language, with its hreflang alternates.

mkdocs-static-i18n's own sitemap knows only the pages it saw in the docs folder; policypress
adds pages of its own (diffs, changelogs), so it writes the sitemap itself from every page
that was built.
"""

from __future__ import annotations

import datetime as dt
import gzip
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML = "http://www.w3.org/1999/xhtml"


@dataclass(frozen=True)
class Entry:
    loc: str  # absolute URL
    lastmod: dt.date | None  # None where the day it changed is not known: the sitemap then says nothing
    alternates: Sequence[tuple[str, str]]  # (hreflang, absolute URL), x-default included


def sitemap(entries: Iterable[Entry]) -> bytes:
    ET.register_namespace("", SITEMAP)
    ET.register_namespace("xhtml", XHTML)
    urlset = ET.Element(f"{{{SITEMAP}}}urlset")
    for entry in sorted(entries, key=lambda e: e.loc):
        url = ET.SubElement(urlset, f"{{{SITEMAP}}}url")
        ET.SubElement(url, f"{{{SITEMAP}}}loc").text = entry.loc
        if entry.lastmod is not None:
            ET.SubElement(url, f"{{{SITEMAP}}}lastmod").text = entry.lastmod.isoformat()
        for hreflang, href in entry.alternates:
            ET.SubElement(url, f"{{{XHTML}}}link", {"rel": "alternate", "hreflang": hreflang, "href": href})
    ET.indent(urlset)
    return ET.tostring(urlset, encoding="utf-8", xml_declaration=True) + b"\n"


def gzipped(data: bytes) -> bytes:
    """Compressed with a fixed timestamp, so the same site gives the same bytes."""
    return gzip.compress(data, compresslevel=9, mtime=0)
