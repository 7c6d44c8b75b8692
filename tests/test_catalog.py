"""The service catalog and `policypress add`: every entry valid, written into a real site in
four languages, the site checked and built strictly; the example site edited as an editor would."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT, FixtureSite, run_cli
from policypress.audit.model import Sighting
from policypress.catalog.identify import CatalogSource, service_of
from policypress.catalog.load import catalog, read_entries, search
from policypress.catalog.model import CATEGORIES, LANGUAGES
from policypress.core.frontmatter import parse_yaml
from test_scaffold import COMPANY, fill, scaffold

SERVICES = sorted(catalog())


def front_matter(path: Path) -> dict:
    return parse_yaml(path.read_text(encoding="utf-8").split("---\n")[1])


def example(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    root.mkdir()
    for name in ("mkdocs.yml", "docs", "overrides"):
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copy)(ROOT / name, root / name)
    return root


def fill_summaries(root: Path) -> None:
    """What the editor writes in place of the summaries `add` left as TODO."""
    for path in (root / "docs").rglob("index.*.md"):
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"^summary: '?TODO: .*$", "summary: New services were added to the register.", text,
                               flags=re.M), encoding="utf-8")


# --- the catalog as data --------------------------------------------------------------------------


def test_the_catalog_covers_the_common_services_in_every_language() -> None:
    services = catalog()
    assert len(services) >= 40, len(services)
    for service in services.values():
        assert set(service.texts) == set(LANGUAGES), service.id
        assert service.sources, service.id
    assert {"analytics", "advertising", "video", "marketing", "support", "payments", "infrastructure"} <= {
        service.category for service in services.values()}


def test_every_fact_of_an_entry_names_its_source() -> None:
    for service in catalog().values():
        vouched = {fact for source in service.sources for fact in source.facts}
        stated = {"company", "recipient", "personal_data", "processing"} | ({"transfers"} if service.transfers else set()) \
            | ({"cookies"} if service.cookies else set())
        assert stated <= vouched, (service.id, sorted(stated - vouched))


def test_a_broken_entry_is_reported_with_file_line_and_field() -> None:
    text = (Path(__file__).parent.parent / "policypress/catalog/services/google-analytics.yaml").read_text(encoding="utf-8")
    broken = text.replace("kind: dpv:DataProcessor", "kind: dpv:Processor").replace("duration: P2Y", "duration: 2 years", 1)
    services, problems = read_entries([("services/google-analytics.yaml", broken), ("services/other.yaml", text)])
    assert services == {}
    shown = [str(problem) for problem in problems]
    line = broken.splitlines().index("  kind: dpv:Processor") + 1
    assert any(s.startswith(f"services/google-analytics.yaml:{line}: recipient.kind: ") and "dpv:Processor" in s
               for s in shown), shown
    assert any("cookies[0].duration" in s and "2 years" in s for s in shown), shown
    assert any(s.startswith("services/other.yaml:") and "expected the file's own name, 'other'" in s for s in shown), shown


def test_services_lists_and_searches() -> None:
    assert [s.id for s in search("google analytics")][:1] == ["google-analytics"]
    result = run_cli(["services", "analytics"], ROOT)
    assert result.returncode == 0, result.stderr
    header, *rows = result.stdout.splitlines()
    assert header.split() == ["ID", "NAME", "COMPANY", "CATEGORY", "COUNTRIES"]
    assert any(row.startswith("google-analytics ") and "Google Ireland Limited" in row and "IE, US" in row for row in rows)
    assert all(CATEGORIES["analytics"] in row for row in rows if row.split()[0] in search("analytics"))
    nothing = run_cli(["services", "no-such-thing-at-all"], ROOT)
    assert nothing.returncode == 1 and "no service matches 'no-such-thing-at-all'" in nothing.stderr


# --- add, on the example site -----------------------------------------------------------------------


def test_add_writes_facts_once_and_labels_in_each_language(tmp_path: Path) -> None:
    root = example(tmp_path)
    released = {path: path.read_bytes() for path in (root / "docs").rglob("[0-9]*.md")}
    result = run_cli(["add", "google-analytics"], root)
    assert result.returncode == 0, result.stderr
    sv, en = front_matter(root / "docs/privacy/index.sv.md"), front_matter(root / "docs/privacy/index.en.md")
    assert {"id": "google-analytics", "kind": "dpv:DataProcessor", "country": ["IE", "US"],
            "name": "Google Ireland Limited",
            "description": "Levererar Google Analytics och behandlar statistiken för vår räkning."} in sv["recipients"]
    assert {"id": "google-analytics", "name": "Google Ireland Limited",
            "description": "Provides Google Analytics and processes the statistics on our behalf."} in en["recipients"]
    assert {"recipient": "google-analytics", "country": "US", "safeguard": ["eu-gdpr:A45-3", "eu-gdpr:A46-2-c"]} in sv["transfers"]
    assert "transfers" not in en
    statistics = next(p for p in sv["processing"] if p["id"] == "statistics")
    assert statistics["recipients"] == ["google-analytics"] and statistics["legal_basis"] == "eu-gdpr:A6-1-a"
    # The released privacy 3.1 stood as the living text: 4.0 is started, its summary for the editor.
    assert sv["version"] == en["version"] == "4.0"
    assert sv["summary"].startswith("TODO: ") and en["summary"].startswith("TODO: ")
    cookies = front_matter(root / "docs/cookies/index.sv.md")
    ga = next(c for c in cookies["cookies"] if c["name"] == "_ga")
    # The cookie policy already has a consent category for statistics: the cookies join it.
    assert ga == {"name": "_ga", "processing": "statistics", "provider": "solvikkaffe.example", "duration": "P2Y",
                  "description": "Skiljer en besökare från en annan i Google Analytics."}
    assert "google-analytics" in next(p for p in cookies["processing"] if p["id"] == "statistics")["recipients"]
    # Released revisions are never touched.
    assert {path: path.read_bytes() for path in (root / "docs").rglob("[0-9]*.md")} == released

    # What is left is what only the company can write; filled, the site builds strictly.
    check = run_cli(["check"], root)
    assert check.returncode == 1
    assert all("summary: still a placeholder" in line for line in check.stderr.splitlines()[1::2]), check.stderr
    fill_summaries(root)
    assert run_cli(["check"], root).returncode == 0
    for policy in ("privacy", "cookies"):
        release = run_cli(["release", policy], root)
        assert release.returncode == 0, release.stderr
    build = FixtureSite(root).build()
    assert build.returncode == 0, build.output
    english = BeautifulSoup((root / "site/en/privacy/4.0/index.html").read_text(encoding="utf-8"), "html.parser")
    assert "Provides Google Analytics and processes the statistics on our behalf." in english.get_text(" ")


def test_add_twice_changes_nothing(tmp_path: Path) -> None:
    root = example(tmp_path)
    assert run_cli(["add", "google-analytics"], root).returncode == 0
    after = {path: path.read_bytes() for path in (root / "docs").rglob("*.md")}
    again = run_cli(["add", "google-analytics"], root)
    assert again.returncode == 0, again.stderr
    assert "already in the register; nothing to change" in again.stdout
    assert {path: path.read_bytes() for path in (root / "docs").rglob("*.md")} == after


def test_dry_run_prints_the_diff_and_writes_nothing(tmp_path: Path) -> None:
    root = example(tmp_path)
    before = {path: path.read_bytes() for path in root.rglob("*") if path.is_file()}
    result = run_cli(["add", "google-analytics", "--dry-run"], root)
    assert result.returncode == 0, result.stderr
    assert {path: path.read_bytes() for path in root.rglob("*") if path.is_file()} == before
    files = re.findall(r"^\+\+\+ b/(\S+)$", result.stdout, flags=re.M)
    assert files == ["docs/privacy/index.sv.md", "docs/privacy/index.en.md", "docs/cookies/index.sv.md",
                     "docs/cookies/index.en.md"]
    added = [line[1:] for line in result.stdout.splitlines() if line.startswith("+") and not line.startswith("+++")]
    assert '  - id: google-analytics' in added and '-version: "3.1"' in result.stdout.splitlines()
    # Only added lines, the version and summary, and lists the service joined (one line longer each):
    # nothing the editor wrote is rewritten.
    lines = result.stdout.splitlines()
    removed = [line[1:] for line in lines if line.startswith("-") and not line.startswith("---")]
    replaced = [line for line in removed if line.split(":")[0] not in ("version", "effective", "summary")]
    assert sorted(line.split(":")[0] for line in removed if line not in replaced) == sorted(
        ["version", "effective", "summary"] * 2 + ["version", "summary"] * 2)
    assert replaced == ["    data: [identifiers, browsing]", "    recipients: [analytics]"]
    for line in replaced:
        assert "+" + line[:-1] + ", " in "\n".join(lines), line


def test_an_attached_purpose_must_exist(tmp_path: Path) -> None:
    root = example(tmp_path)
    result = run_cli(["add", "google-analytics", "--purpose", "stats"], root)
    assert result.returncode == 2
    assert "--purpose stats: expected the id of a processing entry of the privacy policy (orders, subscription, " \
           "support, bookkeeping, newsletter, recommendations, security), found 'stats'" in result.stderr
    attached = run_cli(["add", "google-analytics", "--purpose", "recommendations"], root)
    assert attached.returncode == 0, attached.stderr
    purpose = next(p for p in front_matter(root / "docs/privacy/index.sv.md")["processing"] if p["id"] == "recommendations")
    assert purpose["recipients"] == ["hosting", "google-analytics"]
    assert purpose["data"] == ["orders", "preferences", "online-identifiers", "browsing-behaviour"]


def test_an_unknown_service_is_a_usage_error_with_suggestions(tmp_path: Path) -> None:
    result = run_cli(["add", "google-analytic"], example(tmp_path))
    assert result.returncode == 2
    assert "'google-analytic' is not in the catalog; did you mean google-analytics" in result.stderr


def test_a_site_without_a_cookie_policy_has_no_place_for_cookies(tmp_path: Path) -> None:
    root = example(tmp_path)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("      privacy_policy: privacy\n",
                                                                 "      privacy_policy: privacy\n      consent:\n        enabled: false\n"),
                      encoding="utf-8")
    for path in (root / "docs/cookies").iterdir():
        path.unlink()
    (root / "docs/cookies").rmdir()
    text = config.read_text(encoding="utf-8").replace("  - cookies/index.md\n", "")
    config.write_text(text, encoding="utf-8")
    before = {path: path.read_bytes() for path in root.rglob("*.md")}
    result = run_cli(["add", "google-analytics"], root)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "cannot add google-analytics: the register has no place for it" in result.stderr
    assert "google-analytics sets cookies (_ga, _ga_*), but no policy of the site lists cookies" in result.stderr
    assert {path: path.read_bytes() for path in root.rglob("*.md")} == before


# --- every service, a new site in four languages ------------------------------------------------------


def test_every_service_goes_into_a_new_site_in_four_languages_that_builds_strictly(tmp_path: Path) -> None:
    root = tmp_path / "policies"
    languages = ["sv", "en", "fi", "de"]
    assert scaffold(root, *COMPANY, "--languages", ",".join(languages)).returncode == 0
    fill(root)
    result = run_cli(["add", *SERVICES], root)
    assert result.returncode == 0, result.stderr
    again = run_cli(["add", *SERVICES], root)
    assert again.returncode == 0 and "are already in the register; nothing to change" in again.stdout, again.stderr
    fill_summaries(root)
    check = run_cli(["check"], root)
    assert check.returncode == 0, check.stderr
    for policy in ("privacy", "cookies"):
        assert run_cli(["release", policy], root).returncode == 0
    build = FixtureSite(root).build()
    assert build.returncode == 0, build.output
    assert "WARNING" not in build.output, build.output
    # The page sets quotation marks and apostrophes as its language writes them; the catalog's are plain.
    plain = str.maketrans({"’": "'", "‘": "'", "”": '"', "“": '"', "„": '"'})
    pages = {language: BeautifulSoup((root / "site" / ("" if language == "sv" else language) / "privacy/index.html")
                                     .read_text(encoding="utf-8"), "html.parser").get_text(" ").translate(plain)
             for language in languages}
    for service in catalog().values():
        for language in languages:
            assert service.texts[language].recipient.name in pages[language], (service.id, language)
            assert service.texts[language].recipient.description in pages[language], (service.id, language)
    cookie_page = BeautifulSoup((root / "site/de/cookies/index.html").read_text(encoding="utf-8"), "html.parser").get_text(" ")
    for service in catalog().values():
        for cookie in service.cookies:
            assert cookie.name in cookie_page, (service.id, cookie.name)


def test_entries_are_written_in_our_own_words() -> None:
    """No description is left empty or copied between languages by mistake."""
    for service in catalog().values():
        for field in ("recipient", "processing"):
            descriptions = [getattr(service.texts[language], field).description for language in LANGUAGES]
            assert len(set(descriptions)) == len(LANGUAGES), (service.id, field, descriptions)


def test_cookies_of_a_purpose_without_a_table_are_a_problem(tmp_path: Path) -> None:
    """A page with a cookie table per purpose would silently leave out a purpose that has none."""
    root = example(tmp_path)
    page = root / "docs/cookies/index.en.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("<!-- register: cookies video -->\n", ""), encoding="utf-8")
    result = run_cli(["check"], root)
    assert result.returncode == 1
    last = max(n for n, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1)
               if line.startswith("<!-- register: cookies "))
    assert result.stderr.splitlines()[1:] == [
        f"  docs/cookies/index.en.md:{last}: expected a table for every purpose that has cookies, found none for "
        f"'video' (rh_visitor); add <!-- register: cookies video --> under a heading of its own"]


def test_add_gives_a_new_cookie_purpose_its_table_in_every_language(tmp_path: Path) -> None:
    root = tmp_path / "policies"
    assert scaffold(root, *COMPANY, "--languages", "sv,en,fi,de").returncode == 0
    result = run_cli(["add", "youtube"], root)
    assert result.returncode == 0, result.stderr
    purpose = next(c["processing"] for c in front_matter(root / "docs/cookies/index.sv.md")["cookies"]
                   if c["name"] in {cookie.name for cookie in catalog()["youtube"].cookies})
    for language in ("sv", "en", "fi", "de"):
        body = (root / f"docs/cookies/index.{language}.md").read_text(encoding="utf-8").split("\n---\n", 1)[1]
        heading = f"### {catalog()['youtube'].texts[language].processing.name}"
        assert f"{heading}\n\n{catalog()['youtube'].texts[language].processing.description}\n\n" \
               f"<!-- register: cookies {purpose} -->" in body, language


@pytest.mark.parametrize(("item", "name", "host", "expected"), [
    ("cookie", "_ga", "shop.example", ("Google Analytics 4", "name; policypress add google-analytics")),
    ("cookie", "_ga_ABC123", "shop.example", ("Google Analytics 4", "prefix; policypress add google-analytics")),
    # A third-party cookie's name is the service's only on the service's domain.
    ("cookie", "player", "vimeo.com", ("Vimeo", "name; policypress add vimeo")),
    ("cookie", "player", "shop.example", None),
    ("request", "https://www.youtube.com/embed/x", "www.youtube.com", ("YouTube", "host; policypress add youtube")),
    ("request", "https://notyoutube.com/x", "notyoutube.com", None),
    ("cookie", "shop_session", "shop.example", None),
])
def test_the_catalog_names_what_its_services_set(item: str, name: str, host: str, expected: tuple[str, str] | None) -> None:
    found = CatalogSource(catalog().values()).lookup(Sighting(item, name, host))
    assert (None if found is None else (found.platform, found.match)) == expected
    if found is not None:
        assert found.source == "policypress catalog" and service_of(found) == found.match.rsplit(" ", 1)[1]
