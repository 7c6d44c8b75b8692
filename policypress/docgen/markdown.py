"""Text from the code written into Markdown safely: prose escaped, values as code spans, table
cells without their own pipes or line breaks."""

from __future__ import annotations

import html
import re

# Characters Python-Markdown would read as markup in prose (emphasis, links, tables, raw HTML).
_MARKUP = re.compile(r"([\\`*_\[\]|])")


def prose(text: str) -> str:
    """Text shown as written: HTML and Markdown characters escaped."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKUP.sub(r"\\\1", text)


def inline(text: str) -> str:
    """Prose whose `backticked` parts are code, as the project's help texts and docstrings write it."""
    parts = re.split(r"`([^`]+)`", text)
    return "".join(code(part) if odd else prose(part) for odd, part in ((i % 2, p) for i, p in enumerate(parts)))


def sentence(text: str) -> str:
    """A phrase from the code as a sentence: a capital first, a full stop last."""
    text = text.strip()
    if not text:
        return ""
    return inline(text[0].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else "."))


def code(text: str) -> str:
    """Code that holds any text, in prose and in table cells alike: an HTML code element with the
    text escaped, a pipe as its character reference (a table cell ends at a pipe even inside a
    Markdown code span, and a backslash before it would show)."""
    return "<code>" + html.escape(text, quote=False).replace("|", "&#124;") + "</code>"


def heading_code(text: str) -> str:
    """A Markdown code span for a heading, whose text the table of contents shows: for names of
    fields and commands, which hold no backtick."""
    return f"`{text}`"


def cell(text: str) -> str:
    """A table cell: one line."""
    return " ".join(text.split())


def table(head: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    """A Markdown table of cells already written as Markdown."""
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(cell(value) for value in row) + " |" for row in rows]
    return lines


def indented(lines: list[str], by: int = 4) -> list[str]:
    """Lines inside a block (a collapsible note): empty lines stay empty."""
    return [(" " * by + line) if line else "" for line in lines]


def tidy(text: str) -> str:
    """One blank line between blocks, whatever the parts ended with, and one newline at the end."""
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip("\n") + "\n"
