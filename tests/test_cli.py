"""`policypress check`: every problem at once, exit codes, no traceback for user mistakes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import FixtureSite, run_cli


def policypress(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_cli(list(args), cwd)


def test_check_passes_on_a_valid_site(minimal: FixtureSite) -> None:
    result = policypress("check", cwd=minimal.root)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "policypress: 1 policy in 2 languages, no problems"


def test_check_prints_every_problem_and_exits_1(minimal: FixtureSite) -> None:
    minimal.replace("privacy/index.sv.md", "effective: 2026-03-01", "effective: 2026-03-32")
    minimal.replace("privacy/index.sv.md", "legal_basis: eu-gdpr:A6-1-b", "legal_basis: consent")
    minimal.replace("privacy/index.en.md", "  - id: fraud", "  - id: frud")
    result = policypress("check", cwd=minimal.root)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines[0] == "policypress found 4 problems:"
    # One indented line per problem, sorted by file and line: file:line, field, message; under
    # each, the link to its field's entry in the register reference (tests/test_hint_links.py).
    assert all(line.startswith("    see: ") for line in lines[2::2])
    lines = [lines[0], *lines[1::2]]
    located = [tuple(line.strip().split(": ", 2)[:2]) for line in lines[1:]]
    assert located == [
        ("docs/privacy/index.en.md:9", "processing"),
        ("docs/privacy/index.en.md:16", "processing[2].id"),
        ("docs/privacy/index.sv.md:5", "effective"),
        ("docs/privacy/index.sv.md:15", "processing[0].legal_basis"),
    ]
    assert lines[4].endswith("found text 'consent'; did you mean 'eu-gdpr:A6-1-a'?")


def test_check_reads_another_config_file(minimal: FixtureSite) -> None:
    (minimal.root / "mkdocs.yml").rename(minimal.root / "site.yml")
    result = policypress("check", "-f", "site.yml", cwd=minimal.root)
    assert result.returncode == 0, result.stderr


def test_missing_config_file_is_a_clear_error(minimal: FixtureSite) -> None:
    result = policypress("check", "-f", "nope.yml", cwd=minimal.root)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "policypress: nope.yml: no such file; expected the site's mkdocs.yml (use -f to name another)"
    )


def test_broken_config_file_is_a_clear_error(minimal: FixtureSite) -> None:
    (minimal.root / "mkdocs.yml").write_text("site_name: [unclosed\n")
    result = policypress("check", cwd=minimal.root)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith("policypress: mkdocs.yml: MkDocs encountered an error parsing the configuration file")


def test_the_installed_command_runs_in_a_new_process(minimal: FixtureSite) -> None:
    # The other tests call main() in-process; this one proves the console script is wired up.
    command = Path(sys.executable).with_name("policypress")
    result = subprocess.run([str(command), "check"], capture_output=True, text=True, cwd=minimal.root)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "policypress: 1 policy in 2 languages, no problems"


def test_a_config_nested_without_end_is_a_usage_error_not_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text("site_name: x\nextra: " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "policypress.cli", "check"], cwd=tmp_path, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 2
    assert result.stderr == ("policypress: mkdocs.yml: expected a mapping of MkDocs options, found values nested too "
                             "deeply to be read; write the configuration out flat\n")
