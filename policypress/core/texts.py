"""Interface strings and date formatting per language (English is the fallback)."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date

STRINGS: dict[str, dict[str, str]] = {
    "sv": {
        "version": "Version",
        "effective": "Gäller från",
        "revision": "Versionsinformation",
        "summary": "Ändringar i denna version",
    },
    "en": {
        "version": "Version",
        "effective": "In effect from",
        "revision": "Version information",
        "summary": "Changes in this version",
    },
}


def strings(language: str) -> dict[str, str]:
    return {**STRINGS["en"], **STRINGS.get(language, {})}


def long_date(date: dt.date, language: str) -> str:
    """`1 september 2026` / `September 1, 2026`: CLDR formats via babel."""
    return format_date(date, format="long", locale=language)
