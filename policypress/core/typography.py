"""Quotation marks as each language writes them, at render time: sealed sources keep their
straight quotes, pages show ”…” (Swedish, Finnish), “…” (English) or „…“ (German).

Markdown is set by Python-Markdown's `smarty` extension, configured per language pass (see
`smarty_options`). What templates write from data (register texts, summaries, titles) is set by
`typeset_html`, which changes only text between tags and leaves code, scripts, the window title
and every attribute (URLs, JSON-LD, data-*) as they are.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Marks:
    """A language's quotation marks. The apostrophe is ’ in every language policypress has
    texts in; smarty writes it for a closing single quote too (German's ‘ would turn
    every "geht's" into "geht‘s")."""

    open_double: str
    close_double: str
    open_single: str
    close_single: str = "’"


# CLDR's delimiters (Babel does not carry them) for the languages policypress has catalogs for.
MARKS: dict[str, Marks] = {
    "sv": Marks("”", "”", "’"),
    "fi": Marks("”", "”", "’"),
    "en": Marks("“", "”", "‘"),
    "de": Marks("„", "“", "‚"),
}
ENGLISH = MARKS["en"]


def marks(language: str) -> Marks:
    """A language's marks, by its primary subtag (`en-GB` as `en`); English's for a language
    without an entry."""
    return MARKS.get(language.replace("_", "-").split("-")[0].lower(), ENGLISH)


def smarty_options(language: str) -> dict[str, object]:
    """Python-Markdown `smarty` options that set only quotes, in the language's marks: dashes,
    ellipses and angled quotes stay as the editor wrote them."""
    m = marks(language)
    return {
        "smart_quotes": True,
        "smart_dashes": False,
        "smart_ellipses": False,
        "smart_angled_quotes": False,
        "substitutions": {
            "left-double-quote": m.open_double,
            "right-double-quote": m.close_double,
            "left-single-quote": m.open_single,
            "right-single-quote": m.close_single,
        },
    }


# A quote opens after nothing, a space or an opening bracket or dash; else it closes.
OPENS_AFTER = set("([{<–—-/\u00a0")
# A straight quote in text as HTML may write it.
QUOTE_RE = re.compile(r"&(?:quot|#34|#x22|apos|#39|#x27);|[\"']", re.I)


# What marks a word as an address rather than prose.
ADDRESS_RE = re.compile(r"@|://|^www\.", re.I)


def _word_at(text: str, index: int) -> str:
    """The run of non-space characters of `text` around `index`."""
    start = max(text.rfind(" ", 0, index), text.rfind("\n", 0, index)) + 1
    ends = [end for end in (text.find(" ", index), text.find("\n", index)) if end != -1]
    return text[start:min(ends) if ends else len(text)]


def _educated(text: str, m: Marks, before: str) -> str:
    """`text` (HTML text, entities and all) with each straight quote replaced; `before` is the
    character of the page's text just before it."""
    out: list[str] = []
    last = 0
    for found in QUOTE_RE.finditer(text):
        start = found.start()
        if ADDRESS_RE.search(_word_at(text, start)):
            continue  # an e-mail address or a web address shown as text stays as written
        previous = text[start - 1] if start else before
        opening = previous == "" or previous.isspace() or previous in OPENS_AFTER
        double = html.unescape(found.group()) == '"'
        if double:
            mark = m.open_double if opening else m.close_double
        else:
            mark = m.open_single if opening else m.close_single
        out += [text[last:start], mark]
        last = found.end()
    out.append(text[last:])
    return "".join(out)


# Tags and comments, which a page's text runs between.
TAG_SPLIT_RE = re.compile(r"(<!--.*?-->|<[^>]*>)", re.S)
TAG_NAME_RE = re.compile(r"</?([a-zA-Z][\w-]*)")
# Elements whose text stays as written: scripts, styles, code, and the window title (head data,
# like the og:title attribute beside it).
VERBATIM = frozenset({"script", "style", "code", "pre", "kbd", "samp", "textarea", "template", "title"})
# Elements inside a run of text: a quote after one of their tags follows the text before it. Any
# other tag (a cell, a paragraph, a line break) starts a new run, where a quote opens.
INLINE = frozenset({"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "i", "ins", "kbd",
                    "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var"})


def typeset_html(document: str, language: str) -> str:
    """`document` with the straight quotes of its text in the language's marks; the text of
    code, scripts and styles, tags and their attributes unchanged."""
    m = marks(language)
    parts = TAG_SPLIT_RE.split(document)  # text, tag, text, tag, …, text
    if all(index and _opens_verbatim(parts[index - 1]) for index in _quoted(parts)):
        return document  # no quote, or only in scripts (JSON-LD, Material's configuration): nothing to set
    verbatim = 0  # depth inside elements whose text stays as written
    before = ""  # the last character of the run of text, for a quote at the start of a part
    for index in range(0, len(parts), 2):
        text = parts[index]
        if text:
            if not verbatim and ('"' in text or "'" in text or "&" in text) and QUOTE_RE.search(text):
                parts[index] = _educated(text, m, before)
            before = text[-1]
        if index + 1 < len(parts):
            tag = parts[index + 1]
            found = TAG_NAME_RE.match(tag)
            name = found.group(1).lower() if found else ""
            if name not in INLINE:
                before = ""
            if name in VERBATIM and not tag.endswith("/>"):
                verbatim = max(0, verbatim - 1) if tag.startswith("</") else verbatim + 1
    return "".join(parts)


# Most pages have no straight quote in their text (smarty has set the Markdown's), only in the
# scripts of JSON data every page has: found without walking every tag, they leave the page as it is.
def _quoted(parts: list[str]) -> list[int]:
    """The indices of the text parts of a split page that hold a straight quote."""
    return [index for index in range(0, len(parts), 2)
            if ('"' in (text := parts[index]) or "'" in text or "&" in text) and QUOTE_RE.search(text)]


def _opens_verbatim(tag: str) -> bool:
    """A tag after which text is verbatim whatever came before: the start of a script, style or
    code."""
    found = TAG_NAME_RE.match(tag)
    return (found is not None and found.group(1).lower() in VERBATIM and not tag.startswith("</")
            and not tag.endswith("/>"))
