"""The site commands: `check` sources without building, `release` a policy's text, and `build`
without half-written sites."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .core.art13 import criterion_notes
from .core.load import load_site
from .core.problems import PolicyError, display_path, format_problems
from .core.release import ReleaseError, exclusive, plan_release, recover, write_release
from .core.seal import plan_seal, write_seal
from .core.timeline import build_date
from .siteconfig import UsageError, folder_option, read_config, site_settings, validated

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

    from .core.model import Site

# Written into every site `policypress build` makes: the only folders it ever replaces.
MARKER = ".policypress-site"


def check(config_file: Path) -> int:
    settings = validated(config := read_config(config_file), config_file)
    from .plugins.build import published_links  # as the build refuses them; MkDocs is loaded by now

    if links := published_links(config):  # reported before any source is read through one
        print(format_problems(settings.warnings + links), file=sys.stderr)
        return 1
    root = config_file.resolve().parent
    result = load_site(settings.docs_dir, settings.languages, settings.default, root=root, info=settings.info,
                       config_source=config_file.name)
    problems = settings.warnings + result.problems
    if problems:
        print(format_problems(problems), file=sys.stderr)
        print_notes(result.site)
        return 1
    count = len(result.site.policies)
    print(f"policypress: {count} polic{'y' if count == 1 else 'ies'} in {len(settings.languages)} languages, no problems")
    for policy in result.site.policies.values():
        if policy.draft is not None:
            print(f"note: {policy.id} {policy.draft.version} is not released yet; "
                  f"run `policypress release {policy.id}` to publish it")
    print_notes(result.site)
    return 0


def print_notes(site: Site) -> None:
    """Findings that refuse nothing: retention stated as a criterion in words (GDPR Art. 13(2)(a))."""
    for note in criterion_notes(site):
        print(f"note: {note}")


def release(config_file: Path, policy_id: str, published: dt.date | None) -> int:
    """Freeze a policy's living text as a released revision, in every language, or nothing.
    One release at a time: the sources are read under the lock, after an interrupted release
    was finished."""
    docs_dir, languages, default, info = site_settings(config_file)
    root = config_file.resolve().parent
    try:
        with exclusive(docs_dir, root):
            recovered = recover(docs_dir, root, languages, default)
            for finished in recovered:
                print(f"policypress: {finished.message}")
            if any(finished.completed and finished.policy == policy_id for finished in recovered):
                return 0
            result = load_site(docs_dir, languages, default, root=root, info=info, config_source=config_file.name)
            plan = plan_release(result, policy_id, published or build_date(), root)
            write_release(plan, root)
    except PolicyError as error:
        print(f"policypress: {policy_id} was not released; nothing was written.\n{error}", file=sys.stderr)
        return 1
    except ReleaseError as error:
        print(f"policypress: {policy_id} was not released: {error}", file=sys.stderr)
        return 1
    revision = plan.policy.living
    written = ", ".join(sorted(display_path(path, root) for path, _ in plan.files))
    print(f"policypress: released {policy_id} {revision.version} (published {plan.published}, "
          f"in effect from {revision.effective}): {written}")
    for notice in plan.notices:
        print(f"note: {notice}")
    return 0


def seal(config_file: Path) -> int:
    """Write the manifest of each folder whose revisions were released before manifests existed."""
    docs_dir, languages, default, _ = site_settings(config_file)
    root = config_file.resolve().parent
    try:
        with exclusive(docs_dir, root):
            result = load_site(docs_dir, languages, default, root=root, config_source=config_file.name, manifests=False)
            written = write_seal(plan_seal(result, root), root)
    except (PolicyError, ReleaseError) as error:  # problems in the sources, or a release running
        print(f"policypress: no manifest was written.\n{error}", file=sys.stderr)
        return 1
    for line in written:
        print(f"policypress: wrote {line}; commit it with the revisions")
    if not written:
        print("policypress: every folder with released revisions has its manifest; nothing to write")
    return 0


def build(config_file: Path, site_dir: Path | None) -> int:
    """A strict build into a fresh folder, moved into place only when it succeeded, so a failed
    build never replaces (or half-overwrites) the last good site. The site folder is site_dir of
    mkdocs.yml (or -d), as MkDocs resolves it; a folder is replaced only if policypress built it."""
    config = read_config(config_file, site_dir)
    validated(config, config_file)
    target = folder_option(config, "site_dir").resolve()  # a link to the site: the folder it leads to
    refuse_foreign(target, config)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = fresh_name(target, "build")
    staging.mkdir()  # as every folder of the site: with the permissions the umask gives
    try:
        command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config_file), "-d", str(staging)]
        if subprocess.run(command, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}).returncode != 0:
            print(f"policypress: build failed; {target} was left as it was", file=sys.stderr)
            return 1
        (staging / MARKER).write_text("This folder was built by `policypress build`, which replaces it with the next "
                                      "build. Keep nothing else here.\n", encoding="utf-8")
        refuse_foreign(target, config)  # again: the folder may have been filled while the site was built
        previous = fresh_name(target, "old")
        if target.exists():
            target.rename(previous)
        staging.rename(target)
        shutil.rmtree(previous, ignore_errors=True)
        print(f"policypress: site built into {target}")
        return 0
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def fresh_name(target: Path, purpose: str) -> Path:
    """A name next to the site folder that nothing has (renames within one folder are atomic)."""
    return target.with_name(f".site-{purpose}-{os.getpid()}-{secrets.token_hex(4)}")


def refuse_foreign(target: Path, config: MkDocsConfig) -> None:
    """Raise unless the site folder is new, empty or one policypress built, with no git work tree
    inside: only such a folder is replaced."""
    shown = display_path(target, Path(config.config_file_path).parent)
    if target.exists() and not target.is_dir():
        raise UsageError(f"will not build into {shown}: it is a file; nothing was changed. Build into a folder "
                         f"(-d, or site_dir in mkdocs.yml)")
    if target.is_dir() and any(target.iterdir()) and not (target / MARKER).is_file():
        raise UsageError(f"will not build into {shown}: it exists and was not built by `policypress build` (it has "
                         f"no {MARKER} file), so it may hold files of yours; nothing was changed. Move or empty it, "
                         f"or build into another folder (-d, or site_dir in mkdocs.yml)")
    git = next(target.rglob(".git"), None) if target.is_dir() else None
    if git is not None:
        raise UsageError(f"will not build into {shown}: it contains the root of a git work tree "
                         f"({display_path(git, Path(config.config_file_path).parent)}); nothing was changed. Move it "
                         f"out of the site folder")


def register(commands: Any, site: argparse.ArgumentParser) -> None:
    """The site commands' parsers; `site` holds the -f option every command shares."""
    commands.add_parser("check", parents=[site], help="validate every policy source and print all problems (exit 1 if any)")
    build_parser = commands.add_parser("build", parents=[site], help="strict build; the site folder is replaced only on success")
    build_parser.add_argument("-d", "--site-dir", type=Path, default=None,
                              help="the site folder (default: site_dir of mkdocs.yml, site); relative to mkdocs.yml")
    release_parser = commands.add_parser("release", parents=[site], help="freeze a policy's current text as a released revision")
    release_parser.add_argument("policy", help="the policy's id, e.g. privacy")
    release_parser.add_argument("--date", type=dt.date.fromisoformat, metavar="YYYY-MM-DD",
                                help="the publication date (default: SOURCE_DATE_EPOCH or today)")
    commands.add_parser("seal", parents=[site], help="once: record the revisions released before manifests existed "
                                                    "in a manifest per folder")


def run(args: argparse.Namespace) -> int:
    if args.command == "check":
        return check(args.config_file)
    if args.command == "release":
        return release(args.config_file, args.policy, args.date)
    if args.command == "seal":
        return seal(args.config_file)
    return build(args.config_file, args.site_dir)
