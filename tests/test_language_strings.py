"""Every string in the page's language (issue 21 §3): the ¶ links' title, the "In short" box's
authority and town as mkdocs.yml gives them per language, texts that name a button by its label,
and idiomatic labels."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import FIXTURES, ROOT, Build, FixtureSite, copy_site, run_cli
from policypress.core.texts import strings
from policypress.plugins.config import PolicyConfig, config_lines, site_info

SCAFFOLD = ROOT / "policypress" / "scaffold"


def edit_config(site: FixtureSite, edit: Any) -> None:
    """Change a fixture's mkdocs.yml as data: `edit(config, policypress_options)`."""
    path = site.root / "mkdocs.yml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    options = next(p["policypress"] for p in config["plugins"] if isinstance(p, dict) and "policypress" in p)
    edit(config, options)
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture(scope="module")
def trilingual(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The Swedish, English and German fixture with ¶ links, and the authority's name and the
    controller's town given per language (a plain string beside them: the authority's URL)."""
    site = copy_site(FIXTURES / "trilingual", tmp_path_factory.mktemp("trilingual") / "site")

    def edit(config: dict[str, Any], options: dict[str, Any]) -> None:
        config["markdown_extensions"] = [{"toc": {"permalink": True}}]
        options["controller"]["address"] = {"street": "Storgatan 1", "postal_code": "411 38",
                                            "locality": {"sv": "Göteborg", "en": "Gothenburg", "de": "Göteborg"},
                                            "country": "SE"}
        options["authority"]["name"] = {"sv": "Integritetsskyddsmyndigheten (IMY)",
                                        "en": "the Swedish Authority for Privacy Protection (IMY)",
                                        "de": "die schwedische Datenschutzbehörde (IMY)"}
        options["authority"]["url"] = "https://www.imy.se/"

    edit_config(site, edit)
    build = site.build()
    assert build.returncode == 0, build.output
    return build


PAGES = {"sv": "privacy/index.html", "en": "en/privacy/index.html", "de": "de/privacy/index.html"}


# --- the ¶ beside every heading -----------------------------------------------------------------------


@pytest.mark.parametrize(("page", "language"), [("privacy/index.html", "sv"), ("en/privacy/index.html", "en"),
                                                ("cookies/1.0/index.html", "sv"), ("en/cookies/1.0/index.html", "en")])
def test_the_permanent_link_is_titled_in_the_page_s_language(example_build: Build, page: str, language: str) -> None:
    links = example_build.html(page).select("a.headerlink")
    assert len(links) > 3
    assert {link["title"] for link in links} == {strings(language)["permalink"]}
    assert strings("sv")["permalink"] == "Permanent länk" and strings("fi")["permalink"] == "Pysyvä linkki"


@pytest.mark.parametrize("language", list(PAGES))
def test_the_permanent_link_in_german_too(trilingual: Build, language: str) -> None:
    titles = {link["title"] for link in trilingual.html(PAGES[language]).select("a.headerlink")}
    assert titles == {strings(language)["permalink"]}
    assert strings("de")["permalink"] == "Permanenter Link"


def test_a_site_s_own_permalink_title_is_kept(minimal: FixtureSite) -> None:
    edit_config(minimal, lambda config, _: config.update(
        markdown_extensions=[{"toc": {"permalink": True, "permalink_title": "Länk hit"}}]))
    build = minimal.build()
    assert build.returncode == 0, build.output
    for page in ("privacy/index.html", "en/privacy/index.html"):
        assert {a["title"] for a in build.html(page).select("a.headerlink")} == {"Länk hit"}


# --- "In short": the authority and the town in the page's language ---------------------------------------


@pytest.mark.parametrize("language", list(PAGES))
def test_in_short_names_the_authority_and_the_town_in_the_page_s_language(trilingual: Build, language: str) -> None:
    box = trilingual.html(PAGES[language]).select_one(".pp-in-short")
    who, rights = box.select("dl > div")[0].dd, box.select("dl > div")[-1].dd
    town = {"sv": "Göteborg", "en": "Gothenburg", "de": "Göteborg"}[language]
    assert f"411 38 {town}." in who.get_text(" ", strip=True)
    authority = rights.select_one('a[href="https://www.imy.se/"]').get_text()
    assert authority == {"sv": "Integritetsskyddsmyndigheten (IMY)", "en": "the Swedish Authority for Privacy Protection (IMY)",
                         "de": "die schwedische Datenschutzbehörde (IMY)"}[language]
    # German names it after a colon, in its basic form: not "bei die …".
    assert f"{strings(language)['short_complaint']} {authority}." in rights.get_text(" ", strip=True).replace(" .", ".")


@pytest.mark.parametrize("language", ["sv", "en"])
def test_summary_json_has_the_authority_in_its_language(trilingual: Build, language: str) -> None:
    prefix = "" if language == "sv" else f"{language}/"
    document = json.loads((trilingual.site / prefix / "summary.json").read_text(encoding="utf-8"))
    assert document["policies"][0]["complaint"]["name"] == {
        "sv": "Integritetsskyddsmyndigheten (IMY)", "en": "the Swedish Authority for Privacy Protection (IMY)"}[language]


def test_the_example_names_the_authority_in_english_on_english_pages(example_build: Build) -> None:
    sv = example_build.html("privacy/index.html").select_one(".pp-in-short").get_text(" ", strip=True)
    en = example_build.html("en/privacy/index.html").select_one(".pp-in-short").get_text(" ", strip=True)
    assert "Integritetsskyddsmyndigheten (IMY)" in sv and "Integritetsskyddsmyndigheten" not in en
    assert "You can complain to the Swedish Authority for Privacy Protection (IMY)" in en


def test_a_plain_string_stays_valid_and_json_ld_keeps_the_default_language_s_name(example_build: Build) -> None:
    # The example's controller town is one string for both languages.
    for page in ("privacy/index.html", "en/privacy/index.html"):
        assert "903 47 Umeå." in example_build.html(page).select_one(".pp-in-short").get_text(" ", strip=True)
    jsonld = example_build.html("en/privacy/index.html").find("script", type="application/ld+json").string
    assert '"Integritetsskyddsmyndigheten (IMY)"' in jsonld


CONFIG_FILE = "mkdocs.yml"


@pytest.mark.parametrize(("value", "message"), [
    ({"sv": "IMY", "en": "IMY (Sweden)"},
     "expected the text in each language the site is built in (sv, en, de): missing de"),
    ({"sv": "IMY", "en": "IMY", "de": "IMY", "se": "IMY"},
     "expected the text in each language the site is built in (sv, en, de): found 'se', not a language the site is built in"),
    (["IMY"], "expected text, or the text in each language such as {sv: Stockholm, fi: Tukholma}, found a list of 1 item"),
    ({"sv": "IMY", "en": 3, "de": "IMY"}, "expected text, found number 3"),
])
def test_a_text_per_language_names_each_language_of_the_site(tmp_path: Path, value: Any, message: str) -> None:
    site = copy_site(FIXTURES / "trilingual", tmp_path / "site")
    edit_config(site, lambda _, options: options["authority"].update(name=value))
    where = ("plugins", "policypress", "authority", "name", *(["en"] if "number" in message else []))
    line = config_lines(site.root / CONFIG_FILE)[where]
    expected = f"{CONFIG_FILE}:{line}: {'.'.join(where)}: {message}"
    build = site.build()
    assert build.returncode == 1 and expected in build.output, build.output
    check = site.policypress("check")
    assert check.returncode != 0 and expected in check.stderr + check.stdout, check


def test_site_info_gives_each_language_its_text() -> None:
    options = PolicyConfig()
    options.load_dict({"controller": {"name": "A", "address": {"street": "Box 1", "locality": {"sv": "Stockholm",
                                                                                              "fi": "Tukholma"}}},
                       "authority": {"term": "legal-se:DPA-SE", "name": "IMY"}})
    assert options.validate() == ([], [])
    assert site_info(options, "fi").controller.address.locality == "Tukholma"
    assert site_info(options, "sv").controller.address.locality == "Stockholm"
    assert site_info(options).controller.address.locality == "Stockholm"  # the first: the default language's
    assert site_info(options, "fi").authority.name == "IMY"


def test_the_scaffold_names_imy_in_each_of_its_languages(tmp_path: Path) -> None:
    root = tmp_path / "new"
    result = run_cli(["new", str(root), "--company", "Solvik Kaffe AB", "--org-number", "559900-0147",
                      "--email", "integritet@solvikkaffe.example", "--languages", "sv,en,fi,de"], tmp_path)
    assert result.returncode == 0, result.stderr
    config = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
    authority = next(p["policypress"] for p in config["plugins"] if isinstance(p, dict) and "policypress" in p)["authority"]
    assert authority["name"] == {"sv": "Integritetsskyddsmyndigheten (IMY)",
                                 "en": "the Swedish Authority for Privacy Protection (IMY)",
                                 "fi": "Ruotsin tietosuojaviranomainen Integritetsskyddsmyndigheten (IMY)",
                                 "de": "die schwedische Datenschutzbehörde Integritetsskyddsmyndigheten (IMY)"}
    assert authority["address"]["locality"] == {"sv": "Stockholm", "en": "Stockholm", "fi": "Tukholma", "de": "Stockholm"}
    # Each is the name that language's policy text gives the authority.
    for language, name in authority["name"].items():
        body = re.sub(r"\s+", " ", (root / f"docs/privacy/index.{language}.md").read_text(encoding="utf-8"))
        words = name.removeprefix("the ").removeprefix("die ").replace(" (IMY)", "")
        assert words.split()[-1] in body and "IMY" in body, (language, name)


# --- texts that name a button, by its label ---------------------------------------------------------------


@pytest.mark.parametrize(("page", "language"), [("cookies/index.html", "sv"), ("en/cookies/index.html", "en"),
                                                ("cookies/1.0/index.html", "sv")])
def test_the_cookie_policy_names_each_button_by_its_label(example_build: Build, page: str, language: str) -> None:
    t = strings(language)
    soup = example_build.html(page)
    footer = soup.select_one(".md-copyright [data-pp-consent-settings]").get_text(strip=True)
    assert footer == t["consent_button"]
    named = [strong.get_text(" ", strip=True) for strong in soup.select("article > p strong")]
    assert named == [footer]
    text = " ".join(soup.select_one("article").get_text(" ").split())
    quoted = set(re.findall(r"[”“„]([^”“„]+)[”“]", text))
    assert {t["consent_acceptAll"], t["consent_rejectAll"]} <= quoted


@pytest.mark.parametrize("language", ["sv", "en", "fi", "de"])
def test_the_scaffold_s_cookie_policy_names_each_button_by_its_label(language: str) -> None:
    t = strings(language)
    source = (SCAFFOLD / language / "cookies.md.j2").read_text(encoding="utf-8")
    assert re.findall(r"\*\*(.+?)\*\*", source, re.S) == [t["consent_button"]]
    quoted = [" ".join(q.split()) for q in re.findall(r"[\"„“”](.+?)[\"“”]", source, re.S)]
    assert quoted == [t["consent_acceptAll"], t["consent_rejectAll"]]


# --- idiom ------------------------------------------------------------------------------------------------


def test_labels_read_as_each_language_says_them() -> None:
    assert strings("de")["upcoming"] == "künftig"
    assert strings("sv")["col_category"] == "Typ av uppgifter" and strings("sv")["col_source_kind"] == "Typ av källa"
    assert strings("sv")["consent_button"] == "Cookieinställningar"


@pytest.mark.parametrize("page", ["cookies/index.html", "en/cookies/index.html", "privacy/index.html"])
def test_a_purpose_does_not_repeat_its_own_name_as_its_data(example_build: Build, page: str) -> None:
    items = example_build.html(page).select(".pp-in-short dl > div:nth-of-type(2) li")
    assert items
    for item in items:
        name = item.strong.get_text()
        assert item.get_text().count(name) == 1, item.get_text()
    record = example_build.html("cookies/index.html").select_one(".pp-in-short").get_text(" ", strip=True)
    assert "Dina cookieval : Dina cookieval" not in record and "Dina cookieval (Rättslig förpliktelse)" in record
