"""`policypress audit` on any banner, and on none (issue 19 §1).

- Real consent managers from npm (`tests/npm/`, installed by `make test` with `npm ci`): Klaro,
  vanilla-cookieconsent 3 and tarteaucitron, each configured on a shop of its own
  (`tests/fixtures/audit-cmp/<cmp>/`) with a tracker on another site that it gates. DuckDuckGo's
  autoconsent rules, shipped in the wheel, find each one and press "reject all", "accept all"
  and, once the banner is shown again through its own API, "reject all" for the withdrawal. The
  gated shop comes out clean; its leaky page, where the tracker runs before any choice, is
  reported exactly.
- A shop with no banner at all: "before any choice" is audited anyway, and "no way to refuse" is
  a violation of its own (exit 1); a page without a banner that needs none is clean.
- A page with the policy site's `consent/<lang>.js` whose banner does not start: the reason
  (HTTP status, MIME type under nosniff, Content-Security-Policy, a request aborted).
- The shipped autoconsent files: checked against their manifest; the refresh script that writes
  them from an npm tarball.

Hosts: the shops are 127.0.0.1; the tracker and the policy site are `localhost` on ports of their
own (another site, so their requests are third-party ones).
"""

from __future__ import annotations

import asyncio
import hashlib
import http.server
import io
import json
import re
import shutil
import subprocess
import sys
import tarfile
import threading
from collections.abc import Iterator
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

import pytest

from conftest import CHROMIUM, FIXTURES, ROOT, Server, run_cli
from test_audit import third_origin as other_site
from policypress.audit import autoconsent, banner_failure, compare, consent_managers, crawl, report
from policypress.audit.model import (POLICYPRESS, ConsentManager, CookieSeen, Declared, Observations, Register,
                                     RequestSeen, Result, StateRecord)

CMP_SITES = FIXTURES / "audit-cmp"
NPM = ROOT / "tests" / "npm"
VENDOR = ROOT / "policypress" / "audit" / "vendor" / "autoconsent"
REFRESH = ROOT / "scripts" / "refresh_autoconsent.py"
# The files each shop serves from the npm packages, under /vendor/<name>/.
PACKAGES = {"klaro": "klaro/dist", "vanilla-cookieconsent": "vanilla-cookieconsent/dist", "tarteaucitron": "tarteaucitronjs"}
# What makes a shop's leaky page of its index.html: the tracker as a plain script.
LEAK = '<script src="@TRACKER@/tracker.js"></script>'
# Each shop, the npm package it uses, and autoconsent's name of its consent manager.
MANAGERS = {"klaro": "Klaro", "vanilla-cookieconsent": "cookieconsent3", "tarteaucitron": "tarteaucitron deny"}


# --- the npm packages and the servers ------------------------------------------------------------


@pytest.fixture(scope="module")
def node_modules() -> Path:
    """tests/npm/node_modules as package-lock.json pins it, or the test fails saying what to run."""
    lock = json.loads((NPM / "package-lock.json").read_text(encoding="utf-8"))
    for name in json.loads((NPM / "package.json").read_text(encoding="utf-8"))["dependencies"]:
        wanted = lock["packages"][f"node_modules/{name}"]["version"]
        installed = NPM / "node_modules" / name / "package.json"
        found = json.loads(installed.read_text(encoding="utf-8"))["version"] if installed.is_file() else None
        if found != wanted:
            pytest.fail(f"{name} {wanted} is not installed in tests/npm/node_modules (found {found}): run `make test`, "
                        f"or `npm ci --prefix tests/npm`", pytrace=False)
    return NPM / "node_modules"


@pytest.fixture(scope="module")
def tracker() -> Iterator[Server]:
    """The tracker's site; other_site() names it as localhost, another site than 127.0.0.1."""
    with Server(CMP_SITES / "tracker") as server:
        yield server


# What the policy site answers for each script (anything else: 404).
ANSWERS = {"/consent/en.js": (200, "text/plain"), "/consent/de.js": (200, "text/javascript")}


