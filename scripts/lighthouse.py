"""Lighthouse scores of the example site's current privacy policy, with the consent banner showing.

Builds the example site (strict) into a temporary folder, serves it on 127.0.0.1 the way a static
host does (gzip, long cache lifetimes for assets), checks that a first-time visitor sees the
consent banner, then runs Lighthouse (npm `lighthouse`, mobile preset) in Debian's Chromium and
prints the performance, accessibility, best-practices and SEO scores with the layout shift (CLS)
and the timings behind them. Lighthouse starts every run with an empty profile, so the banner is
showing in every run. Not part of `make test`: scores depend on the machine; read them, don't
gate on them.

Lighthouse is installed on first use into .venv/lighthouse (npm; 12.x, the newest line that runs
on Node 20). Chromium: /usr/bin/chromium (`make chromium`), or CHROME_PATH.

Usage: .venv/bin/python scripts/lighthouse.py [--page privacy/] [--runs 3] [--out DIR]
The last line is: performance=<n> accessibility=<n> best-practices=<n> seo=<n> cls=<x>  (medians)
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE_VERSION = "12.8.2"
TOOLS = ROOT / ".venv" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
METRICS = ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "speed-index",
           "cumulative-layout-shift")
# Lighthouse's mobile preset emulates this screen.
MOBILE = {"width": 412, "height": 823}


class StaticHost(http.server.SimpleHTTPRequestHandler):
    """A static host as sites are served in production: compressed, assets cached for a year."""

    def send_head(self):  # type: ignore[override]
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file() or (path.name == "index.html" and not self.path.split("?")[0].endswith(("/", ".html"))):
            return super().send_head()  # redirects and 404s as the standard server makes them
        body = path.read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        if "gzip" in self.headers.get("Accept-Encoding", ""):
            body = gzip.compress(body, mtime=0)
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "public, max-age=31536000" if "/assets/" in self.path else "no-cache")
        self.end_headers()
        return _Body(body)

    def log_message(self, *args: object) -> None:
        pass


class _Body:
    """What send_head returns: something copyfile can read and do_GET can close."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self, size: int = -1) -> bytes:
        data, self.data = self.data, b""
        return data

    def close(self) -> None:
        pass


def lighthouse() -> Path:
    """The Lighthouse command, installed into .venv/lighthouse on first use."""
    command = TOOLS / "node_modules" / ".bin" / "lighthouse"
    installed = TOOLS / "node_modules" / "lighthouse" / "package.json"
    if installed.is_file() and json.loads(installed.read_text())["version"] == LIGHTHOUSE_VERSION:
        return command
    if shutil.which("npm") is None:
        sys.exit("lighthouse.py needs npm (Node.js >= 18.16) to install Lighthouse")
    print(f"installing lighthouse {LIGHTHOUSE_VERSION} into {TOOLS.relative_to(ROOT)} …", file=sys.stderr)
    TOOLS.mkdir(parents=True, exist_ok=True)
    subprocess.run(["npm", "install", "--prefix", str(TOOLS), "--no-audit", "--no-fund", "--loglevel=error",
                    f"lighthouse@{LIGHTHOUSE_VERSION}"], check=True)
    return command


def build_site(folder: Path) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(ROOT / "mkdocs.yml"),
                             "-d", str(folder)], capture_output=True, text=True, env=env)
    if result.returncode != 0:
        sys.exit(f"the example site does not build:\n{result.stderr[-3000:]}")


def banner_shows(url: str, chrome: str) -> bool:
    """Whether a first-time visitor on a phone-sized screen sees the consent banner."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chrome)
        page = browser.new_page(viewport=MOBILE)
        page.goto(url)
        # The banner's first layer: a named region (section.ppc), not hidden.
        shown = page.locator("section.ppc[aria-labelledby]").is_visible()
        browser.close()
        return shown


def run(command: Path, url: str, chrome: str, report: Path) -> dict:
    env = {**os.environ, "CHROME_PATH": chrome}
    flags = "--headless=new --no-sandbox --disable-gpu"
    subprocess.run([str(command), url, "--quiet", "--output=json", "--output=html", f"--output-path={report}",
                    f"--chrome-flags={flags}", f"--only-categories={','.join(CATEGORIES)}"], check=True, env=env)
    return json.loads(report.with_suffix(".report.json").read_text())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--page", default="privacy/", help="the page, relative to the site root (default: privacy/)")
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs; the medians are printed (default: 3)")
    parser.add_argument("--out", type=Path, help="keep the JSON and HTML reports in this folder")
    args = parser.parse_args()
    chrome = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
    if not Path(chrome).is_file():
        sys.exit(f"no Chromium at {chrome}: run `make chromium` or set CHROME_PATH")
    command = lighthouse()

    with tempfile.TemporaryDirectory(prefix="policypress-lighthouse-") as temporary:
        site = Path(temporary) / "site"
        build_site(site)
        handler = functools.partial(StaticHost, directory=str(site))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_address[1]}/{args.page}"
        try:
            if not banner_shows(url, chrome):
                sys.exit(f"{url}: the consent banner does not show for a first-time visitor")
            reports = args.out or Path(temporary) / "reports"
            reports.mkdir(parents=True, exist_ok=True)
            results = [run(command, url, chrome, reports / f"run-{n + 1}") for n in range(args.runs)]
        finally:
            server.shutdown()

    print(f"Lighthouse {LIGHTHOUSE_VERSION}, mobile preset, {url} (consent banner showing), {args.runs} run(s)")
    print(f"  {'':26}" + "".join(f"{f'run {n + 1}':>10}" for n in range(args.runs)) + f"{'median':>10}")
    medians: dict[str, float] = {}
    for name in CATEGORIES:
        scores = [round(result["categories"][name]["score"] * 100) for result in results]
        medians[name] = statistics.median(scores)
        print(f"  {name:26}" + "".join(f"{s:>10}" for s in scores) + f"{medians[name]:>10g}")
    for name in METRICS:
        values = [result["audits"][name]["numericValue"] for result in results]
        unit = "" if name == "cumulative-layout-shift" else " ms"
        shown = [f"{v:.3f}" if not unit else f"{v:.0f}{unit}" for v in values]
        median = statistics.median(values)
        medians[name] = median
        print(f"  {name:26}" + "".join(f"{s:>10}" for s in shown) + f"{(f'{median:.3f}' if not unit else f'{median:.0f}{unit}'):>10}")
    if args.out:
        print(f"  reports: {args.out}")
    print(" ".join(f"{name}={medians[name]:g}" for name in CATEGORIES) + f" cls={medians['cumulative-layout-shift']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
