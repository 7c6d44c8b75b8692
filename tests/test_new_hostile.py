"""`policypress new` treats every value as data (issue 22, section 6): what would be syntax in
mkdocs.yml, Markdown or the theme's HTML is written escaped or refused with a message; control
characters are refused; e-mail addresses are addresses; and an interrupted `new` leaves no
temporary folder behind, or names the one a kill left."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import unquote

import markdown
import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import FixtureSite, run_cli
from policypress.new_escape import mailto, markdown_text, yaml_scalar
from policypress.new_staging import MARKER
from test_scaffold import fill, release_and_build

# Values that are syntax somewhere: Markdown emphasis, a javascript: link, code, a table cell, a
# heading's closing hash, a character that HTML reads, and an attribute list that would make the
# heading `autofocus onfocus=alert(…)`, which runs as soon as the page loads.
COMPANY = "Acme *AB* & AT&T [x](javascript:alert(1)) #1 | `c` \\ _u_ {: tabindex=0 autofocus onfocus=alert(1) }"
ORG_NUMBER = "HRB 12/3-4."
EMAIL = "x'*_{a}_*|`#&lt=!$%^~?/@acme.example"  # every character RFC 5322 allows before the @
DPO_EMAIL = "dpo_*_{c}+d@acme.example"
# A German register number does not tell the country: --country does.
HOSTILE = ["--company", COMPANY, "--org-number", ORG_NUMBER, "--country", "DE", "--email", EMAIL, "--dpo-email", DPO_EMAIL]
# The same site for a company whose values are plain: the hostile one must have the same elements.
PLAIN = ["--company", "Acme AB", "--org-number", "HRB 12345", "--country", "DE", "--email", "privacy@acme.example",
         "--dpo-email", "dpo@acme.example"]
EXTENSIONS = ["toc", "attr_list", "admonition", "tables", "def_list"]  # the generated mkdocs.yml's


def built(root: Path, flags: list[str]) -> Path:
    """A new site for `flags`, its placeholders filled, both policies released, built strictly."""
    result = run_cli(["new", str(root), *flags, "--languages", "sv,en"], root.parent)
    assert result.returncode == 0, result.stderr
    fill(root)
    release_and_build(root)
    return root / "site"


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(the hostile site, the plain site), built."""
    base = tmp_path_factory.mktemp("new-hostile")
    return built(base / "hostile", HOSTILE), built(base / "plain", PLAIN)


def shape(page: BeautifulSoup) -> list[tuple[str, tuple[str, ...]]]:
    """Every element of a page with the names of its attributes, in document order."""
    return [(tag.name, tuple(sorted(tag.attrs))) for tag in page.find_all(True)]


