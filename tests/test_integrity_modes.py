"""Integrity in every build mode (issue 12, section 2): a tampered or incomplete policy is never
published, whatever flags MkDocs is given, and nothing is written; `mkdocs serve` keeps running
and shows each problem on its page.

The real `mkdocs` command runs in a copy of the minimal fixture, as a user would run it."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import FixtureSite

MKDOCS = str(Path(sys.executable).with_name("mkdocs"))


def tamper(site: FixtureSite) -> str:
    """A released revision edited after its release."""
    site.replace("privacy/2.1.en.md", "The newsletter has a row of its own.", "The newsletter is gone.")
    return "docs/privacy/2.1.en.md: was edited after it was released"


def no_version(site: FixtureSite) -> str:
    """A policy without its version (in both languages)."""
    for path in ("privacy/index.sv.md", "privacy/index.en.md"):
        site.replace(path, 'version: "2.1"\n', "")
    return "docs/privacy/index.sv.md:2: version: required field is missing"


FAULTS: dict[str, Callable[[FixtureSite], str]] = {"tampered": tamper, "no version": no_version}
MODES = {
    "build": ["build"],
    "build --strict -q": ["build", "--strict", "-q"],
    "build --strict": ["build", "--strict"],
}


def run(site: FixtureSite, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([MKDOCS, *args], cwd=site.root, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("fault", list(FAULTS))
@pytest.mark.parametrize("mode", list(MODES))
def test_no_build_mode_publishes_a_bad_policy(minimal: FixtureSite, mode: str, fault: str) -> None:
    # A site built before the fault stays exactly as it was: nothing is cleaned or half-written.
    assert run(minimal, "build").returncode == 0
    before = {p: p.read_bytes() for p in (minimal.root / "site").rglob("*") if p.is_file()}
    expected = FAULTS[fault](minimal)
    result = run(minimal, *MODES[mode])
    assert result.returncode != 0
    assert expected in result.stderr and "Nothing was published" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    after = {p: p.read_bytes() for p in (minimal.root / "site").rglob("*") if p.is_file()}
    assert after == before


def test_gh_deploy_deploys_nothing(minimal: FixtureSite) -> None:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=minimal.root, capture_output=True, text=True, check=True).stdout

    git("init", "-q")
    git("-c", "user.name=t", "-c", "user.email=t@example.test", "add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@example.test", "commit", "-qm", "site")
    tamper(minimal)
    result = run(minimal, "gh-deploy", "--force")
    assert result.returncode != 0 and "was edited after it was released" in result.stderr
    assert git("branch", "--list", "gh-pages") == ""
    assert not (minimal.root / "site").exists()


def free_port() -> int:
    with contextlib.closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serving(site: FixtureSite) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen([MKDOCS, "serve", "--dev-addr", f"127.0.0.1:{port}", "--no-livereload"],
                               cwd=site.root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(url, timeout=2).read()
                break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline, "mkdocs serve did not start"
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
        site.serve_log = output  # type: ignore[attr-defined]


def test_serve_keeps_running_and_shows_the_problems_on_the_page(minimal: FixtureSite) -> None:
    expected = no_version(minimal)
    with serving(minimal) as url:
        page = BeautifulSoup(urllib.request.urlopen(url + "privacy/", timeout=10).read(), "html.parser")
        english = BeautifulSoup(urllib.request.urlopen(url + "en/privacy/", timeout=10).read(), "html.parser")
        home = BeautifulSoup(urllib.request.urlopen(url, timeout=10).read(), "html.parser")
    panel = page.select_one(".pp-problems")
    assert panel is not None and panel.get("role") == "region"
    assert panel.select_one(".admonition-title").get_text() == "Sidan har problem som stoppar publiceringen"
    items = [li.get_text() for li in panel.select("li")]
    assert any(item.startswith(expected) for item in items), items
    # The English page names its own file's problems; a page without problems shows no panel.
    assert english.select_one(".pp-problems .admonition-title").get_text() == "This page has problems that stop publishing"
    assert any(li.get_text().startswith("docs/privacy/index.en.md:") for li in english.select(".pp-problems li"))
    assert home.select_one(".pp-problems") is None
    assert f"WARNING -  policypress: {expected}" in minimal.serve_log  # type: ignore[attr-defined]


def test_a_description_cannot_break_out_of_its_attribute(minimal: FixtureSite) -> None:
    hostile = '"><script>alert(1)</script>'
    minimal.replace("index.sv.md", "title: Start\n", f"title: Start\ndescription: '{hostile}'\n")
    build = minimal.build()
    assert build.returncode == 0, build.output
    head = BeautifulSoup((build.site / "index.html").read_text(encoding="utf-8"), "html.parser").head
    assert head.find("meta", attrs={"name": "description"})["content"] == hostile
    assert [s for s in head.find_all("script") if "alert" in s.get_text()] == []


def test_generated_pages_take_titles_as_data(minimal: FixtureSite) -> None:
    """Titles reach the changelog and diff pages as written: both kinds of quotes, a zero-width
    space (once turned into the literal text \\u200b by a round trip through YAML)."""
    title = "Kund\u200bvillkor \"Solvik\" och 'Kaffe'"
    minimal.unrelease()
    minimal.replace("privacy/index.sv.md", "title: Integritetspolicy", f"title: '{title.replace(chr(39), chr(39) * 2)}'")
    assert minimal.policypress("release", "privacy", "--date", "2026-03-01").returncode == 0
    build = minimal.build()
    assert build.returncode == 0, build.output
    page = BeautifulSoup((build.site / "privacy" / "changelog" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert page.title.get_text().startswith(f"Ändringslogg: {title}")
    assert page.h1.get_text() == f"Ändringslogg: {title}"
