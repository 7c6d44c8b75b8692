"""Lighthouse scores of every page type of the example site, in every language, with the consent
banner showing.

Builds the example site (strict) into a temporary folder, serves it on 127.0.0.1 the way a static
host does (gzip, long cache lifetimes for assets), checks that a first-time visitor sees the
consent banner on each page, then runs Lighthouse (npm `lighthouse`, mobile preset) in Debian's
Chromium on each page and prints one row per page type and language: the performance,
accessibility, best-practices and SEO scores with the layout shift (CLS) and the timings behind
them, medians of --runs runs, and the load average when the page's runs started (performance
is measured on a CPU slowed down 4x from what it is, so a busy machine scores lower). Below the
table, what kept a page under 100 (the audits that failed, in how many runs). Lighthouse starts every run with an empty profile, so the banner is
showing in every run. The page types are tests/test_gates.py's PAGE_TYPES, in Swedish (the site
root) and English (/en/). Not part of `make test`: scores depend on the machine, performance on
its CPU above all; read them, don't gate on them.

Lighthouse is installed on first use into .venv/lighthouse (npm; 12.x, the newest line that runs
on Node 20). Chromium: /usr/bin/chromium (`make chromium`), or CHROME_PATH.

A site is not always measured on a quiet machine: `--busy N` runs N CPU-bound processes beside
Lighthouse for its whole duration (each a Python loop that never sleeps, so a 2-core host is at
load N + Lighthouse's own), and the table's header says so.

Usage: .venv/bin/python scripts/lighthouse.py [--page privacy/ …] [--runs 3] [--out DIR] [--calm 2] [--busy 1]
The last line is: performance-min=<n> accessibility-min=<n> best-practices-min=<n> seo-min=<n>
cls-max=<x> (the lowest median score of each category over the pages, the highest median CLS)
"""

from __future__ import annotations

import argparse
import ast
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
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE_VERSION = "12.8.2"
TOOLS = ROOT / ".venv" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
SHORT = {"performance": "perf", "accessibility": "a11y", "best-practices": "bp", "seo": "seo"}
METRICS = {"cumulative-layout-shift": "CLS", "first-contentful-paint": "FCP", "largest-contentful-paint": "LCP",
           "total-blocking-time": "TBT", "speed-index": "SI"}
LANGUAGES = {"sv": "", "en": "en/"}
# Lighthouse's mobile preset emulates this screen.
MOBILE = {"width": 412, "height": 823}


