"""The register tables on policy pages: rows from the revision's own data, in the page's language,
every cell compared with the model; and every table readable at 320 px in Chromium."""

from __future__ import annotations

import html
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag
from playwright.sync_api import Browser

from conftest import FIXTURES, Build, FixtureSite, Server, copy_site, example_site, in_force
from policypress.core import vocabulary as vocab
from policypress.core.model import Purpose, Register, Revision
from policypress.core.register import place_text, retention_text
from policypress.core.texts import strings
from policypress.core.typography import typeset_html
from policypress.core.types import Version

LANGUAGES = {"sv": "", "en": "en/"}
# The privacy policy in force on the suite's day, and 3.1, which uses the new forms of the register.
PRIVACY_VERSIONS = [None, "3.1"]


def revision(policy: str, version: str | None = None) -> Revision:
    return in_force(policy) if version is None else example_site().policies[policy].revision(Version.parse(version))


def page(build: Build, path: str) -> BeautifulSoup:
    return build.html(f"{path}/index.html")


def shown(build: Build, policy: str, language: str, version: str | None = None) -> tuple[Register, BeautifulSoup]:
    """A revision's register (the one in force without `version`) and its page in `language`."""
    path = policy if version is None else f"{policy}/{version}"
    return revision(policy, version).register, page(build, f"{LANGUAGES[language]}{path}")


def words(element: Tag | None) -> str | None:
    return None if element is None else " ".join(element.get_text(" ").split())


def cells(row: Tag) -> list[str]:
    return [words(cell) or "" for cell in row.select("th, td")]


def items(element: Tag) -> list[str]:
    """The values of a cell part: the items of its list, or its one value."""
    return [words(li) or "" for li in element.select("li")] or [words(element) or ""]


# --- a site with every new form of the register -------------------------------------------------

NEW_FACTS: dict[str, Any] = {
    "automated_decisions": False,
    "sources": [{"id": "bureau", "kind": "dpv:ThirdPartyDataSource", "name": "Kredit & Risk AB",
                 "description": "Ger oss en kreditbedömning innan vi beviljar delbetalning."}],
    "processor_activities": [{"id": "webshops", "name": "Webbutiker åt andra företag",
                              "description": "Vi driver webbutiker åt andra företag och behandlar deras kunders "
                                             "uppgifter enligt företagens instruktioner."}],
}
NEW_PURPOSES: list[dict[str, Any]] = [
    {"id": "allergies", "purpose": ["dpv:ServiceProvision"], "legal_basis": ["eu-gdpr:A6-1-a"],
     "special_category_condition": "eu-gdpr:A9-2-a", "data": ["health"], "sources": ["dpv:DataSubjectDataSource"],
     "recipients": ["partners"], "retention": {"after": "consent-withdrawal"}, "requirement": "voluntary",
     "name": "Allergianpassade leveranser", "description": "Vi packar ditt kaffe där inga nötter hanteras."},
    {"id": "instalments", "purpose": ["dpv:PaymentManagement"], "legal_basis": ["eu-gdpr:A6-1-b", "eu-gdpr:A6-1-f"],
     "data": ["contact"], "sources": ["dpv:DataSubjectDataSource", "bureau"], "recipients": ["post", "partners"],
     "retention": {"duration": "P7Y", "after": "end-of-financial-year", "statute": "bokföringslagen (1999:1078)"},
     "requirement": "contract-prerequisite", "profiling": True,
     "automated_decisions": {"logic": "Ett poängsystem väger din betalningshistorik; under 600 poäng < gränsen.",
                             "consequences": "Ett nej betyder att du betalar hela beloppet direkt."},
     "name": "Delbetalning", "description": "Vi prövar om du kan dela upp betalningen.",
     "legitimate_interest": "Att inte låna ut pengar som inte kan betalas tillbaka."},
]
NEW_RECIPIENT = {"id": "partners", "kind": "dpv:DataController", "country": "third-countries",
                 "name": "Samarbetspartner utanför EU"}
