"""The package as a company gets it (issue 14, part 2): the wheel and the sdist built as a release
builds them (PEP 517, in an isolated environment with the setuptools `[build-system]` asks for),
the wheel installed into a fresh virtual environment outside the repository, and a company's site
made with that environment's `policypress new`, filled in, released and built by its own
`mkdocs build --strict`. What the site needs at build time (templates, assets, catalogs,
vocabularies, the scaffold's texts) must therefore ship in the wheel.

It needs PyPI the first time: setuptools for the build and the dependencies for the install are
kept as wheels in a wheelhouse outside the repository (WHEELHOUSE), from which the next runs build
and install offline; a wheel missing there (a new pin in constraints.txt) is fetched again. About
15 s with the wheelhouse, 30 s without."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import time
import tomllib
import zipfile
from email.parser import Parser
from pathlib import Path

from packaging.requirements import Requirement

from conftest import TODAY
from test_scaffold import COMPANY, fill

ROOT = Path(__file__).resolve().parent.parent
WHEELHOUSE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "policypress-tests" / "wheels"

# What must be inside the package for a site to build, wherever it is installed.
SHIPPED = [
    "policypress/templates/main.html",
    "policypress/templates/policypress.html",
    "policypress/assets/consent/consent.min.js",
    "policypress/assets/policypress.css",
    "policypress/core/data/dpv-2.3-terms.json",
    "policypress/core/data/dpv-2.3-LICENSE.md",
    *(f"policypress/locale/{language}/LC_MESSAGES/policypress.{ext}" for language in ("sv", "en", "fi", "de")
      for ext in ("po", "mo")),
    "policypress/scaffold/project/mkdocs.yml.j2",
    "policypress/scaffold/project/github-workflow.yml.j2",
    *(f"policypress/scaffold/{language}/{name}.j2" for language in ("sv", "en", "fi", "de")
      for name in ("privacy.md", "privacy.yml", "cookies.md", "cookies.yml", "index.md", "site.yml")),
    *(f"policypress/scaffold/register/{policy}.yml.j2" for policy in ("privacy", "cookies")),
]


def run(command: list[str | Path], cwd: Path, env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True,
                            timeout=timeout)
    assert result.returncode == 0, f"{' '.join(map(str, command))}\n{result.stdout}\n{result.stderr}"
    return result


def offline(env: dict[str, str]) -> dict[str, str]:
    """pip (also the one `build` runs for its isolated environment) from the wheelhouse only."""
    return {**env, "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(WHEELHOUSE)}


def with_wheelhouse(command: list[str | Path], cwd: Path, env: dict[str, str], fetch: list[str | Path]) -> None:
    """Run `command` offline; if the wheelhouse lacks something, `pip wheel` what `fetch` names into it
    (from PyPI, or pip's cache) and run it offline again."""
    attempt = subprocess.run([str(part) for part in command], cwd=cwd, env=offline(env), capture_output=True, text=True)
    if attempt.returncode == 0:
        return
    WHEELHOUSE.mkdir(parents=True, exist_ok=True)
    run([sys.executable, "-m", "pip", "wheel", "--quiet", "--wheel-dir", WHEELHOUSE, *fetch], cwd, env)
    for own in WHEELHOUSE.glob("policypress-*.whl"):  # never installed from here: the test's own wheel is
        own.unlink()
    run(command, cwd, offline(env))


def metadata(text: str) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for key, value in Parser().parsestr(text).items():
        fields.setdefault(key, []).append(value)
    return fields


def source_tree(target: Path) -> Path:
    """The project as a release is built from it, outside the repository so that the build writes
    nothing there: the files git has or would add (tracked, or new and not ignored, as they are in
    the working tree), so that a file .gitignore hides from a commit is missing here too."""
    names = ["pyproject.toml", "README.md", "LICENSE", "policypress"]
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z", "--", *names],
                            cwd=ROOT, capture_output=True, text=True)
    if listed.returncode == 0:
        files = [name for name in listed.stdout.split("\0") if name and (ROOT / name).is_file()]
    else:  # not a git checkout (an unpacked sdist): every file but caches
        files = [path.relative_to(ROOT).as_posix() for name in names for path in
                 ([ROOT / name] if (ROOT / name).is_file() else (ROOT / name).rglob("*"))
                 if path.is_file() and "__pycache__" not in path.parts]
    for name in files:
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target / name)
    return target


