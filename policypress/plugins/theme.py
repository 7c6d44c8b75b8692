"""The theme side: our templates between the site's overrides and Material, compiled once for
every language, the navigation shared by pages outside it, and the static files we add."""

from __future__ import annotations

import hashlib
import importlib.resources
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, pass_context
from jinja2.bccache import Bucket, BytecodeCache
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import normalize_url

from .config import config_problem
from .material_fix import patched_bundle

PACKAGE = Path(__file__).resolve().parent.parent
TEMPLATES = PACKAGE / "templates"
MATERIAL_TEMPLATES = Path(str(importlib.resources.files("material") / "templates"))
STYLESHEET = "assets/policypress/policypress.css"
# Its readable source, and the minified copy sites get (scripts/build_banner.py writes it).
STYLESHEET_SOURCE = PACKAGE / "assets" / "policypress.css"
STYLESHEET_MINIFIED = PACKAGE / "assets" / "policypress.min.css"
# Characters HTML or JavaScript read as more than text: Material writes the site's root path (the
# path of site_url) as it is into attributes and scripts of the pages served at any path (404.html).
UNSAFE_IN_ROOT = re.compile(r"""["'<>&\\`\s\x00-\x1f\x7f]""")
# Material's inline scripts become files of the site named by their content, so that a
# Content-Security-Policy with `script-src 'self'` and no 'unsafe-inline' allows them (README:
# Deploy). The scope of Material's head script (where it keeps settings in localStorage, a path
# relative to each page) is read from the tag's `data-md-scope`, so one file serves every page.
SCRIPT_FILES = "assets/policypress/material-{name}.{digest}.js"
INLINE_SCRIPT = re.compile(r"<script>((?:(?!</script>).)*)</script>", re.S)
SCOPE = 'new URL("{scope}",location)'
OWN_SCOPE = "new URL(document.currentScript.dataset.mdScope,location)"


class MemoryBytecodeCache(BytecodeCache):
    """Compiled templates kept in memory; Jinja checks each against its template's source."""

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


def check_site_url(config: MkDocsConfig) -> None:
    """Refuses a site_url whose path Material would write unescaped into the 404 page."""
    path = urlsplit(config.site_url or "").path
    if found := UNSAFE_IN_ROOT.search(path):
        char = found.group()
        raise PluginError(str(config_problem(
            config.config_file_path, ("site_url",),
            f"expected an address whose path has none of the characters HTML or JavaScript read as more than text "
            f"(quotes, < > & \\ ` and spaces), found {char!r} in {path!r}; write it percent-encoded "
            f"({quote(char, safe='')})")))


def add_templates(config: MkDocsConfig) -> tuple[str, str] | None:
    """Put our templates and stylesheet into the theme; returns Material's patched bundle.

    Our templates sit between the site's custom_dir and the theme, so a site can still
    override them while the theme's own files are overridden by ours."""
    check_site_url(config)
    if str(TEMPLATES) not in config.theme.dirs:
        config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(TEMPLATES))
    if STYLESHEET not in config.extra_css:
        config.extra_css.append(STYLESHEET)
    return patched_bundle(config.theme.dirs)


def cached(env: Environment, cache: MemoryBytecodeCache) -> Environment:
    """mkdocs-static-i18n builds each language with new environments: the templates are
    compiled once for all of them, and not looked at again for changes during a build.
    Material's own templates are also reachable as `material/...`, so that our partials can
    wrap one of them instead of copying it."""
    env.bytecode_cache = cache
    env.auto_reload = False
    env.globals["policypress_script_files"] = script_files_once()
    if not isinstance(env.loader, ChoiceLoader):
        env.loader = ChoiceLoader([env.loader, PrefixLoader({"material": FileSystemLoader(str(MATERIAL_TEMPLATES))})])
    return env


