"""Typography (issue 21 §4): quotation marks as each language writes them, set at render time
(sources keep their straight quotes; code, URLs, attributes and JSON-LD untouched), one full stop
after an abbreviation, one capital per joined list, and in Chromium: row lines on row headers,
phone cards at 14 px or more, and a site changelog whose dates keep to one line at 1280 px."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import markdown
import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import Browser, Page

from conftest import FIXTURES, ROOT, Build, copy_site, serve
from policypress.core.texts import languages, strings
from policypress.core.typography import MARKS, smarty_options, typeset_html

from test_language_strings import edit_config

PROSE_ONLY = ["script", "style", "code", "pre", "kbd", "samp", "textarea", "template"]


def prose(soup: BeautifulSoup) -> str:
    """A page's text as a reader sees it: without scripts, styles and code."""
    for element in soup(PROSE_ONLY):
        element.decompose()
    return " ".join(soup.get_text(" ").split())


# --- quotation marks ----------------------------------------------------------------------------------------


def test_no_page_shows_a_straight_quote(example_build: Build) -> None:
    pages = sorted(example_build.site.rglob("*.html"))
    assert len(pages) > 40
    straight = {path.relative_to(example_build.site).as_posix(): re.findall(r".{0,20}[\"'].{0,20}", text)
                for path in pages if re.search(r"[\"']", text := prose(BeautifulSoup(path.read_text(), "lxml")))}
    assert straight == {}


@pytest.mark.parametrize(("page", "language", "quoted"), [
    ("cookies/index.html", "sv", "”Godkänn alla” och ”Avvisa alla”"),
    ("cookies/1.0/index.html", "sv", "”Godkänn alla” och ”Avvisa alla”"),
    ("en/cookies/index.html", "en", "“Accept all” and “Reject all”"),
    ("privacy/index.html", "sv", "märkt ”Dataskyddsombud”"),
    ("en/privacy/3.1/index.html", "en", "a coffee roaster’s customer"),  # an apostrophe of the register's data
])
def test_quotes_are_the_page_language_s_and_the_sealed_source_keeps_its_own(example_build: Build, page: str,
                                                                            language: str, quoted: str) -> None:
    assert quoted in prose(example_build.html(page))
    # The sealed revision behind the page is as it was released: straight quotes.
    sources = {"cookies/1.0/index.html": "docs/cookies/1.0.sv.md", "cookies/index.html": "docs/cookies/1.2.sv.md"}
    if page in sources:
        assert '"Godkänn\nalla" och "Avvisa alla"' in (ROOT / sources[page]).read_text(encoding="utf-8")


def test_each_language_has_its_marks() -> None:
    assert {language: MARKS[language].open_double + MARKS[language].close_double for language in MARKS} == {
        "sv": "””", "fi": "””", "en": "“”", "de": "„“"}
    assert set(MARKS) >= set(languages())  # every language policypress has texts in has its marks


@pytest.mark.parametrize(("language", "source", "expected"), [
    ("sv", 'Välj "Godkänn alla" -- det är Solviks val.', "<p>Välj ”Godkänn alla” -- det är Solviks val.</p>"),
    ("fi", 'Valitse "Hyväksy kaikki" -- se on helppoa.', "<p>Valitse ”Hyväksy kaikki” -- se on helppoa.</p>"),
    ("en", "Choose \"Accept all\" -- it's Solvik's choice...", "<p>Choose “Accept all” -- it’s Solvik’s choice...</p>"),
    ("de", "Wählen Sie \"Alle akzeptieren\" -- so geht's.", "<p>Wählen Sie „Alle akzeptieren“ -- so geht’s.</p>"),
])
def test_python_markdown_s_smarty_sets_each_language_s_marks(language: str, source: str, expected: str) -> None:
    # Only quotes change: dashes and dots stay as the editor wrote them.
    md = markdown.Markdown(extensions=["smarty"], extension_configs={"smarty": smarty_options(language)})
    assert md.convert(source) == expected


