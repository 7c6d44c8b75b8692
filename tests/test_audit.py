"""`policypress audit` (issue 15): the comparison on hand-made observations, the command's exit
codes and files, and the audit itself in Chromium: the built example site comes out clean, and a
fixture main website with a third party on another site is found to have exactly the defects
it was given."""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import FIXTURES, ROOT, Build, Server, run_cli
from policypress.audit import command, compare, crawl, declared, report
from policypress.audit.model import (CookieSeen, Declared, Observations, Register, RequestSeen, Result,
                                     StateRecord, StorageSeen)

SITE = "http://127.0.0.1:8000"
THIRD = "http://localhost:9000"
NOW = 1_800_000_000.0
DAY = 86400.0

AUDIT_SITE = FIXTURES / "audit-site"
ASSETS = ROOT / "policypress" / "assets" / "consent"


# --- hand-made observations --------------------------------------------------------------------


def register(*items: Declared, cookie: str = "pp_consent") -> Register:
    return Register(items, cookie, "test")


def item(name: str, category: str = "statistics", *, provider: str = "", days: float | None = 30.0,
         storage: str = "cookie", session: bool = False) -> Declared:
    return Declared(name, category, category == "necessary", provider, storage, "test", days, session)  # type: ignore[arg-type]


def seen(name: str, page: str = "/", *, days: float | None = 10.0, domain: str = "127.0.0.1", path: str = "/",
         carried: bool = False) -> CookieSeen:
    party = "first" if domain.lstrip(".") == "127.0.0.1" else "third"
    return CookieSeen(name, domain, path, None if days is None else NOW + days * DAY, False, False, "Lax", party,  # type: ignore[arg-type]
                      SITE + page, NOW, carried)


def observed(**states: StateRecord) -> Observations:
    pages = [SITE + page for page in ("/", "/a", "/b")]
    return Observations((SITE,), pages, [], dict(states), "policypress")  # type: ignore[arg-type]


def state(name: str, *cookies: CookieSeen, storage: tuple[StorageSeen, ...] = (),
          requests: tuple[RequestSeen, ...] = ()) -> StateRecord:
    return StateRecord(name, list(cookies), list(storage), list(requests))  # type: ignore[arg-type]


def found(observations: Observations, reg: Register, **options: Any) -> list[tuple[str, str, str | None, str | None]]:
    """Each finding as (kind, name, state, page path)."""
    return [(f.kind, f.name, f.state, f.page.removeprefix(SITE) if f.page else None)
            for f in compare.compare(observations, reg, compare.Options(**options))]


def violations(observations: Observations, reg: Register) -> list[tuple[str, str, str | None, str | None]]:
    return [f for f in found(observations, reg) if f[0] != "never-seen"]


SHOP = register(item("pp_consent", "necessary", days=183), item("sid", "necessary", days=None, session=True),
                item("_ga_*", "statistics", days=395.72), item("_ga_special", "statistics", days=1.0))


def test_a_site_that_keeps_its_register_is_clean() -> None:
    observations = observed(
        none=state("none", seen("sid", days=None)),
        reject=state("reject", seen("pp_consent", days=182)),
        accept=state("accept", seen("pp_consent", days=182), seen("_ga_1", "/a", days=395), seen("_ga_special", "/b", days=1)),
        withdrawn=state("withdrawn", seen("pp_consent", days=182, carried=True), seen("sid", days=None, carried=True)))
    assert found(observations, SHOP) == []


def test_consent_cookies_before_a_choice_after_rejection_and_after_withdrawal() -> None:
    observations = observed(none=state("none", seen("_ga_1", "/a")), reject=state("reject", seen("_ga_2", "/b")),
                            accept=state("accept", seen("_ga_1")), withdrawn=state("withdrawn", seen("_ga_3")))
    assert violations(observations, SHOP) == [("before-consent", "_ga_1", "none", "/a"), ("before-consent", "_ga_2", "reject", "/b"),
                                         ("before-consent", "_ga_3", "withdrawn", "/")]


def test_the_banners_own_record_is_necessary_whatever_the_register_says() -> None:
    material = StorageSeen("local-storage", SITE, "/.__consent", "first", SITE + "/")
    observations = observed(reject=state("reject", seen("pp_consent", days=182), storage=(material,)))
    assert found(observations, register(item("pp_consent", "statistics", days=183))) == []


