"""Shared helpers: fixture sites copied into tmp_path, strict builds, a local HTTP server,
and Playwright pointed at Debian's Chromium."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import http.server
import io
import logging
import os
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import markdown
import pytest
import yaml
from bs4 import BeautifulSoup
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, ConfigurationError, PluginError

from policypress.cli import main
from policypress.core.archive import recorded_hash
from policypress.core.frontmatter import FRONT_MATTER_RE, parse_yaml
from policypress.core.load import LoadResult, load_site
from policypress.core.manifest import MANIFEST_NAME
from policypress.core.model import Authority, DataProtectionOfficer, Organisation, Revision, Site, SiteInfo
from policypress.core.timeline import Timeline
from policypress.plugins.config import PolicyConfig, site_info

# The site-wide details of the minimal fixture's mkdocs.yml, for loads without MkDocs.
FIXTURE_INFO = SiteInfo(
    controller=Organisation("Fixture AB", email="privacy@fixture.example"),
    dpo=DataProtectionOfficer(appointed=False),
    authority=Authority("legal-se:DPA-SE", "IMY"),
)

# The consent tests' site and third party, shared by the two files of consent tests.
pytest_plugins = ["consent_site"]

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CHROMIUM = "/usr/bin/chromium"

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
# The day every build in the suite describes (announced revisions depend on it).
TODAY = dt.date(2026, 11, 22)


def epoch(day: dt.date) -> str:
    return str(int(dt.datetime.combine(day, dt.time(), dt.timezone.utc).timestamp()))


os.environ["SOURCE_DATE_EPOCH"] = epoch(TODAY)


class FixtureSite:
    """A copy of a fixture site (or of the example site) that a test may edit."""

    def __init__(self, root: Path):
        self.root = root
        self.docs = root / "docs"

    def path(self, relative: str) -> Path:
        return self.docs / relative

    def read(self, relative: str) -> str:
        return self.path(relative).read_text(encoding="utf-8")

    def write(self, relative: str, text: str) -> None:
        target = self.path(relative)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    def replace(self, relative: str, old: str, new: str) -> None:
        """Edit a file; fails loudly if `old` is not there, so a test cannot edit nothing."""
        text = self.read(relative)
        assert old in text, f"{old!r} not found in {relative}"
        self.write(relative, text.replace(old, new, 1))

    def edit_meta(self, relative: str, edit: Callable[[dict[str, Any]], None]) -> None:
        """Change a file's front matter as data (the YAML is written anew, the body kept)."""
        text = self.read(relative)
        match = FRONT_MATTER_RE.match(text)
        assert match, relative
        meta = parse_yaml(match.group(1))
        edit(meta)
        dumped = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1000)
        self.write(relative, f"---\n{dumped}---\n{text[match.end():]}")

    def unrelease(self) -> None:
        """Remove the released revisions and the manifests that list them, leaving the living texts
        as an unreleased draft."""
        for path in self.docs.rglob("*.md"):
            if recorded_hash(path.read_text(encoding="utf-8")) is not None:
                path.unlink()
        for path in self.docs.rglob(MANIFEST_NAME):
            path.unlink()

    def load(self, info: SiteInfo | None = None) -> LoadResult:
        return load_site(self.docs, ["sv", "en"], "sv", root=self.root, info=info)

    def problems(self, info: SiteInfo | None = None) -> list[str]:
        return [str(p) for p in self.load(info).problems]

    def build(self, today: dt.date | str | None = TODAY, site_dir: Path | None = None) -> Build:
        """`mkdocs build --strict` as of `today` (or SOURCE_DATE_EPOCH set to the text given, or
        None: without SOURCE_DATE_EPOCH, as of the clock), run in this process (as `mkdocs build`
        runs it, without the start-up of a new interpreter); the output is MkDocs' log as it
        prints it."""
        site_dir = site_dir or self.root / "site"
        stream = io.StringIO()
        handler = logging.StreamHandler(stream)
        handler.setFormatter(logging.Formatter("%(levelname)-8s-  %(message)s"))
        logger = logging.getLogger("mkdocs")
        level = logger.level
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        previous = os.environ.pop("SOURCE_DATE_EPOCH", None)
        if today is not None:
            os.environ["SOURCE_DATE_EPOCH"] = today if isinstance(today, str) else epoch(today)
        returncode = 0
        try:
            with contextlib.chdir(self.root):
                config = load_config(str(self.root / "mkdocs.yml"), site_dir=str(site_dir), strict=True)
                build(config)
        except (Abort, ConfigurationError, PluginError) as error:
            stream.write(f"\n{error}\n")
            returncode = 1
        finally:
            logger.removeHandler(handler)
            logger.setLevel(level)
            os.environ["SOURCE_DATE_EPOCH"] = previous or epoch(TODAY)
        return Build(returncode, stream.getvalue(), site_dir)

    def policypress(self, *args: str) -> subprocess.CompletedProcess[str]:
        """The `policypress` command, run in the site's folder (in this process)."""
        return run_cli(list(args), self.root)


