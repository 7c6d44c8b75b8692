"""Refresh the consent-manager rules `policypress audit` operates other banners with: DuckDuckGo's
autoconsent (https://github.com/duckduckgo/autoconsent, MPL-2.0), from its npm tarball.

Takes the tarball `npm pack` downloads and writes, unmodified, into
policypress/audit/vendor/autoconsent/:
- autoconsent.playwright.js: the browser bundle (`dist/` of the package) that detects and
  operates a consent manager in a page;
- rules.json: its rules (`rules/` of the package), more than 200 consent managers;
- LICENSE: the Mozilla Public License 2.0 they are distributed under, as the package has it;
- MANIFEST.json: the package, its version, the tarball's sha256 and npm integrity, and the
  sha256 of each file (the audit refuses files that do not match).

Nothing is written unless the tarball is that package, under that licence, with every file in
place; every problem is named. Nothing is downloaded here.

Usage:
  npm pack @duckduckgo/autoconsent@16.23.0 --pack-destination /tmp
  .venv/bin/python scripts/refresh_autoconsent.py /tmp/duckduckgo-autoconsent-16.23.0.tgz
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "policypress" / "audit" / "vendor" / "autoconsent"
PACKAGE = "@duckduckgo/autoconsent"
LICENCE = "MPL-2.0"
SOURCE = "https://github.com/duckduckgo/autoconsent"
# What is shipped, by its name here and its path in the tarball.
FILES = {
    "autoconsent.playwright.js": "package/dist/autoconsent.playwright.js",
    "rules.json": "package/rules/rules.json",
    "LICENSE": "package/LICENSE",
}
MANIFEST = "MANIFEST.json"
# No file of the package comes near this; a larger member is not read.
MAX_BYTES = 20_000_000


class Refused(Exception):
    """The tarball cannot be used; each line says why."""


def member(archive: tarfile.TarFile, tarball: Path, name: str) -> bytes:
    """One regular file of the tarball, read in full, or Refused naming it."""
    try:
        info = archive.getmember(name)
    except KeyError:
        raise Refused(f"{tarball}: has no {name}; expected the npm tarball of {PACKAGE}") from None
    if not info.isfile():
        raise Refused(f"{tarball}: {name} is not a regular file")
    if info.size > MAX_BYTES:
        raise Refused(f"{tarball}: {name} is {info.size} bytes, more than {MAX_BYTES}; not read")
    handle = archive.extractfile(info)
    if handle is None:
        raise Refused(f"{tarball}: {name} could not be read")
    return handle.read()


def read(tarball: Path) -> tuple[dict[str, object], dict[str, bytes]]:
    """The package's own description and the files to ship, checked."""
    try:
        with tarfile.open(tarball, "r:gz") as archive:
            described = member(archive, tarball, "package/package.json")
            files = {name: member(archive, tarball, path) for name, path in FILES.items()}
    except (OSError, tarfile.TarError, EOFError) as error:
        raise Refused(f"{tarball}: not a readable npm tarball (.tgz) ({error})") from None
    try:
        package = json.loads(described)
    except ValueError as error:
        raise Refused(f"{tarball}: package/package.json is not JSON ({error})") from None
    if not isinstance(package, dict) or package.get("name") != PACKAGE:
        found = package.get("name") if isinstance(package, dict) else package
        raise Refused(f"{tarball}: expected the package {PACKAGE}, found {found!r}")
    problems = []
    if package.get("license") != LICENCE:
        problems.append(f"{tarball}: package.json: expected the licence {LICENCE}, found {package.get('license')!r}; "
                        f"check whether policypress may still ship it before refreshing")
    if not files["LICENSE"].startswith(b"Mozilla Public License Version 2.0"):
        problems.append(f"{tarball}: package/LICENSE: expected the Mozilla Public License Version 2.0")
    if not isinstance(package.get("version"), str) or not package["version"]:
        problems.append(f"{tarball}: package.json: no version")
    try:
        rules = json.loads(files["rules.json"])
        count = len(rules["autoconsent"]) if isinstance(rules, dict) and isinstance(rules.get("autoconsent"), list) else 0
    except ValueError:
        count = 0
    if not count:
        problems.append(f"{tarball}: package/rules/rules.json: expected an object with a list of rules under 'autoconsent'")
    if b"autoconsentSendMessage" not in files["autoconsent.playwright.js"]:
        problems.append(f"{tarball}: package/dist/autoconsent.playwright.js: not the bundle that talks through "
                        f"window.autoconsentSendMessage")
    if problems:
        raise Refused(*problems)
    return package, files


def manifest(package: dict[str, object], files: dict[str, bytes], tarball: Path) -> bytes:
    """What was shipped and from where, so a refresh is a readable diff and the audit can check it."""
    data = tarball.read_bytes()
    rules = json.loads(files["rules.json"])["autoconsent"]
    record = {
        "package": PACKAGE,
        "version": package["version"],
        "licence": LICENCE,
        "source": SOURCE,
        "note": (f"Files of the npm package {PACKAGE}@{package['version']}, unmodified; the source code they are "
                 f"built from is at {SOURCE} and in the package's lib/ folder. Written by scripts/refresh_autoconsent.py."),
        "tarball": {"name": tarball.name, "sha256": hashlib.sha256(data).hexdigest(),
                    "integrity": "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()},
        "rules": len(rules),
        "files": {name: {"from": FILES[name].removeprefix("package/"), "bytes": len(content),
                         "sha256": hashlib.sha256(content).hexdigest()} for name, content in files.items()},
    }
    return (json.dumps(record, indent=2, ensure_ascii=False) + "\n").encode()


def write(target: Path, files: dict[str, bytes]) -> None:
    """All files or none: each through a temporary file, renamed into place once all are made."""
    target.mkdir(parents=True, exist_ok=True)
    mask = os.umask(0)
    os.umask(mask)
    staged: list[tuple[str, str]] = []
    try:
        for name, content in files.items():
            handle, temporary = tempfile.mkstemp(dir=target, prefix=f".{name}.", suffix=".tmp")
            staged.append((temporary, name))
            with os.fdopen(handle, "wb") as file:
                file.write(content)
            os.chmod(temporary, 0o666 & ~mask)  # as any new file, not mkstemp's 0600
        for temporary, name in staged:
            os.replace(temporary, target / name)
    finally:
        for temporary, _ in staged:
            Path(temporary).unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("tarball", type=Path, help=f"the tarball `npm pack {PACKAGE}@VERSION` wrote")
    parser.add_argument("--output", type=Path, default=TARGET, help=f"the folder to write (default {TARGET.relative_to(ROOT)})")
    args = parser.parse_args(argv)
    try:
        package, files = read(args.tarball)
        write(args.output, {**files, MANIFEST: manifest(package, files, args.tarball)})
    except Refused as refused:
        for line in refused.args:
            print(f"refresh_autoconsent: {line}", file=sys.stderr)
        return 1
    print(f"refresh_autoconsent: {PACKAGE}@{package['version']} written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