def test_storage_keys_are_declared_and_consented_like_cookies() -> None:
    key = StorageSeen("local-storage", SITE, "cart_draft", "first", SITE + "/a")
    other = StorageSeen("session-storage", SITE, "tabs", "first", SITE + "/b")
    reg = register(item("cart_*", storage="local-storage", days=None))
    assert found(observed(none=state("none", storage=(key, other))), reg) == [
        ("before-consent", "cart_draft", "none", "/a"), ("undeclared", "tabs", "none", "/b")]
    # A key of the same name in the other storage is not the declared one.
    assert found(observed(none=state("none", storage=(replace(key, storage="session-storage"),))), reg)[0][0] == "undeclared"


def test_requests_to_third_parties_before_a_choice_unless_necessary_or_allowed() -> None:
    requests = (RequestSeen(THIRD + "/t.js", THIRD, "script", SITE + "/a"), RequestSeen(THIRD + "/u.js", THIRD, "script", SITE + "/a"),
                RequestSeen("https://pay.example/sdk.js", "https://pay.example", "script", SITE + "/"))
    observations = observed(none=state("none", requests=requests), accept=state("accept", requests=requests))
    reg = register(item("paid", "necessary", provider="Payments Ltd (pay.example)"))
    # One finding per origin and page; none after acceptance; a necessary cookie's provider may be contacted.
    assert found(observations, reg) == [("before-consent", THIRD + "/t.js", "none", "/a"), ("never-seen", "paid", None, None)]
    assert found(observations, reg, allowed=frozenset({"localhost"})) == [("never-seen", "paid", None, None)]


def test_withdrawal_first_party_cookies_that_stay_and_third_party_ones_that_cannot_be_deleted() -> None:
    withdrawn = state("withdrawn", seen("_ga_1", "/a", carried=True), seen("_ga_x", domain="video.example", carried=True),
                      seen("sid", days=None, carried=True),
                      storage=(StorageSeen("local-storage", SITE, "_ga_key", "first", SITE + "/b", carried=True),))
    reg = register(*SHOP.items, item("_ga_key", storage="local-storage", days=None))
    # (The third party's cookie counts as withdrawn: the site no longer contacts it.)
    assert violations(observed(withdrawn=withdrawn), reg) == [
        ("survives-withdrawal", "_ga_1", "withdrawn", "/a"), ("survives-withdrawal", "_ga_key", "withdrawn", "/b")]


def test_an_undeclared_cookie_is_reported_once_where_it_was_first_seen() -> None:
    observations = observed(none=state("none", seen("lang", "/b")), reject=state("reject", seen("lang", "/")),
                            accept=state("accept", seen("lang", "/a")))
    assert found(observations, register()) == [("undeclared", "lang", "none", "/b")]


@pytest.mark.parametrize(("days", "declared", "session", "too_long"), [
    (396.0, 395.72, False, False),   # 13 months set as 396 days: within a day
    (400.0, 395.72, False, False),   # within 2 % of a long duration
    (410.0, 395.72, False, True),
    (31.0, 30.44, False, False),     # a month of 31 days
    (32.0, 30.44, False, True),
    (None, 30.44, False, False),     # a session cookie never lives too long
    (0.5, None, True, False),        # declared for the session, gone within a day
    (2.0, None, True, True),
])
def test_lifetime_against_the_declared_duration(days: float | None, declared: float | None, session: bool,
                                                too_long: bool) -> None:
    reg = register(item("c", days=declared, session=session))
    kinds = [f[0] for f in found(observed(accept=state("accept", seen("c", days=days))), reg)]
    assert kinds == (["lifetime"] if too_long else [])


def test_provider_of_first_and_third_party_cookies() -> None:
    reg = register(item("pp_consent", "necessary", provider="solvikkaffe.example", days=183),
                   item("own", provider="Solvik Kaffe (solvikkaffe.example)"), item("vid", provider="reelhouse.example"),
                   item("wrong", provider="reelhouse.example"), item("named", provider="Besöksräknaren AB"))
    observations = observed(accept=state("accept", seen("own"), seen("vid", domain=".player.reelhouse.example"),
                                         seen("wrong"), seen("named", domain="stats.example"), seen("pp_consent", days=182)))
    # The banner's cookie names the first party (so solvikkaffe.example stands for 127.0.0.1); a
    # provider without a host name cannot be compared.
    assert found(observations, reg) == [("provider", "wrong", "accept", "/")]
    without_record = register(*reg.items[1:])
    assert ("provider", "own", "accept", "/") in found(observations, without_record)
    assert ("provider", "own", "accept", "/") not in found(observations, without_record,
                                                           first_party=frozenset({"solvikkaffe.example"}))


