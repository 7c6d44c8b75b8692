"""Languages as gettext catalogs (issue 13): every message of the code and templates translated in
every catalog, compiled `.mo` files that match their `.po`, plural forms per count, CLDR dates per
locale, and a trilingual site (sv/en/de) whose pages show no string of another language."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo
from bs4 import BeautifulSoup

from conftest import FIXTURES, ROOT, Build, copy_site, example_site
from policypress.core import diff
from policypress.core import vocabulary as vocab
from policypress.core.texts import (MESSAGES, PLURALS, STRINGS, NoCatalog, Strings, date_locale, languages,
                                    long_date, strings)
from policypress.plugins.config import PolicyConfig, OptionsError

SHIPPED = ("sv", "en", "fi", "de")  # every catalog must be complete; these must exist
TRILINGUAL = ("sv", "en", "de")
# Each language's quotation marks (typographic); a straight quote is never right.
QUOTES = {"sv": "”’", "fi": "”’", "en": "“”‘’", "de": "„“‚‘"}
ALL_QUOTES = set("“”„‚‘’«»")


def _catalogs_script():  # scripts/ is not a package
    spec = importlib.util.spec_from_file_location("catalogs", ROOT / "scripts" / "catalogs.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


catalogs = _catalogs_script()


@pytest.fixture(scope="module")
def template() -> Catalog:
    """The messages of the code and the templates, extracted now."""
    return catalogs.extract()


def po(language: str) -> Catalog:
    return catalogs.read(catalogs.po_path(language), language)


def key(message) -> tuple:
    context = message.context.decode() if isinstance(message.context, bytes) else message.context  # read_mo's
    return (tuple(message.id) if isinstance(message.id, (list, tuple)) else message.id, context)


def forms(string: str | tuple[str, ...]) -> tuple[str, ...]:
    return tuple(string) if isinstance(string, (list, tuple)) else (string,)


# --- the catalogs --------------------------------------------------------------------------------


def test_the_shipped_languages_have_catalogs() -> None:
    assert set(SHIPPED) <= set(languages()) == set(catalogs.languages())
    assert list(STRINGS) == sorted(languages())


def test_the_template_is_up_to_date(template: Catalog) -> None:
    """policypress.pot holds exactly the messages of the code and the templates."""
    shipped = catalogs.read(catalogs.TEMPLATE)
    assert {key(m) for m in shipped if m.id} == {key(m) for m in template if m.id}, (
        "policypress.pot is out of date: run .venv/bin/python scripts/catalogs.py")


@pytest.mark.parametrize("language", sorted(set(SHIPPED) | set(catalogs.languages())))
def test_every_message_is_translated(template: Catalog, language: str) -> None:
    """Each catalog has every message of the code, none that the code no longer has, and a
    translation that is neither missing nor fuzzy for each."""
    catalog = po(language)
    wanted, found = {key(m) for m in template if m.id}, {key(m) for m in catalog if m.id}
    assert not wanted - found, f"missing in {language}: {sorted(map(str, wanted - found))}; run scripts/catalogs.py"
    assert not found - wanted, f"no longer in the code, still in {language}: {sorted(map(str, found - wanted))}"
    assert catalogs.to_translate(catalog) == [], f"untranslated or fuzzy in {language}"
    assert not catalog.obsolete


@pytest.mark.parametrize("language", sorted(set(SHIPPED) | set(catalogs.languages())))
def test_every_mo_matches_its_po(language: str) -> None:
    compiled = catalogs.po_path(language).with_suffix(".mo")
    with compiled.open("rb") as file:
        shipped = {key(m): forms(m.string) for m in read_mo(file) if m.id}
    source = {key(m): forms(m.string) for m in po(language) if m.id and not m.fuzzy}
    assert shipped == source, f"{compiled.relative_to(ROOT)} is not compiled from its .po: run scripts/catalogs.py"


def test_the_catalog_script_has_nothing_to_do() -> None:
    assert catalogs.run(check=True) == []


@pytest.mark.parametrize("language", sorted(set(SHIPPED) | set(catalogs.languages())))
def test_translations_keep_their_placeholders_and_use_typographic_quotes(language: str) -> None:
    placeholder = re.compile(r"\{\w+\}")
    for message in po(language):
        if not message.id:
            continue
        ids = forms(message.id)
        for string in forms(message.string):
            assert sorted(placeholder.findall(string)) == sorted(placeholder.findall(ids[-1])), (language, string)
            assert '"' not in string and "'" not in string, f"straight quote in {language}: {string!r}"
            assert set(string) & ALL_QUOTES <= set(QUOTES[language]), f"quotes of another language: {string!r}"
    # msgids are English and typographic too
    assert all('"' not in m.id and "'" not in m.id for m in po(language) if isinstance(m.id, str))


def test_one_word_for_cookies_in_each_language() -> None:
    """Swedish says kakor, as the example site's texts do, and cookie- only as the first part of a
    compound the texts use too (Cookiepolicy, the button "Cookieinställningar" they name: issue
    21); Finnish says evästeet."""
    loose = {"sv": re.compile(r"cookie(?![a-zåäö])|(?<=[a-zåäö])cookie"), "fi": re.compile("cookie"),
             "de": re.compile("keks")}
    for language, foreign in loose.items():
        strings_ = [s for m in po(language) if m.id for s in forms(m.string)]
        assert not [s for s in strings_ if foreign.search(s.lower())], language
    assert strings("sv")["consent_button"] == "Cookieinställningar"
    assert strings("sv")["consent_title"] == "Vi använder kakor"


def test_strings_are_a_mapping_with_methods_that_no_name_hides() -> None:
    for language in languages():
        t = strings(language)
        assert isinstance(t, Strings) and set(t) == {*MESSAGES, "no_rights"}
        assert not {name for name in t if hasattr(Strings, name)}


def test_a_language_without_a_catalog_is_named_with_the_catalogs_there_are() -> None:
    with pytest.raises(NoCatalog) as error:
        strings("fr")
    assert str(error.value) == ("policypress has no texts in 'fr': expected one of de, en, fi, sv (a catalog "
                                "policypress/locale/<language>/LC_MESSAGES/policypress.po)")
    assert "fr" not in STRINGS and "de" in STRINGS
    with pytest.raises(KeyError):
        vocab.LEGAL_BASES["eu-gdpr:A6-1-a"]["fr"]


def test_a_site_language_without_a_catalog_is_one_clear_error(tmp_path: Path) -> None:
    site = copy_site(FIXTURES / "minimal", tmp_path / "site")
    config = (site.root / "mkdocs.yml").read_text(encoding="utf-8")
    (site.root / "mkdocs.yml").write_text(
        config.replace("          name: English\n", "          name: English\n        - locale: fr\n          name: Français\n"),
        encoding="utf-8")
    message = ("mkdocs.yml:20: plugins.i18n.languages[2].locale: expected a language policypress has interface texts "
               "in (de, en, fi, sv), found 'fr'")
    build = site.build()
    assert build.returncode == 1 and build.output.count(message) == 1, build.output
    assert build.output.count("ERROR") == 1 and "Traceback" not in build.output
    check = site.policypress("check")
    assert check.returncode == 2 and check.stderr.count(message) == 1 and check.stderr.count("\n") == 1, check.stderr


# --- the GDPR's own words ----------------------------------------------------------------------------

# Art. 6(1) and the Chapter III rights as the official language versions of the regulation name them.
OFFICIAL = {
    "sv": {"eu-gdpr:A6-1-a": "Samtycke", "eu-gdpr:A6-1-c": "Rättslig förpliktelse",
           "eu-gdpr:A15": "Rätt till tillgång", "eu-gdpr:A16": "Rätt till rättelse", "eu-gdpr:A17": "Rätt till radering",
           "eu-gdpr:A18": "Rätt till begränsning av behandling", "eu-gdpr:A20": "Rätt till dataportabilitet",
           "eu-gdpr:A21": "Rätt att göra invändningar",
           "eu-gdpr:A77": "Rätt att lämna in klagomål till en tillsynsmyndighet"},
    "de": {"eu-gdpr:A6-1-a": "Einwilligung", "eu-gdpr:A6-1-c": "Rechtliche Verpflichtung",
           "eu-gdpr:A6-1-d": "Lebenswichtige Interessen", "eu-gdpr:A6-1-f": "Berechtigte Interessen",
           "eu-gdpr:A15": "Auskunftsrecht", "eu-gdpr:A16": "Recht auf Berichtigung", "eu-gdpr:A17": "Recht auf Löschung",
           "eu-gdpr:A18": "Recht auf Einschränkung der Verarbeitung", "eu-gdpr:A20": "Recht auf Datenübertragbarkeit",
           "eu-gdpr:A21": "Widerspruchsrecht", "eu-gdpr:A77": "Recht auf Beschwerde bei einer Aufsichtsbehörde"},
    "fi": {"eu-gdpr:A6-1-a": "Suostumus", "eu-gdpr:A6-1-c": "Lakisääteinen velvoite",
           "eu-gdpr:A6-1-d": "Elintärkeiden etujen suojaaminen", "eu-gdpr:A15": "Oikeus saada pääsy tietoihin",
           "eu-gdpr:A16": "Oikeus tietojen oikaisemiseen", "eu-gdpr:A17": "Oikeus tietojen poistamiseen",
           "eu-gdpr:A18": "Oikeus käsittelyn rajoittamiseen", "eu-gdpr:A20": "Oikeus siirtää tiedot järjestelmästä toiseen",
           "eu-gdpr:A21": "Vastustamisoikeus", "eu-gdpr:A77": "Oikeus tehdä valitus valvontaviranomaiselle"},
}


@pytest.mark.parametrize("language", sorted(OFFICIAL))
def test_legal_terms_are_the_regulations_own(language: str) -> None:
    for term, expected in OFFICIAL[language].items():
        table = vocab.LEGAL_BASES if term.startswith("eu-gdpr:A6") else vocab.RIGHTS
        assert vocab.label(table, term, language) == expected
    article = {"sv": "(art. 46.2 c)", "de": "(Art. 46 Abs. 2 Buchst. c)", "fi": "(46 artiklan 2 kohdan c alakohta)"}
    assert vocab.label(vocab.SAFEGUARDS, "eu-gdpr:A46-2-c", language).endswith(article[language])


def test_every_label_is_in_every_language() -> None:
    tables = [value for value in vars(vocab).values()
              if isinstance(value, dict) and value and all(isinstance(v, vocab.Labels) for v in value.values())]
    assert len(tables) == 11
    for table in tables:
        for labels in table.values():
            assert set(labels) == set(languages()) and all(labels.values()), labels


# --- plural forms ------------------------------------------------------------------------------------

PLURAL_FORMS = {
    "sv": {"passages_changed": ("ändrat stycke", "ändrade stycken"), "passages_added": ("tillagt stycke", "tillagda stycken"),
           "passages_removed": ("borttaget stycke", "borttagna stycken"),
           "passages_unchanged": ("oförändrat stycke", "oförändrade stycken")},
    "en": {"passages_changed": ("changed passage", "changed passages"), "passages_added": ("added passage", "added passages"),
           "passages_removed": ("removed passage", "removed passages"),
           "passages_unchanged": ("unchanged passage", "unchanged passages")},
    "fi": {"passages_changed": ("muutettu kappale", "muutettua kappaletta"),
           "passages_added": ("lisätty kappale", "lisättyä kappaletta"),
           "passages_removed": ("poistettu kappale", "poistettua kappaletta"),
           "passages_unchanged": ("muuttumaton kappale", "muuttumatonta kappaletta")},
    "de": {"passages_changed": ("geänderter Absatz", "geänderte Absätze"),
           "passages_added": ("hinzugefügter Absatz", "hinzugefügte Absätze"),
           "passages_removed": ("entfernter Absatz", "entfernte Absätze"),
           "passages_unchanged": ("unveränderter Absatz", "unveränderte Absätze")},
}


@pytest.mark.parametrize("language", sorted(PLURAL_FORMS))
@pytest.mark.parametrize("count", [0, 1, 2, 5])
def test_counted_phrases_take_the_form_for_the_count(language: str, count: int) -> None:
    assert set(PLURAL_FORMS[language]) == set(PLURALS)
    t = strings(language)
    for name, (one, other) in PLURAL_FORMS[language].items():
        assert t.plural(name, count) == f"{count} {one if count == 1 else other}"


def test_the_diff_counts_each_kind_of_change_in_its_own_words() -> None:
    stats = diff.Stats(changed=4, inserted=7, deleted=1)
    assert diff.stats_text(stats, strings("sv")) == "4 ändrade stycken, 7 tillagda stycken och 1 borttaget stycke."
    assert diff.stats_text(stats, strings("en")) == "4 changed passages, 7 added passages, and 1 removed passage."
    assert diff.stats_text(stats, strings("de")) == "4 geänderte Absätze, 7 hinzugefügte Absätze und 1 entfernter Absatz."
    assert diff.stats_text(stats, strings("fi")) == "4 muutettua kappaletta, 7 lisättyä kappaletta ja 1 poistettu kappale."
    assert diff.stats_text(diff.Stats(changed=1), strings("sv")) == "1 ändrat stycke."


# --- dates -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("locale", "expected"), [
    ("sv", "1 juni 2025"), ("en", "June 1, 2025"), ("en_GB", "1 June 2025"), ("en-GB", "1 June 2025"),
    ("fi", "1. kesäkuuta 2025"), ("de", "1. Juni 2025"), ("de_AT", "1. Juni 2025"),
])
def test_dates_are_cldrs_for_the_locale(locale: str, expected: str) -> None:
    assert long_date(dt.date(2025, 6, 1), locale) == expected


def test_a_site_chooses_the_locale_of_a_languages_dates() -> None:
    assert date_locale("en", {"en": "en_GB"}) == "en_GB"
    assert date_locale("sv", {"en": "en_GB"}) == "sv" and date_locale("de", None) == "de"
    options = PolicyConfig()
    options.load_dict({"locales": {"en": "en_GB", "de": "de_XX"}})
    with pytest.raises(OptionsError) as error:
        options.validate()
    assert "plugins.policypress.locales.de: expected a CLDR locale such as en_GB or de_AT, found 'de_XX'" in str(error.value)


def test_the_example_sites_english_dates_are_british(example_build: Build) -> None:
    first = min(r.effective for p in example_site().policies.values() for r in p.revisions)
    english = example_build.html("en/changelog/index.html").find_all("time", datetime=first.isoformat())
    swedish = example_build.html("changelog/index.html").find_all("time", datetime=first.isoformat())
    assert english and {t.get_text() for t in english} == {long_date(first, "en_GB")}
    assert {t.get_text() for t in swedish} == {long_date(first, "sv")}


# --- the trilingual site -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def trilingual(tmp_path_factory: pytest.TempPathFactory) -> Build:
    build = copy_site(FIXTURES / "trilingual", tmp_path_factory.mktemp("trilingual") / "site").build()
    assert build.returncode == 0, build.output
    return build


def page_language(build: Build, path: Path) -> str:
    first = path.relative_to(build.site).parts[0]
    return first if first in TRILINGUAL else "sv"


def page_text(soup: BeautifulSoup) -> str:
    """What a reader (or a screen reader, or the banner) gets of a page: its text, the attributes
    that are read out or shown, and the strings of its JSON (the banner's settings, JSON-LD)."""
    parts: list[str] = []

    def strings_of(value: object) -> Iterator[str]:
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for item in value.values():
                yield from strings_of(item)
        elif isinstance(value, list):
            for item in value:
                yield from strings_of(item)

    for script in soup.find_all("script"):
        if script.get("type") in ("application/json", "application/ld+json"):
            parts += strings_of(json.loads(script.string))
        script.decompose()
    for element in soup.find_all(True):
        parts += [element[name] for name in ("aria-label", "title", "alt", "placeholder", "data-label")
                  if isinstance(element.get(name), str)]
        if element.name == "meta" and element.get("name") == "description":
            parts.append(element["content"])
    parts.append(soup.get_text(" "))
    return " ".join(" ".join(parts).replace("\u00a0", " ").replace("\u202f", " ").split())


def foreign_patterns(language: str) -> list[tuple[str, re.Pattern[str]]]:
    """Every string of another language's catalog that is not also this language's: as a
    pattern, its placeholders standing for any text. Strings shorter than 12 characters (Version,
    OK) say nothing about which language a page is in."""
    own = {message_key: forms(m.string) for m in po(language) if m.id for message_key in [key(m)]}
    own_strings = {s for strings_ in own.values() for s in strings_}
    patterns = {}
    for other in languages():
        if other == language:
            continue
        for message in po(other):
            if not message.id:
                continue
            for string in forms(message.string):
                if len(string) < 12 or string in own.get(key(message), ()) or string in own_strings:
                    continue
                pieces = re.split(r"\{\w+\}", string)
                if sum(len(p.strip()) for p in pieces) < 8:
                    continue
                body = ".{1,80}?".join(re.escape(re.sub(r"\s+", " ", p)) for p in pieces)
                patterns[string] = re.compile(rf"(?<!\w){body}(?!\w)")
    return sorted(patterns.items())


def test_the_trilingual_site_builds_every_page_in_every_language(trilingual: Build) -> None:
    pages = sorted(trilingual.site.rglob("*.html"))
    by_language = {language: [p for p in pages if page_language(trilingual, p) == language] for language in TRILINGUAL}
    assert {language: len(found) for language, found in by_language.items()} == {"sv": 8, "en": 8, "de": 8}
    german = trilingual.html("de/privacy/index.html")
    assert german.html["lang"] == "de"
    assert german.find("time", datetime="2026-03-01").get_text() == "1. März 2026"
    stats = trilingual.html("de/privacy/2.2/changes/index.html").select_one(".pp-diff-stats").get_text()
    assert stats == "2 geänderte Absätze."


def test_no_page_of_the_trilingual_site_shows_another_languages_strings(trilingual: Build) -> None:
    patterns = {language: foreign_patterns(language) for language in TRILINGUAL}
    assert all(len(found) > 150 for found in patterns.values())
    found = []
    for path in sorted(trilingual.site.rglob("*.html")):
        language = page_language(trilingual, path)
        text = page_text(BeautifulSoup(path.read_text(encoding="utf-8"), "lxml"))
        assert text
        found += [(str(path.relative_to(trilingual.site)), string) for string, pattern in patterns[language]
                  if pattern.search(text)]
    assert found == []


def test_the_footer_says_made_with_material_in_the_pages_language(trilingual: Build, tmp_path: Path) -> None:
    for language, page in (("sv", "index.html"), ("en", "en/index.html"), ("de", "de/privacy/index.html")):
        footer = " ".join(trilingual.html(page).select_one(".md-copyright").get_text(" ").split())
        made_with = strings(language)["made_with"].format(material="Material for MkDocs")
        assert footer.endswith(made_with), footer
    site = copy_site(FIXTURES / "minimal", tmp_path / "site")
    site.root.joinpath("mkdocs.yml").write_text(site.root.joinpath("mkdocs.yml").read_text() + "extra:\n  generator: false\n")
    build = site.build()
    assert build.returncode == 0, build.output
    assert "Material for MkDocs" not in build.html("index.html").select_one(".md-copyright").get_text()


def test_a_feed_entry_is_in_its_language(trilingual: Build) -> None:
    atom = (trilingual.site / "de" / "changes.atom").read_text(encoding="utf-8")
    assert "Datenschutzerklärung 2.2 gültig ab 1. Dezember 2026" in atom
    assert "Integritetspolicy" not in atom and "in effect" not in atom
