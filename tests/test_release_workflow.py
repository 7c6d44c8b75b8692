"""Releases that publish themselves (issue 20, part 1): what of .github/workflows/release.yml can run
here runs here. The sdist and the wheel are built as the workflow builds them and pass `twine
check --strict`; the npm package is staged, named and dry-run published by the workflow's own
commands; every workflow validates against the GitHub workflow schema (check-jsonschema's vendored
copy, offline); and what matters is asserted on the parsed files: a version tag starts it,
only the two publishing jobs get an OIDC token, no PyPI token exists, nothing is published
before the test suite passed on the built wheel, and that suite cannot import the checkout.
Also: `policypress --version`, and CHANGELOG.md in Keep a Changelog form with SemVer versions."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import semver
import yaml

from conftest import ROOT, run_cli

WORKFLOWS = ROOT / ".github" / "workflows"
BIN = Path(sys.executable).parent
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
TAG = f"v{VERSION}"


def workflow(name: str) -> dict[str, Any]:
    """A workflow as GitHub reads it (PyYAML reads the key `on` as true: it is put back)."""
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    data["on"] = data.pop(True)
    return data


def release_tag() -> Any:
    spec = importlib.util.spec_from_file_location("release_tag", ROOT / ".github/scripts/release_tag.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def step(job: dict[str, Any], name: str) -> dict[str, Any]:
    return next(s for s in job["steps"] if s.get("name") == name)


def shell(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """A workflow step's `run`, as the runner runs it (bash -e)."""
    result = subprocess.run(["bash", "-e", "-c", script], cwd=cwd, capture_output=True, text=True, timeout=300,
                            env={**os.environ, "npm_config_update_notifier": "false", "npm_config_fund": "false",
                                 "npm_config_audit": "false", **env})
    assert result.returncode == 0, f"{script}\n{result.stdout}\n{result.stderr}"
    return result


# --- what the release workflow does, run here ------------------------------------------------------------


def test_the_sdist_and_the_wheel_build_and_pass_twine_check_strict(tmp_path: Path) -> None:
    from test_install import source_tree, with_wheelhouse

    env = {key: value for key, value in os.environ.items() if key not in ("VIRTUAL_ENV", "PYTHONPATH")}
    source = source_tree(tmp_path / "source")
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"]["requires"]
    with_wheelhouse([sys.executable, "-m", "build", "--outdir", tmp_path / "dist", source], tmp_path, env, requires)
    built = sorted(path.name for path in (tmp_path / "dist").iterdir())
    assert built == [f"policypress-{VERSION}-py3-none-any.whl", f"policypress-{VERSION}.tar.gz"]
    checked = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", *sorted((tmp_path / "dist").iterdir())],
                             capture_output=True, text=True, timeout=120)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.count("PASSED") == 2, checked.stdout
    # --strict fails on warnings too: a description twine cannot render, or no content type.
    broken = tmp_path / "broken"
    broken.mkdir()
    (source / "pyproject.toml").write_text((source / "pyproject.toml").read_text().replace(
        'readme = "README.md"', 'readme = {text = "`broken", content-type = "text/x-rst"}'))
    with_wheelhouse([sys.executable, "-m", "build", "--sdist", "--outdir", broken, source], tmp_path, env, requires)
    refused = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", *broken.iterdir()],
                             capture_output=True, text=True, timeout=120)
    assert refused.returncode == 1 and "FAILED" in refused.stdout, refused.stdout


def test_the_npm_package_is_named_and_dry_run_published_by_the_workflow_s_commands(tmp_path: Path) -> None:
    """The staging that scripts/build_banner.py does, then the workflow's own steps: package.json
    names the repository (npm checks provenance against it), `npm publish --dry-run`, `npm pack`."""
    from test_npm_package import build_banner

    job = workflow("release.yml")["jobs"]["npm-package"]
    assert "python scripts/build_banner.py --package npm-package" in step(job, "Stage the package (the banner "
                                                                          "minified, as policypress ships it)")["run"]
    build_banner().package(tmp_path / "npm-package")
    env = {"REPOSITORY": "https://github.com/acme/policypress"}
    for name in ("Name this repository in package.json", "What would be published"):
        shell(step(job, name)["run"], tmp_path / step(job, name)["working-directory"], env)
    manifest = json.loads((tmp_path / "npm-package/package.json").read_text())
    assert manifest["repository"] == {"type": "git", "url": "git+https://github.com/acme/policypress.git",
                                      "directory": "banner"}
    assert manifest["version"] == VERSION  # released from the same tag as policypress
    assert json.loads((ROOT / "banner/package.json").read_text()).get("repository") is None  # the checkout is untouched

    dry = shell("npm publish --dry-run --access public --json", tmp_path / "npm-package", {})
    report = json.loads(dry.stdout)["@policypress/consent"]
    assert (report["name"], report["version"]) == ("@policypress/consent", VERSION)
    assert sorted(f["path"] for f in report["files"]) == [
        "LICENSE", "README.md", "consent.css", "consent.d.ts", "consent.js", "consent.mjs", "package.json"]

    shell(step(job, "Pack")["run"], tmp_path, {})
    assert [p.name for p in (tmp_path / "npm-dist").iterdir()] == [f"policypress-consent-{VERSION}.tgz"]