def test_patterns_match_prefixes_and_an_exact_name_wins() -> None:
    reg = register(item("_ga_*", days=400.0), item("_ga_short", days=1.0))
    observations = observed(accept=state("accept", seen("_ga_short", days=30), seen("_ga_long", days=30), seen("_gax", days=1)))
    assert found(observations, reg) == [("undeclared", "_gax", "accept", "/"), ("lifetime", "_ga_short", "accept", "/")]


def test_declared_items_never_seen_are_a_notice_not_a_violation() -> None:
    result = Result(observed(accept=state("accept")), SHOP, tuple(compare.compare(observed(accept=state("accept")), SHOP)))
    assert [(f.kind, f.name, f.violation) for f in result.findings] == [
        ("never-seen", name, False) for name in ("pp_consent", "sid", "_ga_*", "_ga_special")]
    assert result.exit_code == 0


# --- the register ------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "language", "expected"), [
    ("13 months", "en", (False, 395.72)), ("13 månader", "sv", (False, 395.72)),
    ("1 år och 6 månader", "sv", (False, 547.89)), ("1 year, 6 months, and 2 days", "en", (False, 549.89)),
    ("30 dygn", "sv", (False, 30.0)), ("P6M", "sv", (False, 182.64)), ("session", "en", (True, None)),
    ("Tills du stänger webbläsaren", "sv", (True, None)), ("Until you close the browser", "en", (True, None)),
    ("forever", "en", (False, None)),
])
def test_durations_as_the_banner_shows_them(text: str, language: str, expected: tuple[bool, float | None]) -> None:
    session, days = declared.read_duration(text, language)
    assert (session, None if days is None else round(days, 2)) == expected


def test_the_register_of_a_banner_configuration() -> None:
    reg = declared.from_config_source(str(AUDIT_SITE / "consent.json"), 5)
    assert reg.consent_cookie == "pp_consent" and reg.notes == ()
    assert [(i.name, i.category, i.required, i.storage) for i in reg.items][:3] == [
        ("pp_consent", "necessary", True, "cookie"), ("shop_session", "necessary", True, "cookie"),
        ("_ga_*", "statistics", False, "cookie")]
    assert next(i for i in reg.items if i.name == "recipes_seen").storage == "local-storage"
    assert next(i for i in reg.items if i.name == "shop_session").session


def test_the_register_of_a_built_page_or_site_folder(tmp_path: Path) -> None:
    config = (AUDIT_SITE / "consent.json").read_text(encoding="utf-8")
    (tmp_path / "index.html").write_text(f'<!doctype html><title>x</title><script type="application/json" '
                                         f'id="policypress-consent">{config}</script>', encoding="utf-8")
    assert declared.from_config_source(str(tmp_path), 5) == replace(declared.from_config_source(
        str(AUDIT_SITE / "consent.json"), 5), source=str(tmp_path))


