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
pages/min ÷ audit pages/min), each the median of its rounds. The goal is at most 1.5, with
`--jobs 1`. The two take turns (audit, bare, bare, audit, audit, bare), so that a load that comes
and goes on a shared machine weighs on both alike; the site is served by a process of its own.

    .venv/bin/python scripts/audit_bench.py [--pages 100] [--jobs 1] [--wait 0] [--rounds 3]

Not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import html
import io
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
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


@contextlib.contextmanager
def served(folder: Path) -> Iterator[str]:
    """The folder on 127.0.0.1 by Python's own server in a process of its own (in this one, its
    threads would take the interpreter from the audit), on a free port, for the block."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory",
                               str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit(f"the site's server did not start on port {port}") from None
                time.sleep(0.05)
        yield url
    finally:
        server.terminate()
        server.wait()


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
                profile, executable_path=DEFAULT_CHROMIUM, args=crawl.ARGS, ignore_default_args=crawl.KEPT_ON,
                headless=True, viewport={"width": 1280, "height": 800}, service_workers="block")
            page = context.pages[0] if context.pages else await context.new_page()
            for url in urls:
                await page.goto(url, wait_until="load")
                if wait:
                    await asyncio.sleep(wait)
            await context.close()
    return time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=100, help="pages of the generated site (default 100)")
    parser.add_argument("--jobs", type=int, default=1, help="the audit's --jobs (default 1)")
    parser.add_argument("--wait", type=float, default=0.0, help="the audit's --wait, also waited by the bare loop (default 0)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="runs of each, in turns whose order alternates (default 3)")
    args = parser.parse_args()
    print(f"policypress audit benchmark: {args.pages} pages, --jobs {args.jobs}, --wait {args.wait:g}, "
          f"{args.rounds} rounds, {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}")
    audits: list[float] = []
    bares: list[float] = []
    with tempfile.TemporaryDirectory(prefix="policypress-bench-site-") as folder, served(Path(folder)) as url:
        generate(Path(folder), args.pages)
        audit_seconds, result = audit(url, args.pages, args.jobs, args.wait)
        audits.append(audit_seconds)
        pages = result["pages"]
        if len(pages) != args.pages:
            raise SystemExit(f"the audit visited {len(pages)} pages of {args.pages}: {result['problems']}")
        urls = loads(pages)
        for turn in range(2 * args.rounds - 1):
            # A B, then B A, then A B: the order alternates each round.
            if (turn % 4) in (0, 1):
                bares.append(asyncio.run(bare(urls, args.wait)))
            else:
                audits.append(audit(url, args.pages, args.jobs, args.wait)[0])
    audit_median, bare_median = statistics.median(audits), statistics.median(bares)
    print()
    print("| run | pages | page loads | seconds, each round | pages/min (four states, median) |")
    print("|---|---:|---:|---:|---:|")
    print(f"| policypress audit --jobs {args.jobs} | {len(pages)} | {len(urls)} | "
          f"{', '.join(f'{t:.1f}' for t in audits)} | {60 * len(pages) / audit_median:.1f} |")
    print(f"| bare Playwright loop | {len(pages)} | {len(urls)} | {', '.join(f'{t:.1f}' for t in bares)} | "
          f"{60 * len(pages) / bare_median:.1f} |")
    ratio = audit_median / bare_median
    print(f"\nratio: audit seconds ÷ bare seconds = bare pages/min ÷ audit pages/min = {ratio:.2f} (the goal: at most 1.5)")
    print(f"time for {len(pages)} pages in four states: {audit_median:.1f} s (median)")
    print(f"findings: {len(result['findings'])}; cookies after accept all: "
          f"{sorted({c['name'] for c in result['states']['accept']['cookies']})}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