NEW_TRANSFER = {"country": ["US", "CA"], "safeguard": ["eu-gdpr:A46-2-c", "eu-gdpr:A49-1-a"]}
NEW_LABELS: dict[str, Any] = {
    "sources": [{"id": "bureau", "name": "Credit & Risk Ltd", "description": "Gives us a credit score before we "
                                                                            "grant instalments."}],
    "processor_activities": [{"id": "webshops", "name": "Web shops for other companies",
                              "description": "We run web shops for other companies and process their customers' "
                                             "data on the companies' instructions."}],
}
NEW_PURPOSE_LABELS: list[dict[str, Any]] = [
    {"id": "allergies", "name": "Allergy-safe deliveries", "description": "We pack your coffee where no nuts are handled."},
    {"id": "instalments", "name": "Instalments", "description": "We check whether you can split the payment.",
     "legitimate_interest": "Not lending money that cannot be paid back.",
     "automated_decisions": {"logic": "A score weighs your payment history; under 600 points < the limit.",
                             "consequences": "A no means you pay the whole amount at once."}},
]
NEW_SECTIONS = {"sv": {"data": "Uppgifter", "sources": "Källor", "processor-activities": "Åt våra kunder", "recipients": "Mottagare",
                       "transfers": "Överföringar"},
                "en": {"data": "Data", "sources": "Sources", "processor-activities": "For our customers", "recipients": "Recipients",
                       "transfers": "Transfers"}}


def new_forms_site(root: Path) -> FixtureSite:
    """The minimal fixture with an Art. 9 condition, automated decisions with logic and
    consequences, profiling, a named source, a processor activity, a recipient in a region and a
    transfer to a list of countries without a recipient: an unreleased draft."""
    site = copy_site(FIXTURES / "minimal", root)
    site.unrelease()

    def facts(meta: dict[str, Any]) -> None:
        meta.update(NEW_FACTS)
        meta["personal_data"].append({"id": "health", "terms": ["pd:Health"], "name": "Allergier"})
        meta["processing"] += NEW_PURPOSES
        meta["recipients"].append(NEW_RECIPIENT)
        meta["transfers"].append(NEW_TRANSFER)

    def labels(meta: dict[str, Any]) -> None:
        meta.update(NEW_LABELS)
        meta["personal_data"].append({"id": "health", "name": "Allergies"})
        meta["processing"] += NEW_PURPOSE_LABELS
        meta["recipients"].append({"id": "partners", "name": "Partners outside the EU"})

    site.edit_meta("privacy/index.sv.md", facts)
    site.edit_meta("privacy/index.en.md", labels)
    for language, sections in NEW_SECTIONS.items():
        path = site.path(f"privacy/index.{language}.md")
        path.write_text(path.read_text(encoding="utf-8") + "".join(
            f"\n## {title}\n\n<!-- register: {kind} -->\n" for kind, title in sections.items()), encoding="utf-8")
    return site


@pytest.fixture(scope="module")
def new_forms(tmp_path_factory: pytest.TempPathFactory) -> tuple[Register, Build]:
    """The new-forms site, released and built: its register and its pages."""
    site = new_forms_site(tmp_path_factory.mktemp("new-forms") / "site")
    assert site.policypress("release", "privacy", "--date", "2026-02-01").returncode == 0
    build = site.build()
    assert build.returncode == 0, build.output
    return site.load().site.policies["privacy"].revisions[-1].register, build


# --- what each purpose row says -----------------------------------------------------------------


def source_name(register: Register, term: str, language: str) -> str:
    named = {s.id: s.text[language].name for s in register.sources}
    return named[term] if term in named else vocab.DATA_SOURCES[term][language]


def as_shown(text: str, language: str) -> str:
    """A text from data as a page shows it: its quotation marks the language's."""
    return html.unescape(typeset_html(html.escape(text), language))


def labelled(label: str, value: str | None) -> str | None:
    return f"{label} {value}" if value else None


def expected_purpose(register: Register, purpose: Purpose, language: str) -> dict[str, Any]:
    """Each part of a purpose row, as the model says it in the language."""
    t, text = strings(language), purpose.text[language]
    decides = register.automated_decisions if purpose.automated_decisions is None else purpose.automated_decisions
    said = text.automated_decisions if decides else None
    return {
        "name": text.name,
        "description": text.description,
        "interest": labelled(f"{t['legitimate_interest']}:", text.legitimate_interest),
        "requirement": labelled(t["requirement"], f"{vocab.REQUIREMENTS[purpose.requirement][language]}."
                                if purpose.requirement else None),
        "decisions": labelled(f"{t['decisions_made']}:", said.logic) if said else
                     t["decisions_none"] if decides is False else None,
        "consequences": labelled(f"{t['decision_consequences']}:", said.consequences) if said else None,
        "profiling": None if purpose.profiling is None else t["profiling_yes" if purpose.profiling else "profiling_no"],
        "data": t.in_sentence(register.category(c).text[language].name for c in purpose.data),  # one capital
        "sources": labelled(f"{t['sources']}:", ", ".join(source_name(register, s, language) for s in purpose.sources)),
        "recipients": labelled(f"{t['shared_with']}:", ", ".join(register.recipient(r).text[language].name
                                                                 for r in purpose.recipients)),
        "bases": [vocab.LEGAL_BASES[b][language] for b in purpose.legal_basis],
        "condition": labelled(f"{t['special_category_condition']}:", " ".join(
            vocab.SPECIAL_CATEGORY_CONDITIONS[c][language] for c in purpose.special_category_condition or ())),
        "retention": retention_text(purpose, language),
        "note": text.retention_note,
    }