class PolicySite:
    """A policy site whose `consent/<lang>.js` fails as each case needs: sv.js is missing (404),
    en.js is text/plain with nosniff, fi.js is answered by a closed connection, de.js is fine."""

    def __init__(self) -> None:
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path == "/consent/fi.js":
                    self.close_connection = True
                    return  # nothing answered: the browser sees an empty response
                status, kind = ANSWERS.get(self.path, (404, "text/html"))
                body = b"window.loaded = true;\n" if status == 200 else b"<!doctype html><title>Not found</title>"
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("X-Content-Type-Options", "nosniff")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://localhost:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def policy_site() -> Iterator[PolicySite]:
    site = PolicySite()
    yield site
    site.close()


@pytest.fixture(scope="module")
def shops(tmp_path_factory: pytest.TempPathFactory, node_modules: Path, tracker: Server,
          policy_site: PolicySite) -> Iterator[Server]:
    """Every shop of the fixture on one server, with the consent managers from npm under /vendor/."""
    folder = tmp_path_factory.mktemp("audit-cmp")
    shutil.copytree(CMP_SITES, folder, dirs_exist_ok=True)
    for name, path in PACKAGES.items():
        shutil.copytree(node_modules / path, folder / "vendor" / name)
    # Each shop's leaky page: the same page, its tracker also loaded as a plain script.
    for name in MANAGERS:
        text = (folder / name / "index.html").read_text(encoding="utf-8")
        (folder / name / "leaky.html").write_text(re.sub(r"<!--@LEAK@.*?-->", LEAK, text), encoding="utf-8")
    for page in folder.rglob("*.html"):
        text = page.read_text(encoding="utf-8").replace("@TRACKER@", other_site(tracker))
        page.write_text(text.replace("@POLICY@", policy_site.url), encoding="utf-8")
    with Server(folder) as server:
        yield server


def audit(url: str, *args: str) -> dict[str, Any]:
    """`policypress audit URL … --wait 0 --json`: the exit code, the JSON and the table."""
    result = run_cli(["audit", url, *args, "--wait", "0", "--json"], ROOT)
    return {"code": result.returncode, "json": json.loads(result.stdout) if result.stdout else None,
            "table": result.stderr}


def findings(outcome: dict[str, Any], *servers: Server) -> list[tuple[str, str, str, str | None, str]]:
    """Each finding as (kind, item, name, state, page), the servers' origins left out."""
    def short(text: str | None) -> str:
        for server in servers:
            text = (text or "").replace(server.url, "").replace(other_site(server), "")
        return text or ""
    return [(f["kind"], f["item"], short(f["name"]), f["state"], short(f["page"])) for f in outcome["json"]["findings"]]


# --- real consent managers, operated by autoconsent's rules ----------------------------------------


@pytest.fixture(scope="module")
def gated(shops: Server) -> dict[str, dict[str, Any]]:
    """One audit of each gated shop."""
    return {name: audit(f"{shops.url}/{name}/", "--config", str(CMP_SITES / name / "consent.json")) for name in MANAGERS}


@pytest.mark.browser
@pytest.mark.parametrize("shop", list(MANAGERS))
def test_a_gated_tracker_comes_out_clean_in_every_state(gated: dict[str, dict[str, Any]], shops: Server,
                                                         tracker: Server, shop: str) -> None:
    outcome = gated[shop]
    assert outcome["code"] == 0, outcome["table"]
    data = outcome["json"]
    assert data["consent_manager"] == {"name": MANAGERS[shop], "operated": "rules",
                                       "note": f"@duckduckgo/autoconsent {autoconsent.bundle().version}"}
    assert f"Consent manager: {MANAGERS[shop]}, operated by autoconsent's rules" in outcome["table"]
    assert findings(outcome) == []
    assert [page.removeprefix(shops.url) for page in data["pages"]] == [f"/{shop}/"]

    def seen(state: str) -> tuple[list[str], list[str]]:
        record = data["states"][state]
        return (sorted(c["name"] for c in record["cookies"] if not c["carried"]),
                sorted({r["url"].removeprefix(other_site(tracker)) for r in record["requests"]}))

    record = {"klaro": "klaro", "vanilla-cookieconsent": "cc_cookie", "tarteaucitron": "tarteaucitron"}[shop]
    # The tracker ran after "accept all" only; "reject all" and the withdrawal kept it away, and
    # the withdrawal took its cookie (each of these managers deletes a rejected service's cookies).
    assert seen("accept") == (sorted([record, "trk_uid"]), ["/tracker.js"])
    assert seen("reject")[1] == [] and "trk_uid" not in seen("reject")[0]
    assert seen("withdrawn")[1] == []
    assert "trk_uid" not in {c["name"] for c in data["states"]["withdrawn"]["cookies"]}
    assert data["states"]["withdrawn"]["note"] is None, data["problems"]
    assert tracker.seen("/tracker.js") > 0