def run_cli(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """`policypress <args>` in `cwd`, with its exit code and output, without a new interpreter."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.chdir(cwd), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(args)
        except SystemExit as exit:  # argparse
            code = exit.code if isinstance(exit.code, int) else 2
    return subprocess.CompletedProcess(["policypress", *args], code, out.getvalue(), err.getvalue())


@dataclass
class Build:
    returncode: int
    output: str
    site: Path

    def html(self, relative: str) -> BeautifulSoup:
        return BeautifulSoup((self.site / relative).read_text(encoding="utf-8"), "lxml")


def copy_site(source: Path, target: Path) -> FixtureSite:
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("site", ".venv", "__pycache__"))
    return FixtureSite(target)


@pytest.fixture
def minimal(tmp_path: Path) -> FixtureSite:
    """The minimal valid bilingual site, copied so the test can break it."""
    return copy_site(FIXTURES / "minimal", tmp_path / "minimal")


def copy_example(target: Path) -> FixtureSite:
    """The example site (docs/, overrides/ and mkdocs.yml of this repository), copied to build."""
    for name in ("docs", "overrides"):
        shutil.copytree(ROOT / name, target / name)
    shutil.copy(ROOT / "mkdocs.yml", target / "mkdocs.yml")
    return FixtureSite(target)


@functools.cache
def example_site() -> Site:
    """The example site's sources, loaded once (tests read the model, they do not change it)."""
    return load_site(ROOT / "docs", ["sv", "en"], "sv", root=ROOT).site


@functools.cache
def example_config() -> dict[str, Any]:
    """The example site's mkdocs.yml, as data."""
    return yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))


def plugin_options(name: str) -> dict[str, Any]:
    """The options of one plugin in the example site's mkdocs.yml."""
    return next(entry[name] for entry in example_config()["plugins"] if isinstance(entry, dict) and name in entry)


def example_options() -> PolicyConfig:
    """The policypress options of the example site's mkdocs.yml, read as the plugin reads them."""
    options = PolicyConfig()
    options.load_dict(plugin_options("policypress"))
    errors, warnings = options.validate()
    assert not errors and not warnings, (errors, warnings)
    return options


def example_info() -> SiteInfo:
    """The example site's controller, DPO and authority, as the plugin makes them of its options."""
    return site_info(example_options())


@pytest.fixture(scope="module")
def example_model() -> Site:
    """The example site's model as the plugin loads it (languages and SiteInfo from mkdocs.yml),
    without MkDocs, once per module: the unit tests read it, they do not change it."""
    languages = plugin_options("i18n")["languages"]
    result = load_site(ROOT / "docs", [lang["locale"] for lang in languages if lang.get("build", True)],
                       next(lang["locale"] for lang in languages if lang.get("default")), root=ROOT, info=example_info())
    assert [str(problem) for problem in result.problems] == []
    return result.site


def markdown_html(text: str) -> str:
    """Markdown rendered with the example site's markdown_extensions, as MkDocs renders a page."""
    names: list[str] = []
    configs: dict[str, Any] = {}
    for entry in example_config()["markdown_extensions"]:
        name, options = next(iter(entry.items())) if isinstance(entry, dict) else (entry, {})
        names.append(name)
        configs[name] = options or {}
    return markdown.Markdown(extensions=names, extension_configs=configs).convert(text)


def in_force(policy_id: str, today: dt.date = TODAY) -> Revision:
    """The example policy's revision in force on TODAY (or on the day given)."""
    revision = Timeline(example_site().policies[policy_id], today).in_force
    assert revision is not None
    return revision


@pytest.fixture(scope="session")
def example_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The example site built once, strictly, for the session."""
    build = copy_example(tmp_path_factory.mktemp("example")).build()
    assert build.returncode == 0, build.output
    return build


# The days the example site changes state: the pinned day, then privacy 3.0 and 3.1 take effect.
EXAMPLE_DAYS = {"pinned": TODAY, "3.0 in force": dt.date(2027, 1, 1), "3.1 in force": dt.date(2027, 2, 1)}


@pytest.fixture(scope="session", params=list(EXAMPLE_DAYS.values()), ids=list(EXAMPLE_DAYS))
def example_day(request: pytest.FixtureRequest) -> dt.date:
    return request.param


@pytest.fixture(scope="session")
def dated_build(example_day: dt.date, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The example site built strictly as of each of EXAMPLE_DAYS (the pinned day's is
    example_build), for the gates to see every state it passes through."""
    if example_day == TODAY:
        return request.getfixturevalue("example_build")
    build = copy_example(tmp_path_factory.mktemp(f"example-{example_day}")).build(example_day)
    assert build.returncode == 0, build.output
    return build


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass


class Server:
    """A static server on 127.0.0.1 that records what it is asked for: every GET path, every
    POST body; and can answer with extra headers (such as a Content-Security-Policy)."""

    def __init__(self, directory: Path, headers: dict[str, str] | None = None) -> None:
        self.directory = directory
        self.headers = headers or {}
        self.requests: list[str] = []
        self.posts: list[tuple[str, bytes]] = []
        self.lock = threading.Lock()
        server = self

        class Handler(QuietHandler):
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, directory=str(server.directory), **kwargs)

            def end_headers(self) -> None:
                for name, value in server.headers.items():
                    self.send_header(name, value)
                super().end_headers()

            def do_GET(self) -> None:
                with server.lock:
                    server.requests.append(self.path)
                super().do_GET()

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with server.lock:
                    server.posts.append((self.path, body))
                self.send_response(204)
                self.end_headers()

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> Server:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def seen(self, suffix: str) -> int:
        with self.lock:
            return sum(1 for path in self.requests if path.split("?")[0].endswith(suffix))


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve a built site on 127.0.0.1 (a free port) for the duration of the block."""
    with Server(directory) as server:
        yield server.url


@pytest.fixture(scope="session")
def example_url(example_build: Build) -> Iterator[str]:
    with serve(example_build.site) as url:
        yield url


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """pytest-playwright launches Debian's Chromium; Playwright's own download cannot work here."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"],
    }
