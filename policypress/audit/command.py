"""`policypress audit URL [URL...]`: the command line, what it writes, and its exit codes:
0 clean (notices allowed), 1 violations, 2 the audit could not run (the reason is printed).

Everything is written at the end, each file through a temporary file renamed into place: an
audit that fails or is interrupted (Ctrl-C) leaves no file half-written.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Callable
from typing import Any, TextIO
from urllib.parse import urlsplit

from .compare import compare
from .declared import from_config_source, from_embedded, from_site
from ..catalog.identify import CatalogSource
from ..catalog.load import catalog
from .model import CannotRun, Options, Register, Result
from .origins import allow_value, consent_origins

HELP = "visit a website in Chromium and compare what it stores and sends with the cookie policy"
DESCRIPTION = ("Visits the given pages and their same-origin links in Chromium four times: before any choice, after "
               "'reject all', after 'accept all', and after withdrawing consent, and compares the cookies, storage "
               "keys and requests to other origins with the cookie policy's register. Exit 0: clean; 1: violations; "
               "2: the audit could not run.")
DEBIAN_CHROMIUM = "/usr/bin/chromium"
# Contexts per state at most (each holds a tab's memory; two states run side by side).
MAX_JOBS = 16
DEFAULT_CHROMIUM = DEBIAN_CHROMIUM if Path(DEBIAN_CHROMIUM).exists() else None


def positive(kind: Callable[[str], float]) -> Callable[[str], float]:
    """An argparse type: a number above 0 (not infinity, not NaN, which every comparison lets by)."""
    return bounded(kind, lambda value: value > 0, "a number above 0")


def seconds(text: str) -> float:
    """An argparse type: 0 seconds or more."""
    return bounded(float, lambda value: value >= 0, "0 seconds or more")(text)


def bounded(kind: Callable[[str], float], fits: Callable[[float], bool], expected: str) -> Callable[[str], float]:
    def parse(text: str) -> float:
        value = kind(text)
        if not math.isfinite(value) or not fits(value):
            raise argparse.ArgumentTypeError(f"expected {expected}, found {text!r}")
        return value
    parse.__name__ = getattr(kind, "__name__", "number")  # what argparse names in its message
    return parse


def register(commands: Any) -> None:
    """Adds `audit` to the command line's subparsers."""
    add_arguments(commands.add_parser("audit", help=HELP, description=DESCRIPTION))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("urls", nargs="+", metavar="URL", help="pages to start from (http or https); their origins are audited")
    register = parser.add_mutually_exclusive_group()
    register.add_argument("--site", type=Path, metavar="MKDOCS_YML",
                          help="compare with the cookie policy of this policypress site")
    register.add_argument("--config", metavar="FILE|FOLDER|URL",
                          help="compare with a consent banner configuration: a JSON file, a built page or site folder, "
                               "or a page's address (default: the configuration on the first page)")
    parser.add_argument("--max-pages", type=positive(int), default=50, metavar="N", help="visit at most N pages (default 50)")
    parser.add_argument("--jobs", type=bounded(int, lambda value: 1 <= value <= MAX_JOBS, f"a whole number from 1 to {MAX_JOBS}"),
                        default=1, metavar="N",
                        help="visit N pages at a time in each state, each in a browser context of its own (default 1); "
                             "the pages visited and what is reported stay the same")
    parser.add_argument("--timeout", type=positive(float), default=30.0, metavar="SECONDS",
                        help="give up on a page that has not loaded after this long (default 30)")
    parser.add_argument("--wait", type=seconds, default=1.0, metavar="SECONDS",
                        help="after a page has loaded, wait this long for what starts late (default 1)")
    parser.add_argument("--accept", metavar="SELECTOR", help="another banner: the CSS selector of its 'accept all' button")
    parser.add_argument("--reject", metavar="SELECTOR", help="another banner: the CSS selector of its 'reject all' button")
    parser.add_argument("--settings", metavar="SELECTOR",
                        help="another banner: an element that shows it again, to test withdrawal")
    parser.add_argument("--first-party", action="append", default=[], metavar="HOST",
                        help="a host the audited site stands for (e.g. the production domain when auditing staging)")
    parser.add_argument("--allow", action="append", default=[], metavar="ORIGIN|HOST",
                        help="another origin the pages may contact before any choice (e.g. your own API or a CDN): "
                             "scheme://host[:port] allows that origin only; a bare host allows it and its subdomains "
                             "on every port and scheme")
    parser.add_argument("--ignore-robots", action="store_true", help="visit pages robots.txt excludes")
    parser.add_argument("--chromium", metavar="PATH", default=DEFAULT_CHROMIUM,
                        help=f"the Chromium to run, or 'playwright' for Playwright's own (default: {DEBIAN_CHROMIUM} if "
                             f"present, else Playwright's own)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON on standard output")
    parser.add_argument("--report", type=Path, metavar="FILE.md|FILE.html",
                        help="write a report for people; HTML includes screenshots of the banner")
    parser.add_argument("--suggest", nargs="?", const="-", metavar="FILE",
                        help="front-matter entries for undeclared cookies, on standard output or into FILE (never "
                             "over a file it did not write)")