LEAKS = {
    # Klaro deletes the cookies of a service without consent as it starts: the request remains.
    "klaro": [("before-consent", "request", "/tracker.js", "none", "/klaro/leaky.html"),
              ("before-consent", "request", "/tracker.js", "reject", "/klaro/leaky.html"),
              ("before-consent", "request", "/tracker.js", "withdrawn", "/klaro/leaky.html")],
    **{shop: [("before-consent", item, name, state, f"/{shop}/leaky.html")
              for state in ("none", "reject", "withdrawn")
              for item, name in (("cookie", "trk_uid"), ("request", "/tracker.js"))]
       for shop in ("vanilla-cookieconsent", "tarteaucitron")},
}
# Once a visitor has refused, these managers also delete a refused service's cookies as they start
# on the next page, racing the tracker that sets it again: under load the audit may read the page
# after the deletion. The request before consent is the evidence that never goes away.
MAY_BE_DELETED = {("cookie", "trk_uid", state) for state in ("reject", "withdrawn")}


@pytest.mark.browser
@pytest.mark.parametrize("shop", list(MANAGERS))
def test_a_tracker_that_runs_before_consent_is_reported_exactly(shops: Server, tracker: Server, shop: str) -> None:
    outcome = audit(f"{shops.url}/{shop}/leaky.html", "--config", str(CMP_SITES / shop / "consent.json"))
    assert outcome["code"] == 1, outcome["table"]
    assert outcome["json"]["consent_manager"]["name"] == MANAGERS[shop]
    found = findings(outcome, shops, tracker)
    assert [f for f in LEAKS[shop] if f in found or f[1:4] not in MAY_BE_DELETED] == found, found
    request = next(f for f in outcome["json"]["findings"] if f["item"] == "request")
    assert request["detail"].startswith(f"script from {other_site(tracker)} before any choice")


# --- no banner --------------------------------------------------------------------------------------


@pytest.mark.browser
def test_a_shop_without_a_banner_is_audited_before_any_choice_and_cannot_be_refused(shops: Server,
                                                                                     tracker: Server) -> None:
    outcome = audit(f"{shops.url}/no-banner/", "--config", str(CMP_SITES / "no-banner" / "consent.json"))
    assert outcome["code"] == 1, outcome["table"]
    data = outcome["json"]
    assert findings(outcome, shops, tracker) == [
        ("before-consent", "cookie", "trk_uid", "none", "/no-banner/"),
        ("before-consent", "local-storage", "recently_viewed", "none", "/no-banner/"),
        ("before-consent", "request", "/tracker.js", "none", "/no-banner/"),
        ("undeclared", "cookie", "_ga", "none", "/no-banner/"),
        ("no-way-to-refuse", "page", "/no-banner/", "none", "/no-banner/"),
    ]
    looked_for = (f"neither the policypress banner nor any of the {autoconsent.bundle().count} consent managers that "
                  f"autoconsent's rules know (@duckduckgo/autoconsent {autoconsent.bundle().version}); for another "
                  f"banner, give --accept and --reject")
    assert data["consent_manager"] == {"name": "none", "operated": "none", "note": looked_for}
    assert data["findings"][-1]["detail"] == (
        f"no consent banner ({looked_for}), yet 4 things that need consent happen before any choice: cookie trk_uid, "
        f"localStorage key recently_viewed, request {other_site(tracker)}/tracker.js, cookie _ga; a visitor cannot "
        f"refuse or withdraw")
    # Both pages seen before any choice; no choice could be made, so no other state was visited.
    assert [p.removeprefix(shops.url) for p in data["pages"]] == ["/no-banner/", "/no-banner/clean.html"]
    assert {name: record["note"] for name, record in data["states"].items()} == {
        "none": None, "reject": f"not tested: no consent banner on {shops.url}/no-banner/: {looked_for}",
        "accept": f"not tested: no consent banner on {shops.url}/no-banner/: {looked_for}"}
    assert f"Consent manager: none found ({looked_for})" in outcome["table"]
    assert "no-way-to-refuse: no consent banner to refuse with" in outcome["table"]