def html(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


# --- inert in the built site --------------------------------------------------------------------------


def test_hostile_values_add_no_element_or_attribute_to_any_page(sites: tuple[Path, Path]) -> None:
    hostile, plain = sites
    pages = sorted(p.relative_to(hostile) for p in hostile.rglob("*.html"))
    assert pages == sorted(p.relative_to(plain) for p in plain.rglob("*.html")) and len(pages) > 10
    for relative in pages:
        page = html(hostile / relative)
        assert shape(page) == shape(html(plain / relative)), relative
        for tag in page.find_all(True):
            assert not any(name.startswith("on") for name in tag.attrs), (relative, tag)
            for name in ("href", "src", "action", "formaction"):
                assert not str(tag.get(name, "")).strip().lower().startswith("javascript:"), (relative, tag)


def test_hostile_values_appear_as_written(sites: tuple[Path, Path]) -> None:
    hostile, _ = sites
    for prefix, heading in (("", "Integritet hos"), ("en/", "Privacy at")):
        home = html(hostile / prefix / "index.html")
        for anchor in home.select("h1 a.headerlink"):
            anchor.decompose()
        assert home.h1.get_text() == f"{heading} {COMPANY}"
        assert home.select_one(".md-copyright__highlight").get_text(strip=True) == f"© {COMPANY}"
        assert COMPANY in home.title.get_text() and COMPANY in home.select_one(".md-header__topic").get_text()
        assert COMPANY in home.select_one('meta[name="description"]')["content"]
        links = [(a.get_text(), a["href"]) for a in home.select('a[href^="mailto:"]')]
        assert links == [(DPO_EMAIL, mailto(DPO_EMAIL))]

        privacy = html(hostile / prefix / "privacy/index.html")
        assert COMPANY in [strong.get_text() for strong in privacy.select("strong")]
        assert ORG_NUMBER in privacy.get_text()
        written = [(a.get_text(), unquote(a["href"].removeprefix("mailto:"))) for a in privacy.select("article a[href^='mailto:']")]
        assert (EMAIL, EMAIL) in written and (DPO_EMAIL, DPO_EMAIL) in written


def test_the_generated_files_read_back_the_values(sites: tuple[Path, Path]) -> None:
    """mkdocs.yml holds the values as YAML strings (copyright as the HTML Material reads it); the
    editors' README shows the name as written."""
    root = sites[0].parent
    config = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
    options = next(p["policypress"] for p in config["plugins"] if isinstance(p, dict) and "policypress" in p)
    assert options["controller"]["name"] == COMPANY and options["controller"]["identifier"] == ORG_NUMBER
    assert options["controller"]["email"] == EMAIL and options["dpo"] == {"email": DPO_EMAIL}
    assert config["copyright"] == "© " + COMPANY.replace("&", "&amp;")
    readme = BeautifulSoup(markdown.markdown((root / "README.md").read_text(encoding="utf-8"), extensions=EXTENSIONS),
                           "html.parser")
    assert readme.h1.get_text() == f"Privacy and cookie policies of {COMPANY}"
    assert [(tag.name, list(tag.attrs)) for tag in readme.h1.find_all(True)] == []


@pytest.mark.browser
def test_no_page_of_the_hostile_site_runs_a_script_of_its_values(sites: tuple[Path, Path], page) -> None:  # type: ignore[no-untyped-def]
    from conftest import serve

    hostile, _ = sites
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    with serve(hostile) as url:
        for path in ("", "en/", "privacy/", "en/privacy/", "cookies/", "en/cookies/", "changelog/", "en/privacy/1.0/"):
            page.goto(f"{url.rstrip('/')}/{path}")
            page.wait_for_load_state("load")
            page.keyboard.press("Tab")  # focus moves: an onfocus would run now at the latest
        page.evaluate("alert('probe')")  # the handler sees an alert when there is one
    assert dialogs == ["probe"]


# --- the escaping itself --------------------------------------------------------------------------------

NASTY = [COMPANY, EMAIL, "- 1. x", "+ y", "1. Acme", "2) Acme", "# Acme #", "> quote", "<b>bold</b> &amp; &copy &#60;",
         "x{: #id .c }", "![i](x.png)", "[^1]", "a\\*b\\", "<!-- register: purposes -->", "| a | b |", "``x``"]


@pytest.mark.parametrize(("template", "shown", "element"), [
    ("Text {} end.", "Text {} end.", None), ("{}", "{}", None), ("**{}** (x)", "{} (x)", "strong"),
    ("# Privacy at {}", "Privacy at {}", None), ("[{}](mailto:a@b.se)", "{}", "a"),
])
def test_markdown_text_shows_any_value_as_written(template: str, shown: str, element: str | None) -> None:
    """Wherever a value stands in a line, the block shows it as written, with the template's own
    element (if any) and nothing else inside."""
    for value in NASTY:
        page = BeautifulSoup(markdown.markdown(template.format(markdown_text(value)), extensions=EXTENSIONS),
                             "html.parser")
        block = page.find(True)
        assert block.get_text() == shown.format(value), (template, value)
        assert [tag.name for tag in block.find_all(True)] == ([element] if element else []), (template, value)


def test_yaml_scalars_read_back_as_written() -> None:
    for value in [*NASTY, "NO", "1.0", "~", "null", "&anchor x", "*alias", "!tag x", "%x", "@x", "a: b", "a #b", " x",
                  "'q'", '"q"', "2026-01-01", "é – ü"]:
        assert yaml.safe_load(f"key: {yaml_scalar(value)}") == {"key": value}, value
        assert yaml.safe_load(f"key: [{yaml_scalar(value, flow=True)}]") == {"key": [value]}, value


# --- refused, with a message, nothing written -----------------------------------------------------------

GOOD = {"--company": "Acme AB", "--org-number": "559900-0147", "--email": "privacy@acme.example"}
REFUSED = [
    ("--company", "<script>alert(1)</script> AB",
     "expected a name without < > (the site's theme shows the name as HTML; typographic quotes “ ” are fine); "
     "found '<script>alert(1)</script> AB'"),
    ("--company", 'Say "hi" AB',
     "expected a name without \" (the site's theme shows the name as HTML; typographic quotes “ ” are fine); "
     "found 'Say \"hi\" AB'"),
    ("--company", "Acme &amp; Co",
     "expected a name without HTML character references such as &amp; (the site's theme shows the name as HTML; a "
     "plain & is fine); found 'Acme &amp; Co'"),
    ("--company", "\x1b[31mAcme AB",
     "expected printable text; found a control character, U+001B, at character 1 of '\\x1b[31mAcme AB'"),
    ("--company", "Acme\x85AB", "expected printable text; found a control character, U+0085, at character 5 of 'Acme\\x85AB'"),
    ("--company", "Acme\u202eBA", "expected printable text; found an invisible formatting character (such as a "
     "bidirectional override), U+202E (RIGHT-TO-LEFT OVERRIDE), at character 5 of 'Acme\\u202eBA'"),
    ("--company", "Acme\u2028AB",
     "expected printable text; found a line break, U+2028 (LINE SEPARATOR), at character 5 of 'Acme\\u2028AB'"),
    ("--company", "Acme\udcffAB", "expected printable text; found a byte that is not UTF-8 at character 5 of 'Acme\\udcffAB'"),
    ("--email", "a)[x](javascript:alert(1))@acme.example",
     "expected an e-mail address such as privacy@example.com, found 'a)[x](javascript:alert(1))@acme.example' (')' "
     "cannot stand before the @; letters, digits, dots and !#$%&'*+-/=?^_`{|}~ can)"),
    ("--email", "<img/src=x/onerror=alert(1)>@acme.example",
     "expected an e-mail address such as privacy@example.com, found '<img/src=x/onerror=alert(1)>@acme.example' ('<' "
     "cannot stand before the @; letters, digits, dots and !#$%&'*+-/=?^_`{|}~ can)"),
    ("--email", "privacy@acme.example\x1b]0;owned\x07",
     "expected printable text; found a control character, U+001B, at character 21 of "
     "'privacy@acme.example\\x1b]0;owned\\x07'"),
    ("--email", "privacy@acme",
     "expected an e-mail address such as privacy@example.com, found 'privacy@acme' (the part after the @ is not a "
     "domain name such as example.com)"),
    ("--email", "a..b@acme.example", "expected an e-mail address such as privacy@example.com, found 'a..b@acme.example' "
     "(the part before the @ starts or ends with a dot, or has two in a row)"),
    ("--email", "privacy@acme.example/x",
     "expected an e-mail address such as privacy@example.com, found 'privacy@acme.example/x' (the part after the @ is "
     "not a domain name such as example.com)"),
    ("--dpo-email", "dpo@acme.example)[x](javascript:alert(1)",
     "expected an e-mail address such as privacy@example.com, found 'dpo@acme.example)[x](javascript:alert(1)' (the "
     "part after the @ is not a domain name such as example.com)"),
    ("--org-number", "559900-0147<b>",
     "expected the organisation number, e.g. 559900-0142 (letters, digits, '-', '/', '.' and spaces)"),
    ("--org-number", "559900-0147\t",
     "expected printable text; found a control character, U+0009, at character 12 of '559900-0147\\t'"),
    ("--languages", "sv,\x1ben",
     "expected printable text; found a control character, U+001B, at character 4 of 'sv,\\x1ben'"),
]


@pytest.mark.parametrize(("flag", "value", "problem"), REFUSED, ids=[f"{f}-{i}" for i, (f, _, _) in enumerate(REFUSED)])
def test_a_value_that_cannot_be_data_is_refused(tmp_path: Path, flag: str, value: str, problem: str) -> None:
    flags = {**GOOD, flag: value}
    result = run_cli(["new", "site", *(item for pair in flags.items() for item in pair)], tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [f"policypress: {flag}: {problem}", "policypress: nothing was written"]
    assert list(tmp_path.iterdir()) == []


def test_a_folder_name_with_a_control_character_is_refused(tmp_path: Path) -> None:
    result = run_cli(["new", "site\x1b[2J", *(item for pair in GOOD.items() for item in pair)], tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "policypress: DIR: expected printable text; found a control character, U+001B, at character 5 of "
        "'site\\x1b[2J'; nothing was written"]
    assert list(tmp_path.iterdir()) == []


def test_a_control_character_typed_on_the_terminal_is_asked_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    from test_scaffold import Terminal

    answers = iter(["\x1b[2JAcme AB", "Acme AB", "", ""])  # then the default languages, no DPO
    monkeypatch.setattr(sys, "stdin", Terminal())
    monkeypatch.setattr(builtins, "input", lambda prompt: next(answers))
    result = run_cli(["new", "site", *(item for pair in GOOD.items() if pair[0] != "--company" for item in pair)], tmp_path)
    assert result.returncode == 0, result.stderr
    assert ("  expected printable text; found a control character, U+001B, at character 1 of '\\x1b[2JAcme AB'"
            in result.stdout.splitlines())
    assert yaml.safe_load((tmp_path / "site/mkdocs.yml").read_text(encoding="utf-8"))["copyright"] == "© Acme AB"


# --- an interrupted new leaves no temporary folder ------------------------------------------------------

# `policypress new`, whose fourth file waits (and says so on stdout) until the test stops it.
PAUSED = """
import sys, time
from pathlib import Path
original, count = Path.write_text, [0]
def write_text(self, *args, **kwargs):
    count[0] += 1
    if count[0] == 4:
        print("writing", flush=True)
        time.sleep(120)
    return original(self, *args, **kwargs)
Path.write_text = write_text
from policypress.cli import main
sys.exit(main(sys.argv[1:]))
"""


def new_process(cwd: Path, *command: str) -> subprocess.Popen[str]:
    return subprocess.Popen(list(command), cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def paused_new(cwd: Path) -> subprocess.Popen[str]:
    """`policypress new site`, stopped with its temporary folder half-written."""
    process = new_process(cwd, sys.executable, "-c", PAUSED, "new", "site",
                          *(item for pair in GOOD.items() for item in pair))
    assert process.stdout is not None and process.stdout.readline() == "writing\n", process.communicate()
    hidden = [p.name for p in cwd.iterdir()]
    assert len(hidden) == 1 and hidden[0].startswith(".site.new-") and (cwd / hidden[0] / MARKER).is_file(), hidden
    return process


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_stopped_new_removes_its_temporary_folder(tmp_path: Path, stop: signal.Signals) -> None:
    process = paused_new(tmp_path)
    process.send_signal(stop)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 128 + stop
    assert err.strip() == f"policypress: stopped by {stop.name}; nothing was written"
    assert list(tmp_path.iterdir()) == []


def test_a_killed_new_leaves_a_folder_that_the_next_run_removes(tmp_path: Path) -> None:
    process = paused_new(tmp_path)
    process.kill()
    process.wait(timeout=60)
    [left] = list(tmp_path.iterdir())
    assert (left / MARKER).is_file()

    rerun = new_process(tmp_path, str(Path(sys.executable).with_name("policypress")), "new", "site",
                        *(item for pair in GOOD.items() for item in pair))
    out, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err
    assert err.splitlines() == [f"policypress: note: removed {left}, the temporary folder of a `policypress new` that "
                                f"was killed (process {process.pid})"]
    assert [p.name for p in tmp_path.iterdir()] == ["site"] and (tmp_path / "site/mkdocs.yml").is_file()
    assert not (tmp_path / "site" / MARKER).exists()


def test_a_folder_that_is_not_provably_a_killed_new_is_named_and_left(tmp_path: Path) -> None:
    """Removed: only a marked folder whose process is gone on this machine, or an empty one.
    Named and left: one without a marker, one whose process runs, one made on another machine."""
    def folder(name: str, marker: dict[str, object] | None, content: bool = True) -> Path:
        path = tmp_path / name
        path.mkdir()
        if content:
            (path / "notes.txt").write_text("mine")
        if marker is not None:
            (path / MARKER).write_text(json.dumps(marker))
        return path

    host = socket.gethostname()
    unmarked = folder(".drafts.new-123-0badc0de", None)
    running = folder(f".site.new-{os.getppid()}-0000000a", {"pid": os.getppid(), "token": "0000000a", "host": host})
    elsewhere = folder(".site.new-1-0000000b", {"pid": 1, "token": "0000000b", "host": host + "-other"})
    forged = folder(".site.new-7-0000000c", {"pid": 8, "token": "0000000c", "host": host})  # pid does not match
    empty = folder(".site.new-9-0000000d", None, content=False)
    mine = folder(".x.new-notapid-0000000e", None)  # not our name at all: not even mentioned

    result = run_cli(["new", "site", *(item for pair in GOOD.items() for item in pair)], tmp_path)
    assert result.returncode == 0, result.stderr
    unproven = ("looks like the temporary folder of an interrupted `policypress new`, but has no marker that proves it; "
                "delete it yourself if it is")
    notes = {
        unmarked: f"left {unmarked} alone: it {unproven}",
        empty: f"removed {empty}, the empty temporary folder of a `policypress new` that was killed",
        running: f"left {running} alone: the `policypress new` writing it (process {os.getppid()}) is still running, or "
                 "this machine cannot tell; delete it yourself once it is not",
        elsewhere: f"left {elsewhere} alone: a `policypress new` on {host}-other is writing it, or was killed there; "
                   "delete it yourself if no `policypress new` runs there",
        forged: f"left {forged} alone: it {unproven}",
    }
    assert result.stderr.splitlines() == [f"policypress: note: {notes[path]}" for path in sorted(notes)]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [unmarked.name, running.name, elsewhere.name, forged.name, mine.name, "site"])
    assert all((p / "notes.txt").read_text() == "mine" for p in (unmarked, running, elsewhere, forged, mine))
