"""`policypress audit` on hostile sites (issue 19 §5): popups, WebSockets, scripts that never end,
a robots.txt that dribbles, streams without end or fails, a form that posts itself elsewhere, and
bad input. Each ends in bounded time with a clear report or a usage error, never a traceback,
and nothing the audit stopped reaches the other origin.

The browser audits run in a process of their own with a deadline (the process group is ended
when it passes), so a hang fails the test instead of holding the suite."""

from __future__ import annotations

import base64
import hashlib
import http.server
import json
import os
import shutil
import signal
import socketserver
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import FIXTURES, ROOT, Server, run_cli
from policypress.audit import crawl
from policypress.audit.model import Observations

HOSTILE = FIXTURES / "audit-hostile"
ASSETS = ROOT / "policypress" / "assets" / "consent"
CONFIG = str(HOSTILE / "consent.json")
# Generous for a few page loads in four states with --timeout 2; the old code took minutes.
DEADLINE = 90.0


# --- servers on 127.0.0.1 ------------------------------------------------------------------------


class Sockets:
    """A WebSocket endpoint: answers the opening handshake (RFC 6455, section 4.2.2) and records
    the path of each connection, then holds it open until the browser closes it."""

    GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    def __init__(self) -> None:
        self.paths: list[str] = []
        outer = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                request = self.rfile.readline().decode("latin-1").split()
                headers = {}
                while line := self.rfile.readline().decode("latin-1").strip():
                    name, _, value = line.partition(":")
                    headers[name.strip().lower()] = value.strip()
                outer.paths.append(request[1])
                accept = base64.b64encode(hashlib.sha1((headers["sec-websocket-key"] + outer.GUID).encode()).digest())
                self.wfile.write(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                 b"Sec-WebSocket-Accept: " + accept + b"\r\n\r\n")
                self.wfile.flush()
                self.request.recv(1)  # until the browser sends a frame or goes

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"ws://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> Sockets:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


class Robots(Server):
    """The hostile site, whose robots.txt is what a test makes it."""

    def __init__(self, directory: Path, robots: Callable[[http.server.BaseHTTPRequestHandler], None]) -> None:
        super().__init__(directory)
        handler = self.httpd.RequestHandlerClass

        class Handler(handler):  # type: ignore[valid-type, misc]
            def do_GET(self) -> None:
                if self.path == "/robots.txt":
                    robots(self)
                else:
                    super().do_GET()

        self.httpd.RequestHandlerClass = Handler
        self.httpd.daemon_threads = True


def dribble(handler: http.server.BaseHTTPRequestHandler) -> None:
    """A line every half second for a minute."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/plain")
    handler.end_headers()
    handler.wfile.write(b"User-agent: *\n")
    for _ in range(120):
        handler.wfile.write(b"# still coming\n")
        handler.wfile.flush()
        time.sleep(0.5)


def endless(handler: http.server.BaseHTTPRequestHandler) -> None:
    """A rule, then comments as fast as the reader takes them, without end."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/plain")
    handler.end_headers()
    handler.wfile.write(b"User-agent: *\nDisallow: /calm.html\n")
    line = b"# " + b"x" * 1000 + b"\n"
    try:
        while True:
            handler.wfile.write(line * 64)
    except OSError:
        pass  # the reader went


def unavailable(handler: http.server.BaseHTTPRequestHandler) -> None:
    handler.send_response(503)
    handler.send_header("Content-Length", "0")
    handler.end_headers()


