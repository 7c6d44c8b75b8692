"""The policy site's configuration script, `consent/<lang>.js`, as the one-tag snippet loads it on
another website: recognised by what it is (the script `core.consent.loader` writes), not by its
address, and read back into the banner configuration it carries.

The audit uses it twice: the script's origin is the policy site (the consent mechanism, never a
third party), and without `--site` or `--config` its configuration is the register.
"""

from __future__ import annotations

import json
import re
from typing import Any

# The first words `core.consent.loader` writes, and the call that ends the script with the settings.
MARK = "/* policypress consent banner:"
_SETTINGS_RE = re.compile(r"\}\)\(document,\s*(\{.*\})\s*\);\s*\Z", re.DOTALL)
# Where such a script lives on the policy site: read only those (a page loads many scripts).
PATH_RE = re.compile(r"/consent/[^/]+\.js(?:\?.*)?\Z")


def settings(text: str) -> dict[str, Any] | None:
    """The banner configuration in a loader script, or None when the text is no such script."""
    if not text.startswith(MARK):
        return None
    found = _SETTINGS_RE.search(text)
    if found is None:
        return None
    try:
        value = json.loads(found.group(1))
    except (ValueError, RecursionError):  # not JSON, or nested deeper than Python reads
        return None
    return value if isinstance(value, dict) else None