def shown_purpose(row: Tag) -> dict[str, Any]:
    """Each part of a purpose row as the page shows it (None where the page shows nothing)."""
    parts: dict[str, Any] = {key: words(row.select_one(f".pp-register__{key}")) for key in (
        "name", "description", "interest", "requirement", "decisions", "consequences", "profiling", "data",
        "sources", "recipients", "condition", "retention", "note")}
    parts["bases"] = items(row.select_one(".pp-register__bases"))
    assert len(row.select(".pp-register__decisions")) <= 1
    return parts


def check_purposes(register: Register, html: BeautifulSoup, language: str) -> None:
    rows = html.select(".pp-register--purposes tbody tr")
    assert [row["data-pp-purpose"] for row in rows] == [p.id for p in register.processing]
    for row, purpose in zip(rows, register.processing):
        expected = {key: as_shown(value, language) if isinstance(value, str) else value
                    for key, value in expected_purpose(register, purpose, language).items()}
        assert shown_purpose(row) == expected
        # The four columns hold: the purpose; the data, where it comes from and who gets it; the
        # legal bases and any Art. 9 condition; how long.
        columns = [cell["data-label"] for cell in row.select("th, td")]
        t = strings(language)
        assert columns == [t["col_purpose"], t["col_data"], t["col_legal_basis"], t["col_retention"]]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_example_s_3_1_shows_bases_statute_sources_and_activity(example_build: Build, language: str) -> None:
    """What 3.1 writes in its new forms reaches the page, as the model says it."""
    register, html = shown(example_build, "privacy", language, "3.1")
    row = {tr["data-pp-purpose"]: tr for tr in html.select(".pp-register--purposes tbody tr")}
    support = register.purpose("support")
    assert items(row["support"].select_one(".pp-register__bases")) == [
        vocab.LEGAL_BASES[b][language] for b in support.legal_basis]
    assert len(row["support"].select(".pp-register__bases li")) == len(support.legal_basis) > 1
    statute = register.purpose("bookkeeping").retention.statute  # type: ignore[union-attr]
    assert statute and statute in words(row["bookkeeping"].select_one(".pp-register__retention"))  # type: ignore[operator]
    sources = words(row["orders"].select_one(".pp-register__sources")) or ""
    assert all(register.source(s).text[language].name in sources
               for s in register.purpose("orders").sources if ":" not in s)
    decisions = [words(tr.select_one(".pp-register__decisions")) for tr in row.values()]
    assert register.automated_decisions is False and decisions == [strings(language)["decisions_none"]] * len(row)
    activities = html.select(".pp-register--processor-activities tbody tr")
    assert [cells(tr) for tr in activities] == [  # apostrophes as the language writes them (issue 21)
        [as_shown(a.text[language].name, language), as_shown(a.text[language].description, language)]
        for a in register.processor_activities] != []