@pytest.fixture(scope="module")
def elsewhere(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Another origin (another port): it must never be reached."""
    folder = tmp_path_factory.mktemp("audit-elsewhere")
    shutil.copytree(HOSTILE / "elsewhere", folder, dirs_exist_ok=True)
    with Server(folder) as server:
        yield server


@pytest.fixture(scope="module")
def sockets() -> Iterator[Sockets]:
    with Sockets() as server:
        yield server


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory, elsewhere: Server, sockets: Sockets) -> Path:
    """The hostile pages with the other origins filled in and the policypress banner beside them."""
    folder = tmp_path_factory.mktemp("audit-hostile")
    shutil.copytree(HOSTILE / "hostile-website", folder, dirs_exist_ok=True)
    consent = (HOSTILE / "consent.json").read_text(encoding="utf-8")
    for page in folder.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        for mark, value in (("@ELSEWHERE@", elsewhere.url), ("@SOCKET@", sockets.url), ("@CONSENT@", consent)):
            text = text.replace(mark, value)
        page.write_text(text, encoding="utf-8")
    for name in ("consent.min.js", "consent.min.css"):
        shutil.copy(ASSETS / name, folder / name)
    return folder


@pytest.fixture(scope="module")
def site(pages: Path) -> Iterator[Server]:
    with Server(pages) as server:
        yield server


# --- the audit in a process of its own --------------------------------------------------------------


def audit(*args: str) -> subprocess.CompletedProcess[str]:
    """`policypress audit ARGS --config consent.json`, ended with its process group at DEADLINE."""
    command = [sys.executable, "-m", "policypress.cli", "audit", *args, "--config", CONFIG]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    try:
        out, err = process.communicate(timeout=DEADLINE)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail(f"policypress audit {' '.join(args)} did not end within {DEADLINE:g} s")
    return subprocess.CompletedProcess(command, process.returncode, out, err)


def audited(result: subprocess.CompletedProcess[str], server: Server) -> dict[str, Any]:
    """The JSON of an audit that ran, with the site's origin taken off every page."""
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode in (0, 1), result.stderr
    data: dict[str, Any] = json.loads(result.stdout.replace(server.url, ""))
    return data


def findings(data: dict[str, Any]) -> list[tuple[str, str, str, str | None, str | None]]:
    return [(f["kind"], f["item"], f["name"], f["state"], f["page"]) for f in data["findings"] if f["kind"] != "never-seen"]


def problems(data: dict[str, Any]) -> list[tuple[str, str]]:
    return sorted((p["url"], p["reason"]) for p in data["problems"])


# --- popups, WebSockets, forms --------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_audit(site: Server, elsewhere: Server, sockets: Sockets) -> dict[str, Any]:
    """One audit of the three pages: what leaves, for each, is looked at by a test of its own."""
    result = audit(*(f"{site.url}/{name}.html" for name in ("popup", "websocket", "form")), "--max-pages", "3",
                   "--timeout", "10", "--wait", "0.5", "--json")
    return audited(result, site)


@pytest.mark.browser
def test_popups_to_another_origin_are_stopped_before_anything_leaves(hostile_audit: dict[str, Any],
                                                                      elsewhere: Server) -> None:
    assert [p for p in problems(hostile_audit) if p[0] == "/popup.html"] == [
        ("/popup.html", f"opened a window for {elsewhere.url}/link.html; stopped"),
        ("/popup.html", f"opened a window for {elsewhere.url}/opened.html; stopped")]
    assert "/popup.html" in hostile_audit["pages"]
    assert not [f for f in findings(hostile_audit) if f[4] == "/popup.html"]
    assert (elsewhere.requests, elsewhere.posts) == ([], [])


@pytest.mark.browser
def test_websockets_to_another_origin_are_requests_to_a_third_party(hostile_audit: dict[str, Any],
                                                                    sockets: Sockets) -> None:
    # Three connections in each state; the first to the origin on the page is the finding, before
    # any choice and after rejection (the withdrawal reloads the first page only).
    assert [(r["url"], r["resource_type"]) for r in hostile_audit["states"]["none"]["requests"]] == [
        (f"{sockets.url}/{room}", "websocket") for room in "abc"]
    assert findings(hostile_audit) == [("before-consent", "request", f"{sockets.url}/a", state, "/websocket.html")
                                       for state in ("none", "reject")]
    assert "/a" in sockets.paths  # real connections, not only attempts
    assert hostile_audit["summary"]["exit"] == 1


@pytest.mark.browser
def test_a_form_posted_to_another_origin_is_reported_as_that(hostile_audit: dict[str, Any], elsewhere: Server) -> None:
    assert hostile_audit["pages"] == ["/popup.html", "/websocket.html"]
    assert [p for p in problems(hostile_audit) if p[0] == "/form.html"] == [
        ("/form.html", f"submits a form to {elsewhere.url}/collect; stopped")]
    assert (elsewhere.requests, elsewhere.posts) == ([], [])


# --- scripts that never end -----------------------------------------------------------------------


@pytest.mark.browser
def test_a_page_whose_script_never_ends_is_given_up_after_the_timeout(site: Server) -> None:
    """Before the load event and after it; the calm pages around them are audited."""
    started = time.monotonic()
    data = audited(audit(site.url + "/", "--timeout", "2", "--wait", "0.2", "--json"), site)
    assert time.monotonic() - started < 60
    assert data["pages"] == ["/", "/calm.html"]
    assert problems(data) == [(f"/endless-{when}.html", "a script kept the page busy for more than 2 s; not audited")
                              for when in ("after", "before")]
    assert findings(data) == []


# --- robots.txt -----------------------------------------------------------------------------------


@pytest.mark.browser
def test_a_robots_txt_that_dribbles_is_given_up_after_the_timeout(pages: Path) -> None:
    with Robots(pages, dribble) as server:
        started = time.monotonic()
        result = audit(server.url + "/calm.html", "--timeout", "2", "--wait", "0")
        took = time.monotonic() - started
    assert result.returncode == 2 and took < 20
    assert result.stderr == (f"policypress audit: no page could be audited ({server.url}/robots.txt: not read within "
                             f"2 s; RFC 9309 takes a robots.txt that cannot be read as disallowing every page: none of "
                             f"{server.url} visited (--ignore-robots visits them))\n")


@pytest.mark.browser
def test_a_robots_txt_without_end_is_read_up_to_its_size_cap(pages: Path) -> None:
    with Robots(pages, endless) as server:
        result = audit(server.url + "/calm.html", "--timeout", "5", "--wait", "0")
    # Its rule, before the cap, holds.
    assert result.returncode == 2
    assert result.stderr == (f"policypress audit: no page could be audited ({server.url}/calm.html: excluded by "
                             f"robots.txt; not visited (--ignore-robots visits it))\n")


@pytest.mark.browser
def test_a_robots_txt_the_server_cannot_give_is_reported_once(pages: Path) -> None:
    with Robots(pages, unavailable) as server:
        result = audit(server.url + "/", server.url + "/calm.html", "--timeout", "5", "--wait", "0")
    assert result.returncode == 2
    assert result.stderr == (f"policypress audit: no page could be audited ({server.url}/robots.txt: HTTP 503; RFC "
                             f"9309 takes a server error as disallowing every page: none of {server.url} visited "
                             f"(--ignore-robots visits them))\n")


# --- bad input ----------------------------------------------------------------------------------


@pytest.fixture
def no_browser(monkeypatch: pytest.MonkeyPatch) -> list[crawl.Plan]:
    """The browser replaced: the plans it would have been given (none, for a usage error)."""
    plans: list[crawl.Plan] = []

    def observe(plan: crawl.Plan, progress: Any) -> Observations:
        plans.append(plan)
        raise AssertionError("the browser started")

    monkeypatch.setattr(crawl, "observe", observe)
    return plans


@pytest.mark.parametrize(("args", "message"), [
    (["--timeout", "nan"], "argument --timeout: expected a number above 0, found 'nan'"),
    (["--timeout", "inf"], "argument --timeout: expected a number above 0, found 'inf'"),
    (["--timeout", "-1"], "argument --timeout: expected a number above 0, found '-1'"),
    (["--wait", "nan"], "argument --wait: expected 0 seconds or more, found 'nan'"),
    (["--wait", "inf"], "argument --wait: expected 0 seconds or more, found 'inf'"),
    (["--wait", "-1"], "argument --wait: expected 0 seconds or more, found '-1'"),
    (["--max-pages", "0"], "argument --max-pages: expected a number above 0, found '0'"),
])
def test_numbers_that_are_no_durations_are_usage_errors(no_browser: list[crawl.Plan], args: list[str],
                                                         message: str) -> None:
    result = run_cli(["audit", "http://127.0.0.1:1/", *args, "--config", CONFIG], ROOT)
    assert result.returncode == 2 and no_browser == []
    assert result.stderr.splitlines()[-1] == f"policypress audit: error: {message}"


@pytest.mark.parametrize(("url", "message"), [
    ("http://[::1", "http://[::1: not a valid address (Invalid IPv6 URL)"),
    ("http://127.0.0.1:99999/", "http://127.0.0.1:99999/: not a valid address (Port out of range 0-65535)"),
    ("http:///page", "http:///page: not a valid address (no host)"),
])
def test_a_malformed_address_is_a_usage_error(no_browser: list[crawl.Plan], url: str, message: str) -> None:
    result = run_cli(["audit", url, "--config", CONFIG], ROOT)
    assert (result.returncode, result.stderr, no_browser) == (2, f"policypress audit: {message}\n", [])


def configured(tmp_path: Path, config: Any) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "consent.json"
    path.write_text(config if isinstance(config, str) else json.dumps(config), encoding="utf-8")
    return run_cli(["audit", "http://127.0.0.1:1/", "--config", str(path)], ROOT)


def test_a_configuration_nested_without_end_is_refused(no_browser: list[crawl.Plan], tmp_path: Path) -> None:
    for text in ("[" * 100_000 + "]" * 100_000, '{"categories": ' + '{"a": ' * 100_000 + "1" + "}" * 100_001):
        result = configured(tmp_path, text)
        assert (result.returncode, no_browser) == (2, []), result.stderr
        assert result.stderr == (f"policypress audit: {tmp_path / 'consent.json'}: the consent configuration is nested "
                                 f"too deeply to be read (expected the banner's configuration, a few levels deep)\n")


def test_a_site_configuration_nested_without_end_is_refused(no_browser: list[crawl.Plan], tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text("site_name: Deep\nextra: " + "[" * 100_000 + "]" * 100_000, encoding="utf-8")
    result = run_cli(["audit", "http://127.0.0.1:1/", "--site", str(tmp_path / "mkdocs.yml")], ROOT)
    assert (result.returncode, result.stderr, no_browser) == (
        2, f"policypress audit: {tmp_path / 'mkdocs.yml'}: expected a mapping of MkDocs options, found values nested "
           f"too deeply to be read; write the configuration out flat\n", [])


def category(**fields: Any) -> dict[str, Any]:
    return {"id": "statistics", "cookies": [{"name": "_ga", "duration": "13 months", "provider": "x.example"}],
            **fields}


def cookie(**fields: Any) -> dict[str, Any]:
    return {"categories": [category(cookies=[{"name": "_ga", "duration": "13 months", **fields}])]}


@pytest.mark.parametrize(("config", "message"), [
    ([], "expected the consent banner's configuration, an object with 'categories' (as in <script "
         "type=\"application/json\" id=\"policypress-consent\">), found a list of 0 items"),
    ({"cookie": "pp_consent"}, "expected the consent banner's configuration, an object with 'categories' (as in <script "
                               "type=\"application/json\" id=\"policypress-consent\">), found an object without categories"),
    ({"categories": {"statistics": []}}, "categories: expected a list of categories, found a mapping (key: value pairs)"),
    ({"categories": ["statistics"]}, "categories[0]: expected a category (an object with 'id' and 'cookies'), "
                                     "found text 'statistics'"),
    ({"categories": [category(id=7)]}, "categories[0].id: expected text, found number 7"),
    ({"categories": [category(required="yes")]}, "categories[0].required: expected true or false, found text 'yes'"),
    ({"categories": [category(cookies={"name": "_ga"})]},
     "categories[0].cookies: expected a list of cookies, found a mapping (key: value pairs)"),
    ({"categories": [category(cookies=["_ga"])]}, "categories[0].cookies[0]: expected a cookie (an object with 'name'), "
                                                  "found text '_ga'"),
    (cookie(name=["_ga"]), "categories[0].cookies[0].name: expected the cookie's name, found a list of 1 item"),
    (cookie(name=" "), "categories[0].cookies[0].name: expected the cookie's name, found empty text"),
    (cookie(duration=13), "categories[0].cookies[0].duration: expected text, found number 13"),
    (cookie(provider={"host": "x"}), "categories[0].cookies[0].provider: expected text, found a mapping (key: value pairs)"),
    (cookie(storage="disk"), "categories[0].cookies[0].storage: expected cookie, local-storage or session-storage, "
                             "found text 'disk'"),
    ({**cookie(), "cookie": 5}, "cookie: expected text, found number 5"),
    ({**cookie(), "language": ["en"]}, "language: expected text, found a list of 1 item"),
])
def test_a_configuration_of_wrong_types_names_the_field(no_browser: list[crawl.Plan], tmp_path: Path, config: Any,
                                                        message: str) -> None:
    result = configured(tmp_path, config)
    assert (result.returncode, result.stderr, no_browser) == (2, f"policypress audit: {tmp_path / 'consent.json'}: "
                                                                 f"{message}\n", [])
