"""`python -m policypress.docgen [--check] [--folder DIR]`: write the generated pages of the
documentation, or with --check write nothing and exit 1 when one differs from what the code gives."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .pages import FOLDER, differing, generated, write


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m policypress.docgen", description=__doc__)
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a page is out of date")
    parser.add_argument("--folder", type=Path, default=FOLDER,
                        help=f"where the pages are (default: {FOLDER}, from the repository's root)")
    args = parser.parse_args(argv)
    pages = generated()
    if args.check:
        stale = differing(args.folder, pages)
        for name in stale:
            print(f"{args.folder / name}: out of date; run `python -m policypress.docgen` and commit it",
                  file=sys.stderr)
        return 1 if stale else 0
    for name in write(args.folder, pages):
        print(f"wrote {args.folder / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
