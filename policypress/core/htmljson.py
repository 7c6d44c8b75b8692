"""JSON for inside an HTML `<script>` element (JSON-LD, the banner's configuration)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import partial
from typing import Any

from jinja2.utils import htmlsafe_json_dumps

# Compact and in the page's own characters; Jinja then writes `<`, `>`, `&` and `'` as JSON
# escapes.
_DUMPS = partial(json.dumps, ensure_ascii=False, separators=(",", ":"))


def script_json(document: Mapping[str, Any]) -> str:
    """JSON that no value can break out of: it cannot close the script element, open a comment
    or start another element, and it is still exactly the same JSON (Jinja's
    `htmlsafe_json_dumps`, as its `tojson` filter uses)."""
    return str(htmlsafe_json_dumps(document, dumps=_DUMPS))