def test_the_wheel_installed_elsewhere_makes_and_builds_a_company_site(tmp_path: Path) -> None:
    started = time.monotonic()
    steps: dict[str, float] = {}

    def lap(name: str) -> None:
        steps[name] = time.monotonic() - started - sum(steps.values())

    # A clean environment: nothing of the repository's virtual environment on the way.
    env = {key: value for key, value in os.environ.items()
           if key not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME") and not key.startswith("PYTEST")}
    env |= {"PATH": os.defpath, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "NO_MKDOCS_2_WARNING": "1"}

    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"]["requires"]
    setuptools = next(Requirement(r) for r in requires if Requirement(r).name == "setuptools")
    assert not setuptools.specifier.contains("76.9") and setuptools.specifier.contains("77.0")  # PEP 639's license

    source = source_tree(tmp_path / "source")
    dist = tmp_path / "dist"
    # The sdist, then the wheel built from the unpacked sdist: a file missing from the sdist fails here.
    with_wheelhouse([sys.executable, "-m", "build", "--outdir", dist, source], tmp_path, env, list(requires))
    (sdist,), (wheel,) = sorted(dist.glob("*.tar.gz")), sorted(dist.glob("*.whl"))
    lap("build")

    with tarfile.open(sdist) as archive:
        prefix = archive.getnames()[0].split("/")[0]
        names = {name.removeprefix(f"{prefix}/") for name in archive.getnames()}
        info = metadata(archive.extractfile(f"{prefix}/PKG-INFO").read().decode())  # type: ignore[union-attr]
    assert {"README.md", "LICENSE", "pyproject.toml", "PKG-INFO", *SHIPPED} <= names, sorted(set(SHIPPED) - names)
    with zipfile.ZipFile(wheel) as archive:
        inside = set(archive.namelist())
        dist_info = next(name.split("/")[0] for name in inside if name.endswith(".dist-info/METADATA"))
        meta = metadata(archive.read(f"{dist_info}/METADATA").decode())
        entry_points = archive.read(f"{dist_info}/entry_points.txt").decode()
    assert set(SHIPPED) <= inside, sorted(set(SHIPPED) - inside)
    assert f"{dist_info}/licenses/LICENSE" in inside
    assert not any(name.startswith(("tests/", "docs/")) for name in inside)
    for fields in (info, meta):
        assert fields["Name"] == ["policypress"] and fields["License-Expression"] == ["MIT"]
        assert fields["License-File"] == ["LICENSE"] and "License" not in fields
        assert tuple(map(int, fields["Metadata-Version"][0].split("."))) >= (2, 4)
        assert fields["Requires-Python"] == [">=3.11"]
        assert any(req.startswith("jinja2") for req in fields["Requires-Dist"])
    assert "policypress = policypress.cli:main" in entry_points
    assert "policypress = policypress.plugins.policy:PolicyPlugin" in entry_points
    # Every file of the package is in the wheel: nothing is found only in a checkout.
    files = {p.relative_to(source).as_posix() for p in (source / "policypress").rglob("*") if p.is_file()}
    assert files <= inside, sorted(files - inside)

    venv = tmp_path / "venv"
    bin_dir = venv / "bin"
    run([sys.executable, "-m", "venv", "--without-pip", venv], tmp_path, env)
    # The repository's pip installs into the new environment (no pip of its own to bootstrap: faster),
    # with the versions the suite passes with, and whatever the wheel's metadata requires.
    constraints = ["-c", ROOT / "constraints.txt"]
    with_wheelhouse([sys.executable, "-m", "pip", "--python", bin_dir / "python", "install", "--quiet", "--no-compile", wheel,
                     *constraints], tmp_path, env, [wheel, *constraints])
    located = run([bin_dir / "python", "-c", "import policypress; print(policypress.__file__)"], tmp_path, env)
    assert Path(located.stdout.strip()).is_relative_to(venv), located.stdout
    lap("install")

    site = tmp_path / "company"
    made = run([bin_dir / "policypress", "new", site, *COMPANY, "--languages", "sv,en,fi,de",
                "--dpo-email", "dpo@solvikkaffe.example"], tmp_path, env)
    assert "62 places marked TODO" in made.stdout  # 61 of the company's, and the requirement of a local wheel
    check = subprocess.run([bin_dir / "policypress", "check"], cwd=site, env=env, capture_output=True, text=True)
    assert check.returncode == 1 and check.stderr.startswith("policypress found 62 problems:"), check.stderr
    assert "\n  requirements.txt:2: still a placeholder: " in check.stderr
    fill(site)
    run([bin_dir / "policypress", "check"], site, env)
    for policy in ("privacy", "cookies"):
        run([bin_dir / "policypress", "release", policy], site, env)
    built = run([bin_dir / "mkdocs", "build", "--strict"], site, env)
    assert "WARNING" not in built.stderr, built.stderr
    lap("site")

    out = site / "site"
    home, privacy = (out / "index.html").read_text(), (out / "privacy/index.html").read_text()
    assert "Integritetspolicy" in home and "I korthet" in privacy  # the Swedish catalog (.mo)
    assert "Berättigat intresse" in privacy  # a DPV/GDPR label of the vocabulary, in Swedish
    assert "Lyhyesti" in (out / "fi/privacy/index.html").read_text()
    assert "Kurz gesagt" in (out / "de/privacy/index.html").read_text()
    assert (out / "assets/policypress/consent/consent.min.js").is_file()
    assert (out / "privacy/1.0/index.html").is_file() and (out / "en/changes.atom").is_file()
    assert (out / "processing.jsonld").is_file() and (out / "sitemap.xml").is_file()
    assert all(seconds > 0 for seconds in steps.values())
    print(f"install test: {', '.join(f'{name} {seconds:.1f} s' for name, seconds in steps.items())}; "
          f"total {time.monotonic() - started:.1f} s (the build date: {TODAY})")
