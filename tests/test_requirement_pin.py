"""`policypress new` writes a requirement that installs (issue 20, part 2): requirements.txt names
the policypress that made the site as pip recorded its installation (PEP 610 `direct_url.json`),
so the site's CI installs that one: a release from the index by its version, a repository by its
commit, a wheel on the web by its URL and hash. What only this computer can reach (a folder, an
editable checkout, a local wheel or clone) still installs here, under a `TODO` that `policypress
check` lists like every other placeholder.

The unit cases give the running distribution another record; the last test (marked `slow`)
really installs policypress from `git+file://` into a fresh environment, lets that one run `new`,
and resolves the written requirements.txt with `pip install --dry-run` in a second environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement

from conftest import ROOT, run_cli
from policypress import new_requirement
from policypress.core.frontmatter import parse_yaml
from policypress.core.todo import in_requirements
from policypress.new_requirement import PACKAGE, Pin, current, from_direct_url
from test_scaffold import COMPANY

COMMIT = "0123456789abcdef0123456789abcdef01234567"
DIGEST = "ab" * 32


class Installed:
    """A distribution's metadata as importlib.metadata shows it: the version, its files by name
    (`direct_url.json`, `RECORD`) and where it says the package lies."""

    def __init__(self, files: dict[str, str], version: str = "0.1.0", package: Path = PACKAGE) -> None:
        self.version, self.files, self.package = version, files, package

    def read_text(self, name: str) -> str | None:
        return self.files.get(name)

    def locate_file(self, name: str) -> Path:
        return self.package.parent / name


def installed_as(monkeypatch: pytest.MonkeyPatch, direct_url: dict[str, Any] | str | None, **kwargs: Any) -> None:
    """The running policypress, as if pip had recorded `direct_url` (None: from an index)."""
    files = {"RECORD": "policypress/__init__.py,,\n"}
    if direct_url is not None:
        files["direct_url.json"] = direct_url if isinstance(direct_url, str) else json.dumps(direct_url)
    only_policypress(monkeypatch, Installed(files, **kwargs))


def only_policypress(monkeypatch: pytest.MonkeyPatch, dist: Any) -> None:
    """`dist` for policypress; every other distribution as it is (MkDocs' plugins read their own
    versions, and mkdocs-static-i18n keeps the one it read)."""
    real = new_requirement.metadata.distribution
    monkeypatch.setattr(new_requirement.metadata, "distribution",
                        lambda name: dist if name == "policypress" else real(name))


def make_site(root: Path) -> tuple[list[str], Any]:
    """`policypress new` into `root`: requirements.txt's lines and the GitLab pipeline."""
    result = run_cli(["new", str(root), *COMPANY], root.parent)
    assert result.returncode == 0, result.stderr
    return ((root / "requirements.txt").read_text(encoding="utf-8").splitlines(),
            parse_yaml((root / ".gitlab-ci.yml").read_text(encoding="utf-8")))


def requirement(lines: list[str]) -> Requirement:
    """The one requirement of the file, read by the parser pip uses."""
    (line,) = [line for line in lines if line and not line.startswith("#")]
    parsed = Requirement(line)
    assert parsed.name == "policypress"
    return parsed


# --- installs a CI runner can reach: pinned as they are -------------------------------------------------


def test_from_the_index_the_version_is_pinned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    installed_as(monkeypatch, None, version="1.4.2")
    lines, gitlab = make_site(tmp_path / "site")
    assert lines[1:] == ["policypress==1.4.2"]
    assert str(requirement(lines).specifier) == "==1.4.2"
    assert "before_script" not in gitlab  # the slim image needs no git for it
    assert in_requirements(tmp_path / "site/requirements.txt", "requirements.txt") == []


