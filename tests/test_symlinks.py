"""A build publishes only the project's own files (issue 22, section 1): a symbolic link in the
docs folder or the theme's custom_dir is refused by `policypress check` and by every build mode,
named with where it leads, and nothing is written.

The real commands run in a copy of the minimal fixture (tmp_path/minimal), as a user runs them;
what a link leaks lies in tmp_path/outside, outside the project."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import FixtureSite

BIN = Path(sys.executable).parent
ADVICE = "a build publishes no links: put a copy of what it leads to in its place, or remove it"
TAIL = "Nothing was built or published: fix these and build again."
# What a link could leak: written into a file outside the project and into every command's environment.
SECRET = "pp-fake-token-5e1d0c9b"
ENVIRONMENT = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PP_FAKE_TOKEN": SECRET}


def refused(link: str, found: str, place: str) -> str:
    return f"{link}: expected a file or a folder, found a symbolic link to {found} ({place}); {ADVICE}"


def outside(site: FixtureSite) -> Path:
    """A folder next to the project holding a secret (resolved: the message names the real path)."""
    folder = Path(os.path.realpath(site.root.parent)) / "outside"
    folder.mkdir(exist_ok=True)
    (folder / "secret.txt").write_text(f"TOKEN={SECRET}\n", encoding="utf-8")
    return folder


def passwd(site: FixtureSite) -> str:
    (site.docs / "passwd.txt").symlink_to("/etc/passwd")
    return refused("docs/passwd.txt", "/etc/passwd", "outside the project folder")


def secret_file(site: FixtureSite) -> str:
    outside(site)
    (site.docs / "secret.txt").symlink_to("../../outside/secret.txt")
    return refused("docs/secret.txt", f"../../outside/secret.txt, which leads to {outside(site)}/secret.txt",
                   "outside the project folder")


def environ(site: FixtureSite) -> str:
    """The process's environment; the message names the process that found it (PID)."""
    (site.docs / "env.txt").symlink_to("/proc/self/environ")
    return refused("docs/env.txt", "/proc/self/environ, which leads to /proc/PID/environ", "outside the project folder")


def folder(site: FixtureSite) -> str:
    (site.docs / "shared").symlink_to(outside(site), target_is_directory=True)
    return refused("docs/shared", str(outside(site)), "outside the project folder")


def etc(site: FixtureSite) -> str:
    (site.docs / "etc").symlink_to("/etc", target_is_directory=True)
    return refused("docs/etc", "/etc", "outside the project folder")


def docs_folder(site: FixtureSite) -> str:
    """The docs folder itself a link: the policies are there, and so is the secret."""
    moved = outside(site) / "docs"
    site.docs.rename(moved)
    site.docs.symlink_to(moved, target_is_directory=True)
    return refused("docs", str(moved), "outside the project folder")


def edit_config(site: FixtureSite, old: str, new: str) -> None:
    config = site.root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert old in text, old
    config.write_text(text.replace(old, new, 1), encoding="utf-8")


def overrides(site: FixtureSite) -> str:
    edit_config(site, "  font: false\n", "  font: false\n  custom_dir: overrides\n")
    (site.root / "overrides").mkdir()
    (site.root / "overrides" / "leak.txt").symlink_to(outside(site) / "secret.txt")
    return refused("overrides/leak.txt", f"{outside(site)}/secret.txt", "outside the project folder")


def extra_css(site: FixtureSite) -> str:
    edit_config(site, "plugins:\n", "extra_css:\n  - css/extra.css\nplugins:\n")
    (site.docs / "css").mkdir()
    (site.docs / "css" / "extra.css").symlink_to(outside(site) / "secret.txt")
    return refused("docs/css/extra.css", f"{outside(site)}/secret.txt", "outside the project folder")


def inside(site: FixtureSite) -> str:
    """A link that stays in the project still reaches what the project does not publish."""
    (site.root / ".env").write_text(f"TOKEN={SECRET}\n", encoding="utf-8")
    (site.docs / "env.txt").symlink_to("../.env")
    return refused("docs/env.txt", "../.env, which leads to .env", "inside the project folder")


