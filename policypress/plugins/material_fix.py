"""Two fixes of Material 9's output: its JavaScript's sitemap requests, and invalid attributes.

Stop Material's JavaScript from requesting a `sitemap.xml` next to every alternate link.

Material 9's bundle fetches `sitemap.xml` relative to each `<link rel="alternate">` in the
page head (mkdocs-material#8576). Correct per-page hreflang links (and feed links) point into
sub-folders, so every page load made 404 requests, and, with absolute hreflang URLs, requests
to another origin whenever the site is served from anywhere but its `site_url`. Zensical fixed
this by narrowing the selector; Material 9 is in maintenance, so we ship a copy of its bundle
with the same one-selector change: only alternates marked `data-md-sitemap` are prefetched.

If the bundle no longer contains the selector (another Material version), nothing is patched
and the theme's own bundle is used.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

SELECTOR = '"link[rel=alternate]"'
PATCHED = '"link[rel=alternate][data-md-sitemap]"'


def patched_bundle(theme_dirs: list[str]) -> tuple[str, str] | None:
    """(site URI, content) of the patched bundle, or None if Material's bundle was not found
    or does not contain the selector exactly once."""
    for folder in theme_dirs:
        bundles = sorted(Path(folder).glob("assets/javascripts/bundle.*.min.js"))
        if len(bundles) != 1:
            continue
        text = bundles[0].read_text(encoding="utf-8")
        if text.count(SELECTOR) != 1:
            return None
        # The source map describes the original file, not this one.
        lines = [line for line in text.replace(SELECTOR, PATCHED).splitlines() if not line.startswith("//# sourceMappingURL=")]
        content = "\n".join(lines) + "\n"
        digest = hashlib.sha256(content.encode()).hexdigest()[:8]
        return f"assets/policypress/material-bundle.{digest}.min.js", content
    return None


# Material's base.html (not a template block) puts autocomplete="off" on its two hidden toggle
# checkboxes, which HTML allows only on text-like inputs (the Nu checker's error). It stopped
# Firefox from restoring an open drawer on reload; Material's script closes both toggles on
# load anyway.
TOGGLES = (
    ('type="checkbox" id="__drawer" autocomplete="off">', 'type="checkbox" id="__drawer">'),
    ('type="checkbox" id="__search" autocomplete="off">', 'type="checkbox" id="__search">'),
)


def valid_html(output: str) -> str:
    """A rendered page without the attributes of Material's markup that make it invalid HTML."""
    for old, new in TOGGLES:
        output = output.replace(old, new, 1)
    return output
