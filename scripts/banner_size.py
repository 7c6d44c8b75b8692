"""Print the size of the consent banner as shipped, gzipped, against vanilla-cookieconsent.

The budget (issue: consent banner) is JS + CSS <= 5 KB gzip; vanilla-cookieconsent 3.1.0 ships
15,513 bytes (JS + CSS, gzip -9). Measured with the same gzip level, from the files policypress
ships (run scripts/build_banner.py first after changing banner/).

Usage: .venv/bin/python scripts/banner_size.py
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

SHIPPED = Path(__file__).resolve().parent.parent / "policypress" / "assets" / "consent"
VANILLA_COOKIECONSENT = 15_513
BUDGET = 5 * 1024


def gzip_size(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=9, mtime=0))


def main() -> int:
    sizes = {name: (len((SHIPPED / name).read_bytes()), gzip_size(SHIPPED / name))
             for name in ("consent.min.js", "consent.min.css", "consent.min.mjs")}
    for name, (raw, packed) in sizes.items():
        print(f"{name:18} {raw:6} B raw {packed:6} B gzip")
    total = sizes["consent.min.js"][1] + sizes["consent.min.css"][1]
    print(f"{'JS + CSS':18} {'':13} {total:6} B gzip  (budget {BUDGET} B: {'within' if total <= BUDGET else 'OVER'})")
    print(f"ratio to vanilla-cookieconsent 3.1.0 ({VANILLA_COOKIECONSENT} B): {total / VANILLA_COOKIECONSENT:.2f}")
    print(f"banner-gzip={total}")
    return 0 if total <= BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
