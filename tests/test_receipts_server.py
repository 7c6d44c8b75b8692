"""The receipts service as it runs: `policypress receipts serve` in a subprocess under uvicorn,
killed in the middle of a load, and fed by the banner in Chromium from another origin.
"""

from __future__ import annotations

import json
import http.client
import os
import signal
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from conftest import ROOT, Server, copy_example
from consent_site import banner, consent_cookie
from policypress.receipts.store import open_store
from receipts_support import ReceiptServer, database, postgres_cluster, receipt  # noqa: F401 - fixtures

MKDOCS = ROOT / "mkdocs.yml"


def test_serve_stores_what_it_acknowledges_and_keeps_no_full_address(database: str) -> None:
    server = ReceiptServer(database, MKDOCS, "--client-ip", "truncated", "--rate", "0")
    try:
        body = receipt()
        assert server.post(body) == 201 and server.post(body) == 200
        status, answer = server.request("OPTIONS", "/receipts", headers={
            "Origin": "https://integritet.solvikkaffe.example", "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type"})
        assert status == 200
    finally:
        server.stop()
    opened = open_store(database)
    [row] = opened.for_consent(body["record_id"])
    assert row.client_ip == "127.0.0.0"
    opened.close()


def test_serve_refuses_to_start_without_the_site(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="no such file"):
        ReceiptServer(str(tmp_path / "r.sqlite3"), tmp_path / "mkdocs.yml")


def test_killed_mid_load_every_acknowledged_receipt_is_stored_and_none_half(database: str) -> None:
    """Many concurrent clients; the server is killed (SIGKILL) once some hundreds are
    acknowledged. Every acknowledged receipt is in the database, and the chain, which hashes every
    column of every row, verifies: no row is partly written."""
    server = ReceiptServer(database, MKDOCS, "--rate", "0")
    acknowledged: list[str] = []
    lock = threading.Lock()
    kill_at = 300

    def send(i: int) -> None:
        body = receipt(record_id=f"{i:032x}", method="reject-all" if i % 2 else "accept-all")
        try:
            status = server.post(body)
        except (OSError, http.client.HTTPException):
            return  # the server is gone, or went mid-answer: not acknowledged
        if status in (200, 201):
            with lock:
                acknowledged.append(body["record_id"])
                if len(acknowledged) == kill_at:
                    os.kill(server.process.pid, signal.SIGKILL)

    try:
        with ThreadPoolExecutor(16) as pool:
            list(pool.map(send, range(3000)))
    finally:
        server.stop()
    assert server.process.returncode == -signal.SIGKILL
    assert kill_at <= len(acknowledged) < 3000
    opened = open_store(database)
    try:
        result = opened.verify()
        assert result.ok, result.problem
        stored = {row.consent_id for row in opened.between(None, None)}
        assert set(acknowledged) <= stored
        assert result.rows == len(stored)
    finally:
        opened.close()


# --- the banner in Chromium ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def banner_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, ReceiptServer, str]]:
    """The example site, built with its banner pointed at a receipts server on another port, and
    that server, taking receipts from the site's origin. Both servers bind their own ports first
    (no port is picked and bound later); the site is built once the receipts server's is known."""
    example = copy_example(tmp_path_factory.mktemp("receipts-site"))
    path = str(tmp_path_factory.mktemp("receipts-db") / "receipts.sqlite3")
    with Server(example.root / "site") as site:
        # The service reads the revisions and the endpoint's path (/receipts, the default) now.
        server = ReceiptServer(path, example.root / "mkdocs.yml", "--origin", site.url)
        try:
            config = MKDOCS.read_text().replace(
                "      privacy_policy: privacy\n",
                f"      privacy_policy: privacy\n      consent:\n        endpoint: {server.url}/receipts\n")
            (example.root / "mkdocs.yml").write_text(config)
            build = example.build()
            assert build.returncode == 0, build.output
            yield site, server, path
        finally:
            server.stop()


@pytest.mark.browser
def test_the_banner_in_chromium_sends_a_receipt_the_service_stores(browser: Browser, banner_site: tuple[Server, ReceiptServer, str]) -> None:
    site, _, path = banner_site
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(site.url + "/en/")
    banner(page, "en").get_by_role("button", name="Accept all").click()
    consent_id = consent_cookie(context)["record"]["id"]
    opened = open_store(path)
    try:
        deadline = time.time() + 10
        while not (rows := opened.for_consent(consent_id)) and time.time() < deadline:
            time.sleep(0.1)
        assert [r.method for r in rows] == ["accept-all"]
        statuses = {p["id"]: p["status"] for p in rows[0].purpose_list()}
        assert statuses == {"necessary": "not-required", "statistics": "given", "video": "given"}
        assert rows[0].language == "en" and rows[0].revision == "cookies 1.1"
        # Withdrawing in the settings sends the next receipt of the same consent id.
        page.evaluate("policypressConsent.showSettings()")
        dialog = page.get_by_role("dialog", name="Cookie settings")
        expect(dialog).to_be_visible()
        # The consent id in small print, as the visitor would quote it.
        expect(dialog.locator(".ppc-id")).to_have_text(f"Your consent ID: {consent_id}")
        dialog.get_by_role("switch", name="Statistics").uncheck()
        dialog.get_by_role("button", name="Save my choices").click()
        deadline = time.time() + 10
        while len(rows := opened.for_consent(consent_id)) < 2 and time.time() < deadline:
            time.sleep(0.1)
        assert [r.method for r in rows] == ["accept-all", "settings-change"]
        assert json.loads(rows[1].purposes)[1] | {"name": ""} == {
            "id": "statistics", "name": "", "dpv": ["dpv:ServiceUsageAnalytics"], "legal_basis": "eu-gdpr:A6-1-a",
            "status": "refused"}
        assert opened.verify().ok
    finally:
        opened.close()
        context.close()
    assert errors == []