@pytest.mark.browser
def test_a_page_without_a_banner_that_needs_none_is_clean(shops: Server) -> None:
    outcome = audit(f"{shops.url}/no-banner/clean.html", "--config", str(CMP_SITES / "no-banner" / "consent.json"))
    assert outcome["code"] == 0, outcome["table"]
    assert outcome["json"]["consent_manager"]["operated"] == "none"
    assert [f["kind"] for f in outcome["json"]["findings"]] == ["never-seen", "never-seen"]


# --- the policypress banner that does not start ------------------------------------------------------


def reasons(policy: str) -> dict[str, str]:
    return {
        "http-status": f"{policy}/consent/sv.js: it answered HTTP 404",
        "mime-type": f"{policy}/consent/en.js: it is served as text/plain with X-Content-Type-Options: nosniff, which "
                     f"browsers refuse to run as a script; serve it as text/javascript",
        "csp": f"{policy}/consent/de.js: the page's Content-Security-Policy blocks it (directive \"script-src 'self'\"); "
               f"allow {policy} in script-src",
        "aborted": f"{policy}/consent/fi.js: the request was blocked or aborted before it ran (net::ERR_EMPTY_RESPONSE)",
    }


@pytest.mark.browser
def test_why_the_policypress_banner_did_not_start(shops: Server, policy_site: PolicySite) -> None:
    """Each case as a choosing profile sees it: the page loaded, its consent manager looked for."""
    async def look(page: str) -> ConsentManager:
        from playwright.async_api import async_playwright

        async with async_playwright() as playwright:
            plan = crawl.Plan((shops.url + page,), timeout=10, wait=0, chromium=CHROMIUM)
            async with crawl.fresh_profile(playwright, plan) as visitor:
                operator = consent_managers.Operator(visitor, plan.timeout)
                await operator.prepare()
                assert await visitor.visit(shops.url + page) is not None
                return await operator.find()

    for case, reason in reasons(policy_site.url).items():
        found = asyncio.run(look(f"/loader/{case}.html"))
        script = reason.split(": ", 1)[0]
        assert found == ConsentManager("none", "none", f"the page includes the policy site's {script}, but the "
                                                       f"policypress banner did not start: {reason}"), case


@pytest.mark.browser
def test_without_a_register_the_audit_says_why_the_banner_did_not_start(shops: Server,
                                                                          policy_site: PolicySite) -> None:
    outcome = audit(f"{shops.url}/loader/http-status.html")
    assert outcome["code"] == 2 and outcome["json"] is None
    assert outcome["table"] == (
        f"policypress audit: no register to compare with: {shops.url}/loader/http-status.html has no policypress banner "
        f"configuration (the page includes the policy site's {policy_site.url}/consent/sv.js, but the policypress banner "
        f"did not start: {reasons(policy_site.url)['http-status']}); give --site mkdocs.yml or --config\n")