@pytest.fixture(scope="module")
def german(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The trilingual fixture whose German home page quotes, and has code, a link and attributes
    with quotes in them."""
    site = copy_site(FIXTURES / "trilingual", tmp_path_factory.mktemp("german") / "site")
    edit_config(site, lambda config, _: config.update(markdown_extensions=["attr_list", {"toc": {"permalink": True}}]))
    site.write("index.de.md", site.read("index.de.md") + (
        '\nSo geht\'s: Wählen Sie "Datenschutz".\n\n'
        "Im Code bleibt es `\"wie es ist\"` und [der Link](https://example.org/o'brien \"Peters 'Seite'\").\n"
        '{: title="Ein \'Titel\'" data-x="\\"q\\"" }\n\n'
        '```\nconfig = "unverändert"\n```\n'))
    build = site.build()
    assert build.returncode == 0, build.output
    return build


def test_german_quotes_and_what_stays_as_written(german: Build) -> None:
    assert "So geht’s: Wählen Sie „Datenschutz“." in prose(german.html("de/index.html"))
    soup = german.html("de/index.html")
    paragraph = soup.find("a", href="https://example.org/o'brien").parent
    assert paragraph["title"] == "Ein 'Titel'" and paragraph["data-x"] == '"q"'
    assert paragraph.code.get_text() == '"wie es ist"'
    assert paragraph.a["title"] == "Peters 'Seite'" and paragraph.a.get_text() == "der Link"
    assert soup.select_one("pre code").get_text() == 'config = "unverändert"\n'
    # Swedish pages of the same site keep Swedish marks.
    assert "„" not in prose(german.html("index.html"))


def test_json_in_scripts_is_untouched(example_build: Build) -> None:
    for page in ("privacy/index.html", "en/privacy/3.1/index.html", "en/cookies/index.html"):
        soup = example_build.html(page)
        scripts = soup.select('script[type="application/ld+json"], script[type="application/json"]')
        assert len(scripts) >= 2  # its JSON-LD, the banner's settings, Material's configuration
        for script in scripts:
            document = json.loads(script.string)
            assert document and "”" not in script.string and "“" not in script.string


def test_typeset_html_changes_text_only() -> None:
    source = ('<td>Foo</td><td>"Bar" it\'s</td><p title="x\'y">a <a href="/o\'b">"x"</a> <code>"c"</code> '
              '&#34;q&#34; roaster&#39;s <strong>"</strong>ok"</p><script>var a = "x";</script><pre>"p"</pre> "end"')
    assert typeset_html(source, "de") == (
        '<td>Foo</td><td>„Bar“ it’s</td><p title="x\'y">a <a href="/o\'b">„x“</a> <code>"c"</code> '
        '„q“ roaster’s <strong>„</strong>ok“</p><script>var a = "x";</script><pre>"p"</pre> „end“')


# --- punctuation and capitals ------------------------------------------------------------------------------


def test_one_full_stop_after_an_abbreviation(example_build: Build) -> None:
    for page in ("cookies/index.html", "en/cookies/index.html", "privacy/index.html", "en/privacy/index.html"):
        box = example_build.html(page).select_one(".pp-in-short")
        text = box.get_text("", strip=False)
        assert ".." not in text, page
    receivers = example_build.html("cookies/index.html").select_one(".pp-in-short dl > div:nth-of-type(4) dd")
    assert receivers.get_text(" ", strip=True) == "Molnvalv Oy, Besöksräknaren AB, Reelhouse Inc."


def test_stop_adds_a_full_stop_only_where_none_is() -> None:
    t = strings("en")
    assert [t.stop(text) for text in ("Reelhouse Inc.", "IMY", "Why?", "and so on…", "")] == ["", ".", "", "", "."]


@pytest.mark.parametrize(("page", "language"), [("privacy/index.html", "sv"), ("en/privacy/index.html", "en")])
def test_joined_lists_capitalise_only_their_first_item(example_build: Build, page: str, language: str) -> None:
    box = example_build.html(page).select_one(".pp-in-short")
    rights = box.select("dl > div")[-1].dd.get_text(" ", strip=True)
    first, *others = rights.split(". ")[0].split(", ")
    assert first[0].isupper() and others and all(item[0].islower() for item in others), rights
    assert {"sv": "Rätt till tillgång, rätt till rättelse", "en": "Right of access, right to rectification"}[language] in rights
    # After a purpose's name and a colon, its data continue the sentence.
    data = box.select("dl > div:nth-of-type(2) li")[0].get_text(" ", strip=True).split(" : ", 1)[1]
    assert data[0].islower(), data
    # The register's data column, too.
    cell = example_build.html(page).select_one(".pp-register__data").get_text()
    assert re.fullmatch(r"[A-ZÅÄÖ][^,]*(, [a-zåäö][^,]*)+", cell), cell


def test_labels_keep_their_capital_where_the_language_or_the_word_needs_it() -> None:
    assert strings("de").in_sentence(["Recht auf Auskunft", "Recht auf Berichtigung"]) == \
        "Recht auf Auskunft, Recht auf Berichtigung"
    assert strings("sv").in_sentence(["Kontaktuppgifter", "IP-adress", "SPAR-uppgifter", "E-postadress"], starts=False) \
        == "kontaktuppgifter, IP-adress, SPAR-uppgifter, e-postadress"
    assert strings("fi").in_sentence(["Oikeus saada pääsy tietoihin", "Oikeus oikaista tietoja"]) == \
        "Oikeus saada pääsy tietoihin, oikeus oikaista tietoja"


# --- in Chromium ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site_url(example_build: Build) -> Iterator[str]:
    with serve(example_build.site) as url:
        yield url


def open_page(browser: Browser, url: str, width: int, height: int) -> Page:
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    page.goto(url)
    page.wait_for_load_state("load")
    return page


ROW_LINES = """() => [...document.querySelectorAll('.pp-register tbody tr, .pp-diff tbody tr')]
  .filter(row => row.querySelector(':scope > th[scope=row]') && row.querySelector(':scope > td'))
  .map(row => [...row.children].map(cell => { const s = getComputedStyle(cell);
    return `${s.borderTopWidth} ${s.borderTopStyle} ${s.borderTopColor}`; }))"""


@pytest.mark.browser
@pytest.mark.parametrize("path", ["privacy/", "en/cookies/", "privacy/3.1/changes/"])
def test_row_headers_have_the_row_lines_of_their_row_on_a_wide_screen(browser: Browser, site_url: str, path: str) -> None:
    page = open_page(browser, f"{site_url}/{path}", 1280, 900)
    rows = page.evaluate(ROW_LINES)
    assert len(rows) > 2
    for cells in rows:
        assert len(set(cells)) == 1 and not cells[0].startswith("0px"), cells
    page.context.close()


CARD_SIZES = """() => [...document.querySelectorAll(
    '.pp-register th[scope=row], .pp-register td[data-label], .pp-diff td[data-label], .pp-changelog td[data-label]')]
  .flatMap(cell => [parseFloat(getComputedStyle(cell).fontSize), parseFloat(getComputedStyle(cell, '::before').fontSize),
                    ...[...cell.querySelectorAll('*')].map(e => parseFloat(getComputedStyle(e).fontSize))])"""


@pytest.mark.browser
@pytest.mark.parametrize("width,height", [(320, 568), (390, 844)])
@pytest.mark.parametrize("path", ["privacy/", "en/cookies/", "changelog/", "privacy/3.1/changes/"])
def test_phone_cards_read_at_14_px_or_more(browser: Browser, site_url: str, path: str, width: int, height: int) -> None:
    page = open_page(browser, f"{site_url}/{path}", width, height)
    sizes = page.evaluate(CARD_SIZES)
    assert len(sizes) > 10 and min(sizes) >= 14, sorted(set(sizes))
    page.context.close()


@pytest.mark.browser
@pytest.mark.parametrize("path", ["changelog/", "en/changelog/", "privacy/changelog/"])
def test_the_changelog_at_1280_keeps_dates_on_one_line_and_no_column_empty(browser: Browser, site_url: str,
                                                                           path: str) -> None:
    page = open_page(browser, f"{site_url}/{path}", 1280, 900)
    lines = page.evaluate("""() => [...document.querySelectorAll('table.pp-changelog time')].map(time => {
        const line = parseFloat(getComputedStyle(time.parentElement).lineHeight);
        return Math.round(time.getBoundingClientRect().height / line); })""")
    assert lines and set(lines) == {1}, lines
    # No table-of-contents column beside it with nothing in it: the table has that width.
    sidebar = page.evaluate("""() => { const s = document.querySelector('.md-sidebar--secondary');
        return s ? [s.offsetWidth, s.querySelectorAll('.md-nav__link').length] : [0, 0]; }""")
    assert sidebar[0] == 0 or sidebar[1] > 0, sidebar
    page.context.close()