def check_other_tables(register: Register, html: BeautifulSoup, language: str) -> None:
    recipients = html.select(".pp-register--recipients tbody tr")
    assert [row["data-pp-recipient"] for row in recipients] == [r.id for r in register.recipients]
    assert [cells(row) for row in recipients] == [
        [" ".join(filter(None, [r.text[language].name, r.text[language].description])),
         vocab.RECIPIENT_KINDS[r.kind][language], place_text(r.country, language)] for r in register.recipients]
    transfers = html.select(".pp-register--transfers tbody tr")
    assert [cells(row)[:2] for row in transfers] == [
        [register.recipient(t.recipient).text[language].name if t.recipient else strings(language)["all_recipients"],
         place_text(t.country, language)] for t in register.transfers]
    assert [items(row.select("td")[1]) for row in transfers] == [
        [vocab.SAFEGUARDS[s][language] for s in t.safeguard] for t in register.transfers]
    data = html.select(".pp-register--data tbody tr")
    assert [row.th.get_text() for row in data] == [c.text[language].name for c in register.personal_data]
    sources = html.select(".pp-register--sources tbody tr")
    assert [row["data-pp-source"] for row in sources] == [s.id for s in register.sources]
    assert [cells(row) for row in sources] == [
        [" ".join(filter(None, [s.text[language].name, s.text[language].description])),
         vocab.DATA_SOURCES[s.kind][language],
         ", ".join(p.text[language].name for p in register.processing if s.id in p.sources)]
        for s in register.sources]
    activities = html.select(".pp-register--processor-activities tbody tr")
    assert [row["data-pp-activity"] for row in activities] == [a.id for a in register.processor_activities]


