"""JSON for inside an HTML `<script>` element (JSON-LD, the banner's configuration)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any


def script_json(document: Mapping[str, Any]) -> str:
    """`<`, `>` and `&` are written as JSON escapes, so no value can close the script element,
    open a comment or start another element. The result is still exactly the same JSON."""
    encoded = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    return encoded.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
