"""Stable anchors of the register reference: one per field, made from the field's path as
`policypress check` names it, so a message can link to the entry that explains the field.

`processing[2].retention.after` -> `#processing-retention-after`;
`plugins.policypress.consent.max_age_days` -> `#plugins-policypress-consent-max-age-days`."""

from __future__ import annotations

import functools
import re

from .plugin_options import PREFIX, options
from .register_fields import register_fields

# The register reference's address inside the documentation site.
REGISTER_PAGE = "reference/register/"


def anchor(path: tuple[str, ...]) -> str:
    """The id of a field's heading: its path without list indices, '-' between parts and for '_'."""
    return "-".join(part.replace("_", "-") for part in path)


def parts(field_path: str) -> tuple[str, ...]:
    """`processing[2].retention.after` -> ('processing', 'retention', 'after')."""
    return tuple(part for part in re.sub(r"\[\d+\]", "", field_path).split(".") if part)


@functools.cache
def documented() -> frozenset[tuple[str, ...]]:
    """Every path the register reference has an entry for."""
    return frozenset({field.path for field in register_fields()} | {(*PREFIX, *option.path) for option in options()}
                     | {PREFIX})


def reference_url(field_path: str, base: str = "") -> str | None:
    """The address of the entry that explains a field (`processing[0].legal_basis`), or of its
    nearest documented parent (a misspelt key under `retention` leads to `retention`); None for a
    field the reference does not cover (`site_url`, a MkDocs option). `base` is the documentation
    site's address, ending in '/' (empty: an address relative to the site's root)."""
    path, known = parts(field_path), documented()
    while path and path not in known:
        path = path[:-1]
    return f"{base}{REGISTER_PAGE}#{anchor(path)}" if path else None