@dataclass
class Outputs:
    """Files written at the end, all or none."""

    files: list[tuple[Path, str, bool]] = field(default_factory=list)  # path, text, only over our own file

    def write(self) -> None:
        staged: list[tuple[Path, Path, bool]] = []
        try:
            # Files that must not replace another's first: a refusal then leaves nothing written.
            for path, text, guarded in sorted(self.files, key=lambda file: not file[2]):
                handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
                staged.append((path, Path(name), guarded))
                with os.fdopen(handle, "w", encoding="utf-8") as file:
                    file.write(text)
                os.chmod(name, 0o666 & ~umask())  # as any new file, not mkstemp's 0600
            for path, temporary, guarded in staged:
                if guarded and not ours(path):
                    raise CannotRun(f"{path}: exists and was not written by --suggest; not overwritten")
                if guarded and not path.exists():
                    os.link(temporary, path)  # fails, rather than replaces, if the file appeared meanwhile
                else:
                    os.replace(temporary, path)
        except FileExistsError as error:
            raise CannotRun(f"{error.filename}: appeared while the audit ran; not overwritten") from None
        except OSError as error:
            raise CannotRun(f"{error.filename or ''}: could not be written ({error.strerror})") from None
        finally:
            for _, temporary, _ in staged:
                temporary.unlink(missing_ok=True)


def umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def ours(path: Path) -> bool:
    """A file --suggest may write: none yet, or one it wrote before."""
    from .report import SUGGEST_MARK

    if not path.exists():
        return True
    try:
        with path.open(encoding="utf-8") as file:
            return file.readline().startswith(SUGGEST_MARK)
    except (OSError, UnicodeDecodeError):
        return False


def address_problem(url: str) -> str | None:
    """What is wrong with a page's address that starts with http(s)://, or None."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - read for its ValueError on a port that is none
    except ValueError as error:
        return str(error)
    return None if parts.hostname else "no host"


def checked(args: argparse.Namespace) -> None:
    """Refuse at once what cannot work, before a browser starts."""
    bad = [url for url in args.urls if not url.startswith(("http://", "https://"))]
    if bad:
        raise CannotRun(f"{bad[0]}: expected the address of a page, starting with http:// or https://")
    for url in args.urls:
        if (problem := address_problem(url)) is not None:
            raise CannotRun(f"{url}: not a valid address ({problem})")
    if bool(args.accept) != bool(args.reject):
        raise CannotRun("--accept and --reject go together: give the selectors of both buttons of the banner")
    if args.settings and not args.accept:
        raise CannotRun("--settings is for another banner: give --accept and --reject too")
    try:
        args.allow = [allow_value(value) for value in args.allow]
    except ValueError as error:
        raise CannotRun(str(error)) from None
    if args.chromium == "playwright":
        args.chromium = None
    if args.chromium and not Path(args.chromium).exists():
        raise CannotRun(f"--chromium {args.chromium}: no such file; install Chromium (apt-get install chromium) or name "
                        f"the one to run")
    if args.site is not None and not args.site.is_file():
        raise CannotRun(f"--site {args.site}: no such file; expected the policy site's mkdocs.yml")
    if args.report is not None and args.report.suffix.lower() not in (".md", ".html"):
        raise CannotRun(f"--report {args.report}: expected a file ending in .md or .html")
    if args.suggest == "-" and args.json:
        raise CannotRun("--json and --suggest both write to standard output; give --suggest a FILE")
    if args.suggest not in (None, "-") and not ours(Path(args.suggest)):
        raise CannotRun(f"--suggest {args.suggest}: exists and was not written by --suggest; not overwritten. "
                        f"Name a new file")
    for option, path in (("--report", args.report), ("--suggest", None if args.suggest in (None, "-") else Path(args.suggest))):
        if path is not None and not path.resolve().parent.is_dir():
            raise CannotRun(f"{option} {path}: its folder does not exist")


class Bar:
    """A progress bar on standard error, only when that is a terminal."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.shown = stream.isatty()

    def __call__(self, done: int, total: int, what: str) -> None:
        if not self.shown:
            return
        width = 30
        filled = width * done // max(total, 1)
        self.stream.write(f"\r  [{'#' * filled}{'.' * (width - filled)}] {done}/{total} page loads · {what}\033[K")
        self.stream.flush()

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()