def dangling(site: FixtureSite) -> str:
    (site.docs / "gone.md").symlink_to("missing.md")
    return refused("docs/gone.md", "missing.md, which leads to docs/missing.md", "nothing is there")


LINKS: dict[str, Callable[[FixtureSite], str]] = {
    "/etc/passwd": passwd, "secret file": secret_file, "/proc/self/environ": environ, "folder": folder,
    "/etc folder": etc, "docs folder": docs_folder, "overrides": overrides, "extra_css": extra_css,
    "inside the project": inside, "nothing there": dangling,
}


def report(*lines: str, pid: int) -> str:
    count = len(lines)
    found = "\n".join(f"  {line}" for line in lines).replace("/proc/PID/", f"/proc/{pid}/")
    return f"policypress found {count} problem{'s' if count != 1 else ''}:\n{found}"


def logged(*lines: str, pid: int) -> str:
    """The refusal as MkDocs logs it, whatever the mode."""
    return f"ERROR   -  {report(*lines, pid=pid)}\n{TAIL}\n"


@dataclass
class Run:
    returncode: int
    output: str
    pid: int


def run(site: FixtureSite, *command: str, timeout: float = 120) -> Run:
    """A command as a user runs it; its pid is the one /proc/self names inside it."""
    process = subprocess.Popen([str(BIN / command[0]), *command[1:]], cwd=site.root, env=ENVIRONMENT,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output, _ = process.communicate(timeout=timeout)
    return Run(process.returncode, output, process.pid)


def snapshot(root: Path) -> dict[str, bytes | str]:
    """Every entry of the project as it is: a file's bytes, a link's text (never followed)."""
    found: dict[str, bytes | str] = {}
    for here, folders, files in os.walk(root):
        for name in folders + files:
            path = Path(here, name)
            shown = path.relative_to(root).as_posix()
            found[shown] = (f"-> {os.readlink(path)}" if path.is_symlink() else
                            "folder" if path.is_dir() else path.read_bytes())
    return found


def assert_nothing_written(site: FixtureSite, before: dict[str, bytes | str], result: Run) -> None:
    assert snapshot(site.root) == before
    assert not (site.root / "site").exists()
    assert SECRET not in result.output and "Traceback" not in result.output and "Errno" not in result.output


@pytest.mark.parametrize("link", list(LINKS))
def test_check_names_the_link(minimal: FixtureSite, link: str) -> None:
    expected = LINKS[link](minimal)
    result = minimal.policypress("check")
    assert result.returncode == 1
    assert result.stderr == report(expected, pid=os.getpid()) + "\n"


@pytest.mark.parametrize("link", list(LINKS))
def test_build_refuses_the_link_and_writes_nothing(minimal: FixtureSite, link: str) -> None:
    expected = LINKS[link](minimal)
    before = snapshot(minimal.root)
    result = run(minimal, "mkdocs", "build")
    assert result.returncode == 1
    assert logged(expected, pid=result.pid) in result.output, result.output
    assert_nothing_written(minimal, before, result)


MODES = {
    "mkdocs build --strict": ["mkdocs", "build", "--strict"],
    "mkdocs build -q": ["mkdocs", "build", "-q"],
    "policypress build": ["policypress", "build"],
    "properdocs build": ["properdocs", "build", "-f", "mkdocs.yml"],
}


@pytest.mark.parametrize("mode", list(MODES))
def test_every_build_mode_refuses_the_links(minimal: FixtureSite, mode: str) -> None:
    expected = [secret_file(minimal), folder(minimal)]  # in reading order
    before = snapshot(minimal.root)
    result = run(minimal, *MODES[mode])
    assert result.returncode == 1
    assert logged(*expected, pid=result.pid) in result.output, result.output
    if mode == "policypress build":
        assert f"policypress: build failed; {minimal.root.resolve()}/site was left as it was" in result.output
    assert_nothing_written(minimal, before, result)


def test_a_site_built_earlier_stays_as_it_was(minimal: FixtureSite) -> None:
    assert minimal.build().returncode == 0
    expected = secret_file(minimal)
    before = snapshot(minimal.root)
    result = run(minimal, "mkdocs", "build")
    assert result.returncode == 1 and expected in result.output
    assert snapshot(minimal.root) == before


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.test", *args], cwd=cwd,
                          capture_output=True, text=True, check=True).stdout


