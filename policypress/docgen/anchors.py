"""The register reference's entries as the code gives them: one per field of the register's
schema and per option of the plugin, each with a stable anchor made from the field's path as
`policypress check` names it (core.reference, which links messages there, reads the same list
from the data file `python -m policypress.docgen` writes).

`processing[2].retention.after` -> `#processing-retention-after`;
`plugins.policypress.consent.max_age_days` -> `#plugins-policypress-consent-max-age-days`."""

from __future__ import annotations

import functools

from ..core import reference
from ..core.reference import REGISTER_PAGE, anchor, parts
from .plugin_options import PREFIX, options
from .register_fields import register_fields

__all__ = ["REGISTER_PAGE", "anchor", "documented", "parts", "reference_url"]


@functools.cache
def documented() -> frozenset[tuple[str, ...]]:
    """Every path the register reference has an entry for."""
    return frozenset({field.path for field in register_fields()} | {(*PREFIX, *option.path) for option in options()}
                     | {PREFIX})


def reference_url(field_path: str, base: str = "") -> str | None:
    """reference.reference_url over the entries the code gives now."""
    return reference.reference_url(field_path, base, documented())