def run(args: argparse.Namespace) -> int:
    """The audit as the command runs it; returns the exit code."""
    bar = Bar(sys.stderr)
    try:
        return audit(args, bar)
    except CannotRun as error:
        bar.close()
        for line in error.lines:
            print(f"policypress audit: {line}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        bar.close()
        print("policypress audit: interrupted; nothing was written", file=sys.stderr)
        return 2


def audit(args: argparse.Namespace, bar: Bar) -> int:
    from . import report
    from .crawl import Plan, Selectors, observe

    checked(args)
    # The register first: one that cannot be read stops the audit before a browser starts.
    register: Register | None = None
    if args.site is not None:
        register = from_site(args.site)
    elif args.config is not None:
        register = from_config_source(args.config, args.timeout)
    selectors = Selectors(args.accept, args.reject, args.settings) if args.accept else None
    plan = Plan(tuple(args.urls), args.max_pages, args.timeout, args.wait, not args.ignore_robots, selectors,
                args.chromium, screenshots=args.report is not None and args.report.suffix.lower() == ".html",
                jobs=args.jobs)
    try:
        observations = observe(plan, bar)
    finally:
        bar.close()
    # Without --site or --config, the register is what the site's own banner shows visitors.
    if register is None:
        if observations.embedded is None:
            why = f" ({observations.consent.note})" if observations.consent.operated == "none" else ""
            raise CannotRun(f"no register to compare with: {observations.pages[0]} has no policypress banner "
                            f"configuration{why}; give --site mkdocs.yml or --config")
        where = (f"{observations.loader}, loaded by {observations.pages[0]}" if observations.loader
                 else observations.pages[0])
        register = from_embedded(observations.embedded, f"the banner configuration of {where}")
    # The service catalog names what its services set before the Open Cookie Database does.
    options = Options(frozenset(args.first_party), frozenset(args.allow), consent_origins(register, observations),
                      (CatalogSource(catalog().values()),))
    result = Result(observations, register, tuple(compare(observations, register, options)), options)

    # Every file is made before any is written, then each moved into place.
    outputs = Outputs()
    if args.report is not None:
        text = report.html(result) if args.report.suffix.lower() == ".html" else report.markdown(result)
        outputs.files.append((args.report, text, False))
    if args.suggest not in (None, "-"):
        outputs.files.append((Path(args.suggest), report.suggest(result), True))
    outputs.write()
    # Standard output carries JSON or suggestions when asked for; the table then goes to stderr.
    stream = sys.stderr if args.json or args.suggest == "-" else sys.stdout
    width = shutil.get_terminal_size().columns if stream.isatty() else None
    print(report.table(result, width), file=stream)
    if args.json:
        sys.stdout.write(report.json_text(result))
    if args.suggest == "-":
        sys.stdout.write(report.suggest(result))
    return result.exit_code