def test_from_a_repository_the_commit_is_pinned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    installed_as(monkeypatch, {"url": "https://github.com/acme/policypress.git",
                               "vcs_info": {"vcs": "git", "commit_id": COMMIT, "requested_revision": "main"}})
    lines, gitlab = make_site(tmp_path / "site")
    assert lines[1:] == [f"policypress @ git+https://github.com/acme/policypress.git@{COMMIT}"]
    assert requirement(lines).url == f"git+https://github.com/acme/policypress.git@{COMMIT}"
    # python:3.12-slim has no git, which pip needs for this requirement.
    assert gitlab["before_script"] == ["apt-get update -qq && apt-get install -y -qq --no-install-recommends git"]


def test_a_wheel_on_the_web_is_pinned_with_its_hash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = "https://github.com/acme/policypress/releases/download/v0.1.0/policypress-0.1.0-py3-none-any.whl"
    installed_as(monkeypatch, {"url": url, "archive_info": {"hashes": {"sha256": DIGEST}, "hash": f"sha256={DIGEST}"}})
    lines, gitlab = make_site(tmp_path / "site")
    assert lines[1:] == [f"policypress @ {url}#sha256={DIGEST}"]
    assert requirement(lines).url == f"{url}#sha256={DIGEST}"
    assert "before_script" not in gitlab


@pytest.mark.parametrize(("recorded", "written"), [
    # A token pip left as the user name would be committed with requirements.txt: it goes.
    ("https://ghp_secret@github.com/acme/policypress", "https://github.com/acme/policypress"),
    ("https://user:hunter2@git.example/policypress", "https://git.example/policypress"),
    # What a runner supplies itself stays: git's ssh user and an environment variable.
    ("ssh://git@github.com/acme/policypress.git", "ssh://git@github.com/acme/policypress.git"),
    ("https://${GITLAB_TOKEN}@gitlab.example/policypress", "https://${GITLAB_TOKEN}@gitlab.example/policypress"),
])
def test_credentials_never_reach_requirements_txt(recorded: str, written: str) -> None:
    pin = from_direct_url(json.dumps({"url": recorded, "vcs_info": {"vcs": "git", "commit_id": COMMIT}}), "0.1.0")
    assert pin == Pin(f"policypress @ git+{written}@{COMMIT}")


# --- installs only this computer can reach: a TODO above what installs here -------------------------------


@pytest.mark.parametrize(("record", "what", "written"), [
    ({"url": "file:///home/editor/src/policypress", "dir_info": {"editable": True}}, "a folder",
     "policypress @ file:///home/editor/src/policypress"),
    ({"url": "file:///home/editor/src/policypress", "dir_info": {}}, "a folder",
     "policypress @ file:///home/editor/src/policypress"),
    ({"url": "file:///home/editor/Downloads/policypress-0.1.0-py3-none-any.whl",
      "archive_info": {"hashes": {"sha256": DIGEST}}}, "a file",
     f"policypress @ file:///home/editor/Downloads/policypress-0.1.0-py3-none-any.whl#sha256={DIGEST}"),
    ({"url": "file:///home/editor/clones/policypress", "vcs_info": {"vcs": "git", "commit_id": COMMIT}}, "a repository",
     f"policypress @ git+file:///home/editor/clones/policypress@{COMMIT}"),
], ids=["editable", "folder", "wheel", "clone"])
def test_what_only_this_computer_reaches_gets_a_todo_that_check_lists(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, record: dict[str, Any], what: str, written: str) -> None:
    installed_as(monkeypatch, record)
    root = tmp_path / "site"
    result = run_cli(["new", str(root), *COMPANY], tmp_path)
    assert "Next: 34 places marked TODO" in result.stdout  # 33 of the company's, and this one
    lines = (root / "requirements.txt").read_text(encoding="utf-8").splitlines()
    hint = (f"a requirement a CI runner can install, in place of the line below (it names {what} on this computer): "
            "policypress==0.1.0 once that version is on PyPI, or policypress @ git+https://github.com/OWNER/policypress"
            "@COMMIT; and delete this comment")
    assert lines[1:] == [f"# TODO: {hint}", written]
    assert requirement(lines).url == written.removeprefix("policypress @ ")  # it still installs here
    assert parse_yaml((root / ".gitlab-ci.yml").read_text(encoding="utf-8"))["before_script"]  # for the git URL offered

    check = run_cli(["check"], root)
    assert check.returncode == 1
    assert f"  requirements.txt:2: still a placeholder: replace the TODO with {hint}" in check.stderr.splitlines()
    # Written as the hint says, the placeholder is gone and the rest of the site's are still listed.
    (root / "requirements.txt").write_text(f"policypress @ git+https://github.com/acme/policypress@{COMMIT}\n")
    check = run_cli(["check"], root)
    assert "requirements.txt" not in check.stderr and "mkdocs.yml:" in check.stderr


