"""`python -m policypress.docgen [--check] [--folder DIR]`: write the generated pages of the
documentation, or with --check write nothing and exit 1 when one differs from what the code gives."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..core import reference
from .anchors import documented
from .pages import FOLDER, ForeignFile, differing, generated, write


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m policypress.docgen", description=__doc__)
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a page is out of date")
    parser.add_argument("--folder", type=Path, default=FOLDER,
                        help=f"where the pages are (default: {FOLDER}, from the repository's root)")
    args = parser.parse_args(argv)
    # The default is the repository's documentation: outside the repository it is nowhere.
    if args.folder == FOLDER and not (FOLDER.parent.parent / "mkdocs.yml").is_file():
        print(f"{Path.cwd()}: no documentation/mkdocs.yml here; run from the repository's root, or name the "
              "folder with --folder", file=sys.stderr)
        return 2
    pages = generated()
    # The fields the reference documents, as data for the links of check's messages (core.reference).
    data = reference.FIELDS.parent
    fields = {reference.FIELDS.name: reference.fields_text(documented())}
    stale_fields = differing(data, fields)
    if args.check:
        stale = [args.folder / name for name in differing(args.folder, pages)] + [data / name for name in stale_fields]
        for path in stale:
            print(f"{path}: out of date; run `python -m policypress.docgen` and commit it", file=sys.stderr)
        return 1 if stale else 0
    try:
        written = [args.folder / name for name in write(args.folder, pages)]
    except ForeignFile as error:
        print(f"{error}: not written by python -m policypress.docgen; nothing was written (move it away first)",
              file=sys.stderr)
        return 2
    for name in stale_fields:
        (data / name).write_text(fields[name], encoding="utf-8")
        written.append(data / name)
    for path in written:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