def test_the_release_checks_refuse_a_tag_that_is_not_the_version(tmp_path: Path) -> None:
    script = [sys.executable, ROOT / ".github/scripts/release_tag.py"]
    assert subprocess.run([*script, "check", TAG], capture_output=True, text=True).returncode == 0
    wrong = subprocess.run([*script, "check", "v9.9.9"], capture_output=True, text=True)
    assert wrong.returncode == 1
    assert wrong.stderr == f"release: tag v9.9.9: expected {TAG}, the version in pyproject.toml\n"

    # A copy whose banner has another version and whose changelog has no section for this one.
    for name in ("pyproject.toml", "banner/package.json", "CHANGELOG.md"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text((ROOT / name).read_text(encoding="utf-8"), encoding="utf-8")
    package = tmp_path / "banner/package.json"
    package.write_text(package.read_text().replace(f'"version": "{VERSION}"', '"version": "0.0.9"'))
    changelog = tmp_path / "CHANGELOG.md"
    changelog.write_text(changelog.read_text().replace(f"## [{VERSION}]", "## [0.0.1]"))
    assert release_tag().problems(TAG, tmp_path) == [
        f"banner/package.json: version 0.0.9, expected {VERSION} as in pyproject.toml (the banner is released with "
        "policypress, from the same tag)",
        f"CHANGELOG.md: no section '## [{VERSION}] - YYYY-MM-DD' with what changed; move the [Unreleased] entries "
        "under it",
    ]


def test_the_release_notes_are_the_version_s_section_of_the_changelog(tmp_path: Path) -> None:
    """The workflow's step, run as it is in a copy of the files it reads."""
    (tmp_path / ".github/scripts").mkdir(parents=True)
    for name in (".github/scripts/release_tag.py", "CHANGELOG.md"):
        (tmp_path / name).write_text((ROOT / name).read_text(encoding="utf-8"), encoding="utf-8")
    shell(step(workflow("release.yml")["jobs"]["github-release"], "Release notes from CHANGELOG.md")["run"], tmp_path,
          {"TAG": TAG})
    notes = (tmp_path / "notes.md").read_text(encoding="utf-8")
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    heading = next(line for line in changelog.splitlines() if line.startswith(f"## [{VERSION}] - "))
    after = changelog.split(heading + "\n", 1)[1]
    assert notes == after.split("\n## [", 1)[0].strip("\n") + "\n"
    assert "### Added" in notes and "## [" not in notes


# --- the workflow files, parsed and checked ---------------------------------------------------------------


@pytest.mark.parametrize(("schema", "broken"), [
    # A job without runs-on, and a trigger that does not exist.
    ("vendor.github-workflows", "on: {pushed: {}}\njobs:\n  a:\n    timeout-minutes: 5\n    steps: [{run: x}]\n"),
    # Valid, but a job that may run for six hours (GitHub's default) when it hangs.
    ("custom.github-workflows-require-timeout", "on: {push: {}}\njobs:\n  a:\n    runs-on: ubuntu-latest\n"
                                                "    steps: [{run: x}]\n"),
], ids=["schema", "timeouts"])
def test_every_workflow_validates_against_the_github_workflow_schema(schema: str, broken: str, tmp_path: Path) -> None:
    files = sorted(WORKFLOWS.glob("*.yml"))
    assert [f.name for f in files] == ["ci.yml", "docs.yml", "release.yml"]
    result = subprocess.run([BIN / "check-jsonschema", "--builtin-schema", schema, *files], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    # The schema does refuse a broken workflow.
    (tmp_path / "broken.yml").write_text(broken)
    result = subprocess.run([BIN / "check-jsonschema", "--builtin-schema", schema, tmp_path / "broken.yml"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "Schema validation errors" in result.stdout, result.stdout


def test_the_release_starts_on_a_version_tag_and_publishes_only_after_the_tests() -> None:
    release = workflow("release.yml")
    jobs = release["jobs"]
    assert release["on"] == {"push": {"tags": ["v*"]}}
    assert release["permissions"] == {"contents": "read"}  # the default of every job
    # An OIDC token for the two jobs that publish, and for no other.
    assert {name for name, job in jobs.items() if job.get("permissions", {}).get("id-token") == "write"} == {
        "publish-pypi", "publish-npm"}
    assert jobs["github-release"]["permissions"] == {"contents": "write"}
    # Nothing is published before the suite passed on the wheel and both packages were checked.
    for name in ("publish-pypi", "publish-npm"):
        assert set(jobs[name]["needs"]) == {"build", "npm-package", "test"}, name
    assert set(jobs["github-release"]["needs"]) == {"publish-pypi", "publish-npm"}
    assert jobs["test"]["needs"] == ["build"]

    # PyPI by trusted publishing, from an environment, with no token.
    pypi = jobs["publish-pypi"]
    assert pypi["environment"]["name"] == "pypi"
    (publish,) = [s for s in pypi["steps"] if s.get("uses", "").startswith("pypa/gh-action-pypi-publish@")]
    assert publish["uses"] == "pypa/gh-action-pypi-publish@release/v1" and "with" not in publish
    text = (WORKFLOWS / "release.yml").read_text(encoding="utf-8")
    assert set(re.findall(r"secrets\.(\w+)", text)) == {"NPM_TOKEN"}  # no PyPI token, no other secret
    assert "env" not in pypi and not any("env" in s for s in pypi["steps"])  # no token in the environment either

    # npm with provenance, the token only in the step that publishes.
    npm = jobs["publish-npm"]
    assert npm["environment"]["name"] == "npm"
    (run,) = [s for s in npm["steps"] if "npm publish" in s.get("run", "")]
    assert run["run"] == "npm publish npm-dist/*.tgz --provenance --access public"
    assert run["env"] == {"NODE_AUTH_TOKEN": "${{ secrets.NPM_TOKEN }}"}

    # The build checks the tag, builds, and runs twine check --strict on everything it built.
    build = "\n".join(s.get("run", "") for s in jobs["build"]["steps"])
    assert 'release_tag.py check "$TAG"' in build and "python -m build" in build
    assert "twine check --strict dist/*" in build
    # The GitHub release gets every file that was published.
    create = step(jobs["github-release"], "Create the release")
    assert create["run"].startswith('gh release create "$TAG" dist/* --verify-tag')
    assert create["env"]["GH_TOKEN"] == "${{ github.token }}"
    # No `${{ }}` inside a script: values from the event reach the shell as variables only.
    for job in jobs.values():
        for each in job["steps"]:
            assert "${{" not in each.get("run", ""), each


def test_the_suite_runs_on_the_installed_wheel_never_on_the_checkout(tmp_path: Path) -> None:
    test = workflow("release.yml")["jobs"]["test"]
    assert test["env"]["PYTHONSAFEPATH"] == "1"
    install = step(test, "The wheel with its test extra, in a fresh environment")["run"]
    assert "python -m venv /opt/wheel" in install and '"$(ls dist/*.whl)[test]"' in install
    assert "-e " not in install  # not editable: the wheel's files, in site-packages
    guard = step(test, "That environment imports the installed wheel, not the checkout")["run"]
    assert "startswith('/opt/wheel/')" in guard
    assert step(test, "The whole test suite")["run"].startswith("/opt/wheel/bin/python -m pytest")

    # Why PYTHONSAFEPATH: in the checkout, `python -c` (and `python -m pytest`) would import its
    # policypress/ first. An interpreter without policypress installed shows it.
    bare = tmp_path / "bare"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", bare], check=True, timeout=120)
    probe = [bare / "bin/python", "-c", "import policypress; print(policypress.__file__)"]
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "PYTHONSAFEPATH")}
    unsafe = subprocess.run(probe, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert unsafe.stdout.strip() == str(ROOT / "policypress/__init__.py")
    safe = subprocess.run(probe, cwd=ROOT, env={**env, "PYTHONSAFEPATH": "1"}, capture_output=True, text=True, timeout=60)
    assert safe.returncode == 1 and "No module named 'policypress'" in safe.stderr


def test_ci_runs_make_test_on_every_push_and_pull_request() -> None:
    ci = workflow("ci.yml")
    assert set(ci["on"]) >= {"push", "pull_request"} and ci["on"]["push"] == {"branches": ["**"]}
    assert ci["permissions"] == {"contents": "read"}
    (job,) = ci["jobs"].values()
    assert [s.get("run") for s in job["steps"] if "run" in s] == ["make test"]
    assert job["container"]["image"].startswith("python:3.11-")  # Debian, for make test's apt-get
    assert (ROOT / ".ci/run").read_text().strip().endswith("make test")  # the same command as the project's CI


@pytest.mark.parametrize("needs_git", [False, True], ids=["from-the-index", "from-a-repository"])
def test_the_ci_files_policypress_new_writes_validate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     needs_git: bool) -> None:
    from policypress import new_requirement
    from test_scaffold import COMPANY

    pin = new_requirement.Pin("policypress @ git+https://github.com/acme/policypress@" + "0" * 40 if needs_git
                              else "policypress==0.1.0")
    monkeypatch.setattr(new_requirement, "current", lambda: pin)
    assert run_cli(["new", str(tmp_path / "site"), *COMPANY], tmp_path).returncode == 0
    for schema, name in (("vendor.github-workflows", ".github/workflows/policies.yml"),
                         ("vendor.gitlab-ci", ".gitlab-ci.yml")):
        result = subprocess.run([BIN / "check-jsonschema", "--builtin-schema", schema, tmp_path / "site" / name],
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stdout + result.stderr


# --- the version, and the changelog that says what changed ------------------------------------------------


def test_policypress_version_prints_the_installed_version() -> None:
    from importlib import metadata

    assert metadata.version("policypress") == VERSION
    result = subprocess.run([BIN / "policypress", "--version"], capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stdout) == (0, f"policypress {VERSION}\n")
    assert run_cli(["--version"], ROOT).stdout == f"policypress {VERSION}\n"


# Keep a Changelog 1.1.0: the kinds of change a version lists.
KINDS = ("Added", "Changed", "Deprecated", "Removed", "Fixed", "Security")


def test_the_changelog_is_keep_a_changelog_with_semver_versions() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == "# Changelog"
    assert "[Keep a Changelog](https://keepachangelog.com/en/1.1.0/)" in text
    assert "[Semantic Versioning](https://semver.org/spec/v2.0.0.html)" in text
    headings = [line for line in lines if line.startswith("#")]
    assert all(re.fullmatch(r"# Changelog|## \[[^\]]+\].*|### .+", h) for h in headings), headings
    versions = [line for line in headings if line.startswith("## ")]
    assert versions[0] == "## [Unreleased]"
    released = [re.fullmatch(r"## \[(?P<version>[^\]]+)\] - (?P<date>\d{4}-\d{2}-\d{2})", line) for line in versions[1:]]
    assert all(released), versions
    parsed = [semver.Version.parse(match["version"]) for match in released]  # type: ignore[index]
    dates = [dt.date.fromisoformat(match["date"]) for match in released]  # type: ignore[index]
    assert parsed == sorted(parsed, reverse=True) and len(set(parsed)) == len(parsed)
    assert dates == sorted(dates, reverse=True)
    assert semver.Version.parse(VERSION) in parsed  # the version pyproject.toml builds has its section
    sections = release_tag().sections(text)
    assert list(sections) == ["Unreleased", *(str(v) for v in parsed)]
    for version, body in sections.items():
        kinds = re.findall(r"^### (.+)$", body, re.M)
        assert kinds and set(kinds) <= set(KINDS) and len(kinds) == len(set(kinds)), (version, kinds)
        assert all(re.search(rf"^### {kind}\n\n- ", body, re.M) for kind in kinds), version  # each lists changes
    # What a site owner must do on upgrade, first in the unreleased section.
    assert sections["Unreleased"].startswith("Upgrading a site from")
    for must in ("policypress seal", "Art. 14(2)(f)", "symbolic link", "receipts.sqlite3*", "requirements.txt"):
        assert must in sections["Unreleased"].split("### ", 1)[0], must


def pip_installs(text: str) -> list[str]:
    """What each `.venv/bin/pip install` of a Markdown text installs, on a command line or in inline
    code (which may break across lines)."""
    return re.findall(r"\.venv/bin/pip install\s+((?:\"[^\"]+\"|[^\s`#\"])+)", text)


def test_the_readme_and_getting_started_install_what_exists() -> None:
    """The install commands of the README and of the documentation's Getting started: the
    repository by a URL pip reads, the wheel by the name the build gives it
    (test_the_sdist_and_the_wheel_build_and_pass_twine_check_strict), the index."""
    from packaging.requirements import Requirement

    repository, wheel = '"policypress @ git+https://github.com/OWNER/policypress"', f"./policypress-{VERSION}-py3-none-any.whl"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Use it for your own company\n", 1)[1].split("\n## ", 1)[0]
    assert pip_installs(section) == [repository, wheel, "policypress"]
    assert "CHANGELOG.md" in section
    guide = (ROOT / "documentation" / "docs" / "getting-started.md").read_text(encoding="utf-8")
    install = guide.split("\n## 1. Install\n", 1)[1].split("\n## ", 1)[0]
    audit = '"policypress[audit] @ git+https://github.com/OWNER/policypress"'
    assert pip_installs(install) == [repository, wheel, "policypress", audit]
    assert "CHANGELOG.md" in install
    for quoted, extras in ((repository, set()), (audit, {"audit"})):
        requirement = Requirement(quoted.strip('"'))
        assert (requirement.url, requirement.extras) == ("git+https://github.com/OWNER/policypress", extras)
