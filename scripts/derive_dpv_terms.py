"""Derive the compact DPV 2.3 term list that policypress validates sources against.

Reads the W3C term tables (term, type, dpvtype, broader, …) and writes
policypress/core/data/dpv-2.3-terms.json: for every prefix the classes and properties that exist,
each class with its DPV type, broader concepts, label and definition, so a source can be checked
offline for terms that exist and are of the right kind (a purpose, a kind of personal data, a data
subject), and a misspelt term can be answered with the term whose words say the same thing
(`pd:NationalIdentificationNumber` -> pd:OfficialID, "an official identifier").
The W3C Software and Document notice travels with the derived file.

Usage: .venv/bin/python scripts/derive_dpv_terms.py [path/to/vocab/dpv-2.3]
"""

from __future__ import annotations

import csv
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT.parent / "shared" / "vocab" / "dpv-2.3"
TARGET = ROOT / "policypress" / "core" / "data"
FILES = ("dpv", "pd", "eu-gdpr", "legal-se", "tech")

NOTICE = (
    "Derived from the W3C Data Privacy Vocabulary (DPV) 2.3, https://w3id.org/dpv. "
    "Copyright (c) 2026 World Wide Web Consortium (https://www.w3.org/). "
    "Distributed under the W3C Software and Document license, "
    "https://www.w3.org/copyright/software-license-2023/ (full text in dpv-2.3-LICENSE.md). "
    "Changes: only term names, kinds, DPV types, broader concepts, labels and definitions are kept."
)


def local(iri: str, namespaces: dict[str, str]) -> str:
    """A full IRI as a compact one (`https://w3id.org/dpv#Purpose` -> `dpv:Purpose`)."""
    for prefix, namespace in namespaces.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def main(source: Path = SOURCE) -> int:
    namespaces: dict[str, str] = {}
    rows: dict[str, list[dict[str, str]]] = {}
    for name in FILES:
        with (source / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
            rows[name] = list(csv.DictReader(handle))
        namespaces[name] = rows[name][0]["namespace"].rstrip("#/") + "#"
    terms: dict[str, dict[str, dict[str, list[str] | str]]] = {}
    for name, table in rows.items():
        for row in table:
            def compact(field: str) -> list[str]:
                return sorted(local(v, namespaces) for v in row[field].split(";") if v)

            entry: dict[str, list[str] | str] = {"kind": row["type"]}
            if row["type"] == "class":
                entry["types"] = compact("dpvtype")
                entry["broader"] = compact("hasbroader")
                entry["label"] = row["label"].strip()
                entry["definition"] = " ".join(row["definition"].split())
            terms.setdefault(name, {})[row["term"]] = entry
    document = {"notice": NOTICE, "namespaces": namespaces, "terms": terms}
    TARGET.mkdir(parents=True, exist_ok=True)
    (TARGET / "dpv-2.3-terms.json").write_text(json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    shutil.copyfile(source / "LICENSE.md", TARGET / "dpv-2.3-LICENSE.md")
    count = sum(len(t) for t in terms.values())
    print(f"wrote {count} terms from {len(FILES)} tables to {TARGET / 'dpv-2.3-terms.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCE))
