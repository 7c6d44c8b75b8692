"""Live-reload latency: from saving a file to the browser showing the rebuilt page, in `mkdocs serve`
of the example site, against bare Material + i18n serving the same pages.

Two copies of the example site are made in a temporary folder: as it is, and without the
policypress plugin (the same Markdown, navigation, theme and languages). Each is served by
`mkdocs serve` with live reload on 127.0.0.1; Chromium (Debian's) opens a page, the script saves
an edit of that page's Markdown and times how long until the reloaded page has loaded with the
edit in it. The two servers take turns, ROUNDS times each, and the script prints the medians and
their ratio (the machines are noisy: read the ratio). Budget (issue 13): ratio <= 1.3.

Usage: .venv/bin/python scripts/reload_latency.py [--rounds N] [--page privacy/]
The last line is: reload-ratio=<x> policypress-median=<s> bare-median=<s>
"""

from __future__ import annotations

import argparse
import contextlib
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
MKDOCS = str(Path(sys.executable).with_name("mkdocs"))
CHROMIUM = "/usr/bin/chromium"


def copy_site(target: Path, bare: bool) -> Path:
    for name in ("docs", "overrides"):
        shutil.copytree(ROOT / name, target / name)
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    if bare:
        # Everything from the policypress entry to the next top-level key goes.
        config = re.sub(r"\n  - policypress:\n(?:(?:    .*|\s*)\n)*", "\n", config)
        (target / "overrides" / "main.html").unlink(missing_ok=True)
    (target / "mkdocs.yml").write_text(config, encoding="utf-8")
    return target


def free_port() -> int:
    with contextlib.closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serving(site: Path) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen([MKDOCS, "serve", "--dev-addr", f"127.0.0.1:{port}", "--livereload"], cwd=site,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={"NO_MKDOCS_2_WARNING": "1",
                               "PATH": str(Path(sys.executable).parent)})
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 120
        while True:
            with contextlib.suppress(OSError):
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"mkdocs serve did not start in {site}")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def source_of(page: str) -> str:
    """The Swedish Markdown of a page path: privacy/ -> docs/privacy/index.sv.md."""
    return f"docs/{page}index.sv.md" if page else "docs/index.sv.md"


def one_reload(browser_page: Page, url: str, source: Path, round_: int) -> float:
    """Seconds from saving an edit to the reloaded page showing it."""
    browser_page.goto(url, wait_until="load")
    marker = f"Mätpunkt {round_}"
    text = source.read_text(encoding="utf-8")
    start = time.monotonic()
    source.write_text(text + f"\n{marker}\n", encoding="utf-8")
    browser_page.wait_for_function(f"document.body && document.body.innerText.includes({marker!r})",
                                   timeout=60_000, polling=20)
    return time.monotonic() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--page", default="", help="the page to edit and watch, e.g. privacy/ (default: the landing page)")
    args = parser.parse_args()
    times: dict[str, list[float]] = {"policypress": [], "bare": []}
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        sites = {kind: copy_site(Path(folder) / kind, bare=kind == "bare") for kind in times}
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        with serving(sites["policypress"]) as ours, serving(sites["bare"]) as bare:
            urls = {"policypress": ours + args.page, "bare": bare + args.page}
            pages = {kind: browser.new_page() for kind in times}
            for round_ in range(args.rounds + 1):
                for kind in times:
                    seconds = one_reload(pages[kind], urls[kind], sites[kind] / source_of(args.page), round_)
                    if round_:  # the first round warms up both servers
                        times[kind].append(seconds)
        browser.close()
    medians = {kind: statistics.median(values) for kind, values in times.items()}
    for kind, values in times.items():
        print(f"{kind:12} median {medians[kind]:.2f} s  ({', '.join(f'{v:.2f}' for v in values)})")
    ratio = medians["policypress"] / medians["bare"]
    print(f"reload-ratio={ratio:.2f} policypress-median={medians['policypress']:.2f} bare-median={medians['bare']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
