"""Derive the cookie facts `policypress audit` names cookies, storage keys and hosts with, from a
snapshot of the Open Cookie Database (https://github.com/jkwakman/Open-Cookie-Database).

Reads the database's CSV and writes, next to the audit:
- policypress/audit/data/open-cookie-database.json: every row's facts (id, platform, category,
  cookie or key name, wildcard flag, domain, description, retention, data controller, privacy
  link) under a header naming the source, its commit and date, and its licence;
- open-cookie-database-LICENSE.txt: the Apache License 2.0 the snapshot is distributed under,
  as the snapshot has it;
- open-cookie-database-NOTICE.txt: the attribution, and what was changed.

Nothing is written unless the whole CSV reads as the database's columns; every problem is named
with its line. The version is given with --commit and --date, or read with git when the CSV lies
in a git work tree.

Usage:
  git clone https://github.com/jkwakman/Open-Cookie-Database /tmp/ocd
  .venv/bin/python scripts/refresh_cookie_database.py /tmp/ocd/open-cookie-database.csv
  .venv/bin/python scripts/refresh_cookie_database.py snapshot.csv --licence LICENSE --commit SHA --date 2026-01-21
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "policypress" / "audit" / "data"
DATA, LICENCE, NOTICE = "open-cookie-database.json", "open-cookie-database-LICENSE.txt", "open-cookie-database-NOTICE.txt"
URL = "https://github.com/jkwakman/Open-Cookie-Database"
# The CSV's header, column by column, and the name each fact has in the derived file.
COLUMNS = {
    "ID": "id",
    "Platform": "platform",
    "Category": "category",
    "Cookie / Data Key name": "name",
    "Domain": "domain",
    "Description": "description",
    "Retention period": "retention",
    "Data Controller": "controller",
    "User Privacy & GDPR Rights Portals": "privacy",
    "Wildcard match": "wildcard",
}
FIELDS = ["id", "platform", "category", "name", "wildcard", "domain", "description", "retention", "controller", "privacy"]
REQUIRED = ("id", "category", "name")
CHANGES = ("each row's facts written as a JSON array in the order of `fields`, the wildcard flag as true or false, "
           "spaces at either end of a value removed and runs of white space inside it made one space; no row, "
           "fact or wording is added, removed or altered")


class Refused(Exception):
    """The snapshot cannot be used; each line says where and why."""


def read_rows(path: Path) -> list[list[str | bool]]:
    """The CSV's rows as the derived file holds them, or Refused with every problem found."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise Refused(f"{path}: could not be read as UTF-8 text ({error})") from None
    reader = csv.reader(text.splitlines(keepends=True), strict=True)
    problems: list[str] = []
    rows: list[list[str | bool]] = []
    seen: dict[str, int] = {}
    try:
        header = next(reader, None)
        if header != list(COLUMNS):
            raise Refused(f"{path}:1: expected the Open Cookie Database's columns {', '.join(COLUMNS)}; found "
                          f"{', '.join(header) if header else 'an empty file'}")
        for values in reader:
            line = reader.line_num
            if not any(value.strip() for value in values):
                continue
            if len(values) != len(COLUMNS):
                problems.append(f"{path}:{line}: expected {len(COLUMNS)} values, found {len(values)}")
                continue
            facts = {COLUMNS[column]: " ".join(value.split()) for column, value in zip(COLUMNS, values)}
            missing = [field for field in REQUIRED if not facts[field]]
            if missing:
                problems.append(f"{path}:{line}: {', '.join(missing)} empty; every row needs an id, a category and a name")
            if facts["wildcard"] not in ("0", "1"):
                problems.append(f"{path}:{line}: Wildcard match: expected 0 or 1, found {facts['wildcard']!r}")
            if facts["id"] in seen:
                problems.append(f"{path}:{line}: ID {facts['id']} is also on line {seen[facts['id']]}")
            seen.setdefault(facts["id"], line)
            rows.append([facts[field] == "1" if field == "wildcard" else facts[field] for field in FIELDS])
    except csv.Error as error:
        raise Refused(f"{path}:{reader.line_num}: not CSV ({error})") from None
    if problems:
        raise Refused(*problems)
    if not rows:
        raise Refused(f"{path}: no rows after the header")
    return rows