def test_gh_deploy_pushes_nothing(minimal: FixtureSite, tmp_path: Path) -> None:
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(minimal.root, "init", "-q")
    git(minimal.root, "remote", "add", "origin", str(remote))
    expected = secret_file(minimal)
    git(minimal.root, "add", ".")  # git keeps the link as a link, as a pull request would bring it
    git(minimal.root, "commit", "-qm", "site")
    result = run(minimal, "mkdocs", "gh-deploy", "--force")
    assert result.returncode == 1
    assert logged(expected, pid=result.pid) in result.output, result.output
    assert git(remote, "branch", "--list") == "" and git(minimal.root, "branch", "--list", "gh-pages") == ""
    assert not (minimal.root / "site").exists()


def free_port() -> int:
    with contextlib.closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_refuses_to_start(minimal: FixtureSite) -> None:
    expected = secret_file(minimal)
    result = run(minimal, "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{free_port()}", "--no-livereload", timeout=60)
    assert result.returncode == 1
    assert logged(expected, pid=result.pid) in result.output, result.output
    assert "Serving on" not in result.output


@contextlib.contextmanager
def serving(site: FixtureSite, log: Path) -> Iterator[str]:
    """`mkdocs serve` with its rebuilds on changes, its output in `log`."""
    for _ in range(3):
        port = free_port()
        with log.open("w") as out:
            process = subprocess.Popen([str(BIN / "mkdocs"), "serve", "--dev-addr", f"127.0.0.1:{port}"], cwd=site.root,
                                       env=ENVIRONMENT, stdout=out, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 60
        while fetched(url) is None and process.poll() is None:
            assert time.monotonic() < deadline, f"mkdocs serve did not start:\n{log.read_text(encoding='utf-8')}"
            time.sleep(0.2)
        if process.poll() is None:
            break
        # Another process took the port between its pick and MkDocs' bind: pick another.
        assert "Address already in use" in log.read_text(encoding="utf-8"), log.read_text(encoding="utf-8")
    else:
        pytest.fail("mkdocs serve found no free port in three tries")
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def fetched(url: str) -> bytes | None:
    """The body served at `url`, or None: not found, or no answer (MkDocs' preview holds every
    request after a failed rebuild, until a build succeeds)."""
    with contextlib.suppress(OSError):
        return urllib.request.urlopen(url, timeout=3).read()
    return None


def wait_in_log(log: Path, text: str, count: int = 1) -> None:
    deadline = time.monotonic() + 60
    while log.read_text(encoding="utf-8").count(text) < count:
        assert time.monotonic() < deadline, f"{text!r} not seen {count} times:\n{log.read_text(encoding='utf-8')}"
        time.sleep(0.2)


def test_serve_never_serves_a_link_added_while_it_runs(minimal: FixtureSite, tmp_path: Path) -> None:
    log = tmp_path / "serve.log"
    with serving(minimal, log) as url:
        expected = secret_file(minimal)
        wait_in_log(log, TAIL)
        assert fetched(url + "secret.txt") is None
        # Once the link is gone the preview builds again, without it.
        (minimal.docs / "secret.txt").unlink()
        wait_in_log(log, "Documentation built in", count=2)
        assert fetched(url + "secret.txt") is None and fetched(url + "privacy/") is not None
    output = log.read_text(encoding="utf-8")
    assert logged(expected, pid=0) in output and "Traceback" not in output