@pytest.mark.parametrize("record", [
    "{not json", "[]", json.dumps({"url": "file:///x"}), json.dumps({"dir_info": {}}),
    json.dumps({"url": 5, "dir_info": {}}), json.dumps({"url": "https://x.example/p", "vcs_info": {"vcs": "git"}}),
    json.dumps({"url": "file:///a b\n-e /etc", "dir_info": {}}),  # a line break would start a second requirement
], ids=["not-json", "a-list", "no-kind", "no-url", "url-not-text", "no-commit", "line-break"])
def test_a_record_that_cannot_be_read_gives_a_todo_and_no_requirement(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, record: str) -> None:
    installed_as(monkeypatch, record)
    lines, _ = make_site(tmp_path / "site")
    assert lines[1:] == [
        "# TODO: the requirement a CI runner installs policypress with (how this policypress was installed could not "
        "be read): policypress==0.1.0 once that version is on PyPI, or policypress @ "
        "git+https://github.com/OWNER/policypress@COMMIT"]
    assert [p.line for p in in_requirements(tmp_path / "site/requirements.txt", "requirements.txt")] == [2]


def test_not_installed_at_all(monkeypatch: pytest.MonkeyPatch) -> None:
    real = new_requirement.metadata.distribution

    def distribution(name: str) -> Any:
        if name == "policypress":
            raise new_requirement.metadata.PackageNotFoundError(name)
        return real(name)

    monkeypatch.setattr(new_requirement.metadata, "distribution", distribution)
    assert current() == Pin(None, "the requirement a CI runner installs policypress with (policypress was not "
                                  "installed): policypress==VERSION once that version is on PyPI, or policypress @ "
                                  "git+https://github.com/OWNER/policypress@COMMIT")


