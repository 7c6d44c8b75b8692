"""policypress's gettext catalogs: extract the messages, update every language's catalog, compile.

    .venv/bin/python scripts/catalogs.py            # extract -> update every .po -> compile every .mo
    .venv/bin/python scripts/catalogs.py --check    # write nothing; exit 1 and say what is out of date
    .venv/bin/python scripts/catalogs.py --add fr   # start the catalog of a new language, then translate it

Messages are extracted, as `babel.cfg` says, from the Python code (`N_`, `Nn_`, `P_`, `Labels`
and gettext's own names) and from the Jinja templates; the template is
`policypress/locale/policypress.pot`, each language's catalog
`policypress/locale/<language>/LC_MESSAGES/policypress.po` with its compiled `.mo` beside it.
A file is written only when its messages change, so running the script twice changes nothing.
Updating keeps every translation; a message whose English changed becomes fuzzy (its old
translation kept as a suggestion), a new one untranslated: translate them in the `.po` (and
remove the `fuzzy` flag), then run the script again to compile. The same with pybabel:

    pybabel extract -F babel.cfg -k N_ -k Nn_:1,2 -k P_:1c,2 -k Labels -c Translators: \\
        --no-location -o policypress/locale/policypress.pot .
    pybabel update -i policypress/locale/policypress.pot -d policypress/locale -D policypress
    pybabel compile -d policypress/locale -D policypress
"""

from __future__ import annotations

import argparse
import io
import sys
from importlib.metadata import version
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "policypress" / "locale"
DOMAIN = "policypress"
TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"
CONFIG = ROOT / "babel.cfg"
# Our markers beside gettext's own names: N_("…") a message, Nn_("…", "…") one with a plural,
# P_("context", "…") one with a context, Labels("…") a vocabulary label.
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None, "Nn_": (1, 2), "P_": ((1, "c"), 2), "Labels": None}
COMMENT_TAGS = ["Translators:"]
HEADER = "# policypress: the messages of the interface and of the vocabulary, in English.\n# Made by scripts/catalogs.py from the code and the templates; do not edit."


def tidy(catalog: Catalog) -> Catalog:
    """The header says what it means, without the placeholders of a new catalog."""
    catalog.project, catalog.version = "policypress", version("policypress")
    catalog.msgid_bugs_address, catalog.last_translator = "", ""
    catalog.language_team = catalog.locale.english_name if catalog.locale else ""
    catalog.revision_date = catalog.creation_date
    return catalog


def extract() -> Catalog:
    """Every message of the code and the templates, in the order they are written."""
    with CONFIG.open(encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    template = Catalog(domain=DOMAIN, project="policypress", charset="utf-8", fuzzy=False, header_comment=HEADER)
    for filename, lineno, message, comments, context in extract_from_dir(
            ROOT, method_map, options_map, keywords=KEYWORDS, comment_tags=COMMENT_TAGS, strip_comment_tags=True):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return tidy(template)


def languages() -> list[str]:
    return sorted(path.parent.parent.name for path in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def read(path: Path, language: str | None = None) -> Catalog:
    with path.open("rb") as file:
        return read_po(file, locale=language, domain=DOMAIN)


def po_text(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    # No line numbers: moving code does not change a catalog.
    write_po(out, catalog, width=100, include_lineno=False, ignore_obsolete=True)
    return out.getvalue()


def mo_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def without_dates(text: bytes) -> bytes:
    """A catalog's text without the header lines that change on every run."""
    return b"\n".join(line for line in text.split(b"\n")
                      if not line.startswith((b'"POT-Creation-Date:', b'"PO-Revision-Date:', b'"Generated-By:')))


def updated(template: Catalog, language: str) -> Catalog:
    """A language's catalog with the template's messages: translations kept, new messages
    untranslated, changed ones fuzzy, gone ones dropped."""
    path = po_path(language)
    catalog = read(path, language) if path.exists() else Catalog(
        locale=Locale.parse(language), domain=DOMAIN, project="policypress", fuzzy=False,
        header_comment=f"# policypress in {Locale.parse(language).english_name}: the interface texts and labels.\n"
                       f"# Made by scripts/catalogs.py; translate every msgstr (README.md, Languages).")
    catalog.update(template, update_creation_date=False)
    catalog.obsolete.clear()
    catalog.creation_date = template.creation_date
    return tidy(catalog)


def to_translate(catalog: Catalog) -> list[str]:
    """The messages of a catalog without a translation, or with a fuzzy one."""
    def missing(string: str | tuple[str, ...]) -> bool:
        return not all(string) if isinstance(string, tuple) else not string
    return [str(m.id) for m in catalog if m.id and (m.fuzzy or missing(m.string))]


def run(*, check: bool = False, add: list[str] | None = None) -> list[str]:
    """Extract, update and compile; what changed (with `check`, what would change)."""
    template = extract()
    if TEMPLATE.exists() and without_dates(TEMPLATE.read_bytes()) == without_dates(po_text(template)):
        template.creation_date = read(TEMPLATE).creation_date  # the date stays while the messages do
        tidy(template)
    outputs = {TEMPLATE: (po_text(template), without_dates)}
    for language in sorted({*languages(), *(add or [])}):
        catalog = updated(template, language)
        outputs[po_path(language)] = (po_text(catalog), without_dates)
        outputs[po_path(language).with_suffix(".mo")] = (mo_bytes(catalog), lambda b: b)
    changed = []
    for path, (content, compare) in outputs.items():
        if path.exists() and compare(path.read_bytes()) == compare(content):
            continue
        changed.append(str(path.relative_to(ROOT)))
        if not check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a file is out of date")
    parser.add_argument("--add", nargs="+", default=[], metavar="LANGUAGE", help="start catalogs for new languages")
    args = parser.parse_args(argv)
    changed = run(check=args.check, add=args.add)
    for path in changed:
        print(f"{'out of date' if args.check else 'wrote'}: {path}")
    untranslated = {language: len(to_translate(read(po_path(language), language))) for language in languages()}
    for language, count in untranslated.items():
        if count:
            print(f"{language}: {count} message(s) to translate in {po_path(language).relative_to(ROOT)}")
    return 1 if args.check and changed else 0


if __name__ == "__main__":
    sys.exit(main())