def test_a_configuration_that_is_not_one_is_refused(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text("<!doctype html><title>x</title><p>no banner")
    (tmp_path / "bad.json").write_text('{"categories": [{"id": "x", "cookies": [{"name": "a", "duration": "ages"}]}]}')
    with pytest.raises(declared.RegisterError, match="no <script"):
        declared.from_config_source(str(tmp_path / "page.html"), 5)
    assert declared.from_config_source(str(tmp_path / "bad.json"), 5).notes == (
        f"{tmp_path / 'bad.json'}: the duration 'ages' of 'a' could not be read; its lifetime is not checked",)


# --- reports -----------------------------------------------------------------------------------


def made_result(**states: StateRecord) -> Result:
    observations = observed(**states)
    return Result(observations, SHOP, tuple(compare.compare(observations, SHOP)))


HOSTILE = made_result(none=state("none", seen("<img src=x onerror=alert(1)>|x", "/a", days=365)),
                      accept=state("accept", storage=(StorageSeen("local-storage", SITE, "draft", "first", SITE + "/b"),)))


def test_suggestions_are_front_matter_for_each_undeclared_item() -> None:
    text = report.suggest(HOSTILE)
    assert text.startswith(report.SUGGEST_MARK)
    assert yaml.safe_load(text)["cookies"] == [
        {"name": "<img src=x onerror=alert(1)>|x", "processing": "todo", "provider": "127.0.0.1", "duration": "P1Y",
         "description": "TODO: what it does (first seen on /a, before any choice)"},
        {"name": "draft", "processing": "todo", "storage": "local-storage", "provider": "127.0.0.1", "duration": "todo",
         "description": "TODO: what it does (first seen on /b, after accept all)"}]


@pytest.mark.parametrize(("days", "iso"), [(None, "session"), (365.0, "P1Y"), (182.0, "P6M"), (90.0, "P3M"), (10.2, "P11D"),
                                           (0.02, "PT29M"), (0.5, "PT12H"), (800.0, "P800D")])
def test_observed_lifetimes_as_durations(days: float | None, iso: str) -> None:
    assert report.iso_duration(days) == iso


def test_reports_escape_what_the_site_set() -> None:
    page = BeautifulSoup(report.html(HOSTILE), "html.parser")
    assert page.find("img", attrs={"onerror": True}) is None
    assert "<img src=x onerror=alert(1)>|x" in page.get_text()
    assert "\\|x" in report.markdown(HOSTILE)
    assert json.loads(report.json_text(HOSTILE))["summary"] == {"violations": 2, "notices": 4, "exit": 1}


# --- the command, with the browser replaced ------------------------------------------------------


def audit(*args: str, cwd: Path = ROOT) -> Any:
    """`policypress audit …` as the command line runs it."""
    return run_cli(["audit", *args], cwd)


@pytest.fixture
def no_browser(monkeypatch: pytest.MonkeyPatch) -> list[crawl.Plan]:
    """The browser replaced by HOSTILE's observations; the plans it was given."""
    plans: list[crawl.Plan] = []

    def observe(plan: crawl.Plan, progress: Any) -> Observations:
        plans.append(plan)
        return HOSTILE.observations

    monkeypatch.setattr(crawl, "observe", observe)
    return plans


@pytest.mark.parametrize(("args", "message"), [
    (["ftp://example.com/"], "ftp://example.com/: expected the address of a page, starting with http:// or https://"),
    ([SITE, "--accept", "#yes"], "--accept and --reject go together"),
    ([SITE, "--settings", "#again"], "--settings is for another banner"),
    ([SITE, "--chromium", "/nonexistent/chromium"], "--chromium /nonexistent/chromium: no such file"),
    ([SITE, "--report", "audit.pdf"], "--report audit.pdf: expected a file ending in .md or .html"),
    ([SITE, "--json", "--suggest"], "--json and --suggest both write to standard output"),
    ([SITE, "--site", "nowhere/mkdocs.yml"], "--site nowhere/mkdocs.yml: no such file"),
    ([SITE, "--config", "nowhere.json"], "nowhere.json: could not be read"),
    ([SITE, "--suggest", "README.md"], "--suggest README.md: exists and was not written by --suggest; not overwritten"),
])
def test_what_cannot_run_exits_2_before_a_browser_starts(no_browser: list[crawl.Plan], args: list[str], message: str) -> None:
    result = audit(*args)
    assert result.returncode == 2 and no_browser == []
    assert result.stderr.startswith(f"policypress audit: {message}"), result.stderr


def test_without_playwright_the_command_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "playwright.async_api", None)
    result = audit(SITE, "--config", str(AUDIT_SITE / "consent.json"))
    assert result.returncode == 2
    assert "pip install policypress[audit]" in result.stderr and "--chromium PATH" in result.stderr


def test_violations_exit_1_and_every_file_is_written(no_browser: list[crawl.Plan], tmp_path: Path) -> None:
    result = audit(SITE, "--config", str(AUDIT_SITE / "consent.json"), "--json", "--report", str(tmp_path / "a.html"),
                   "--suggest", str(tmp_path / "s.yml"), "--max-pages", "3", "--wait", "0")
    assert result.returncode == 1
    assert json.loads(result.stdout)["summary"]["violations"] == 2
    assert "2 violations, 8 notices" in result.stderr  # the table, beside the JSON
    assert (tmp_path / "a.html").read_text().startswith("<!doctype html>")
    assert yaml.safe_load((tmp_path / "s.yml").read_text())["cookies"][0]["duration"] == "P1Y"
    assert no_browser[0].screenshots and no_browser[0].max_pages == 3 and no_browser[0].chromium == command.DEFAULT_CHROMIUM
    # Its own file --suggest writes again; the folder holds nothing else.
    assert audit(SITE, "--config", str(AUDIT_SITE / "consent.json"), "--suggest", str(tmp_path / "s.yml")).returncode == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.html", "s.yml"]


