"""The generated pages of the documentation site (documentation/): the register reference, from
the front-matter schema and the plugin's options, and the CLI reference, from the argument parser.

`python -m policypress.docgen` writes them into documentation/docs/reference/; `--check` writes
nothing and exits 1 when a page differs from what the code gives. `reference_url` is the address
of a field's entry in the register reference, for messages that name a field."""

from __future__ import annotations

from .anchors import reference_url

__all__ = ["reference_url"]