@pass_context
def script_files(context: Mapping[str, Any], name: str, html: str, scope: str | None = None) -> list[str] | None:
    """The site paths of files holding the scripts of `html`, one of Material's partials of inline
    scripts as it rendered (`name`: the partial's), each written into the site once; None when
    `html` is anything more than inline scripts, or its scope is not where Material puts it: the
    template then keeps Material's output as it is."""
    if INLINE_SCRIPT.sub("", html).strip():
        return None
    codes = INLINE_SCRIPT.findall(html)
    if scope is not None:
        literal = SCOPE.format(scope=scope)
        if sum(code.count(literal) for code in codes) != 1:
            return None
        codes = [code.replace(literal, OWN_SCOPE) for code in codes]
    paths = []
    for code in codes:
        content = code.encode()
        path = SCRIPT_FILES.format(name=name, digest=hashlib.sha256(content).hexdigest()[:10])
        target = Path(context["config"]["site_dir"]) / path
        if not target.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        paths.append(path)
    return paths


def script_files_once() -> Callable[..., list[str] | None]:
    """`script_files` for one environment (a language's pass of a build): every page renders the
    same few partials, whose files are hashed and looked for once, not once per page."""
    known: dict[tuple[str, str, str, str | None], list[str] | None] = {}

    @pass_context
    def once(context: Mapping[str, Any], name: str, html: str, scope: str | None = None) -> list[str] | None:
        key = (str(context["config"]["site_dir"]), name, html, scope)
        if key not in known:
            known[key] = script_files(context, name, html, scope)
        return known[key]

    return once


def nav_key(page: Page, nav: Navigation, config: MkDocsConfig, language: str) -> tuple[str, ...] | None:
    """Pages outside the navigation (revisions, diffs, changelogs: most pages of a site with a
    history) show no active item, so their navigation differs only in its relative links:
    pages whose links come out the same share one rendering of it (`NavMemo`)."""
    if any(item is page for item in nav.pages):
        return None
    urls = [str(config.extra.get("homepage") or (nav.homepage.url if nav.homepage else ""))]
    stack = list(nav.items)
    while stack:
        item = stack.pop()
        stack.extend(getattr(item, "children", None) or [])
        if getattr(item, "url", None) is not None:
            urls.append(item.url)
    return (language, *(normalize_url(url, page=page) for url in urls))


class NavMemo:
    """Renders the navigation of a page outside it once per distinct set of links; called from
    partials/nav.html as a Jinja `{% call %}` block whose `caller` renders Material's partial."""

    def __init__(self, navs: dict[tuple[str, ...], str]) -> None:
        self.navs = navs

    def __call__(self, key: tuple[str, ...] | None, caller: Callable[[], str]) -> str:
        if not isinstance(key, tuple):  # a page in the navigation, or a theme page such as 404.html
            return caller()
        if key not in self.navs:
            self.navs[key] = caller()
        return self.navs[key]


def minified_header(source: bytes) -> bytes:
    """The first line of the minified stylesheet: which source it was made from."""
    digest = hashlib.sha256(source).hexdigest()[:16]
    return f"/* policypress.css minified by scripts/build_banner.py from sha256 {digest} */\n".encode()


def stylesheet() -> bytes:
    """Our stylesheet as sites get it: minified (Lighthouse counts unminified CSS against a page),
    or the readable source itself while the minified copy was made from another version of it (a
    checkout where policypress.css changed since scripts/build_banner.py ran; the suite says so)."""
    source = STYLESHEET_SOURCE.read_bytes()
    minified = STYLESHEET_MINIFIED.read_bytes() if STYLESHEET_MINIFIED.is_file() else b""
    return minified if minified.startswith(minified_header(source)) else source


def write_assets(site_dir: Path, bundle: tuple[str, str] | None, extra_css: list[Path]) -> None:
    """Our stylesheet (with any CSS that travels in it: one render-blocking request fewer) and
    Material's patched bundle, once in the site root (i18n points the other languages there)."""
    (site_dir / STYLESHEET).parent.mkdir(parents=True, exist_ok=True)
    (site_dir / STYLESHEET).write_bytes(b"\n".join([stylesheet(), *(path.read_bytes() for path in extra_css)]))
    if bundle:
        (site_dir / bundle[0]).write_text(bundle[1], encoding="utf-8")