def test_the_reasons_as_the_network_reports_them() -> None:
    """Without a browser: the DevTools events of each case, and the ones the browser cases cannot
    make here (a Cross-Origin-Resource-Policy, a script that loaded and started nothing)."""
    url = "https://policy.example/consent/sv.js"
    watch = banner_failure.Watch()
    watch.on_request({"requestId": "1", "request": {"url": url}})
    watch.on_request({"requestId": "2", "request": {"url": "https://policy.example/logo.png"}})  # not a script of ours
    assert list(watch.fetches) == ["1"] and watch.reason([url]) == f"{url} loaded, but window.policypressConsent never appeared"
    watch.on_error(ValueError("policypressConsent is not defined\n    at banner.js:1"))
    assert watch.reason([url]).endswith("never appeared (an error in the page: policypressConsent is not defined)")
    assert not watch.failed([url])
    watch.on_failure({"requestId": "1", "errorText": "net::ERR_BLOCKED_BY_RESPONSE.NotSameOrigin",
                      "blockedReason": "corp-not-same-origin"})
    assert watch.reason([url]) == (f"{url}: the request was blocked or aborted before it ran "
                                   f"(net::ERR_BLOCKED_BY_RESPONSE.NotSameOrigin, corp-not-same-origin)")
    assert watch.failed([url])
    # An error status is read from the headers even when the browser hid the answer from the page.
    watch.on_headers({"requestId": "1", "statusCode": 503, "headers": {"Content-Type": "text/html"}})
    assert watch.reason([url]) == f"{url}: it answered HTTP 503"
    assert banner_failure.Watch().reason([url]) == f"{url} was never requested"


# --- the shipped files -----------------------------------------------------------------------------


def test_the_shipped_rules_match_their_manifest_and_are_package_data() -> None:
    manifest = json.loads((VENDOR / "MANIFEST.json").read_text(encoding="utf-8"))
    assert manifest["package"] == "@duckduckgo/autoconsent" and manifest["licence"] == "MPL-2.0"
    assert sorted(manifest["files"]) == ["LICENSE", "autoconsent.playwright.js", "rules.json"]
    for name, facts in manifest["files"].items():
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == facts["sha256"], name
    assert (VENDOR / "LICENSE").read_text(encoding="utf-8").startswith("Mozilla Public License Version 2.0")
    shipped = autoconsent.bundle()
    assert shipped.version == manifest["version"] and shipped.count == manifest["rules"] > 200
    names = {rule["name"] for rule in json.loads(shipped.rules)["autoconsent"]}
    assert {"cookieconsent3", "tarteaucitron deny", "cookieyes", "didomi"} <= names
    # The wheel takes them: pyproject.toml's package data covers every file of the folder.
    import tomllib

    globs = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["package-data"][
        "policypress"]
    for path in VENDOR.iterdir():
        relative = path.relative_to(ROOT / "policypress").as_posix()
        assert any(fnmatch(relative, glob) for glob in globs), relative


def test_altered_rules_are_refused(tmp_path: Path) -> None:
    shutil.copytree(VENDOR, tmp_path / "autoconsent")
    rules = tmp_path / "autoconsent" / "rules.json"
    rules.write_bytes(rules.read_bytes().replace(b'"name"', b'"nAme"', 1))
    with pytest.raises(autoconsent.VendorError, match=r"rules\.json: does not match the sha256 in MANIFEST\.json"):
        autoconsent.bundle(tmp_path / "autoconsent")
    (tmp_path / "autoconsent" / "MANIFEST.json").unlink()
    with pytest.raises(autoconsent.VendorError, match="could not be read"):
        autoconsent.bundle(tmp_path / "autoconsent")


@pytest.mark.parametrize(("value", "expected"), [
    ({"type": "popupFound", "cmp": "Klaro", "url": "x"}, autoconsent.Message("popupFound", "Klaro")),
    ({"type": "optOutResult", "cmp": "Klaro", "result": True}, autoconsent.Message("optOutResult", "Klaro", True)),
    ({"type": "optOutResult", "result": "yes"}, autoconsent.Message("optOutResult", "", False)),
    ({"type": "report", "state": {"lifecycle": "nothingDetected"}}, autoconsent.Message("report", lifecycle="nothingDetected")),
    ({"type": "report", "state": "x"}, autoconsent.Message("report")),
    # What a page could send through the binding: no type the audit acts on, or a name meant to mislead.
    ({"type": "eval", "code": "alert(1)"}, None), ("popupFound", None), ([1, 2], None), (None, None),
    ({"type": "popupFound", "cmp": "\u202eKlaro\x1b[2J" + "x" * 500}, autoconsent.Message("popupFound", "Klaro[2J" + "x" * 92)),
])
def test_messages_from_the_page_are_data(value: object, expected: autoconsent.Message | None) -> None:
    assert autoconsent.message(value) == expected


