"""The generated pages, by file name, and writing or comparing them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from . import cli_page, register_page

# Where the pages are committed, from the repository's root.
FOLDER = Path("documentation/docs/reference")

PAGES: dict[str, Callable[[], str]] = {
    "register.md": register_page.render,
    "cli.md": cli_page.render,
}


def generated() -> dict[str, str]:
    """Each page's text as the code gives it now."""
    return {name: render() for name, render in PAGES.items()}


def differing(folder: Path, pages: dict[str, str]) -> list[str]:
    """The pages whose file is missing or has other text."""
    return [name for name, text in pages.items()
            if not (folder / name).is_file() or (folder / name).read_text(encoding="utf-8") != text]


def write(folder: Path, pages: dict[str, str]) -> list[str]:
    """Write the pages that differ; the names of those written."""
    changed = differing(folder, pages)
    folder.mkdir(parents=True, exist_ok=True)
    for name in changed:
        (folder / name).write_text(pages[name], encoding="utf-8")
    return changed
