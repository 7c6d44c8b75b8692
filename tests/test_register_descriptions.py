"""A data category without a description (issue 21 §9): the register's table of personal data
has no "What it is" column when no category has one, and no empty cell when only some lack
it (that row's name spans both columns), in a strict build read with a real HTML parser."""

from __future__ import annotations

import pytest

from conftest import Build, FixtureSite

SV, EN = "privacy/index.sv.md", "privacy/index.en.md"


def with_data_table(site: FixtureSite, described: bool) -> None:
    """The minimal site with the table of personal data and a second category, used by orders,
    described or not; its first category (contact) has no description. Released afresh."""
    site.unrelease()
    site.replace(SV, "    name: Kontaktuppgifter\n", "    name: Kontaktuppgifter\n  - id: purchases\n"
                 "    terms: [pd:Purchase]\n    name: Köp\n" + ("    description: Vad du har köpt.\n" if described else ""))
    site.replace(SV, "    data: [contact]\n", "    data: [contact, purchases]\n")
    site.replace(EN, "    name: Contact details\n", "    name: Contact details\n  - id: purchases\n    name: Purchases\n"
                 + ("    description: What you bought.\n" if described else ""))
    for path in (SV, EN):
        site.replace(path, "<!-- register: purposes -->", "<!-- register: purposes -->\n\n<!-- register: data -->")
    result = site.policypress("release", "privacy", "--date", "2026-02-01")
    assert result.returncode == 0, result.stderr


def data_table(build: Build, page: str):  # noqa: ANN201 - a BeautifulSoup tag
    table = build.html(page).select_one(".pp-register--data table")
    assert table is not None
    return table


@pytest.mark.parametrize(("page", "names"), [
    ("privacy/index.html", ["Kontaktuppgifter", "Köp"]), ("en/privacy/index.html", ["Contact details", "Purchases"]),
], ids=["sv", "en"])
def test_without_any_description_there_is_no_column_for_one(minimal: FixtureSite, page: str, names: list[str]) -> None:
    with_data_table(minimal, described=False)
    build = minimal.build()
    assert build.returncode == 0, build.output
    table = data_table(build, page)
    assert len(table.select("thead th")) == 1
    assert table.select("td") == [] and [th.get_text() for th in table.select("tbody th")] == names
    assert all(th.get("colspan") is None for th in table.select("tbody th"))


@pytest.mark.parametrize(("page", "description"), [
    ("privacy/index.html", "Vad du har köpt."), ("en/privacy/index.html", "What you bought."),
], ids=["sv", "en"])
def test_a_row_without_a_description_has_no_empty_cell(minimal: FixtureSite, page: str, description: str) -> None:
    with_data_table(minimal, described=True)
    build = minimal.build()
    assert build.returncode == 0, build.output
    table = data_table(build, page)
    assert len(table.select("thead th")) == 2
    contact, purchases = table.select("tbody tr")
    assert contact.th["colspan"] == "2" and contact.select("td") == []
    assert purchases.th.get("colspan") is None and [td.get_text() for td in purchases.select("td")] == [description]
    # Every row fills the table's width: no cell stands empty, none is missing.
    for row in table.select("tbody tr"):
        assert sum(int(cell.get("colspan", 1)) for cell in row.select("th, td")) == 2
        assert all(cell.get_text().strip() for cell in row.select("th, td"))
