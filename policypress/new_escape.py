"""How `policypress new` writes a value into each kind of file it makes, so that a value is only
ever data: YAML through a YAML emitter, Markdown with its syntax escaped, HTML escaped, an
address as a percent-encoded `mailto:` URL."""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import quote


def yaml_scalar(value: Any, flow: bool = False) -> str:
    """A value as it is written on one line: plain when YAML reads it back as the same text (in a
    flow collection, also without `,[]{}`), else double-quoted by the YAML emitter."""
    import yaml

    if not isinstance(value, str):
        return yaml.safe_dump(value, default_flow_style=True).removesuffix("\n...\n").rstrip("\n")
    plain = yaml.safe_dump(value, allow_unicode=True, width=float("inf")).removesuffix("\n...\n").rstrip("\n")
    if plain == value and not (flow and any(c in value for c in ",[]{}")):
        return value
    return yaml.safe_dump(value, default_style='"', allow_unicode=True, width=float("inf")).rstrip("\n")


def yaml_flow(value: Any) -> str:
    """A list or mapping of plain values on one line: `[a, b]`, `{duration: P3Y, after: purchase}`."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {yaml_scalar(item, flow=True)}" for key, item in value.items()) + "}"
    return "[" + ", ".join(yaml_scalar(item, flow=True) for item in value) + "]"


# What starts inline syntax in Python-Markdown (with the site's extensions) and in CommonMark:
# emphasis, code, links and images, attribute lists, table cells, closing hashes of a heading.
# Each has a backslash escape in both.
MARKDOWN_INLINE = re.compile(r"[\\`*_{}\[\]#|]")
# What starts a block at the beginning of a line: a list item (`- `, `+ `, `1. `, `1) `).
MARKDOWN_LEADING = re.compile(r"^(?:([-+])|(\d+)([.)]))")


def markdown_text(value: str) -> str:
    """Text that Markdown shows as written, wherever it stands in a line: a character reference
    stays as typed, `<` and `>` make no HTML, and every mark of syntax is escaped."""
    text = re.sub(r"&(?=#?\w+;)", "&amp;", value)
    text = text.replace("<", "&lt;").replace(">", "&gt;")
    text = MARKDOWN_INLINE.sub(r"\\\g<0>", text)
    return MARKDOWN_LEADING.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", text)


def html_text(value: str) -> str:
    """Text for a place that is read as HTML (mkdocs.yml's `copyright`)."""
    return html.escape(value, quote=False)


def mailto(address: str) -> str:
    """A `mailto:` URL of an address (RFC 6068): every character but letters, digits, `-._~` and
    the @ percent-encoded, so that `?`, `#` or `%` in the address stay part of it."""
    return "mailto:" + quote(address, safe="@")
