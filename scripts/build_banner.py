"""Minify the consent banner (banner/) into the files policypress ships (policypress/assets/consent/),
and the theme's stylesheet (policypress/assets/policypress.css) into policypress.min.css beside it;
or stage the npm package `@policypress/consent` with the minified banner.

rjsmin and rcssmin only remove comments and white space, so the shipped code is the source
code. The test suite rebuilds and compares, so the shipped files cannot drift from their sources
(and a site is built with the readable stylesheet while its minified copy is out of date).

Usage: .venv/bin/python scripts/build_banner.py                 # policypress/assets/
       .venv/bin/python scripts/build_banner.py --package DIR   # the npm package, to `npm publish` from DIR
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

import rcssmin
import rjsmin

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "banner"
ASSETS = ROOT / "policypress" / "assets"
HEADER = "/* policypress consent banner, MIT licence. Source: banner/ in the policypress repository. */\n"
# What the npm package holds besides the minified banner (npm adds package.json, README and LICENCE
# whatever `files` says; the rest must be listed there).
PACKAGE_FILES = ("package.json", "consent.d.ts", "README.md")


def minified() -> dict[str, str]:
    """The banner's files minified, under the names of their sources."""
    def read(name: str) -> str:
        return (SOURCE / name).read_text(encoding="utf-8")

    return {
        "consent.js": HEADER + rjsmin.jsmin(read("consent.js")) + "\n",
        "consent.mjs": HEADER + rjsmin.jsmin(read("consent.mjs")) + "\n",
        "consent.css": HEADER + rcssmin.cssmin(read("consent.css")) + "\n",
    }


def built() -> dict[str, str]:
    """Path under policypress/assets/ -> content of every shipped file, from the sources."""
    # The theme reads which source its minified stylesheet was made from (imported here only: the
    # npm package is staged where policypress is not installed).
    from policypress.plugins import theme

    files = minified()
    source = theme.STYLESHEET_SOURCE.read_bytes()
    return {
        "consent/consent.min.js": files["consent.js"],
        "consent/consent.min.mjs": files["consent.mjs"].replace("./consent.js", "./consent.min.js"),
        "consent/consent.min.css": files["consent.css"],
        "policypress.min.css": theme.minified_header(source).decode() + rcssmin.cssmin(source.decode()) + "\n",
    }


def package(target: Path) -> None:
    """The npm package, staged in `target`: package.json, the types and the README from banner/,
    the licence, and the banner minified under the names package.json exports."""
    target.mkdir(parents=True, exist_ok=True)
    for name in PACKAGE_FILES:
        shutil.copyfile(SOURCE / name, target / name)
    shutil.copyfile(ROOT / "LICENSE", target / "LICENSE")
    for name, content in minified().items():
        (target / name).write_text(content, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", type=Path, metavar="DIR", help="stage the npm package in DIR instead")
    args = parser.parse_args(argv)
    if args.package:
        package(args.package)
        print(f"staged the npm package in {args.package}: cd {args.package} && npm publish --access public")
        return 0
    for name, content in built().items():
        (ASSETS / name).parent.mkdir(parents=True, exist_ok=True)
        (ASSETS / name).write_text(content, encoding="utf-8")
        print(f"wrote {(ASSETS / name).relative_to(ROOT)} ({len(content.encode())} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
