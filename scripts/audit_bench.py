"""Benchmark of `policypress audit`: pages per minute over the four states (before any choice,
after reject all, after accept all, after withdrawal), against a bare Playwright loop that loads
the same pages as often, in the same Chromium with the same flags.

The site is generated: N small pages on 127.0.0.1 that link each other, each with the
policypress banner (the built assets of `policypress/assets/consent/` and the audit fixture's
configuration, so that consent can be given and withdrawn), a necessary cookie and a statistics
script that runs only after consent.

The audit loads every page three times (before any choice, after reject all, after accept all)
and the first page four times more (each choice, the withdrawal and the reload after it): the
bare loop makes exactly as many loads, one after the other in one tab, and does nothing else.
The ratio is time against time: the audit's seconds ÷ the bare loop's seconds (equal to bare
pages/min ÷ audit pages/min). The goal is at most 1.5, with `--jobs 1`.

    .venv/bin/python scripts/audit_bench.py [--pages 100] [--jobs 1] [--wait 0]

Not a test: nothing is asserted. These machines are noisy; a ratio from one run is steadier
than a number.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import html
import http.server
import io
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from policypress.audit import crawl  # noqa: E402
from policypress.audit.command import DEFAULT_CHROMIUM  # noqa: E402
from policypress.cli import main as policypress  # noqa: E402

ASSETS = ROOT / "policypress" / "assets" / "consent"
CONSENT = ROOT / "tests" / "fixtures" / "audit-site" / "consent.json"
# Links from each page: the next pages in a ring, so a breadth-first crawl finds them all.
LINKS = 3
PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{title}</title><link rel="stylesheet" href="/consent.min.css"></head>
<body>
<nav>{links}</nav>
<main><h1>{title}</h1><p>Fresh coffee, roasted in Umeå. Page {number} of {count}.</p></main>
<script>document.cookie = "shop_session=s1; Path=/; SameSite=Lax";</script>
<script type="text/plain" data-category="statistics" src="/stats.js"></script>
<script type="application/json" id="policypress-consent">{consent}</script>
<script src="/consent.min.js"></script>
</body>
</html>
"""
STATS = 'document.cookie = "_ga_BENCH=GA1." + Date.now() + "; Path=/; Max-Age=34128000; SameSite=Lax";\n'


def page_path(number: int) -> str:
    return "/" if number == 0 else f"/page-{number}.html"


def generate(folder: Path, count: int) -> None:
    """`count` pages linking each other, the banner and its configuration, robots.txt."""
    # The banner links its notice: a page of the site, so that the crawl finds no dead link.
    consent = json.dumps({**json.loads(CONSENT.read_text(encoding="utf-8")), "notice": "/"}).replace("</", "<\\/")
    for number in range(count):
        targets = [page_path((number + step) % count) for step in range(1, LINKS + 1)]
        links = " ".join(f'<a href="{html.escape(target)}">{html.escape(target)}</a>' for target in targets)
        text = PAGE.format(title=f"Page {number}", links=links, number=number, count=count, consent=consent)
        name = "index.html" if number == 0 else f"page-{number}.html"
        (folder / name).write_text(text, encoding="utf-8")
    for name in ("consent.min.js", "consent.min.css"):
        shutil.copy(ASSETS / name, folder / name)
    (folder / "stats.js").write_text(STATS, encoding="utf-8")
    (folder / "robots.txt").write_text("User-agent: *\nAllow: /\n", encoding="utf-8")


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass


@contextlib.contextmanager
def served(folder: Path) -> Iterator[str]:
    """The folder on 127.0.0.1, a free port, for the block."""
    handler = lambda *args, **kwargs: Quiet(*args, directory=str(folder), **kwargs)  # noqa: E731
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def audit(url: str, count: int, jobs: int, wait: float) -> tuple[float, dict[str, Any]]:
    """`policypress audit` as the command line runs it: its seconds and its JSON."""
    out, err = io.StringIO(), io.StringIO()
    args = ["audit", url + "/", "--config", str(CONSENT), "--max-pages", str(count), "--wait", str(wait),
            "--jobs", str(jobs), "--json"]
    started = time.monotonic()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = policypress(args)
    seconds = time.monotonic() - started
    if code not in (0, 1):
        raise SystemExit(f"the audit could not run (exit {code}):\n{err.getvalue()}")
    return seconds, json.loads(out.getvalue())


def loads(pages: list[str]) -> list[str]:
    """The page loads the audit makes: every page in three states, the first page four times more."""
    first = pages[0]
    return [*pages, first, *pages, first, *pages, first, first]


async def bare(urls: list[str], wait: float) -> float:
    """The same loads, one after the other in one tab of one Chromium with the audit's flags."""
    from playwright.async_api import async_playwright

    started = time.monotonic()
    async with async_playwright() as playwright:
        with tempfile.TemporaryDirectory(prefix="policypress-bench-") as profile:
            context = await playwright.chromium.launch_persistent_context(
                profile, executable_path=DEFAULT_CHROMIUM, args=crawl.ARGS, headless=True,
                viewport={"width": 1280, "height": 800}, service_workers="block")
            page = context.pages[0] if context.pages else await context.new_page()
            for url in urls:
                await page.goto(url, wait_until="load")
                await page.wait_for_timeout(wait * 1000)
            await context.close()
    return time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=100, help="pages of the generated site (default 100)")
    parser.add_argument("--jobs", type=int, default=1, help="the audit's --jobs (default 1)")
    parser.add_argument("--wait", type=float, default=0.0, help="the audit's --wait, also waited by the bare loop (default 0)")
    args = parser.parse_args()
    print(f"policypress audit benchmark: {args.pages} pages, --jobs {args.jobs}, --wait {args.wait:g}, "
          f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory(prefix="policypress-bench-site-") as folder, served(Path(folder)) as url:
        generate(Path(folder), args.pages)
        audit_seconds, result = audit(url, args.pages, args.jobs, args.wait)
        pages = result["pages"]
        if len(pages) != args.pages:
            raise SystemExit(f"the audit visited {len(pages)} pages of {args.pages}: {result['problems']}")
        urls = loads(pages)
        bare_seconds = asyncio.run(bare(urls, args.wait))
    audit_rate, bare_rate = 60 * len(pages) / audit_seconds, 60 * len(pages) / bare_seconds
    print()
    print("| run | pages | page loads | seconds | pages/min (four states) |")
    print("|---|---:|---:|---:|---:|")
    print(f"| policypress audit --jobs {args.jobs} | {len(pages)} | {len(urls)} | {audit_seconds:.1f} | {audit_rate:.1f} |")
    print(f"| bare Playwright loop | {len(pages)} | {len(urls)} | {bare_seconds:.1f} | {bare_rate:.1f} |")
    print(f"\nratio: audit seconds ÷ bare seconds = bare pages/min ÷ audit pages/min = {audit_seconds / bare_seconds:.2f} "
          f"(the goal: at most 1.5)")
    print(f"findings: {len(result['findings'])}; cookies after accept all: "
          f"{sorted({c['name'] for c in result['states']['accept']['cookies']})}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
