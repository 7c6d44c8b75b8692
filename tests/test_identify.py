"""Naming cookies, storage keys and hosts with the Open Cookie Database shipped in the package
(issue 19 §3): the matcher on the real data, the derived file and its licence, and the script
that derives it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

from conftest import ROOT
from policypress.audit import identify
from policypress.audit.identify import Sighting
from policypress.audit.model import Identity

DATA = ROOT / "policypress" / "audit" / "data"
SCRIPT = ROOT / "scripts" / "refresh_cookie_database.py"


def named(name: str, host: str = "shop.example", item: str = "cookie") -> tuple[str, str, str, str] | None:
    found = identify.identify(Sighting(item, name, host))
    return None if found is None else (found.platform, found.company, found.category, found.match)


# --- the matcher -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "host", "expected"), [
    ("_ga", ".shop.example", ("Google Analytics", "Google", "Analytics", "name")),
    # Meta's pixel cookie: the database names the platform and the company "Facebook". Its entry
    # names facebook.com, but a distinctive name counts wherever the cookie is set (here first party).
    ("_fbp", "127.0.0.1", ("Facebook", "Facebook", "Marketing", "name")),
    # Wildcard entries: the name's prefix; the longest prefix wins (_gac_gb_ is Google Ads', _gac_ Google Analytics').
    ("_ga_X1Y2Z3", "shop.example", ("Google Analytics", "Google", "Analytics", "prefix")),
    ("_gac_gb_123", "shop.example", ("Google Ads", "Google", "Marketing", "prefix")),
    ("_gac_UA-1", "shop.example", ("Google Analytics", "Google", "Marketing", "prefix")),
    ("_hjSessionUser_4711", "shop.example", ("Hotjar", "Hotjar", "Functional", "prefix")),
    # An entry ending in * is a prefix too (Adkernel's SSPR_*).
    ("SSPR_abc", ".adkernel.com", ("Adkernel", "AdKernel", "Marketing", "prefix")),
    ("CookieConsent", "shop.example", ("Cookiebot", "Cookiebot", "Functional", "name")),
])
def test_cookies_the_database_knows(name: str, host: str, expected: tuple[str, str, str, str]) -> None:
    assert named(name, host) == expected


@pytest.mark.parametrize(("name", "host"), [
    ("shop_session", "127.0.0.1"),  # in no entry
    ("lang", "127.0.0.1"),  # LinkedIn's, on linkedin.com only: a plain word names nothing elsewhere
    ("token", "shop.example"),  # Adform's and Xandr's, on their domains
    ("c", "shop.example"),
    ("", "shop.example"),
])
def test_unknown_is_unknown(name: str, host: str) -> None:
    assert named(name, host) is None


def test_a_plain_word_on_its_own_domain_and_entries_that_tie() -> None:
    assert named("lang", ".linkedin.com") == ("LinkedIn", "LinkedIn", "Functional", "name")
    assert named("token", "ib.adnxs.com")[:3] == ("Xandr", "Xandr", "Functional")  # type: ignore[index]
    # Two first-party entries of the same name: both named, so no category is taken for certain.
    assert named("euconsent-v2") == ("Didomi or PrivacyPillar", "Didomi or PrivacyPillar", "Functional", "name")


def test_storage_keys_are_named_like_cookies() -> None:
    assert named("_hjSessionUser_99", "shop.example", "local-storage") == ("Hotjar", "Hotjar", "Functional", "prefix")
    assert named("amplitude_id_abc", "shop.example", "session-storage")[0] == "Amplitude"  # type: ignore[index]


@pytest.mark.parametrize(("host", "expected"), [
    ("www.google-analytics.com", ("Google Analytics", "Google", "Analytics", "domain")),
    ("region1.google-analytics.com", ("Google Analytics", "Google", "Analytics", "domain")),
    ("www.googletagmanager.com", ("Google Tag Manager", "Google", "Analytics", "domain")),
    ("www.facebook.com", ("Facebook", "Facebook", "Marketing", "domain")),
    ("ib.adnxs.com", ("Xandr", "Xandr", "Marketing", "domain")),
    ("cdn.shop.example", None),
    ("127.0.0.1", None),
    ("[::1]", None),
    ("com", None),
])
def test_request_hosts_through_the_domain_column(host: str, expected: tuple[str, str, str, str] | None) -> None:
    assert named(f"https://{host}/x.js", host, "request") == expected


def test_sources_given_first_win() -> None:
    class Catalog:
        def lookup(self, seen: Sighting) -> Identity | None:
            return Identity("Google Analytics 4", "Google Ireland Ltd", "analytics", source="catalog") \
                if seen.name.startswith("_ga") else None

    sources = [identify.identify(Sighting("cookie", name, "shop.example"), [Catalog()]) for name in ("_ga", "_fbp")]
    assert [found.source if found else None for found in sources] == ["catalog", "Open Cookie Database"]


def test_lookups_are_reads_of_an_index_not_a_scan() -> None:
    database = identify.database()
    assert len(database.entries) > 2000
    # Every wildcard is under its prefix; every exact name under itself.
    assert sum(map(len, database.prefixes.values())) + sum(map(len, database.exact.values())) == len(database.entries)
    names = [f"_x{index}_{suffix}" for index in range(3000) for suffix in ("a",)] + ["_ga_1", "_fbp", "lang"]
    started = time.perf_counter()
    for name in names:
        database.by_name(name, "shop.example")
    # About 10 µs a name on the project's machines; a scan of every entry would be 100 times that.
    assert time.perf_counter() - started < 1.0


# --- the shipped data --------------------------------------------------------------------------------


def test_the_data_names_its_source_version_and_licence() -> None:
    document = json.loads((DATA / "open-cookie-database.json").read_text(encoding="utf-8"))
    source = document["source"]
    assert source["url"] == "https://github.com/jkwakman/Open-Cookie-Database" and source["licence"] == "Apache-2.0"
    assert re.fullmatch(r"[0-9a-f]{40}", source["commit"]) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", source["date"])
    assert document["fields"] == ["id", "platform", "category", "name", "wildcard", "domain", "description", "retention",
                                  "controller", "privacy"]
    assert all(len(row) == 10 and isinstance(row[4], bool) for row in document["entries"])
    assert source["commit"] in document["notice"] and "Apache License, Version 2.0" in document["notice"]
    licence = (DATA / "open-cookie-database-LICENSE.txt").read_text(encoding="utf-8")
    assert licence.lstrip().startswith("Apache License") and "Version 2.0, January 2004" in licence
    notice = (DATA / "open-cookie-database-NOTICE.txt").read_text(encoding="utf-8")
    assert source["commit"] in notice and "open-cookie-database-LICENSE.txt" in notice


def test_the_data_is_package_data() -> None:
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["package-data"]
    assert "audit/data/*" in patterns["policypress"]


def test_a_damaged_data_file_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "broken.json").write_text('{"fields": ["id"], "entries": [[1, 2]]}', encoding="utf-8")
    monkeypatch.setattr(identify, "DATA", tmp_path / "broken.json")
    identify.database.cache_clear()
    try:
        with pytest.raises(identify.CannotRun, match=r"broken\.json: the Open Cookie Database shipped with policypress "
                                                     r"could not be read .*; reinstall policypress"):
            identify.database()
    finally:
        identify.database.cache_clear()


# --- the script that derives it ------------------------------------------------------------------------

HEADER = ("ID,Platform,Category,Cookie / Data Key name,Domain,Description,Retention period,Data Controller,"
          "User Privacy & GDPR Rights Portals,Wildcard match")
APACHE = "                                 Apache License\n                           Version 2.0, January 2004\n..."
COMMIT = "0123456789abcdef0123456789abcdef01234567"


def refresh(folder: Path, csv_text: str, *extra: str, licence: str = APACHE) -> subprocess.CompletedProcess[str]:
    (folder / "open-cookie-database.csv").write_text(csv_text, encoding="utf-8")
    (folder / "LICENSE").write_text(licence, encoding="utf-8")
    return subprocess.run([sys.executable, str(SCRIPT), str(folder / "open-cookie-database.csv"), "--commit", COMMIT,
                           "--date", "2026-01-21", "--output", str(folder / "out"), *extra],
                          capture_output=True, text=True, timeout=60)


def test_the_script_derives_the_data_file(tmp_path: Path) -> None:
    rows = [HEADER, 'a1,Google Analytics,Analytics,_ga,,"ID used to  identify users ",2 years,Google,https://g.example/,0',
            "a2,Hotjar,Functional,_hjSessionUser_,,Hotjar's user,365 days,Hotjar,https://h.example/,1"]
    done = refresh(tmp_path, "\n".join(rows) + "\n")
    assert done.returncode == 0, done.stderr
    target = tmp_path / "out" / "open-cookie-database.json"
    assert done.stdout == f"wrote 2 entries of commit {COMMIT[:12]} (2026-01-21) to {target}\n"
    document = json.loads((tmp_path / "out" / "open-cookie-database.json").read_text(encoding="utf-8"))
    assert document["entries"] == [
        ["a1", "Google Analytics", "Analytics", "_ga", False, "", "ID used to identify users", "2 years", "Google",
         "https://g.example/"],
        ["a2", "Hotjar", "Functional", "_hjSessionUser_", True, "", "Hotjar's user", "365 days", "Hotjar", "https://h.example/"]]
    assert document["source"]["commit"] == COMMIT
    assert (tmp_path / "out" / "open-cookie-database-LICENSE.txt").read_text(encoding="utf-8") == APACHE
    assert COMMIT in (tmp_path / "out" / "open-cookie-database-NOTICE.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize(("csv_text", "licence", "message"), [
    ("ID,Name\n1,x\n", APACHE, "open-cookie-database.csv:1: expected the Open Cookie Database's columns ID, Platform"),
    (HEADER + "\na1,P,Analytics,_ga,,d,r,C,u,2\na1,P,,x,,d,r,C,u,0\na3,P,Marketing\n", APACHE,
     "open-cookie-database.csv:2: Wildcard match: expected 0 or 1, found '2'\n"
     "refresh_cookie_database: {folder}/open-cookie-database.csv:3: category empty; every row needs an id, a category "
     "and a name\n"
     "refresh_cookie_database: {folder}/open-cookie-database.csv:3: ID a1 is also on line 2\n"
     "refresh_cookie_database: {folder}/open-cookie-database.csv:4: expected 10 values, found 3"),
    (HEADER + '\na1,"P,Analytics\n', APACHE, "not CSV"),
    (HEADER + "\na1,P,Analytics,_ga,,d,r,C,u,0\n", "MIT License\n", "LICENSE: expected the Apache License, Version 2.0"),
])
def test_the_script_refuses_what_it_cannot_use_and_writes_nothing(tmp_path: Path, csv_text: str, licence: str,
                                                                   message: str) -> None:
    done = refresh(tmp_path, csv_text, licence=licence)
    assert done.returncode == 1
    assert done.stderr.startswith("refresh_cookie_database: ") and message.format(folder=tmp_path) in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "out").exists()


def test_the_script_needs_the_version_outside_a_git_work_tree(tmp_path: Path) -> None:
    (tmp_path / "open-cookie-database.csv").write_text(HEADER + "\na1,P,Analytics,_ga,,d,r,C,u,0\n", encoding="utf-8")
    (tmp_path / "LICENSE").write_text(APACHE, encoding="utf-8")
    done = subprocess.run([sys.executable, str(SCRIPT), str(tmp_path / "open-cookie-database.csv"), "--output",
                           str(tmp_path / "out")], capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert done.returncode == 1 and "not in a git work tree; give the snapshot's --commit and --date" in done.stderr
