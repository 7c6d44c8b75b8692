"""Where a problem about a register field is explained: that field's entry in the register
reference of the documentation site.

The site's address has one home, `Documentation` under `[project.urls]` in pyproject.toml, read
here from the installed package's metadata; a package installed without it gives no link rather
than a wrong one. The fields the reference has an entry for are data (data/reference-fields.json,
written by `python -m policypress.docgen` from the schema and the plugin's options, and checked
against them by the suite), so core needs neither the documentation code nor MkDocs.

`processing[2].retention.after` -> `reference/register/#processing-retention-after`."""

from __future__ import annotations

import functools
import json
import re
from importlib import metadata
from pathlib import Path

# The register reference's address inside the documentation site.
REGISTER_PAGE = "reference/register/"
FIELDS = Path(__file__).parent / "data" / "reference-fields.json"
# The package whose metadata holds the address, and the entry's name there.
PACKAGE = "policypress"
LABEL = "Documentation"

# A field's path without list indices: ('processing', 'retention', 'after').
FieldPath = tuple[str, ...]


def anchor(path: FieldPath) -> str:
    """The id of a field's heading: its path without list indices, '-' between parts and for '_'."""
    return "-".join(part.replace("_", "-") for part in path)


def parts(field_path: str) -> FieldPath:
    """`processing[2].retention.after` -> ('processing', 'retention', 'after')."""
    return tuple(part for part in re.sub(r"\[\d+\]", "", field_path).split(".") if part)


@functools.cache
def documented() -> frozenset[FieldPath]:
    """Every path the register reference has an entry for, as docgen last wrote them."""
    return frozenset(tuple(path) for path in json.loads(FIELDS.read_text(encoding="utf-8")))


def fields_text(paths: frozenset[FieldPath]) -> str:
    """data/reference-fields.json's text for these paths: one path a line, sorted, so a diff shows
    which field came or went."""
    return "[\n" + ",\n".join(json.dumps(list(path)) for path in sorted(paths)) + "\n]\n"


def reference_url(field_path: str, base: str = "", known: frozenset[FieldPath] | None = None) -> str | None:
    """The address of the entry that explains a field (`processing[0].legal_basis`), or of its
    nearest documented parent (a misspelt key under `retention` leads to `retention`); None for a
    field the reference does not cover (`site_url`, a MkDocs option). `base` is the documentation
    site's address, ending in '/' (empty: an address relative to the site's root)."""
    path, known = parts(field_path), documented() if known is None else known
    while path and path not in known:
        path = path[:-1]
    return f"{base}{REGISTER_PAGE}#{anchor(path)}" if path else None


@functools.cache
def documentation_url() -> str | None:
    """The documentation site's address, ending in '/'; None when the metadata names none."""
    try:
        entries = metadata.metadata(PACKAGE).get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        return None
    # Each entry reads "Label, address" (core metadata's Project-URL field).
    for entry in entries:
        label, _, address = entry.partition(",")
        if label.strip() == LABEL and address.strip():
            return address.strip().rstrip("/") + "/"
    return None


def field_link(field_path: str) -> str | None:
    """The full address of the register reference's entry for a field, or None when the field is
    not one the reference explains or the documentation's address is unknown."""
    base = documentation_url()
    return reference_url(field_path, base) if base else None