@pytest.mark.parametrize("version", PRIVACY_VERSIONS, ids=["in-force", "3.1"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_table_is_the_register_in_the_page_language(example_build: Build, language: str,
                                                          version: str | None) -> None:
    register, html = shown(example_build, "privacy", language, version)
    check_purposes(register, html, language)
    check_other_tables(register, html, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_new_form_reaches_its_cell(new_forms: tuple[Register, Build], language: str) -> None:
    """Art. 9 condition, automated decisions, profiling, a region and a transfer without a
    recipient to a list of countries, on the built page of a small site."""
    register, build = new_forms
    html = page(build, f"{LANGUAGES[language]}privacy")
    check_purposes(register, html, language)
    check_other_tables(register, html, language)
    t, row = strings(language), {tr["data-pp-purpose"]: tr for tr in html.select(".pp-register--purposes tbody tr")}
    instalments, allergies = register.purpose("instalments"), register.purpose("allergies")
    said = instalments.text[language].automated_decisions
    assert said is not None and said.logic.count("<") == 1
    assert words(row["instalments"].select_one(".pp-register__decisions")) == f"{t['decisions_made']}: {said.logic}"
    assert words(row["instalments"].select_one(".pp-register__profiling")) == t["profiling_yes"]
    assert items(row["instalments"].select_one(".pp-register__bases")) == [
        vocab.LEGAL_BASES[b][language] for b in instalments.legal_basis]
    assert register.source("bureau").text[language].name in words(row["instalments"].select_one(".pp-register__sources"))  # type: ignore[operator]
    condition = allergies.special_category_condition or ()
    assert words(row["allergies"].select_one(".pp-register__condition")) == (
        f"{t['special_category_condition']}: {vocab.SPECIAL_CATEGORY_CONDITIONS[condition[0]][language]}")
    recipients = {tr["data-pp-recipient"]: cells(tr) for tr in html.select(".pp-register--recipients tbody tr")}
    assert recipients["partners"][2] == vocab.REGIONS["third-countries"][language]
    transfers = [cells(tr) for tr in html.select(".pp-register--transfers tbody tr")]
    assert [tr[:2] for tr in transfers if tr[0] == t["all_recipients"]] == [
        [t["all_recipients"], place_text(("US", "CA"), language)]]
    # Texts stay text: '&' and '<' of the sources are escaped in the page, never markup.
    raw = (build.site / LANGUAGES[language] / "privacy/index.html").read_text(encoding="utf-8")
    name = register.source("bureau").text[language].name
    assert "&" in name and name.replace("&", "&amp;") in raw and name not in raw
    assert said.logic.replace("<", "&lt;") in raw and said.logic not in raw
    assert [tag.name for tag in row["instalments"].select(".pp-register__decisions *")] == ["em"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_cookie_tables_list_each_purpose_s_cookies(example_build: Build, language: str) -> None:
    register, html = shown(example_build, "cookies", language)
    listed = [row["data-pp-cookie"] for row in html.select(".pp-register--cookies tbody tr")]
    # One table per purpose placeholder, in the page's order; together every cookie once.
    assert sorted(listed) == sorted(c.name for c in register.cookies)
    for table in html.select(".pp-register--cookies"):
        names = [row["data-pp-cookie"] for row in table.select("tbody tr")]
        purposes = {next(c.processing for c in register.cookies if c.name == name) for name in names}
        assert len(purposes) == 1, names
    rights = [li.get_text(" ", strip=True) for li in html.select(".pp-register--rights li")]
    assert rights == [vocab.label(vocab.RIGHTS, r, language) for r in register.rights]


def test_an_archived_revision_shows_its_own_register(example_build: Build) -> None:
    old, current = revision("privacy", "1.0").register, revision("privacy").register
    assert [p.id for p in old.processing] != [p.id for p in current.processing], "the example changed its purposes"
    rows = page(example_build, "privacy/1.0").select(".pp-register--purposes tbody tr")
    assert [row["data-pp-purpose"] for row in rows] == [p.id for p in old.processing]


@pytest.mark.parametrize("path", ["en/privacy", "privacy/3.1", "en/cookies"])
def test_every_cell_names_its_column_for_narrow_screens(example_build: Build, path: str) -> None:
    html = page(example_build, path)
    for table in html.select(".pp-register table"):
        columns = [th.get_text() for th in table.select("thead th")]
        for row in table.select("tbody tr"):
            assert [cell["data-label"] for cell in row.select("th, td")] == columns


def test_a_placeholder_quoted_in_a_code_block_stays_text(tmp_path) -> None:
    site = copy_site(FIXTURES / "minimal", tmp_path / "minimal")
    for language in ("sv", "en"):
        path = site.docs / f"privacy/index.{language}.md"
        path.write_text(path.read_text() + "\n```html\n<!-- register: purposes -->\n```\n")
    site.unrelease()  # and release again, with the code block
    assert site.policypress("release", "privacy", "--date", "2026-02-01").returncode == 0
    build = site.build()
    assert build.returncode == 0, build.output
    html = BeautifulSoup((build.site / "privacy/index.html").read_text(), "lxml")
    assert len(html.select(".pp-register--purposes")) == 1
    assert html.select_one("pre code").get_text().strip() == "<!-- register: purposes -->"


# --- in Chromium: every table readable on a narrow phone ------------------------------------------

# What overflows on a page: the document, and any table or table wrapper of the register that
# would need scrolling sideways; every cell must lie inside the viewport and, on a narrow screen,
# be a card cell that shows its column's name above its value.
OVERFLOW = """() => {
  const root = document.documentElement;
  const name = e => e.tagName.toLowerCase() + (e.closest('tr')?.dataset ? JSON.stringify(e.closest('tr').dataset) : '');
  const cells = [...document.querySelectorAll('.pp-register tbody th, .pp-register tbody td')];
  return {
    tables: document.querySelectorAll('.pp-register table').length,
    document: root.scrollWidth <= root.clientWidth ? 'fits' : `${root.scrollWidth} > ${root.clientWidth}`,
    scrolls: [...document.querySelectorAll('.pp-register table, .pp-register .md-typeset__scrollwrap')]
      .filter(e => e.scrollWidth > e.clientWidth).map(e => e.closest('.pp-register').className),
    outside: cells.filter(c => { const r = c.getBoundingClientRect(); return r.left < 0 || r.right > root.clientWidth; })
      .map(name),
    unlabelled: cells.filter(c => getComputedStyle(c, '::before').content !== JSON.stringify(c.dataset.label))
      .map(name),
  };
}"""
NARROW_PAGES = [prefix + path for prefix in LANGUAGES.values() for path in ("privacy/", "privacy/3.1/", "cookies/")]


def overflows(browser: Browser, url: str, paths: list[str], width: int) -> Iterator[tuple[str, dict[str, Any]]]:
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        for path in paths:
            page.goto(f"{url}/{path}")
            yield path, page.evaluate(OVERFLOW)
    finally:
        context.close()


def fits(result: dict[str, Any]) -> bool:
    return result["tables"] > 0 and result["document"] == "fits" and not (
        result["scrolls"] or result["outside"] or result["unlabelled"])


@pytest.mark.browser
@pytest.mark.parametrize("width", [320, 390])
def test_every_register_table_fits_a_narrow_screen(browser: Browser, example_url: str, width: int) -> None:
    """The privacy policy in force and 3.1, and the cookie policy, in both languages."""
    results = dict(overflows(browser, example_url, NARROW_PAGES, width))
    assert {path: result for path, result in results.items() if not fits(result)} == {}


@pytest.mark.browser
def test_the_new_forms_fit_a_narrow_screen(browser: Browser, new_forms: tuple[Register, Build]) -> None:
    with Server(new_forms[1].site) as server:
        results = dict(overflows(browser, server.url, ["privacy/", "en/privacy/"], 320))
    assert {path: result for path, result in results.items() if not fits(result)} == {}
