"""Integrity in every build mode (issue 12, section 2): a tampered or incomplete policy is never
published, whatever flags MkDocs is given, and nothing is written; `mkdocs serve` keeps running
and shows each problem on its page.

The real `mkdocs` command runs in a copy of the minimal fixture, as a user would run it."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import FixtureSite, Server

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


class ServeProcess:
    """One `mkdocs serve` on a port of 127.0.0.1, its output read as it comes: MkDocs cannot bind
    port 0 and say which port it got, so the port is picked first, and only the process's own
    "Serving on" line shows that it, and not another one, is listening there."""

    def __init__(self, site: FixtureSite, port: int) -> None:
        self.url = f"http://127.0.0.1:{port}/"
        self.process = subprocess.Popen([MKDOCS, "serve", "--dev-addr", f"127.0.0.1:{port}", "--no-livereload"],
                                        cwd=site.root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines: list[str] = []
        self.listening = threading.Event()
        self.reader = threading.Thread(target=self.read, daemon=True)
        self.reader.start()

    def read(self) -> None:
        for line in self.process.stdout:  # type: ignore[union-attr]
            self.lines.append(line)
            if f"Serving on {self.url}" in line:
                self.listening.set()

    def output(self) -> str:
        return "".join(self.lines)

    def started(self, timeout: float = 60) -> bool:
        """True once this process listens and answers; False if it ended first (its port taken)."""
        deadline = time.monotonic() + timeout
        while not self.listening.wait(0.2):
            if self.process.poll() is not None:
                self.reader.join(timeout=10)
                return False
            assert time.monotonic() < deadline, f"mkdocs serve did not start:\n{self.output()}"
        # It says so once bound; its first answer comes when its serving thread runs.
        while True:
            with contextlib.suppress(OSError):
                urllib.request.urlopen(self.url, timeout=2).read()
                return True
            assert self.process.poll() is None and time.monotonic() < deadline, f"mkdocs serve did not answer:\n{self.output()}"
            time.sleep(0.2)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=30)
        self.reader.join(timeout=10)


# Another process (an xdist worker's server) may take a picked port before MkDocs binds it.
PORT_ATTEMPTS = 5


@contextlib.contextmanager
def serving(site: FixtureSite) -> Iterator[str]:
    """`mkdocs serve` on a free port, tried anew while the port it picked turns out taken; its
    output is left in `site.serve_log`."""
    for _ in range(PORT_ATTEMPTS):
        server = ServeProcess(site, free_port())
        if server.started():
            break
        assert "Address already in use" in server.output(), f"mkdocs serve ended:\n{server.output()}"
    else:
        pytest.fail(f"mkdocs serve found every one of {PORT_ATTEMPTS} picked ports taken")
    try:
        yield server.url
    finally:
        server.stop()
        site.serve_log = server.output()  # type: ignore[attr-defined]


def test_serve_tries_another_port_when_its_pick_is_taken(minimal: FixtureSite, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Another server takes the picked port before MkDocs binds it: the preview starts on the next
    pick, and no request goes to the server that took the port."""
    (tmp_path / "index.html").write_text("another server")
    with Server(tmp_path) as squatter:
        taken = int(squatter.url.rsplit(":", 1)[1])
        picks = [taken, taken, free_port()]
        monkeypatch.setattr(sys.modules[__name__], "free_port", lambda: picks.pop(0))
        with serving(minimal) as url:
            page = BeautifulSoup(urllib.request.urlopen(url + "privacy/", timeout=10).read(), "html.parser")
        assert squatter.requests == []
    assert picks == [] and url != squatter.url + "/"
    assert page.select_one('meta[name="generator"]')["content"].startswith("mkdocs-")


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
    # The heading is text of the page: its quotation marks are Swedish ones (issue 21).
    assert page.h1.get_text() == f"Ändringslogg: {title}".replace('"Solvik"', "”Solvik”").replace("'Kaffe'", "’Kaffe’")
