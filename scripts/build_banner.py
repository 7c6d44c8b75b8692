"""Minify the consent banner (banner/) into the files policypress ships (policypress/assets/consent/).

rjsmin and rcssmin only remove comments and white space, so the shipped code is the source
code. The test suite rebuilds and compares, so the shipped files cannot drift from banner/.

Usage: .venv/bin/python scripts/build_banner.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import rcssmin
import rjsmin

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "banner"
TARGET = ROOT / "policypress" / "assets" / "consent"
HEADER = "/* policypress consent banner, MIT licence. Source: banner/ in the policypress repository. */\n"


def built() -> dict[str, str]:
    """File name -> content of every shipped file, from the sources."""
    script = rjsmin.jsmin((SOURCE / "consent.js").read_text(encoding="utf-8"))
    module = rjsmin.jsmin((SOURCE / "consent.mjs").read_text(encoding="utf-8").replace("./consent.js", "./consent.min.js"))
    style = rcssmin.cssmin((SOURCE / "consent.css").read_text(encoding="utf-8"))
    return {
        "consent.min.js": HEADER + script + "\n",
        "consent.min.mjs": HEADER + module + "\n",
        "consent.min.css": HEADER + style + "\n",
    }


def main() -> int:
    TARGET.mkdir(parents=True, exist_ok=True)
    for name, content in built().items():
        (TARGET / name).write_text(content, encoding="utf-8")
        print(f"wrote {TARGET.relative_to(ROOT) / name} ({len(content.encode())} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
