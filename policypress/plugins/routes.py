"""Where every policy page lives, in every language, as site-relative URLs.

One place computes them, following mkdocs-static-i18n's suffix structure with directory URLs:
the default language at the site root, others under `<language>/`. A page path is a source
path without `.md` and without a trailing `index`: `privacy/index.sv.md` -> `privacy/`,
`privacy/1.0.sv.md` -> `privacy/1.0/`. Every URL derives from the file the model was read
from (`RevisionText.path`), so a page is where its source is.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import SplitResult, urljoin, urlsplit

from mkdocs.utils import get_relative_url

from ..core.load import language_of
from ..core.model import Policy, Revision, Site

FEEDS = {"atom": "changes.atom", "json": "changes.json", "major": "major-changes.atom"}


@dataclass(frozen=True)
class Routes:
    site: Site
    docs_dir: Path
    site_url: str | None
    # Source file -> page path, computed once: every page links to every revision.
    _pages: dict[Path, str] = field(default_factory=dict, compare=False, repr=False)

    def prefix(self, language: str) -> str:
        return "" if language == self.site.default_language else f"{language}/"

    def _page(self, path: str, language: str) -> str:
        path = path.strip("/")
        return f"{self.prefix(language)}{path}/" if path else (self.prefix(language) or "./")

    def source_page(self, source: Path) -> str:
        """The page path of a source file: `privacy/1.0.sv.md` -> `privacy/1.0`."""
        page = self._pages.get(source)
        if page is None:
            relative = PurePosixPath(source.relative_to(self.docs_dir).as_posix())
            _, stem = language_of(relative, self.site.languages, self.site.default_language)
            path = stem.with_suffix("")
            page = self._pages[source] = str(path.parent) if path.name in ("index", "README") else str(path)
        return page

    def living_page(self, living: Path, language: str) -> str:
        """The stable URL of a policy's living file (for a policy the model could not read)."""
        return self._page(self.source_page(living), language)

    def stable(self, policy: Policy, language: str) -> str:
        return self._page(self.source_page(policy.paths[language]), language)

    def revision(self, policy: Policy, revision: Revision, language: str) -> str:
        path = revision.texts[language].path
        if path is None or not revision.is_released:
            return self.stable(policy, language)  # the living text (a draft) is shown at the stable URL
        return self._page(self.source_page(path), language)

    def diff(self, policy: Policy, revision: Revision, language: str) -> str:
        return self.revision(policy, revision, language) + "changes/"

    def whole_change(self, policy: Policy, revision: Revision, base: Revision, language: str) -> str:
        """A revision compared with an earlier one than the one before it: `privacy/3.1/changes/from-2.0/`."""
        return self.diff(policy, revision, language) + f"from-{base.version}/"

    def changelog(self, policy: Policy, language: str) -> str:
        return self.stable(policy, language).removesuffix("./") + "changelog/"

    def site_changelog(self, language: str) -> str:
        return f"{self.prefix(language)}changelog/"

    def feed(self, kind: str, language: str) -> str:
        return f"{self.prefix(language)}{FEEDS[kind]}"

    def processing(self, language: str) -> str:
        return f"{self.prefix(language)}processing.jsonld"

    def home(self, language: str) -> str:
        return self._page("", language)

    def absolute(self, url: str) -> str:
        """An absolute URL; only called where `site_url` is set (feeds, JSON-LD, sitemap)."""
        return urljoin(self.site_url or "", url.removeprefix("./"))

    def generated_source(self, url: str, language: str) -> str:
        """A language-neutral src_uri for a generated page, so Markdown links to it resolve in
        every language the way mkdocs-static-i18n resolves links to translated pages."""
        path = url.removeprefix(self.prefix(language)).strip("/")
        return f"{path}.md" if path else "index.md"


def relative(target: str, page_url: str) -> str:
    """A site-relative URL as seen from a page. A page served at any path (404.html) is given as
    the site's root path ("/", "/policies/") and gets root-relative URLs."""
    if page_url.startswith("/"):
        return page_url + target.removeprefix("./")
    return get_relative_url(target, page_url) or "./"


def rebase(from_page: str, to_page: str):
    """A rewriter for links found on page `from_page` so they work on page `to_page`."""

    def rewrite(url: str) -> str:
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or url.startswith(("/", "mailto:", "tel:")):
            return url
        # Resolve against the page it came from (a bare '#x' means that page), then re-relativise.
        resolved = urlsplit(urljoin(f"http://site/{from_page.removeprefix('./')}", url))
        target = relative(resolved.path.lstrip("/") or "./", to_page)
        return SplitResult("", "", target, resolved.query, resolved.fragment).geturl()

    return rewrite


def page_path(url: str) -> str:
    """`privacy/1.1/changes/` -> `privacy/1.1/changes/index.html`."""
    return posixpath.join(url.removeprefix("./"), "index.html")
