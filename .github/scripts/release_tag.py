"""What a release tag may publish, for .github/workflows/release.yml.

    python .github/scripts/release_tag.py check v1.2.0   # the tag names the version being released
    python .github/scripts/release_tag.py notes 1.2.0    # that version's section of CHANGELOG.md

`check` refuses a tag that is not `v` + the version of pyproject.toml, a banner/package.json of
another version (the two packages are released together, from one tag), and a version without
its section in CHANGELOG.md. It only reads files, so the workflow runs it before anything is
built, and the test suite runs it on the repository as it is.
"""

from __future__ import annotations

import json
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# `## [1.2.0] - 2027-01-31` (or `## [Unreleased]`): a version's heading in Keep a Changelog.
HEADING = re.compile(r"^## \[(?P<version>[^\]]+)\](?: - (?P<date>\S+))?[ \t]*$", re.M)


def sections(changelog: str) -> dict[str, str]:
    """Each version's text under its heading, by version (`Unreleased` included), in file order."""
    found = list(HEADING.finditer(changelog))
    ends = [match.start() for match in found[1:]] + [len(changelog)]
    return {match["version"]: changelog[match.end():end].strip("\n") for match, end in zip(found, ends)}


def problems(tag: str, root: Path = ROOT) -> list[str]:
    """Why `tag` may not release what `root` holds; nothing when it may."""
    version = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    banner = json.loads((root / "banner/package.json").read_text(encoding="utf-8"))["version"]
    found = []
    if tag != f"v{version}":
        found.append(f"tag {tag}: expected v{version}, the version in pyproject.toml")
    if banner != version:
        found.append(f"banner/package.json: version {banner}, expected {version} as in pyproject.toml "
                     "(the banner is released with policypress, from the same tag)")
    if not sections((root / "CHANGELOG.md").read_text(encoding="utf-8")).get(version):
        found.append(f"CHANGELOG.md: no section '## [{version}] - YYYY-MM-DD' with what changed; move the "
                     "[Unreleased] entries under it")
    return found


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("check", "notes"):
        print("usage:\n" + "\n".join(__doc__.strip().splitlines()[2:4]), file=sys.stderr)
        return 2
    command, value = argv
    if command == "check":
        found = problems(value)
        for problem in found:
            print(f"release: {problem}", file=sys.stderr)
        return 1 if found else 0
    notes = sections((ROOT / "CHANGELOG.md").read_text(encoding="utf-8")).get(value)
    if not notes:
        print(f"release: CHANGELOG.md has no section for {value}", file=sys.stderr)
        return 1
    print(notes)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
