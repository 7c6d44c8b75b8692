"""Where every policy page lives, in every language, as site-relative URLs.

One place computes them, following mkdocs-static-i18n's suffix structure with directory URLs:
the default language at the site root, others under `<language>/`. A page path is a source
path without `.md` and without a trailing `index`: `privacy/index.sv.md` -> `privacy/`,
`privacy/1.0.sv.md` -> `privacy/1.0/`.
"""

from __future__ import annotations

import functools
import posixpath
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import SplitResult, urljoin, urlsplit

from mkdocs.utils import get_relative_url

from ..core.archive import archive_path
from ..core.load import language_of
from ..core.model import Policy, Revision, Site

FEEDS = {"atom": "changes.atom", "json": "changes.json", "major": "major-changes.atom"}


@dataclass(frozen=True)
class Routes:
    site: Site
    docs_dir: Path
    site_url: str | None

    def prefix(self, language: str) -> str:
        return "" if language == self.site.default_language else f"{language}/"

    def _page(self, path: str, language: str) -> str:
        path = path.strip("/")
        return f"{self.prefix(language)}{path}/" if path else (self.prefix(language) or "./")

    def _source_page(self, source: Path) -> str:
        return _page_of(source.relative_to(self.docs_dir).as_posix(), self.site.languages, self.site.default_language)

    def stable(self, policy: Policy, language: str) -> str:
        return self._page(self._source_page(policy.paths[language]), language)

    def revision(self, policy: Policy, revision: Revision, language: str) -> str:
        return self._page(_revision_page(str(policy.paths[language]), str(revision.version), language, str(self.docs_dir),
                                         self.site.languages, self.site.default_language), language)

    def diff(self, policy: Policy, revision: Revision, language: str) -> str:
        return self.revision(policy, revision, language) + "changes/"

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
        assert self.site_url, "absolute URLs need site_url"
        return urljoin(self.site_url, url.removeprefix("./"))


@functools.lru_cache(maxsize=65536)
def _page_of(source: str, languages: tuple[str, ...], default: str) -> str:
    """The page path of a source path (cached: every page links to every revision)."""
    _, stem = language_of(PurePosixPath(source), languages, default)
    path = stem.with_suffix("")
    return str(path.parent) if path.name in ("index", "README") else str(path)


@functools.lru_cache(maxsize=65536)
def _revision_page(living: str, version: str, language: str, docs_dir: str, languages: tuple[str, ...], default: str) -> str:
    source = archive_path(Path(living), version, language)
    return _page_of(source.relative_to(docs_dir).as_posix(), languages, default)


def generated_source(url: str, language: str, routes: Routes) -> str:
    """A language-neutral src_uri for a generated page, so Markdown links to it resolve in every
    language the way mkdocs-static-i18n resolves links to translated pages."""
    path = url.removeprefix(routes.prefix(language)).strip("/")
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
