"""Where the documentation is published, and the link a message about a field gives.

The address has one home, `Documentation` under `[project.urls]` in pyproject.toml; it is read
here from the installed package's metadata, so neither the code nor a site's mkdocs.yml repeats
it. A package installed without that entry gives no link, rather than a wrong one."""

from __future__ import annotations

import functools
from importlib import metadata

from .anchors import reference_url

# The package whose metadata holds the address, and the entry's name there.
PACKAGE = "policypress"
LABEL = "Documentation"


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
