"""The banner for other websites runs only as it was built (issue 22, part 7): the configuration
script `consent/<language>.js` adds the banner's script and stylesheet with Subresource Integrity.

The policy site is the example site built with its `site_url` on a loopback server, reached as
`policies.localhost` (Chromium resolves every *.localhost name to the loopback address); the main
website is a plain page on 127.0.0.1 with the README's snippet, so the banner's files come from
another origin, as on a company's real website. The server sends CORS for them as the README's
nginx recipe does, or not at all, and serves a copy of the site with one byte of the banner
changed.
"""

from __future__ import annotations

import base64
import hashlib
import http.server
import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from conftest import QuietHandler, Server, copy_example
from policypress.core.texts import strings

pytestmark = pytest.mark.browser

PAGE = """<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><title>Solvik Kaffe</title><link rel="icon" href="data:,">
<script src="{policy}/consent/sv.js" async></script>
</head><body><main><h1>Solvik Kaffe</h1></main></body></html>
"""
BANNER = r"consent/banner\.[0-9a-f]{10}\.(js|css)"


class PolicyHost:
    """The policy site on 127.0.0.1, serving one of its copies; with `cors`, the banner's files
    carry `Access-Control-Allow-Origin: *`, as the README's nginx recipe sends them."""

    def __init__(self) -> None:
        self.directory = Path()
        self.cors = True
        host = self

        class Handler(QuietHandler):
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, directory=str(host.directory), **kwargs)

            def end_headers(self) -> None:
                self.send_header("Cache-Control", "no-store")  # each test sees the copy it serves
                if host.cors and re.fullmatch("/" + BANNER, self.path):
                    self.send_header("Access-Control-Allow-Origin", "*")
                super().end_headers()

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://policies.localhost:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


@dataclass
class Sites:
    host: PolicyHost
    main: Server  # the company's main website: one page with the snippet
    built: Path  # the policy site as built
    tampered: Path  # a copy with one byte of the banner's script changed
    unchecked: Path  # that copy, with a configuration script that checks no integrity (as before)


def change_one_byte(site: Path) -> Path:
    """The banner's script of a built site, its first comment's first letter in capitals."""
    script = next(path for path in (site / "consent").glob("banner.*.js"))
    content = script.read_bytes()
    assert content.startswith(b"/* policypress")
    script.write_bytes(content.replace(b"/* policypress", b"/* Policypress", 1))
    return script


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sites]:
    root = tmp_path_factory.mktemp("sri")
    host = PolicyHost()
    example = copy_example(root / "sources")
    config = example.root / "mkdocs.yml"
    config.write_text(config.read_text().replace("site_url: https://integritet.solvikkaffe.example/", f"site_url: {host.url}/"))
    built = example.build(site_dir=root / "built")
    assert built.returncode == 0, built.output
    # The same page on the policy site itself: the banner's files from its own origin.
    (built.site / "elsewhere.html").write_text(PAGE.format(policy=host.url), encoding="utf-8")
    tampered = shutil.copytree(built.site, root / "tampered")
    change_one_byte(tampered)
    unchecked = shutil.copytree(tampered, root / "unchecked")
    for loader in (unchecked / "consent").glob("??.js"):
        text = loader.read_text(encoding="ascii")
        loader.write_text(re.sub(r'(?m)^  (link|script)\.integrity = "sha384-[^"]+";\n', "", text), encoding="ascii")
        assert "integrity" not in loader.read_text(encoding="ascii")
    main = tmp_path_factory.mktemp("main-site")
    (main / "index.html").write_text(PAGE.format(policy=host.url), encoding="utf-8")
    with Server(main) as server:
        yield Sites(host, server, built.site, tampered, unchecked)
    host.httpd.shutdown()
    host.httpd.server_close()


@dataclass
class Visit:
    context: BrowserContext
    page: Page
    console: list[str] = field(default_factory=list)  # errors and warnings, page errors


@pytest.fixture
def visit(browser: Browser) -> Iterator[Visit]:
    context = browser.new_context()
    page = context.new_page()
    result = Visit(context, page)
    page.on("pageerror", lambda error: result.console.append(str(error)))
    page.on("console", lambda message: result.console.append(message.text)
            if message.type in ("error", "warning") else None)
    yield result
    context.close()


def serving(sites: Sites, copy: Path, cors: bool = True) -> None:
    sites.host.directory, sites.host.cors = copy, cors


def page_url(sites: Sites, where: str) -> str:
    return sites.main.url + "/" if where == "another origin" else sites.host.url + "/elsewhere.html"


def banner(page: Page):
    return page.get_by_role("region", name=strings("sv")["consent_title"])


def not_started(page: Page) -> None:
    """Everything the page asked for has come or failed, and the banner has not started."""
    page.wait_for_load_state("networkidle")
    assert page.evaluate("typeof window.policypressConsent") == "undefined"
    expect(banner(page)).to_have_count(0)


def sri(content: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(content).digest()).decode()


@pytest.mark.parametrize("where", ["another origin", "the policy site"])
def test_the_banner_starts_with_its_files_checked(sites: Sites, visit: Visit, where: str) -> None:
    serving(sites, sites.built)
    visit.page.goto(page_url(sites, where))
    expect(banner(visit.page)).to_be_visible()
    inserted = visit.page.evaluate("""[...document.querySelectorAll('script[src*="/consent/banner."], link[href*="/consent/banner."]')]
        .map(e => [(e.src || e.href).replace(/^.*\\/consent\\//, ""), e.integrity, e.crossOrigin])""")
    expected = [[path.name, sri(path.read_bytes()), "anonymous"]
                for path in sorted((sites.built / "consent").glob("banner.*"), key=lambda p: p.suffix != ".css")]
    assert inserted == expected
    assert visit.console == []


@pytest.mark.parametrize("where", ["another origin", "the policy site"])
def test_a_banner_changed_by_one_byte_is_refused(sites: Sites, visit: Visit, where: str) -> None:
    # Without the integrity check (the configuration scripts before it) the changed banner runs...
    serving(sites, sites.unchecked)
    visit.page.goto(page_url(sites, where))
    expect(banner(visit.page)).to_be_visible()
    # ...with it, the browser refuses the file and says why; nothing of the banner runs.
    visit.context.clear_cookies()
    visit.console.clear()
    serving(sites, sites.tampered)
    visit.page.goto(page_url(sites, where))
    not_started(visit.page)
    refused = [line for line in visit.console if "integrity" in line]
    assert len(refused) == 1 and re.search(r"/consent/banner\.[0-9a-f]{10}\.js", refused[0]), visit.console
    assert "blocked" in refused[0]


def test_without_cors_the_banner_does_not_start_on_another_origin(sites: Sites, visit: Visit) -> None:
    """Why the README has the policy site send `Access-Control-Allow-Origin` for the banner's
    files: a browser checks the integrity of a file from another origin only through CORS."""
    serving(sites, sites.built, cors=False)
    visit.page.goto(page_url(sites, "another origin"))
    not_started(visit.page)
    assert [line for line in visit.console if "CORS policy" in line and "/consent/banner." in line], visit.console
