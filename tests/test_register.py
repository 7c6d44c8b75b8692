"""The register tables on policy pages: rows from the revision's own data, in the page's language."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from conftest import FIXTURES, Build, copy_site, example_site, in_force
from policypress.core import vocabulary as vocab
from policypress.core.model import Register, Revision
from policypress.core.register import country_name, retention_text
from policypress.core.types import Version

LANGUAGES = {"sv": "", "en": "en/"}


def revision(policy: str, version: str | None = None) -> Revision:
    return in_force(policy) if version is None else example_site().policies[policy].revision(Version.parse(version))


def page(build: Build, path: str) -> BeautifulSoup:
    return build.html(f"{path}/index.html")


def current(build: Build, policy: str, language: str) -> tuple[Register, BeautifulSoup]:
    """The register in force and the policy's stable page in `language`."""
    return revision(policy).register, page(build, f"{LANGUAGES[language]}{policy}")


def cells(row) -> list[str]:
    return [" ".join(cell.get_text(" ").split()) for cell in row.select("th, td")]


@pytest.mark.parametrize("language", LANGUAGES)
def test_purposes_table_is_the_register_in_the_page_language(example_build: Build, language: str) -> None:
    register, html = current(example_build, "privacy", language)
    rows = html.select(".pp-register--purposes tbody tr")
    assert [row["data-pp-purpose"] for row in rows] == [p.id for p in register.processing]
    names = {c.id: c.text[language].name for c in register.personal_data}
    for row, purpose in zip(rows, register.processing):
        name, data, basis, retention = cells(row)
        assert row.select_one(".pp-register__name").get_text() == purpose.text[language].name
        assert data == ", ".join(names[c] for c in purpose.data)
        assert basis == vocab.label(vocab.LEGAL_BASES, purpose.legal_basis, language)
        assert retention.startswith(retention_text(purpose, language))
        if purpose.legal_basis == vocab.LEGITIMATE_INTEREST:
            assert purpose.text[language].legitimate_interest in name


@pytest.mark.parametrize("language", LANGUAGES)
def test_recipients_transfers_and_data_tables(example_build: Build, language: str) -> None:
    register, html = current(example_build, "privacy", language)
    recipients = html.select(".pp-register--recipients tbody tr")
    assert [row["data-pp-recipient"] for row in recipients] == [r.id for r in register.recipients]
    for row, recipient in zip(recipients, register.recipients):
        assert cells(row)[2] == country_name(recipient.country, language)
    transfers = [cells(row) for row in html.select(".pp-register--transfers tbody tr")]
    assert transfers == [[register.recipient(t.recipient).text[language].name, country_name(t.country, language),
                          vocab.label(vocab.SAFEGUARDS, t.safeguard, language)] for t in register.transfers]
    data = html.select(".pp-register--data tbody tr")
    assert [row.th.get_text() for row in data] == [c.text[language].name for c in register.personal_data]


@pytest.mark.parametrize("language", LANGUAGES)
def test_cookie_tables_list_each_purpose_s_cookies(example_build: Build, language: str) -> None:
    register, html = current(example_build, "cookies", language)
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


def test_every_cell_names_its_column_for_narrow_screens(example_build: Build) -> None:
    html = page(example_build, "en/privacy")
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
