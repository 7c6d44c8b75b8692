"""`policypress audit` names what it finds and knows the consent mechanism (issue 19 §2 and §3),
in Chromium.

- The named fixture (`tests/fixtures/audit-site/named-website/`): every cookie and key gets its
  platform, company and the Open Cookie Database's category, and whether the register agrees;
  Meta's `_fbp`, declared as necessary, is a violation.
- `--allow`: the shop's own service and a tracker on two other ports of the same host; an origin
  allows that origin only, a bare host every port.
- The one-tag main website (`one-tag-website/`): the README's snippet loads the banner from the
  policy site (the example site, built with its `site_url` on a server here) and receipts go to
  a receipts endpoint on a third origin. Neither is a third party, whether the register comes from
  `--site` or from the configuration the page loaded.

Hosts: the main website is 127.0.0.1; the policy site and the receipts endpoint are
`policies.localhost` on two ports (Chromium resolves every *.localhost name to the loopback
address), two origins other than the main website's.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import FIXTURES, ROOT, TODAY, Server, copy_example, epoch, run_cli
from policypress.audit import agreement, compare, crawl, declared, loader, names, origins, report
from policypress.audit.model import (CookieSeen, Declared, Identity, Observations, Options, Register, RequestSeen, Result,
                                     StateRecord)
from policypress.audit.identify import Sighting, identify
from policypress.catalog.identify import CatalogSource
from policypress.catalog.load import catalog
from test_banner_elsewhere import PolicyHost

AUDIT_SITE = FIXTURES / "audit-site"
NAMED = AUDIT_SITE / "named-website"
ASSETS = ROOT / "policypress" / "assets" / "consent"
EXAMPLE_URL = "https://integritet.solvikkaffe.example"


def audit(*args: str) -> dict[str, Any]:
    """`policypress audit … --json` as the command line runs it: exit code, JSON and table."""
    result = run_cli(["audit", *args, "--wait", "0", "--json"], ROOT)
    return {"code": result.returncode, "json": json.loads(result.stdout) if result.stdout else None,
            "table": result.stderr}


def findings(outcome: dict[str, Any], server: Server) -> list[tuple[str, str, str, str | None, str | None]]:
    return [(f["kind"], f["item"], f["name"].replace(server.url, ""), f["state"], (f["page"] or "").replace(server.url, ""))
            for f in outcome["json"]["findings"]]


# --- the named fixture ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def other_ports(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Server]]:
    """The shop's own stock service and a tracker: two more ports of 127.0.0.1 (nothing to serve;
    a request is a request)."""
    with Server(tmp_path_factory.mktemp("api")) as api, Server(tmp_path_factory.mktemp("tracker")) as tracker:
        yield api, tracker


@pytest.fixture(scope="module")
def named_site(tmp_path_factory: pytest.TempPathFactory, other_ports: tuple[Server, Server]) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("named-website")
    shutil.copytree(NAMED, folder, dirs_exist_ok=True)
    consent = (NAMED / "consent.json").read_text(encoding="utf-8")
    api, tracker = other_ports
    for page in folder.glob("*.html"):
        text = page.read_text(encoding="utf-8").replace("@CONSENT@", consent)
        page.write_text(text.replace("@API@", api.url).replace("@TRACKER@", tracker.url), encoding="utf-8")
    for name in ("consent.min.js", "consent.min.css"):
        shutil.copy(ASSETS / name, folder / name)
    with Server(folder) as server:
        yield server


@pytest.fixture(scope="module")
def named_audit(named_site: Server, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    report = tmp_path_factory.mktemp("named-out") / "report.html"
    outcome = audit(named_site.url + "/", "--config", str(NAMED / "consent.json"), "--max-pages", "1",
                    "--report", str(report))
    return {**outcome, "report": report, "server": named_site}


@pytest.mark.browser
def test_every_cookie_and_key_is_named_and_compared_with_the_register(named_audit: dict[str, Any]) -> None:
    rows = [(r["what"], r["platform"], r["company"], r["category"], r["register"], r["agrees"])
            for r in named_audit["json"]["named"]]
    # The service catalog names what its services set; the Open Cookie Database the rest.
    assert rows == [
        ("cookie shop_session", "unknown", "", "", "necessary", "unknown"),
        ("cookie _fbp", "Meta Pixel", "Meta Platforms Ireland Limited", "Marketing", "necessary", "no"),
        ("cookie pp_consent", "policypress consent banner", "this company", "Functional", "necessary", "yes"),
        ("cookie _ga", "Google Analytics 4", "Google Ireland Limited", "Analytics", "statistics", "yes"),
        ("cookie _ga_FIX2", "Google Analytics 4", "Google Ireland Limited", "Analytics", "statistics", "yes"),
        ("localStorage key _hjSessionUser_4711", "Hotjar", "Hotjar Ltd", "Analytics", "statistics", "yes"),
    ]
    # Each observation carries the whole identity, as its source gives it.
    accepted = {c["name"]: c["identity"] for c in named_audit["json"]["states"]["accept"]["cookies"]}
    assert accepted["_ga_FIX2"]["match"] == "prefix; policypress add google-analytics"
    assert accepted["_ga"]["match"] == "name; policypress add google-analytics"
    assert accepted["_ga"]["source"] == "policypress catalog" and accepted["_ga"]["retention"] == "P2Y"
    # Without the catalog, the database names the same cookies by its own words.
    seen = Sighting("cookie", "_ga_FIX2", "127.0.0.1")
    assert (identify(seen).platform, identify(seen).match, identify(seen).retention) == ("Google Analytics", "prefix", "2 years")
    hotjar = identify(Sighting("local-storage", "_hjSessionUser_4711", "127.0.0.1"))
    assert (hotjar.platform, hotjar.category) == ("Hotjar", "Functional")  # the catalog is stricter: Analytics
    assert named_audit["json"]["names"]["source"]["licence"] == "Apache-2.0"


@pytest.mark.browser
def test_necessary_in_the_register_but_marketing_in_the_database_is_a_violation(named_audit: dict[str, Any]) -> None:
    assert named_audit["code"] == 1, named_audit["table"]
    assert findings(named_audit, named_audit["server"]) == [("miscategorised", "cookie", "_fbp", "none", "/")]
    finding = named_audit["json"]["findings"][0]
    assert finding["detail"] == ("declared under 'necessary', which needs no consent; the policypress catalog lists it "
                                 "as Marketing (Meta Pixel, Meta Platforms Ireland Limited)")
    assert (finding["identity"]["platform"], finding["agrees"], finding["severity"]) == ("Meta Pixel", "no", "violation")


@pytest.mark.browser
def test_the_table_and_the_html_report_show_the_new_columns(named_audit: dict[str, Any]) -> None:
    table = named_audit["table"]
    assert "PLATFORM" in table.splitlines()[table.splitlines().index("1 violation, 0 notices") + 2]
    named = table.split("\nNamed:\n", 1)[1].splitlines()
    assert named[0].split() == ["WHAT", "PLATFORM", "COMPANY", "CATEGORY", "REGISTER", "AGREES"]
    assert named[2].split() == ["cookie", "_fbp", "Meta", "Pixel", "Meta", "Platforms", "Ireland", "Limited", "Marketing",
                                "necessary", "no"]
    assert "Names from the Open Cookie Database" in table and "Apache-2.0" in table
    page = BeautifulSoup(named_audit["report"].read_text(encoding="utf-8"), "html.parser")
    heading = next(h for h in page.find_all("h2") if h.get_text() == "Named")
    table_element = heading.find_next("table")
    assert [th.get_text() for th in table_element.find_all("th")] == [
        "What", "Platform", "Company", "Category (database)", "Register", "Agrees"]
    assert [td.get_text() for td in table_element.find_all("tr")[2].find_all("td")] == [
        "cookie _fbp", "Meta Pixel", "Meta Platforms Ireland Limited", "Marketing", "necessary", "no"]
    assert [th.get_text() for th in page.find("table").find_all("th")][5] == "Platform"


# --- --allow: an origin or a bare host ------------------------------------------------------------


def request_findings(outcome: dict[str, Any]) -> set[tuple[str, str]]:
    return {(f["state"], f["name"].rsplit("/", 1)[0]) for f in outcome["json"]["findings"] if f["item"] == "request"}


@pytest.mark.browser
def test_allow_an_origin_or_a_bare_host(named_site: Server, other_ports: tuple[Server, Server]) -> None:
    api, tracker = other_ports
    page = named_site.url + "/requests.html"
    given = ["--config", str(NAMED / "consent.json"), "--max-pages", "1"]
    every = {(state, server.url) for state in ("none", "reject", "withdrawn") for server in (api, tracker)}

    plain = audit(page, *given)
    assert plain["code"] == 1 and request_findings(plain) == every
    # Each finding says how to allow the company's own service.
    details = {f["detail"] for f in plain["json"]["findings"] if f["item"] == "request" and api.url in f["name"]}
    assert details == {f"image from {api.url} {why}; no necessary cookie of the register names this provider (if this "
                       f"is your own service, pass --allow {api.url})"
                       for why in ("before any choice", "after rejection", "after withdrawal")}

    # The origin: that port only; the tracker on the same host is still reported.
    origin = audit(page, *given, "--allow", api.url)
    assert origin["code"] == 1 and request_findings(origin) == {(state, url) for state, url in every if url == tracker.url}
    assert origin["json"]["names"]["allowed"] == [api.url]

    # A bare host: every port and scheme of it, as documented (the tracker too).
    host = audit(page, *given, "--allow", "127.0.0.1")
    assert host["code"] == 0 and request_findings(host) == set(), host["table"]


# --- the one-tag snippet: the policy site and the receipts endpoint --------------------------------


@pytest.fixture(scope="module")
def one_tag(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The policy site (the example, built with `site_url` here and its receipts on a third
    origin), the receipts endpoint, and the main website with the snippet."""
    root = tmp_path_factory.mktemp("one-tag")
    (root / "receipts").mkdir()
    # The policy site as the banner's tests serve it (CORS for Subresource Integrity and receipts).
    policy, receipts = PolicyHost(root / "policy"), PolicyHost(root / "receipts")
    site = copy_example(root / "sources")
    config = site.root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").replace(f"site_url: {EXAMPLE_URL}/", f"site_url: {policy.url}/")
    config.write_text(text.replace("      privacy_policy: privacy\n", f"      privacy_policy: privacy\n      consent:\n"
                                   f"        endpoint: {receipts.url}/receipts\n"), encoding="utf-8")
    build = site.build(site_dir=root / "policy")
    assert build.returncode == 0, build.output
    main = root / "main"
    shutil.copytree(AUDIT_SITE / "one-tag-website", main)
    page = main / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("@POLICY@", policy.url), encoding="utf-8")
    with Server(main) as server:
        yield {"main": server, "policy": policy, "receipts": receipts, "config": config}
    policy.close()
    receipts.close()