def test_a_source_folder_s_own_metadata_is_not_an_index_release(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A checkout's stale policypress.egg-info, found first when the checkout is the current folder,
    has no RECORD: the code runs from that folder, which is what the pin names."""
    only_policypress(monkeypatch, Installed({}))
    pin = current()
    assert pin.requirement == f"policypress @ {PACKAGE.parent.as_uri()}" and "a folder" in (pin.todo or "")
    # Installed metadata that describes another copy of policypress than the one running is not trusted either.
    only_policypress(monkeypatch, Installed({"RECORD": ""}, package=tmp_path / "policypress"))
    assert current().requirement == f"policypress @ {PACKAGE.parent.as_uri()}"


def test_this_checkout_runs_as_pip_recorded_it() -> None:
    """No patching: whatever installed the suite's policypress, the pin agrees with its record."""
    from importlib import metadata

    record = metadata.distribution("policypress").read_text("direct_url.json")
    pin = current()
    if record is None:
        assert pin.requirement in (f"policypress=={metadata.version('policypress')}",
                                   f"policypress @ {PACKAGE.parent.as_uri()}")
    else:
        assert pin == from_direct_url(record, metadata.version("policypress"))


# --- the TODO check reads requirements.txt safely ------------------------------------------------------


def test_requirements_txt_that_is_not_a_plain_text_file_is_not_read(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)  # reading it would wait for a writer for ever
    assert in_requirements(fifo, "requirements.txt") == []
    target = tmp_path / "elsewhere.txt"
    target.write_text("# TODO: leaked\n")
    link = tmp_path / "requirements.txt"
    link.symlink_to(target)
    assert in_requirements(link, "requirements.txt") == []
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\xff\xfeTODO\n")
    assert in_requirements(binary, "requirements.txt") == []
    assert in_requirements(tmp_path / "missing.txt", "requirements.txt") == []
    plain = tmp_path / "plain.txt"
    plain.write_text("mkdocs\n# TODO: pin policypress\nMASTODON==1\n")
    assert [(p.line, p.message) for p in in_requirements(plain, "requirements.txt")] == [
        (2, "still a placeholder: replace the TODO with pin policypress")]


# --- for real: installed from git+file://, the written requirement resolves elsewhere --------------------


@pytest.mark.slow
def test_installed_from_a_clone_new_pins_the_commit_and_pip_resolves_it(tmp_path: Path) -> None:
    """About a minute on two busy cores with test_install's wheelhouse (PyPI the first time); every step has
    a timeout.

    The repository is this working tree's package as a fresh git repository (the files git has or
    would add, as test_install builds them), so the code tested is the code here, committed or not.
    """
    from test_install import offline, run, source_tree, with_wheelhouse

    env = {key: value for key, value in os.environ.items()
           if key not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME") and not key.startswith("PYTEST")}
    env |= {"PATH": os.defpath, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "NO_MKDOCS_2_WARNING": "1",
            "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@example.org"}
    clone = source_tree(tmp_path / "clone")
    for command in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-q", "-m", "policypress"]):
        run(command, clone, env, timeout=60)
    commit = run(["git", "rev-parse", "HEAD"], clone, env).stdout.strip()
    url = f"git+{clone.as_uri()}@{commit}"

    # pip 24.1 or later: the pip of Python 3.11's venv (23.2) refuses `name @ git+file:///…` URLs (no host).
    made_with = tmp_path / "made-with"
    run([sys.executable, "-m", "venv", "--without-pip", made_with], tmp_path, env)
    with_wheelhouse([sys.executable, "-m", "pip", "--python", made_with / "bin/python", "install", "--quiet", "pip>=24.1"],
                    tmp_path, env, ["pip>=24.1"])
    pip = [made_with / "bin/python", "-m", "pip"]
    constraints = ["-c", ROOT / "constraints.txt"]
    with_wheelhouse([*pip, "install", "--quiet", "--no-compile", f"policypress @ {url}", *constraints], tmp_path, env,
                    [clone, *constraints])
    recorded = json.loads(run([made_with / "bin/python", "-c", "from importlib import metadata; print(metadata."
                               "distribution('policypress').read_text('direct_url.json'))"], tmp_path, env).stdout)
    assert recorded["vcs_info"] == {"vcs": "git", "commit_id": commit, "requested_revision": commit}

    site = tmp_path / "company"
    run([made_with / "bin/policypress", "new", site, *COMPANY], tmp_path, env, timeout=120)
    lines = (site / "requirements.txt").read_text(encoding="utf-8").splitlines()
    assert lines[-1] == f"policypress @ git+{clone.as_uri()}@{commit}"
    assert lines[1].startswith("# TODO: a requirement a CI runner can install, in place of the line below (it names "
                               "a repository on this computer)")

    # A second fresh environment resolves exactly what the site asks for (with its dependencies,
    # offline from the wheelhouse), as the site's CI would.
    fresh = tmp_path / "fresh"
    run([sys.executable, "-m", "venv", "--without-pip", fresh], tmp_path, env)
    resolved = run([*pip, "--python", fresh / "bin/python", "install", "--dry-run",
                    "--report", tmp_path / "report.json", "-r", site / "requirements.txt"], site, offline(env))
    report = json.loads((tmp_path / "report.json").read_text())
    ours = next(item for item in report["install"] if item["metadata"]["name"] == "policypress")
    assert ours["download_info"]["vcs_info"]["commit_id"] == commit, resolved.stdout
    assert {item["metadata"]["name"].lower() for item in report["install"]} >= {"mkdocs", "mkdocs-material", "jinja2"}
    assert not list(fresh.glob("lib/python*/site-packages/policypress"))  # a dry run installs nothing
