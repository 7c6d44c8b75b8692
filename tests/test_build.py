"""Fixture sites built with `mkdocs build --strict`, outputs parsed with an HTML parser."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from bs4 import BeautifulSoup

from conftest import FixtureSite
from policypress.core.texts import strings

SITE_URL = "https://policies.fixture.example/"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    from conftest import FIXTURES, copy_site

    site = copy_site(FIXTURES / "minimal", tmp_path_factory.mktemp("built") / "minimal")
    build = site.build()
    assert build.returncode == 0, build.output
    return build


PAGES = {
    ("sv", "index.html"): "",
    ("en", "en/index.html"): "en/",
    ("sv", "privacy/index.html"): "privacy/",
    ("en", "en/privacy/index.html"): "en/privacy/",
}


@pytest.mark.parametrize(("language", "page"), list(PAGES))
def test_every_page_declares_its_language_and_alternates(built, language: str, page: str) -> None:
    html = built.html(page)
    assert html.html["lang"] == language
    alternates = {link["hreflang"]: link["href"] for link in html.select('head link[rel="alternate"][hreflang]')}
    stem = PAGES[(language, page)].removeprefix("en/")
    assert alternates == {
        "sv": SITE_URL + stem,
        "en": SITE_URL + "en/" + stem,
        "x-default": SITE_URL + stem,
    }


TRANSLATIONS = {"index.html": "en/index.html", "privacy/index.html": "en/privacy/index.html"}
TRANSLATIONS.update({en: sv for sv, en in TRANSLATIONS.items()})


@pytest.mark.parametrize(("language", "page"), list(PAGES))
def test_language_switcher_leads_to_the_same_page_in_the_other_language(built, language: str, page: str) -> None:
    links = {a["hreflang"]: a["href"] for a in built.html(page).select("a.md-select__link[hreflang]")}
    other = "en" if language == "sv" else "sv"
    target = ((built.site / page).parent / links[other] / "index.html").resolve()
    assert target == (built.site / TRANSLATIONS[page]).resolve()
    assert target.is_file()


def test_policy_page_shows_its_revision(built) -> None:
    sv, en = built.html("privacy/index.html"), built.html("en/privacy/index.html")
    assert sv.select_one("article h1").get_text() == "Integritetspolicy"
    assert en.select_one("article h1").get_text() == "Privacy policy"
    assert sv.select_one("[data-pp-version]").get_text() == en.select_one("[data-pp-version]").get_text() == "2.1"
    assert sv.select_one(".pp-revision time")["datetime"] == "2026-03-01"
    assert sv.select_one(".pp-revision time").get_text() == "1 mars 2026"
    assert en.select_one(".pp-revision time").get_text() == "March 1, 2026"
    assert "The newsletter has a row of its own." in en.select_one(".pp-revision").get_text()
    assert en.select_one("#your-rights") is not None


def test_plain_pages_have_no_revision_block(built) -> None:
    assert built.html("index.html").select(".pp-revision") == []


def test_no_resource_from_another_origin(built) -> None:
    """Stylesheets, scripts, fonts, images and icons all come from the site itself."""
    for page in PAGES:
        html = built.html(page[1])
        for tag, attribute in (("link", "href"), ("script", "src"), ("img", "src"), ("iframe", "src")):
            for element in html.find_all(tag):
                url = element.get(attribute)
                if url is None or tag == "link" and element.get("rel") in (["alternate"], ["canonical"]):
                    continue
                assert not urlparse(url).netloc, f"{page[1]}: <{tag} {attribute}={url}> loads from another origin"
        assert "fonts.googleapis.com" not in str(html)


def test_assets_and_patched_bundle_are_published(built) -> None:
    html = built.html("en/privacy/index.html")
    scripts = [s["src"] for s in html.find_all("script", src=True)]
    bundle = next(s for s in scripts if "material-bundle" in s)
    published = (built.site / "en/privacy" / bundle).resolve()
    assert published.is_file()
    text = published.read_text()
    assert '"link[rel=alternate][data-md-sitemap]"' in text and '"link[rel=alternate]"' not in text
    assert (built.site / "assets/policypress/policypress.css").is_file()


def test_each_language_has_its_own_search_index(built) -> None:
    import json

    for language, folder in (("sv", ""), ("en", "en/")):
        index = json.loads((built.site / folder / "search/search_index.json").read_text())
        assert index["config"]["lang"] == [language]
        locations = {doc["location"].split("#")[0] for doc in index["docs"]}
        assert locations == {"", "privacy/"}  # relative to the language's root
        titles = {doc["title"] for doc in index["docs"] if doc["location"] == "privacy/"}
        assert titles == {built.html(f"{folder}privacy/index.html").h1.get_text()}
        # The language's pages look for their search index under their root.
        config = json.loads(built.html(f"{folder}privacy/index.html").select_one("#__config").string)
        assert config["base"] == (".." if language == "sv" else "../")


def not_found_links(html: BeautifulSoup) -> list[str]:
    """Every URL the 404 page uses: links, the privacy policy, scripts, stylesheets."""
    return ([a["href"] for a in html.select(".pp-not-found a")] + [html.select_one('link[rel="privacy-policy"]')["href"]]
            + [s["src"] for s in html.find_all("script", src=True)]
            + [link["href"] for link in html.select('link[rel="stylesheet"]')])


@pytest.mark.parametrize(("page", "language"), [("404.html", "sv"), ("en/404.html", "en")])
def test_not_found_page_in_each_language_works_at_any_path(built, page: str, language: str) -> None:
    """The root keeps the default language's 404 page (every i18n pass writes one there); its
    links start at the site root, as a host serves it for any missing path."""
    html = built.html(page)
    assert html.html["lang"] == language
    assert html.h1.get_text() == strings(language)["not_found_title"]
    home = "/" if language == "sv" else "/en/"
    assert [a["href"] for a in html.select(".pp-not-found a")] == [home, home + "privacy/"]
    links = not_found_links(html)
    for link in links:
        assert link.startswith("/"), link
        target = built.site / link.lstrip("/")
        assert (target / "index.html" if link.endswith("/") else target).is_file(), link
    assert html.select_one("[data-pp-consent-settings]") is not None


def test_not_found_page_of_a_site_in_a_subfolder(minimal: FixtureSite) -> None:
    config = minimal.root / "mkdocs.yml"
    config.write_text(config.read_text().replace("site_url: https://policies.fixture.example/", "site_url: https://fixture.example/legal/"))
    build = minimal.build()
    assert build.returncode == 0, build.output
    links = not_found_links(build.html("en/404.html"))
    assert links[0] == "/legal/en/"
    assert all(link.startswith("/legal/") and (build.site / link.removeprefix("/legal/")).exists() for link in links), links


def test_bad_source_fails_the_build_with_every_problem_and_no_traceback(minimal: FixtureSite) -> None:
    minimal.replace("privacy/index.sv.md", "legal_basis: eu-gdpr:A6-1-b", "legal_basis: eu-gdpr:A6-1-x")
    minimal.replace("privacy/index.en.md", 'version: "2.1"', 'version: "2.0"')
    build = minimal.build()
    assert build.returncode != 0
    assert "Traceback" not in build.output
    assert "ERROR   -  policypress found 2 problems:\n" in build.output
    assert "\n  docs/privacy/index.sv.md:15: processing[0].legal_basis: expected a GDPR" in build.output
    assert '\n  docs/privacy/index.en.md:4: version: the languages disagree on the version' in build.output
    assert "Nothing was published" in build.output and "Aborted with a BuildError!" in build.output
    assert not build.site.exists()


def test_site_without_i18n_is_a_clear_error(minimal: FixtureSite) -> None:
    config = minimal.root / "mkdocs.yml"
    text = config.read_text()
    config.write_text(text[: text.index("  - i18n:")] + "  - policypress\n")
    build = minimal.build()
    assert build.returncode != 0 and "Traceback" not in build.output
    assert "policypress needs the mkdocs-static-i18n plugin: add '- i18n:' with your languages under 'plugins'" in build.output


def test_failed_build_leaves_the_previous_site_untouched(minimal: FixtureSite) -> None:
    first = minimal.policypress("build")
    assert first.returncode == 0, first.stderr
    page = minimal.root / "site/privacy/index.html"
    before = {p.relative_to(minimal.root): p.read_bytes() for p in (minimal.root / "site").rglob("*") if p.is_file()}

    minimal.replace("privacy/index.sv.md", 'version: "2.1"', 'version: "2.2"')  # English still says 2.1
    second = minimal.policypress("build")
    assert second.returncode == 1
    assert "build failed; " in second.stderr and "was left as it was" in second.stderr
    after = {p.relative_to(minimal.root): p.read_bytes() for p in (minimal.root / "site").rglob("*") if p.is_file()}
    assert after == before
    assert BeautifulSoup(page.read_text(), "lxml").select_one("[data-pp-version]").get_text() == "2.1"
    assert not list(minimal.root.glob(".site-*")), "no staging folder is left behind"


def test_successful_build_replaces_the_site(minimal: FixtureSite) -> None:
    assert minimal.policypress("build").returncode == 0
    minimal.replace("privacy/index.sv.md", 'version: "2.1"', 'version: "2.2"')
    minimal.replace("privacy/index.sv.md", "effective: 2026-03-01", "effective: 2026-04-01")
    minimal.replace("privacy/index.sv.md", "summary: Nyhetsbrevet har fått en egen rad.", "summary: Ny text.")
    minimal.replace("privacy/index.en.md", 'version: "2.1"', 'version: "2.2"')
    minimal.replace("privacy/index.en.md", "summary: The newsletter has a row of its own.", "summary: New text.")
    assert minimal.policypress("release", "privacy", "--date", "2026-03-10").returncode == 0
    assert minimal.policypress("build").returncode == 0
    html = BeautifulSoup((minimal.root / "site/en/privacy/index.html").read_text(), "lxml")
    assert html.select_one("[data-pp-version]").get_text() == "2.2"