def page_types() -> dict[str, str]:
    """tests/test_gates.py's PAGE_TYPES (kind -> path in the default language), read without
    importing the tests: the gates and these scores cover the same pages."""
    tree = ast.parse((ROOT / "tests" / "test_gates.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "PAGE_TYPES" for t in node.targets):
            return ast.literal_eval(node.value)
    sys.exit("tests/test_gates.py has no PAGE_TYPES")


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


def pages_without_banner(urls: list[str], chrome: str) -> list[str]:
    """The pages on which a first-time visitor on a phone-sized screen does not see the consent banner."""
    from playwright.sync_api import sync_playwright

    missing = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chrome)
        for url in urls:
            context = browser.new_context(viewport=MOBILE)  # a fresh profile: no choice made yet
            page = context.new_page()
            page.goto(url)
            # The banner's first layer: a named region (section.ppc), not hidden.
            if not page.locator("section.ppc[aria-labelledby]").is_visible():
                missing.append(url)
            context.close()
        browser.close()
    return missing


def run(command: Path, url: str, chrome: str, report: Path) -> dict:
    env = {**os.environ, "CHROME_PATH": chrome}
    flags = "--headless=new --no-sandbox --disable-gpu"
    subprocess.run([str(command), url, "--quiet", "--output=json", "--output=html", f"--output-path={report}",
                    f"--chrome-flags={flags}", f"--only-categories={','.join(CATEGORIES)}"], check=True, env=env)
    return json.loads(report.with_name(report.name + ".report.json").read_text())


def summary(results: list[dict]) -> tuple[dict[str, float], Counter[str]]:
    """The medians of the scores and metrics over the runs, and the audits that kept a category
    below 100, with the number of runs in which they did ("perf: total-blocking-time": for
    performance, the metrics that scored below 1)."""
    medians: dict[str, float] = {}
    for name in CATEGORIES:
        medians[name] = statistics.median(round(result["categories"][name]["score"] * 100) for result in results)
    for name in METRICS:
        medians[name] = statistics.median(result["audits"][name]["numericValue"] for result in results)
    failed: Counter[str] = Counter()
    for result in results:
        for name in CATEGORIES:
            if round(result["categories"][name]["score"] * 100) == 100:
                continue
            for ref in result["categories"][name]["auditRefs"]:
                audit = result["audits"][ref["id"]]
                if ref["weight"] > 0 and audit["score"] is not None and audit["score"] < 1:
                    failed[f"{SHORT[name]}: {ref['id']}"] += 1
    return medians, failed


def busy(count: int) -> list[subprocess.Popen[bytes]]:
    """`count` processes that keep a CPU busy until they are stopped."""
    return [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(count)]


def calm(limit: float, patience: float = 600) -> None:
    """Wait until the machine's 1-minute load average is below limit, or patience seconds have passed."""
    deadline = time.monotonic() + patience
    if os.getloadavg()[0] >= limit:
        print(f"  waiting for the load average ({os.getloadavg()[0]:.1f}) to drop below {limit:g} …", file=sys.stderr)
    while os.getloadavg()[0] >= limit and time.monotonic() < deadline:
        time.sleep(5)


def row(cells: list[str]) -> str:
    widths = (20, 4, 6, 6, 6, 6, 7, 8, 8, 8, 8, 6)
    return "  " + "".join(f"{c:<{w}}" if i < 2 else f"{c:>{w}}" for i, (c, w) in enumerate(zip(cells, widths)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--page", action="append", metavar="PATH",
                        help="only this page, relative to the site root (privacy/, en/404.html); repeatable "
                             "(default: every page type in every language)")
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page; the medians are printed (default: 3)")
    parser.add_argument("--out", type=Path, help="keep the JSON and HTML reports in this folder")
    parser.add_argument("--calm", type=float, metavar="LOAD",
                        help="before each page, wait (up to 10 minutes) until the 1-minute load average is below LOAD")
    parser.add_argument("--busy", type=int, default=0, metavar="N",
                        help="run N CPU-bound processes beside Lighthouse for its whole duration (default: none)")
    args = parser.parse_args()
    if args.calm and args.busy:
        parser.error("--calm waits for a quiet machine and --busy keeps it busy: give one of them")
    chrome = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
    if not Path(chrome).is_file():
        sys.exit(f"no Chromium at {chrome}: run `make chromium` or set CHROME_PATH")
    command = lighthouse()
    load = os.getloadavg()[0]
    kinds = {prefix + path: (kind, language) for kind, path in page_types().items()
             for language, prefix in LANGUAGES.items()}
    pages = [(path, *kinds.get(path, (path or "/", "en" if path.startswith("en/") else "sv")))
             for path in (args.page or kinds)]

    rows: list[tuple[str, str, dict[str, float], Counter[str], float]] = []
    with tempfile.TemporaryDirectory(prefix="policypress-lighthouse-") as temporary:
        site = Path(temporary) / "site"
        build_site(site)
        handler = functools.partial(StaticHost, directory=str(site))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        loops = busy(args.busy)
        try:
            missing = pages_without_banner([base + path for path, _, _ in pages], chrome)
            if missing:
                sys.exit("the consent banner does not show for a first-time visitor on: " + ", ".join(missing))
            reports = args.out or Path(temporary) / "reports"
            reports.mkdir(parents=True, exist_ok=True)
            for path, kind, language in pages:
                print(f"  {kind} ({language}) …", file=sys.stderr)
                stem = path.strip("/").replace("/", "_").replace(".html", "") or "home"
                if args.calm:
                    calm(args.calm)
                started = os.getloadavg()[0]
                results = [run(command, base + path, chrome, reports / f"{stem}-run-{n + 1}") for n in range(args.runs)]
                rows.append((kind, language, *summary(results), started))
        finally:
            server.shutdown()
            for loop in loops:
                loop.kill()
                loop.wait()

    print(f"Lighthouse {LIGHTHOUSE_VERSION}, mobile preset, consent banner showing, median of {args.runs} run(s); "
          f"load average {load:.2f} at the start, {os.getloadavg()[0]:.2f} at the end, {os.cpu_count()} CPUs"
          + (f", {args.busy} CPU-bound process(es) beside it" if args.busy else ""))
    print(row(["page type", "lang", *(SHORT[c] for c in CATEGORIES), *METRICS.values(), "load"]))
    for kind, language, medians, _, started in rows:
        timings = [f"{medians[m]:.0f} ms" for m in METRICS if m != "cumulative-layout-shift"]
        print(row([kind, language, *(f"{medians[c]:g}" for c in CATEGORIES),
                   f"{medians['cumulative-layout-shift']:.3f}", *timings, f"{started:.1f}"]))
    below = [(kind, language, failed) for kind, language, _, failed, _ in rows if failed]
    if below:
        print(f"What cost points (audit: runs of {args.runs}):")
        for kind, language, failed in below:
            print(f"  {kind} ({language}): " + ", ".join(f"{k}: {v}" for k, v in sorted(failed.items())))
    if args.out:
        print(f"  reports: {args.out}")
    print(" ".join(f"{name}-min={min(r[2][name] for r in rows):g}" for name in CATEGORIES)
          + f" cls-max={max(r[2]['cumulative-layout-shift'] for r in rows):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
