"""The `policypress` command: it only wires the commands; each lives in a module of its own."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import new as new_command
from . import sitecommands
from . import terms as terms_command
from .audit import command as audit_command
from .catalog import command as catalog_command
from .closedpipe import reader_gone
from .new_requirement import installed_version
from .receipts import command as receipts_command
from .siteconfig import UsageError

# Each command's module registers its parser and runs it.
COMMANDS = {"check": sitecommands, "build": sitecommands, "release": sitecommands, "seal": sitecommands,
            "receipts": receipts_command,
            "audit": audit_command, "new": new_command,
            "services": catalog_command, "add": catalog_command, "terms": terms_command}


def parser() -> argparse.ArgumentParser:
    """The whole command line, built without running it (the CLI reference is generated from it)."""
    parser = argparse.ArgumentParser(prog="policypress", description=__doc__)
    parser.add_argument("--version", action="version",
                        version=f"%(prog)s {installed_version() or '(not installed: no version)'}")
    # Every command reads the site's mkdocs.yml, named with -f as for `mkdocs build`.
    site = argparse.ArgumentParser(add_help=False)
    site.add_argument("-f", "--config-file", type=Path, default=Path("mkdocs.yml"), help="the site's mkdocs.yml")
    commands = parser.add_subparsers(dest="command", required=True)
    sitecommands.register(commands, site)
    receipts_command.register(commands)
    audit_command.register(commands)
    new_command.register(commands)
    catalog_command.register(commands, site)
    terms_command.register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        code = COMMANDS[args.command].run(args)
        # Inside the try: a reader that left after the last line is heard here, not at exit.
        sys.stdout.flush()
        return code
    except UsageError as error:
        for line in error.lines:
            print(f"policypress: {line}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `policypress … | head`: the reader has what it wanted
        return reader_gone()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