def test_a_page_that_floods_the_binding_is_not_listened_to() -> None:
    bridge = autoconsent.Bridge(autoconsent.bundle(), 1.0)
    frame = object()
    for index in range(autoconsent.MAX_MESSAGES + 50):
        bridge.receive({"frame": frame}, {"type": "cmpDetected", "cmp": f"cmp{index}"})
    assert bridge.received == autoconsent.MAX_MESSAGES and bridge.detected() == ["cmp0"]


def tarball(folder: Path, package: dict[str, Any], files: dict[str, bytes]) -> Path:
    """An npm tarball as `npm pack` writes one: every file under package/."""
    path = folder / f"{package.get('name', 'x').replace('@', '').replace('/', '-')}-{package.get('version')}.tgz"
    with tarfile.open(path, "w:gz") as archive:
        for name, content in {"package/package.json": json.dumps(package).encode(), **files}.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
    return path


PACKAGE = {"name": "@duckduckgo/autoconsent", "version": "99.1.0", "license": "MPL-2.0"}
FILES = {"package/dist/autoconsent.playwright.js": b"(() => { window.autoconsentSendMessage; })();\n",
         "package/rules/rules.json": b'{"autoconsent": [{"name": "a"}, {"name": "b"}]}',
         "package/LICENSE": b"Mozilla Public License Version 2.0\n==\n"}


def refresh(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(REFRESH), *args], capture_output=True, text=True, timeout=60)