def consent_requests(outcome: dict[str, Any], *origins: str) -> dict[str, list[tuple[str, str | None]]]:
    """Per state, the requests to the given origins and what they were named."""
    return {state: [(r["url"].split("/", 3)[3].split("?")[0], (r["identity"] or {}).get("platform"))
                    for r in record["requests"] if r["origin"] in origins]
            for state, record in outcome["json"]["states"].items()}


@pytest.mark.browser
@pytest.mark.parametrize("register", ["site", "page"])
def test_the_policy_site_and_the_receipts_endpoint_are_never_a_third_party(
        one_tag: dict[str, Any], register: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """With --site (site_url and consent.endpoint), and with the configuration the page loaded."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch(TODAY))  # the register as of the day the policy site was built
    policy, receipts = one_tag["policy"].url, one_tag["receipts"].url
    given = ["--site", str(one_tag["config"])] if register == "site" else []
    outcome = audit(one_tag["main"].url + "/", *given, "--max-pages", "1")
    assert outcome["code"] == 0, outcome["table"]
    assert all(f["kind"] == "never-seen" for f in outcome["json"]["findings"]), outcome["table"]
    assert outcome["json"]["names"]["consent_origins"] == sorted([policy, receipts])
    if register == "page":
        assert outcome["json"]["register"]["source"] == (f"the banner configuration of {policy}/consent/en.js, loaded "
                                                         f"by {one_tag['main'].url}/")
    # What the audit saw of them: the configuration and the banner before any choice, a receipt
    # with every choice; each named as the consent banner.
    seen = consent_requests(outcome, policy, receipts)
    name = "policypress consent banner"
    assert {path.split(".")[0] for path, _ in seen["none"]} == {"consent/en", "consent/banner"}
    assert all(("receipts", name) in seen[state] for state in ("reject", "accept", "withdrawn"))
    assert {platform for requests in seen.values() for _, platform in requests} == {name}
    assert one_tag["receipts"].posts


# --- without a browser: --allow, the consent mechanism, the agreement, the loader --------------------

SITE = "http://127.0.0.1:8000"
POLICY = "https://integritet.solvikkaffe.example"
NOW = 1_800_000_000.0


def cookie(name: str, page: str = "/") -> CookieSeen:
    return CookieSeen(name, "127.0.0.1", "/", NOW + 30 * 86400, False, False, "Lax", "first", SITE + page, NOW)


def observed(**states: StateRecord) -> Observations:
    return Observations((SITE,), [SITE + "/", SITE + "/a"], [], dict(states), "policypress")  # type: ignore[arg-type]


def register(*items: tuple[str, str], origins: tuple[str, ...] = ()) -> Register:
    return Register(tuple(Declared(name, category, category == "necessary", "127.0.0.1", "cookie", "P1M", 30.0)
                          for name, category in items), "pp_consent", "test", consent_origins=origins)


@pytest.mark.parametrize(("given", "value"), [
    ("https://CDN.Example.com:443/", "https://cdn.example.com"),
    ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
    ("wss://live.example:8443", "wss://live.example:8443"),
    ("http://[::1]:8080", "http://[::1]:8080"),
    ("127.0.0.1", "127.0.0.1"),
    ("Cdn.Example.com.", "cdn.example.com"),
    ("[::1]", "[::1]"),
])
def test_allow_takes_origins_and_bare_hosts(given: str, value: str) -> None:
    assert origins.allow_value(given) == value


@pytest.mark.parametrize(("given", "message"), [
    ("127.0.0.1:9000", "--allow 127.0.0.1:9000: a host with a port; to allow one port give its origin (--allow "
                       "http://127.0.0.1:9000 or https://127.0.0.1:9000); a bare host allows every port and scheme"),
    ("https://cdn.example/lib.js", "--allow https://cdn.example/lib.js: expected an origin, scheme://host[:port] with "
                                   "http, https, ws or wss and nothing after the port, or a bare host"),
    ("http://[::1", "--allow http://[::1: expected an origin"),
    ("ftp://files.example", "--allow ftp://files.example: expected an origin"),
    ("*.example.com", "--allow *.example.com: expected a host (cdn.example.com) or an origin (https://cdn.example.com:8443)"),
])
def test_a_wrong_allow_exits_2_before_a_browser_starts(monkeypatch: pytest.MonkeyPatch, given: str, message: str) -> None:
    started: list[object] = []
    monkeypatch.setattr(crawl, "observe", lambda *args: started.append(args))
    result = run_cli(["audit", SITE + "/", "--config", str(NAMED / "consent.json"), "--allow", given], ROOT)
    assert result.returncode == 2 and started == []
    assert result.stderr.startswith(f"policypress audit: {message}"), result.stderr


def test_an_origin_allows_that_origin_and_a_bare_host_every_port_and_subdomain() -> None:
    own = frozenset({"http://127.0.0.1:8001"})
    assert origins.allows(own, "http://127.0.0.1:8001")
    assert not origins.allows(own, "http://127.0.0.1:8002") and not origins.allows(own, "https://127.0.0.1:8001")
    host = frozenset({"127.0.0.1"})
    assert all(origins.allows(host, origin) for origin in ("http://127.0.0.1:8002", "https://127.0.0.1", "ws://127.0.0.1:9"))
    domain = frozenset({"example.com"})
    assert origins.allows(domain, "https://cdn.example.com") and origins.allows(domain, "http://example.com:81")
    assert not origins.allows(domain, "https://notexample.com") and not origins.allows(frozenset({"cdn.example.com"}),
                                                                                       "https://example.com")


def test_requests_to_the_consent_mechanism_are_no_finding_and_others_say_how_to_allow_them() -> None:
    requests = [RequestSeen(f"{POLICY}/consent/en.js", POLICY, "script", SITE + "/"),
                RequestSeen("https://receipts.solvikkaffe.example/receipts", "https://receipts.solvikkaffe.example",
                            "ping", SITE + "/"),
                RequestSeen("https://api.solvikkaffe.example:8443/stock", "https://api.solvikkaffe.example:8443", "fetch",
                            SITE + "/a")]
    observations = observed(none=StateRecord("none", requests=requests), reject=StateRecord("reject", requests=requests))
    consent = frozenset({POLICY, "https://receipts.solvikkaffe.example"})
    found = compare.compare(observations, register(), Options(consent=consent))
    assert [(f.kind, f.name, f.state) for f in found] == [
        ("before-consent", "https://api.solvikkaffe.example:8443/stock", "none"),
        ("before-consent", "https://api.solvikkaffe.example:8443/stock", "reject")]
    assert found[0].detail == ("fetch from https://api.solvikkaffe.example:8443 before any choice; no necessary cookie of "
                               "the register names this provider (if this is your own service, pass --allow "
                               "https://api.solvikkaffe.example:8443)")
    # Without knowing the mechanism (before issue 19), the banner's own files were a third party.
    assert len(compare.compare(observations, register(), Options())) == 6
    # In the reports, the mechanism's requests are named as what they are.
    result = Result(observations, register(), tuple(found), Options(consent=consent))
    assert [(row["name"], row["platform"]) for row in names.rows(result)] == [
        (POLICY, "policypress consent banner"), ("https://receipts.solvikkaffe.example", "policypress consent banner"),
        ("https://api.solvikkaffe.example:8443", "unknown")]


def test_the_register_gives_the_consent_mechanisms_origins(tmp_path: Path) -> None:
    config = json.loads((NAMED / "consent.json").read_text(encoding="utf-8"))
    assert declared.from_config(config, "test").consent_origins == ()  # relative notice, no endpoint
    absolute = {**config, "notice": f"{POLICY}/en/cookies/", "endpoint": "https://receipts.solvikkaffe.example:8443/r"}
    assert declared.from_config(absolute, "test").consent_origins == (POLICY, "https://receipts.solvikkaffe.example:8443")
    # A configuration read from a page: that page is the policy site's.
    (tmp_path / "cookies.html").write_text(f'<script type="application/json" id="policypress-consent">'
                                           f'{json.dumps(config)}</script>', encoding="utf-8")
    with Server(tmp_path) as server:
        assert declared.from_config_source(server.url + "/cookies.html", 5).consent_origins == (server.url,)
    # The origin of the policy site's configuration script the page loaded, too.
    loaded = replace(observed(), loader="http://policies.localhost:81/consent/sv.js")
    assert origins.consent_origins(register(origins=(POLICY,)), loaded) == {POLICY, "http://policies.localhost:81"}


def test_the_sites_register_gives_site_url_and_the_receipts_endpoint(tmp_path: Path) -> None:
    config = copy_example(tmp_path / "example").root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    for endpoint, expected in (("https://consent.solvikkaffe.example/receipts", (POLICY, "https://consent.solvikkaffe.example")),
                               ("/consent-log", (POLICY,))):
        config.write_text(text.replace("      privacy_policy: privacy\n", f"      privacy_policy: privacy\n      consent:\n"
                                       f"        endpoint: {endpoint}\n"), encoding="utf-8")
        assert declared.from_site(config).consent_origins == expected


@pytest.mark.parametrize(("category", "database", "expected"), [
    ("necessary", "Functional", "yes"), ("necessary", "Security", "yes"),
    ("necessary", "Marketing", "no"), ("necessary", "Analytics", "no"), ("necessary", "Personalization", "no"),
    ("statistics", "Analytics", "yes"), ("marketing", "Marketing", "yes"), ("preferences", "Personalization", "yes"),
    ("statistics", "Marketing", "no"), ("video", "Marketing", "yes"), ("statistik", "Analytics", "yes"),
    ("statistics", "Functional", "stricter"), ("video", "Functional", "stricter"),
    ("necessary", "Marketing or Functional", "unknown"), ("necessary", None, "unknown"),
])
def test_whether_the_registers_category_agrees(category: str, database: str | None, expected: str) -> None:
    item = Declared("x", category, category == "necessary", "", "cookie", "P1M", 30.0)
    identity = None if database is None else Identity("P", "C", database)
    assert agreement.agrees(item, identity) == expected
    assert agreement.tracking_as_necessary(item, identity) == (category == "necessary" and database in ("Marketing", "Analytics"))


def test_necessary_but_known_as_analytics_is_reported_once() -> None:
    observations = observed(none=StateRecord("none", [cookie("_ga", "/a"), cookie("sid")]),
                            reject=StateRecord("reject", [cookie("_ga")]))
    found = compare.compare(observations, register(("_ga", "necessary"), ("sid", "necessary")))
    assert [(f.kind, f.name, f.state, f.page) for f in found] == [("miscategorised", "_ga", "none", SITE + "/a")]
    assert found[0].identity is not None and found[0].identity.platform == "Google Analytics"
    assert found[0].detail == ("declared under 'necessary', which needs no consent; the Open Cookie Database lists it as "
                               "Analytics (Google Analytics, Google)")


def test_the_markdown_report_has_the_named_table() -> None:
    observations = observed(accept=StateRecord("accept", [cookie("_ga"), cookie("basket")]))
    reg = register(("_ga", "statistics"))
    text = report.markdown(Result(observations, reg, tuple(compare.compare(observations, reg))))
    assert "| cookie _ga | Google Analytics | Google | Analytics | statistics | yes |" in text
    assert "| cookie basket | unknown |  |  | not declared |  |" in text
    assert "| What | Platform | Company | Category (database) | Register | Agrees |" in text


LOADER = ('/* policypress consent banner: the settings of the cookie policy in force, and the banner they\n'
          '   work with. Generated by policypress; load it with <script src>, once per page. */\n'
          '(function (d, c) {\n  d.head.append(d.createElement("script"));\n})(document,\n'
          '{"cookie":"pp_consent","notice":"https://integritet.solvikkaffe.example/en/cookies/","categories":[]}\n);\n')


def test_the_policy_sites_configuration_script_is_read_back() -> None:
    assert loader.settings(LOADER) == {"cookie": "pp_consent", "notice": f"{POLICY}/en/cookies/", "categories": []}
    assert loader.settings("(function(){})();") is None  # any other script
    assert loader.settings(LOADER.replace('"categories":[]}', '"categories":[]')) is None  # cut short
    assert loader.settings(LOADER.replace('{"cookie"', '["cookie"').replace('[]}', '[]]')) is None  # no object
    deep = '{"a":' * 100_000 + "1" + "}" * 100_000
    assert loader.settings(LOADER.replace('{"cookie":"pp_consent","notice":"https://integritet.solvikkaffe.example/en/cookies/",'
                                          '"categories":[]}', deep)) is None  # hostile: nested beyond reading


@pytest.mark.browser
def test_suggest_proposes_add_for_what_a_catalog_service_sets(named_site: Server) -> None:
    """`_fbp` is declared as necessary, so it is a finding; the catalog knows it as Meta Pixel's, so
    --suggest proposes `policypress add meta-pixel` instead of a hand-written entry."""
    result = run_cli(["audit", named_site.url + "/", "--config", str(NAMED / "consent.json"), "--max-pages", "1",
                      "--wait", "0", "--suggest"], ROOT)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    adds = [line.split("#")[1].split() for line in lines if line.startswith("#   policypress add ")]
    assert adds == [["policypress", "add", "meta-pixel"]]
    assert next(line for line in lines if "policypress add meta-pixel" in line).endswith("# _fbp")
    suggested = yaml.safe_load(result.stdout)
    assert suggested == {"cookies": []}


def test_suggest_fills_unknown_entries_with_what_the_database_knows() -> None:
    """A cookie no catalog service covers gets the database's platform, company, category and
    retention beside its entry; one the catalog covers is left to `policypress add`."""
    observations = observed(none=StateRecord("none"), accept=StateRecord("accept", [cookie("wp-settings-1"), cookie("_ga")]))
    reg = register(("shop_session", "necessary"))
    options = Options(known=(CatalogSource(catalog().values()),))
    result = Result(observations, reg, tuple(compare.compare(observations, reg, options)), options)
    text = report.suggest(result)
    assert "#   policypress add google-analytics" in text and "# _ga" in text
    entries = yaml.safe_load(text)["cookies"]
    assert [entry["name"] for entry in entries] == ["wp-settings-1"]
    block = text[text.index('  - name: "wp-settings-1"'):]
    assert "# Open Cookie Database: WordPress (WordPress), Functional, kept 1 Year" in block, block
