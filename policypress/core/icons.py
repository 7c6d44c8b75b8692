"""The feeds' icon: a square PNG drawn from the site's primary colour, a white page with three
lines of text on it, written with the standard library (zlib, struct) so that no imaging
library is needed and the same colour always gives the same bytes."""

from __future__ import annotations

import re
import struct
import zlib
from collections.abc import Sequence
from typing import Any

Colour = tuple[int, int, int]

# Material for MkDocs' primary colours by palette name (its palette stylesheet, 9.x).
MATERIAL_PRIMARY: dict[str, str] = {
    "red": "#ef5552", "pink": "#e92063", "purple": "#ab47bd", "deep-purple": "#7e56c2", "indigo": "#4051b5",
    "blue": "#2094f3", "light-blue": "#02a6f2", "cyan": "#00bdd6", "teal": "#009485", "green": "#4cae4f",
    "light-green": "#8bc34b", "lime": "#cbdc38", "yellow": "#ffec3d", "amber": "#ffc105", "orange": "#ffa724",
    "deep-orange": "#ff6e42", "brown": "#795649", "grey": "#757575", "blue-grey": "#546d78", "black": "#000000",
    "white": "#ffffff",
}
DEFAULT_PRIMARY = "indigo"  # Material's own default
HEX_RE = re.compile(r"#?([0-9a-fA-F]{6})")


def primary_colour(palette: Any) -> Colour:
    """The site's primary colour from `theme.palette` (one scheme, or the first of several); a
    name Material does not have (`custom`) gives Material's default, indigo."""
    if isinstance(palette, Sequence) and not isinstance(palette, str):
        palette = palette[0] if palette else {}
    name = str((palette or {}).get("primary") or DEFAULT_PRIMARY).lower().replace(" ", "-")
    found = HEX_RE.fullmatch(MATERIAL_PRIMARY.get(name, MATERIAL_PRIMARY[DEFAULT_PRIMARY]))
    assert found is not None
    value = int(found.group(1), 16)
    return value >> 16, (value >> 8) & 0xFF, value & 0xFF


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(rows: list[bytes], size: int) -> bytes:
    """A square 8-bit RGB PNG of `rows` (each `size` pixels of three bytes)."""
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    data = b"".join(b"\x00" + row for row in rows)  # filter type 0 on every row
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(data, 9)) + _chunk(b"IEND", b"")


def feed_icon(colour: Colour, size: int = 512) -> bytes:
    """The icon at `size` pixels square: the colour as background, a white page in the middle
    with three lines in the colour (the page dark on a light colour, so that it still shows)."""
    light = sum(colour) > 3 * 200
    paper: Colour = (33, 33, 33) if light else (255, 255, 255)
    background, ink = bytes(colour), bytes(colour if not light else (255, 255, 255))
    left, right = round(size * 0.28), round(size * 0.72)
    top, bottom = round(size * 0.18), round(size * 0.82)
    margin = round(size * 0.08)
    # Three lines of "text", the last one shorter, like the end of a paragraph.
    lines = [(round(size * y), round(size * 0.05), right - margin - (round(size * 0.12) if i == 2 else 0))
             for i, y in enumerate((0.34, 0.47, 0.60))]

    def row(line: int | None) -> bytes:
        """A row through the page, through one of its lines (`line`), or none (`-1`: above or below)."""
        if line == -1:
            return background * size
        pixels = [background] * left + [bytes(paper)] * (right - left) + [background] * (size - right)
        if line is not None:
            end = lines[line][2]
            pixels[left + margin:end] = [ink] * (end - left - margin)
        return b"".join(pixels)

    def kind(y: int) -> int | None:
        if not top <= y < bottom:
            return -1
        return next((i for i, (start, height, _) in enumerate(lines) if start <= y < start + height), None)

    # Only five rows differ: each is drawn once.
    drawn = {k: row(k) for k in (-1, None, 0, 1, 2)}
    return png([drawn[kind(y)] for y in range(size)], size)