def test_the_refresh_script_writes_the_files_unmodified_and_records_the_version(tmp_path: Path) -> None:
    source = tarball(tmp_path, PACKAGE, FILES)
    done = refresh(str(source), "--output", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    for name, path in (("autoconsent.playwright.js", "package/dist/autoconsent.playwright.js"),
                       ("rules.json", "package/rules/rules.json"), ("LICENSE", "package/LICENSE")):
        assert (tmp_path / "out" / name).read_bytes() == FILES[path]
    manifest = json.loads((tmp_path / "out" / "MANIFEST.json").read_text(encoding="utf-8"))
    assert (manifest["version"], manifest["rules"], manifest["tarball"]["name"]) == ("99.1.0", 2, source.name)
    assert manifest["tarball"]["sha256"] == hashlib.sha256(source.read_bytes()).hexdigest()
    assert autoconsent.bundle.__wrapped__(tmp_path / "out").version == "99.1.0"  # what the audit reads back


@pytest.mark.parametrize(("package", "files", "message"), [
    ({**PACKAGE, "name": "autoconsent-fork"}, FILES, "expected the package @duckduckgo/autoconsent, found 'autoconsent-fork'"),
    ({**PACKAGE, "license": "GPL-3.0"}, FILES, "package.json: expected the licence MPL-2.0, found 'GPL-3.0'"),
    (PACKAGE, {k: v for k, v in FILES.items() if "rules" not in k}, "has no package/rules/rules.json"),
    (PACKAGE, {**FILES, "package/rules/rules.json": b"[]"}, "expected an object with a list of rules under 'autoconsent'"),
    (PACKAGE, {**FILES, "package/LICENSE": b"MIT License"}, "package/LICENSE: expected the Mozilla Public License"),
])
def test_the_refresh_script_refuses_another_package_and_writes_nothing(tmp_path: Path, package: dict[str, Any],
                                                                        files: dict[str, bytes], message: str) -> None:
    done = refresh(str(tarball(tmp_path, package, files)), "--output", str(tmp_path / "out"))
    assert done.returncode == 1 and message in done.stderr, done.stderr
    assert done.stderr.startswith("refresh_autoconsent: ")
    assert not (tmp_path / "out").exists()
    assert refresh(str(tmp_path / "missing.tgz")).stderr.startswith(
        f"refresh_autoconsent: {tmp_path / 'missing.tgz'}: not a readable npm tarball")


# --- no way to refuse, and the reports, on hand-made observations -------------------------------------


SITE = "http://127.0.0.1:8000"


def observed(consent: ConsentManager, *requests: RequestSeen, cookies: tuple[CookieSeen, ...] = ()) -> Observations:
    return Observations((SITE,), [SITE + "/"], [], {"none": StateRecord("none", list(cookies), [], list(requests))},
                        consent.operated, consent=consent)


NONE = ConsentManager("none", "none", "nothing found")
TRACKER = RequestSeen("https://t.example/t.js", "https://t.example", "script", SITE + "/")
REGISTER = Register((Declared("sid", "necessary", True, "127.0.0.1", "cookie", "session", None, True),), "pp_consent", "t")


def kinds(observations: Observations) -> list[str]:
    """The violations found (the register's sid, never seen, is a notice)."""
    return [f.kind for f in compare.compare(observations, REGISTER) if f.violation]


def test_no_way_to_refuse_only_without_a_banner_and_with_something_that_needs_consent() -> None:
    assert kinds(observed(NONE, TRACKER)) == ["before-consent", "no-way-to-refuse"]
    assert kinds(observed(POLICYPRESS, TRACKER)) == ["before-consent"]
    assert kinds(observed(ConsentManager("Klaro", "rules"), TRACKER)) == ["before-consent"]
    assert kinds(observed(NONE)) == []
    necessary = CookieSeen("sid", "127.0.0.1", "/", None, False, False, "Lax", "first", SITE + "/", 0.0)
    assert kinds(observed(NONE, cookies=(necessary,))) == []
    # Undeclared, and known as analytics: it needs consent too; an unknown one may be necessary.
    analytics, unknown = (CookieSeen(name, "127.0.0.1", "/", None, False, False, "Lax", "first", SITE + "/", 0.0)
                          for name in ("_ga", "basket_v2"))
    assert kinds(observed(NONE, cookies=(analytics,))) == ["undeclared", "no-way-to-refuse"]
    assert kinds(observed(NONE, cookies=(unknown,))) == ["undeclared"]


@pytest.mark.parametrize(("consent", "line"), [
    (POLICYPRESS, "Consent manager: policypress, operated through window.policypressConsent"),
    (ConsentManager("Klaro", "rules", "@duckduckgo/autoconsent 1.0"),
     "Consent manager: Klaro, operated by autoconsent's rules (@duckduckgo/autoconsent 1.0)"),
    (consent_managers.SELECTORS, "Consent manager: another banner, operated by the --accept and --reject selectors"),
    (NONE, "Consent manager: none found (nothing found)"),
])
def test_every_report_names_the_consent_manager(consent: ConsentManager, line: str) -> None:
    observations = observed(consent)
    result = Result(observations, REGISTER, tuple(compare.compare(observations, REGISTER)))
    assert line in report.table(result).splitlines()[:2]
    assert f"{line}." in report.markdown(result) and f"{line}." in report.html(result).replace("&#39;", "'")
    assert json.loads(report.json_text(result))["consent_manager"] == {"name": consent.name, "operated": consent.operated,
                                                                      "note": consent.note}


def test_make_test_installs_the_npm_packages_when_the_lock_changes() -> None:
    make = shutil.which("make")
    assert make, "make is needed (it runs the suite)"
    # -W: as if package-lock.json had just changed; -n: print, run nothing.
    dry = subprocess.run([make, "-n", "-W", "tests/npm/package-lock.json", "test"], cwd=ROOT, capture_output=True,
                         text=True, timeout=60)
    assert "npm ci --prefix tests/npm --ignore-scripts" in dry.stdout, dry.stdout
