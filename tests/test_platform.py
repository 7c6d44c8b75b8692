"""The platform: ProperDocs, the maintained fork of MkDocs 1.x, builds the example site exactly as
MkDocs 1.6 does. Both are installed in the same venv; each build runs its own command, as a user
would, with the same SOURCE_DATE_EPOCH (set by conftest)."""

from __future__ import annotations

import difflib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import copy_example

# The one line allowed to differ: it names the generator ("mkdocs-1.6.1" or "properdocs-1.6.7").
GENERATOR = re.compile(rb'<meta name="generator" content="[^"]*">')
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}


def start(command: str, root: Path, site: Path) -> subprocess.Popen[str]:
    """`<command> build --strict` of the site in `root` into `site`, started in the background.
    The configuration is named: ProperDocs looks for properdocs.yml first."""
    executable = Path(sys.executable).with_name(command)
    return subprocess.Popen([str(executable), "build", "--strict", "-f", "mkdocs.yml", "-d", str(site)],
                            cwd=root, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def finish(process: subprocess.Popen[str]) -> tuple[int, str]:
    output, _ = process.communicate(timeout=300)
    return process.returncode, output


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The example site built by MkDocs and by ProperDocs, side by side (both only read the sources)."""
    root = copy_example(tmp_path_factory.mktemp("platform")).root
    targets = {command: root / f"site-{command}" for command in ("mkdocs", "properdocs")}
    running = {command: start(command, root, site) for command, site in targets.items()}
    results = {command: finish(process) for command, process in running.items()}
    for command, (returncode, output) in results.items():
        assert returncode == 0, f"{command} build --strict failed:\n{output}"
    return targets


def files(site: Path) -> set[str]:
    return {path.relative_to(site).as_posix() for path in site.rglob("*") if path.is_file()}


def difference(name: str, ours: bytes, theirs: bytes) -> str | None:
    """What differs between the MkDocs and the ProperDocs output of one file, beyond the
    generator line of a page; None if nothing does."""
    if ours == theirs:
        return None
    if name.endswith(".html"):
        ours, theirs = GENERATOR.sub(b"", ours), GENERATOR.sub(b"", theirs)
        if ours == theirs:
            return None
        lines = difflib.unified_diff(ours.decode(errors="replace").splitlines(),
                                     theirs.decode(errors="replace").splitlines(),
                                     "mkdocs", "properdocs", n=0, lineterm="")
        return f"{name}:\n" + "\n".join(list(lines)[:12])
    return f"{name}: the bytes differ ({len(ours)} against {len(theirs)})"


def test_properdocs_builds_the_example_site_as_mkdocs_does(sites: dict[str, Path]) -> None:
    mkdocs, properdocs = sites["mkdocs"], sites["properdocs"]
    names = files(mkdocs)
    assert len(names) > 50, sorted(names)
    assert names == files(properdocs), (
        f"only in the MkDocs build: {sorted(names - files(properdocs))}; "
        f"only in the ProperDocs build: {sorted(files(properdocs) - names)}")
    problems = [d for name in sorted(names)
                if (d := difference(name, (mkdocs / name).read_bytes(), (properdocs / name).read_bytes()))]
    assert not problems, "\n\n".join(problems)


def test_each_page_names_its_generator(sites: dict[str, Path]) -> None:
    """The generator lines differ as they should: proof that the second build really ran on
    ProperDocs (its command aliases `mkdocs.*` to `properdocs.*`), not on MkDocs again."""
    pages = sorted(name for name in files(sites["mkdocs"]) if name.endswith(".html"))
    for command, expected in (("mkdocs", b'content="mkdocs-1.6.'), ("properdocs", b'content="properdocs-1.6.')):
        found = {m.group(0) if (m := GENERATOR.search((sites[command] / name).read_bytes())) else None
                 for name in pages}
        assert len(found) == 1 and expected in (next(iter(found)) or b""), (command, found)


def test_a_problem_fails_the_strict_properdocs_build(tmp_path: Path) -> None:
    """policypress' warnings reach ProperDocs' strict mode (its log is `properdocs`, and the
    plugin's logger is named for whichever tool runs it): a broken source is not published."""
    site = copy_example(tmp_path)
    site.replace("privacy/index.sv.md", "legal_basis: eu-gdpr:A6-1-b", "legal_basis: consent")
    returncode, output = finish(start("properdocs", site.root, tmp_path / "site"))
    assert returncode != 0, output
    assert "docs/privacy/index.sv.md:" in output and "legal_basis" in output and "'consent'" in output, output