def version(path: Path, commit: str | None, date: str | None) -> tuple[str, str]:
    """The snapshot's commit and date: as given, or the last commit of the git work tree it lies in."""
    if commit is None or date is None:
        try:
            found = subprocess.run(["git", "-C", str(path.parent), "log", "-1", "--format=%H %cs"], capture_output=True,
                                   text=True, timeout=30, check=True).stdout.split()
        except (OSError, subprocess.SubprocessError):
            found = []
        if len(found) != 2:
            raise Refused(f"{path}: not in a git work tree; give the snapshot's --commit and --date")
        commit, date = commit or found[0], date or found[1]
    if not re.fullmatch(r"[0-9a-f]{40}", commit):
        raise Refused(f"--commit: expected the 40 hexadecimal digits of a git commit, found {commit!r}")
    try:
        dt.date.fromisoformat(date)
    except ValueError:
        raise Refused(f"--date: expected YYYY-MM-DD, found {date!r}") from None
    return commit, date


def licence_text(path: Path) -> str:
    """The snapshot's licence, which must still be the Apache License 2.0 the package relies on."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise Refused(f"{path}: could not be read ({error}); give the snapshot's LICENSE with --licence") from None
    if not re.match(r"\s*Apache License\s+Version 2\.0, January 2004", text):
        raise Refused(f"{path}: expected the Apache License, Version 2.0; the licence changed, so check whether "
                      f"policypress may still ship the data before refreshing it")
    return text


def document(rows: list[list[str | bool]], commit: str, date: str) -> str:
    """The derived file: its header, then one entry a line (a refresh shows as a readable diff)."""
    header = {
        "notice": (f"Derived from the Open Cookie Database, {URL}, commit {commit} of {date}, by its contributors. "
                   f"Licensed under the Apache License, Version 2.0 (full text in {LICENCE}; attribution in {NOTICE}). "
                   f"Changes: {CHANGES}."),
        "source": {"url": URL, "file": "open-cookie-database.csv", "commit": commit, "date": date, "licence": "Apache-2.0"},
        "fields": FIELDS,
    }
    head = json.dumps(header, ensure_ascii=False, indent=1)[:-2]  # without the closing brace
    lines = ",\n".join("  " + json.dumps(row, ensure_ascii=False) for row in rows)
    return f'{head},\n "entries": [\n{lines}\n ]\n}}\n'


def notice(commit: str, date: str, count: int) -> str:
    return (f"policypress includes data derived from the Open Cookie Database\n{URL}\n"
            f"by the Open Cookie Database contributors, snapshot of commit {commit} ({date}), {count} entries.\n\n"
            f"Licensed under the Apache License, Version 2.0 (the \"License\"); you may not use this data except in\n"
            f"compliance with the License. A copy is in {LICENCE}; it is also at\nhttp://www.apache.org/licenses/LICENSE-2.0\n\n"
            f"Unless required by applicable law or agreed to in writing, the data is distributed on an \"AS IS\" BASIS,\n"
            f"WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.\n\n"
            f"Changes made by policypress (scripts/refresh_cookie_database.py): {CHANGES}.\n")


def write(target: Path, files: dict[str, str]) -> None:
    """All files or none: each through a temporary file, renamed into place once all are made."""
    target.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[str, str]] = []
    try:
        for name, text in files.items():
            handle, temporary = tempfile.mkstemp(dir=target, prefix=f".{name}.", suffix=".tmp")
            staged.append((temporary, name))
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as file:
                file.write(text)
            os.chmod(temporary, 0o666 & ~umask())  # as any new file, not mkstemp's 0600
        for temporary, name in staged:
            os.replace(temporary, target / name)
    finally:
        for temporary, _ in staged:
            Path(temporary).unlink(missing_ok=True)


def umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("csv", type=Path, help="the snapshot's open-cookie-database.csv")
    parser.add_argument("--licence", type=Path, help="the snapshot's LICENSE (default: beside the CSV)")
    parser.add_argument("--commit", help="the snapshot's git commit (default: read with git)")
    parser.add_argument("--date", help="the snapshot's commit date, YYYY-MM-DD (default: read with git)")
    parser.add_argument("--output", type=Path, default=TARGET, help=f"the folder to write (default {TARGET.relative_to(ROOT)})")
    args = parser.parse_args(argv)
    try:
        rows = read_rows(args.csv)
        licence = licence_text(args.licence or args.csv.parent / "LICENSE")
        commit, date = version(args.csv, args.commit, args.date)
        write(args.output, {DATA: document(rows, commit, date), LICENCE: licence, NOTICE: notice(commit, date, len(rows))})
    except Refused as refused:
        for line in refused.args:
            print(f"refresh_cookie_database: {line}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"refresh_cookie_database: {error.filename or args.output}: could not be written ({error.strerror})",
              file=sys.stderr)
        return 1
    print(f"wrote {len(rows)} entries of commit {commit[:12]} ({date}) to {args.output / DATA}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
