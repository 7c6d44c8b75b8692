"""Property tests: whatever an editor writes, and whatever a browser sends back as a cookie,
the result is a model or a clear problem, never a crash."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, ROOT, Server
from policypress.core.load import load_site
from policypress.core.problems import Problem

KEYS = ["policy", "title", "version", "effective", "summary", "rights", "personal_data", "processing", "recipients",
        "transfers", "cookies", "id", "name", "description", "purpose", "legal_basis", "data", "retention", "duration",
        "after", "terms", "kind", "country", "recipient", "safeguard", "processing", "provider", "published", "sha256"]
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=20),
    st.sampled_from(["privacy", "2.1", "2026-03-01", "2026-02-30", "eu-gdpr:A6-1-b", "pd:Name", "dpv:Customer",
                     "P3Y", "SE", "NO", "orders", "session", "x" * 300]),
)
YAML_DATA = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), children, max_size=6),
    max_leaves=30,
)


@pytest.fixture(scope="module")
def workspace() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder) / "site"
        shutil.copytree(FIXTURES / "minimal" / "docs", site / "docs")
        yield site


def check_everything_is_explained(site: Path) -> None:
    result = load_site(site / "docs", ["sv", "en"], "sv", root=site)
    for problem in result.problems:
        assert isinstance(problem, Problem) and problem.source.startswith("docs/") and problem.message
    assert ("privacy" in result.site.policies) or result.problems


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=YAML_DATA)
def test_any_yaml_shaped_front_matter_gives_a_model_or_clear_problems(workspace: Path, data: object) -> None:
    (workspace / "docs/privacy/index.sv.md").write_text("---\n" + yaml.safe_dump(data, allow_unicode=True) + "---\nText.\n")
    check_everything_is_explained(workspace)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.dictionaries(st.sampled_from(KEYS), YAML_DATA, max_size=8))
def test_mutated_translation_gives_a_model_or_clear_problems(workspace: Path, data: dict) -> None:
    original = (FIXTURES / "minimal/docs/privacy/index.en.md").read_text()
    meta = yaml.safe_load(original.split("---\n")[1])
    meta.update(data)
    (workspace / "docs/privacy/index.sv.md").write_text((FIXTURES / "minimal/docs/privacy/index.sv.md").read_text())
    (workspace / "docs/privacy/index.en.md").write_text("---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\nText.\n")
    check_everything_is_explained(workspace)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=200))
def test_any_text_in_front_matter_is_read_or_reported(workspace: Path, text: str) -> None:
    (workspace / "docs/privacy/index.sv.md").write_text("---\n" + text + "\n---\nText.\n")
    check_everything_is_explained(workspace)


# --- the banner's cookie parser, in the browser ----------------------------------------------------

JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
RECORD_LIKE = st.fixed_dictionaries(
    {}, optional={"v": JSONISH, "id": st.text(max_size=40) | JSONISH, "first": st.integers() | JSONISH,
                  "last": st.integers() | JSONISH, "revision": JSONISH, "fingerprint": st.sampled_from(["f00"]) | JSONISH,
                  "choices": st.dictionaries(st.sampled_from(["stats", "x"]), st.booleans() | JSONISH, max_size=3) | JSONISH},
)
COOKIE_VALUES = st.one_of(
    RECORD_LIKE.map(lambda r: quote(json.dumps(r), safe="")),
    JSONISH.map(lambda v: quote(json.dumps(v), safe="")),
    st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters=";,\"\\"), max_size=60),
)

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Fuzz</title><link rel="icon" href="data:,">
<script src="consent.min.js"></script></head><body><main><h1>Fuzz</h1></main></body></html>"""
CONFIG = {"revision": "r", "fingerprint": "f00", "notice": "/", "language": "en", "jurisdiction": "SE", "cookie": "pp",
          "maxAgeDays": 100000, "endpoint": None, "consentMode": False,
          "categories": [{"id": "necessary", "required": True, "name": "N", "description": "d", "cookies": []},
                         {"id": "stats", "name": "S", "description": "d", "cookies": []}],
          "strings": {k: k for k in ("title", "intro", "acceptAll", "rejectAll", "settings", "save", "close", "alwaysOn",
                                     "cookies", "policy", "settingsTitle", "settingsIntro", "ok", "gpc")}}


@pytest.fixture(scope="module")
def cookie_page(browser, tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("fuzz-page")
    shutil.copy(ROOT / "policypress/assets/consent/consent.min.js", folder / "consent.min.js")
    (folder / "index.html").write_text(PAGE)
    with Server(folder) as server:
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(server.url + "/")
        yield page, errors
        page.close()


@pytest.mark.browser
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=COOKIE_VALUES)
def test_consent_cookie_parser_accepts_only_well_formed_records(cookie_page, value: str) -> None:
    page, errors = cookie_page
    record = page.evaluate(
        """([value, config]) => {
            document.cookie = "pp=" + value + "; Path=/";
            policypressConsent.init(structuredClone(config));
            const record = policypressConsent.get();
            document.querySelectorAll(".ppc, .ppc-hidden, dialog").forEach(e => e.remove());
            document.cookie = "pp=; Max-Age=0; Path=/";
            return record;
        }""",
        [value, CONFIG],
    )
    assert errors == []
    if record is not None:
        assert isinstance(record["id"], str) and record["fingerprint"] == "f00"
        assert isinstance(record["first"], (int, float)) and isinstance(record["last"], (int, float))
        assert all(isinstance(v, bool) for v in record["choices"].values())