def test_an_interrupted_audit_writes_nothing(no_browser: list[crawl.Plan], monkeypatch: pytest.MonkeyPatch,
                                             tmp_path: Path) -> None:
    def interrupted(*args: Any) -> None:
        raise KeyboardInterrupt

    # Ctrl-C as the finished files are moved into place: their temporary files go too.
    monkeypatch.setattr(command.os, "link", interrupted)
    result = audit(SITE, "--config", str(AUDIT_SITE / "consent.json"), "--report", str(tmp_path / "a.md"),
                   "--suggest", str(tmp_path / "s.yml"))
    assert (result.returncode, result.stderr) == (2, "policypress audit: interrupted; nothing was written\n")
    assert list(tmp_path.iterdir()) == []


# --- in Chromium: the fixture main website -------------------------------------------------------


@pytest.fixture(scope="module")
def third_party(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("audit-third-party")
    shutil.copytree(AUDIT_SITE / "third-party", folder, dirs_exist_ok=True)
    with Server(folder) as server:
        yield server


@pytest.fixture(scope="module")
def main_site(tmp_path_factory: pytest.TempPathFactory, third_party: Server) -> Iterator[Server]:
    """The fixture's pages with the third party's origin (under the name localhost: another site
    than 127.0.0.1, so its cookies are third-party ones) and the banner with its configuration."""
    folder = tmp_path_factory.mktemp("audit-site")
    shutil.copytree(AUDIT_SITE / "main-website", folder, dirs_exist_ok=True)
    consent = (AUDIT_SITE / "consent.json").read_text(encoding="utf-8")
    for page in folder.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        page.write_text(text.replace("@THIRD@", third_origin(third_party)).replace("@CONSENT@", consent), encoding="utf-8")
    for name in ("consent.min.js", "consent.min.css"):
        shutil.copy(ASSETS / name, folder / name)
    with Server(folder) as server:
        yield server


def third_origin(server: Server) -> str:
    return server.url.replace("127.0.0.1", "localhost")


@pytest.fixture(scope="module")
def fixture_audit(main_site: Server, third_party: Server, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One audit of the fixture, with every output: the JSON, the reports, the suggestions."""
    folder = tmp_path_factory.mktemp("audit-out")
    result = audit(main_site.url + "/", "--config", str(AUDIT_SITE / "consent.json"), "--wait", "0.2", "--json",
                   "--report", str(folder / "report.html"), "--suggest", str(folder / "suggest.yml"))
    return {"code": result.returncode, "json": json.loads(result.stdout), "table": result.stderr, "folder": folder,
            "main": main_site, "third": third_party}


def path(url: str | None, server: Server) -> str | None:
    return url.removeprefix(server.url) if url else url


@pytest.mark.browser
def test_the_fixture_shows_exactly_its_defects(fixture_audit: dict[str, Any]) -> None:
    main = fixture_audit["main"]
    assert fixture_audit["code"] == 1, fixture_audit["table"]
    assert [(f["kind"], f["item"], f["name"], f["state"], path(f["page"], main))
            for f in fixture_audit["json"]["findings"]] == [
        ("undeclared", "cookie", "lang", "none", "/about.html"),
        ("before-consent", "cookie", "trk_uid", "none", "/shop.html"),
        ("lifetime", "cookie", "layout", "accept", "/recipes.html"),
        ("provider", "cookie", "rh_visitor", "accept", "/video.html"),
        ("survives-withdrawal", "cookie", "recent", "withdrawn", "/account/"),
    ]
    titles = {f["kind"]: f["title"] for f in fixture_audit["json"]["findings"]}
    assert titles["before-consent"] == ("a non-necessary cookie, storage key or third-party request before a choice or "
                                        "after rejection")


@pytest.mark.browser
def test_the_third_party_frame_sets_its_cookie_only_after_consent(fixture_audit: dict[str, Any]) -> None:
    main, third = fixture_audit["main"], fixture_audit["third"]
    states = fixture_audit["json"]["states"]
    frames = {name: [(c["domain"], c["party"], c["secure"], c["same_site"], path(c["page"], main))
                     for c in record["cookies"] if c["name"] == "rh_visitor"] for name, record in states.items()}
    assert frames == {"none": [], "reject": [], "accept": [("localhost", "third", True, "None", "/video.html")],
                      "withdrawn": [("localhost", "third", True, "None", "/video.html")]}
    assert [(r["url"], path(r["page"], main)) for r in states["accept"]["requests"]] == [
        (third_origin(third) + "/embed.html", "/video.html")]
    assert all(record["requests"] == [] for name, record in states.items() if name != "accept")


@pytest.mark.browser
def test_the_crawl_stays_on_the_site_and_reports_what_it_could_not_audit(fixture_audit: dict[str, Any]) -> None:
    main, third = fixture_audit["main"], fixture_audit["third"]
    assert sorted(path(p, main) for p in fixture_audit["json"]["pages"]) == [
        "/", "/about.html", "/account/", "/recipes.html", "/redirect.html", "/shop.html", "/video.html"]
    assert [(path(p["url"], main), p["reason"]) for p in fixture_audit["json"]["problems"]] == [
        ("/missing.html", "HTTP 404"),
        ("/redirect.html", f"tried to leave the site for {third_origin(third)}/away.html; stopped"),
        ("/private/", "excluded by robots.txt; not visited (--ignore-robots visits it)"),
    ]
    # The third party got what the pages loaded after consent, nothing the crawl would have followed.
    assert sorted(set(third.requests)) == ["/embed.html"]
    assert not any(request.startswith("/private") for request in main.requests)


@pytest.mark.browser
def test_the_fixtures_outputs(fixture_audit: dict[str, Any]) -> None:
    folder, table = fixture_audit["folder"], fixture_audit["table"]
    assert "5 violations, 0 notices" in table and "Time: 7 pages in " in table
    page = BeautifulSoup((folder / "report.html").read_text(encoding="utf-8"), "html.parser")
    assert [h.get_text() for h in page.find_all("h2")][:4] == [
        "Before any choice", "After reject all", "After accept all", "After withdrawal"]
    # Self-contained: four screenshots inside it, nothing to fetch.
    assert [img["src"][:23] for img in page.find_all("img")] == ["data:image/jpeg;base64,"] * 4
    assert page.find_all(["link", "script"]) == [] and "url(" not in str(page.find("style"))
    assert [c["name"] for c in yaml.safe_load((folder / "suggest.yml").read_text())["cookies"]] == ["lang"]


@pytest.mark.browser
def test_another_banner_through_selectors(fixture_audit: dict[str, Any]) -> None:
    """The same banner driven as any other: its buttons by CSS selector, the footer's settings
    button to show it again for the withdrawal."""
    result = audit(fixture_audit["main"].url + "/", "--config", str(AUDIT_SITE / "consent.json"), "--wait", "0",
                   "--json", "--accept", '[data-ppc="all"]:visible', "--reject", '[data-ppc="none"]:visible',
                   "--settings", "[data-pp-consent-settings]")
    assert result.returncode == 1
    assert json.loads(result.stdout)["findings"] == fixture_audit["json"]["findings"]


# --- in Chromium: the example site audits itself --------------------------------------------------


@pytest.fixture(scope="module")
def example_served(example_build: Build) -> Iterator[tuple[Build, str]]:
    with Server(example_build.site) as server:
        yield example_build, server.url


@pytest.mark.browser
@pytest.mark.parametrize("source", ["site", "page"])
def test_the_example_site_comes_out_clean(example_served: tuple[Build, str], source: str) -> None:
    """Compared with the sources (--site), and with what its banner shows (no option: the
    configuration of the first page)."""
    build, url = example_served
    given = ["--site", str(build.site.parent / "mkdocs.yml")] if source == "site" else []
    result = audit(url + "/", *given, "--max-pages", "5", "--wait", "0", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["summary"]["violations"] == 0
    # What the policy site sets is its consent record, after a choice; the webshop's cookies are
    # declared but not set here.
    assert {c["name"] for record in data["states"].values() for c in record["cookies"]} == {"pp_consent"}
    assert {f["name"] for f in data["findings"]} == {"solvik_session", "solvik_cart", "bs_id", "bs_ses", "rh_visitor"}


@pytest.mark.browser
def test_a_redirect_off_site_is_reported_and_not_followed(third_party: Server) -> None:
    import http.server
    import threading

    class Redirect(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(302)
            self.send_header("Location", third_origin(third_party) + "/away-http.html")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        result = audit(f"http://127.0.0.1:{server.server_address[1]}/old", "--config", str(AUDIT_SITE / "consent.json"))
    finally:
        server.shutdown()
        server.server_close()
    assert result.returncode == 2
    assert result.stderr == (f"policypress audit: no page could be audited (http://127.0.0.1:{server.server_address[1]}/old: "
                             f"redirects off-site to {third_origin(third_party)}/away-http.html; not followed)\n")
    # Neither the page nor its robots.txt, which redirects there too.
    assert not {"/away-http.html", "/robots.txt"} & set(third_party.requests)
