"""The plugin's state, by lifetime.

mkdocs-static-i18n builds the default language and then, from inside that build's
`on_post_build`, builds every other language again. So there are three lifetimes:

- the process (`mkdocs serve` keeps the plugin across rebuilds): held by the plugin itself;
- one build of every language: `BuildState`, made in the default language's pass;
- one language's pass: `PassState`, made in each pass's `on_pre_build`.

Each is made whole where its lifetime starts, so nothing is reset field by field.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from abc import ABC, abstractmethod
from typing import Literal

from jinja2 import Environment
from mkdocs.exceptions import PluginError

from ..core import sitemap
from ..core.model import Policy, Revision, Site
from ..core.problems import Problem
from ..core.timeline import Timeline
from .config import PolicyConfig
from .routes import Routes

Command = Literal["build", "gh-deploy", "serve"]


@dataclass
class BuildState:
    """One build, every language: the model and what the passes add up for the end."""

    command: Command
    options: PolicyConfig
    site: Site
    today: dt.date
    routes: Routes
    timelines: dict[str, Timeline]
    # Material's bundle with the sitemap prefetch narrowed: (site URI, content), if it applied.
    bundle: tuple[str, str] | None
    # The policy whose consent purposes the banner offers, if any.
    consent_policy: str | None
    # While previewing: the problems that would stop a build, by the file (as shown) they concern.
    problems: dict[str, list[Problem]] = field(default_factory=dict)
    # While previewing: policies left out for their problems (id -> living file per language) and
    # their released files, so that those are not taken for pages of the site's own.
    set_aside: dict[str, dict[str, Path]] = field(default_factory=dict)
    set_aside_revisions: frozenset[Path] = frozenset()
    # Added to by every pass, written once all languages are built.
    sitemap: list[sitemap.Entry] = field(default_factory=list)
    theme_pages: dict[str, str] = field(default_factory=dict)  # 404.html etc. of the default language
    navs: dict[tuple[str, ...], str] = field(default_factory=dict)  # navigation shared by pages outside it
    # Register tables as rendered, by language and rows: revisions that keep their register, and the
    # stable page beside its revision's own, show the same tables, made once for every language's pass.
    tables: dict[tuple[str, str], str] = field(default_factory=dict)
    merged_search: bool = False  # a page could not be pointed at its language's search index
    passes_open: int = 0  # language passes started and not yet finished (they nest)

    @property
    def languages(self) -> tuple[str, ...]:
        return self.site.languages

    @property
    def default_language(self) -> str:
        return self.site.default_language

    def shown(self, policy: Policy) -> Revision:
        """The revision on a policy's stable page: in force, or (while previewing) the draft."""
        if self.command == "serve" and (policy.draft is not None or policy.edited):
            return policy.living
        return self.timelines[policy.id].shown


class RenderedRevisions:
    """The HTML of the revision pages of one pass, which their diffs compare.

    MkDocs converts the Markdown of every page before it renders any template, in the order of
    the files, and policypress appends its generated pages after the sources (`on_files`): a
    revision's HTML is therefore here before the diff page that reads it is converted."""

    def __init__(self) -> None:
        self._html: dict[tuple[str, str], tuple[str, str]] = {}

    def add(self, policy: Policy, revision: Revision, url: str, html: str) -> None:
        self._html[(policy.id, str(revision.version))] = (url, html)

    def get(self, policy: Policy, revision: Revision) -> tuple[str, str]:
        """(page URL, HTML) of a revision converted earlier in this pass."""
        try:
            return self._html[(policy.id, str(revision.version))]
        except KeyError:
            raise PluginError(f"policypress: the diff of {policy.id} needs revision {revision.version}, which was not "
                              f"converted before it; a plugin that reorders files must keep policypress's pages last") from None


@dataclass(frozen=True)
class GeneratedPage(ABC):
    """A page policypress adds to the site, in one language (pages.py has the kinds); a pass
    keeps those it added by their source URI."""

    language: str

    @abstractmethod
    def url_in(self, routes: Routes, language: str) -> str:
        """Where this page is in `language` (its translations are the same page there)."""

    @abstractmethod
    def title(self) -> str:
        """Its title, in its language."""

    @abstractmethod
    def render(self, state: PassState, page_url: str) -> str:
        """Its body HTML."""

    @abstractmethod
    def last_change(self, build: BuildState) -> dt.date:
        """When what it shows last changed (the sitemap's lastmod)."""


@dataclass
class PassState:
    """One language's pass of a build."""

    build: BuildState
    language: str
    env: Environment
    site_url: str | None
    site_dir: Path
    pages: dict[str, GeneratedPage] = field(default_factory=dict)  # src_uri -> page policypress adds
    rendered: RenderedRevisions = field(default_factory=RenderedRevisions)
    banner: dict[str, object] | None = None  # the banner's settings in this language (made once)
