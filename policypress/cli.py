"""The `policypress` command: check sources without building, build without half-written sites."""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .core.load import LoadResult, load_site
from .core.model import SiteInfo
from .core.problems import PolicyError, display_path, format_problems
from .core.release import ReleaseError, exclusive, plan_release, recover, write_release
from .core.timeline import build_date


class UsageError(Exception):
    """A problem with the command line or mkdocs.yml: printed without a traceback."""


def site_settings(config_file: Path) -> tuple[Path, list[str], str, SiteInfo]:
    """docs_dir, languages, default language and the site-wide controller details, read the
    way MkDocs reads mkdocs.yml."""
    from mkdocs.config import load_config
    from mkdocs.exceptions import ConfigurationError, PluginError

    from .plugins.config import site_info
    from .plugins.i18n import i18n_languages

    if not config_file.is_file():
        raise UsageError(f"{config_file}: no such file; expected the site's mkdocs.yml (use -f to name another)")
    # MkDocs logs its own config warnings; the command reports only policy problems.
    logger = logging.getLogger("mkdocs")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        config = load_config(str(config_file))
        plugin = config.plugins.get("policypress")
        if plugin is None:
            raise UsageError(f"{config_file}: the policypress plugin is not in 'plugins'; add '- policypress'")
        languages, default = i18n_languages(config, plugin.config.i18n_plugin)
    except (ConfigurationError, PluginError) as error:
        raise UsageError(f"{config_file}: {error}") from None
    finally:
        logger.setLevel(level)
    return Path(config.docs_dir), languages, default, site_info(plugin.config)


def load(config_file: Path) -> tuple[LoadResult, Path]:
    """Every policy of the site, checked as the build checks it."""
    docs_dir, languages, default, info = site_settings(config_file)
    root = config_file.resolve().parent
    return load_site(docs_dir, languages, default, root=root, info=info, config_source=config_file.name), root


def check(config_file: Path) -> int:
    result, _ = load(config_file)
    languages = result.site.languages
    if result.problems:
        print(format_problems(result.problems), file=sys.stderr)
        return 1
    count = len(result.site.policies)
    print(f"policypress: {count} polic{'y' if count == 1 else 'ies'} in {len(languages)} languages, no problems")
    for policy in result.site.policies.values():
        if policy.draft is not None:
            print(f"note: {policy.id} {policy.draft.version} is not released yet; "
                  f"run `policypress release {policy.id}` to publish it")
    return 0


def release(config_file: Path, policy_id: str, published: dt.date | None) -> int:
    """Freeze a policy's living text as a released revision, in every language, or nothing.
    One release at a time: the sources are read under the lock, after an interrupted release
    was finished."""
    docs_dir, languages, default, info = site_settings(config_file)
    root = config_file.resolve().parent
    try:
        with exclusive(docs_dir, root):
            recovered = recover(docs_dir, root)
            for finished in recovered:
                print(f"policypress: {finished.message}")
            if any(finished.completed and finished.journal.policy == policy_id for finished in recovered):
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
    written = ", ".join(display_path(path, root) for path, _ in plan.files)
    print(f"policypress: released {policy_id} {revision.version} (published {plan.published}, "
          f"in effect from {revision.effective}): {written}")
    for notice in plan.notices:
        print(f"note: {notice}")
    return 0


def build(config_file: Path, site_dir: Path) -> int:
    """A strict build into a fresh folder, moved into place only when it succeeded, so a failed
    build never replaces (or half-overwrites) the last good site."""
    if not config_file.is_file():
        raise UsageError(f"{config_file}: no such file; expected the site's mkdocs.yml (use -f to name another)")
    site_dir = site_dir.resolve()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".site-build-", dir=site_dir.parent))
    try:
        command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config_file), "-d", str(staging)]
        if subprocess.run(command, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}).returncode != 0:
            print(f"policypress: build failed; {site_dir} was left as it was", file=sys.stderr)
            return 1
        previous = site_dir.with_name(f".site-old-{os.getpid()}")
        if site_dir.exists():
            site_dir.rename(previous)
        staging.rename(site_dir)
        shutil.rmtree(previous, ignore_errors=True)
        print(f"policypress: site built into {site_dir}")
        return 0
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="policypress", description=__doc__)
    # Every command reads the site's mkdocs.yml, named with -f as for `mkdocs build`.
    site = argparse.ArgumentParser(add_help=False)
    site.add_argument("-f", "--config-file", type=Path, default=Path("mkdocs.yml"), help="the site's mkdocs.yml")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check", parents=[site], help="validate every policy source and print all problems (exit 1 if any)")
    build_parser = commands.add_parser("build", parents=[site], help="strict build; the site folder is replaced only on success")
    build_parser.add_argument("-d", "--site-dir", type=Path, default=Path("site"))
    release_parser = commands.add_parser("release", parents=[site], help="freeze a policy's current text as a released revision")
    release_parser.add_argument("policy", help="the policy's id, e.g. privacy")
    release_parser.add_argument("--date", type=dt.date.fromisoformat, metavar="YYYY-MM-DD",
                                help="the publication date (default: SOURCE_DATE_EPOCH or today)")
    args = parser.parse_args(argv)
    try:
        if args.command == "check":
            return check(args.config_file)
        if args.command == "release":
            return release(args.config_file, args.policy, args.date)
        return build(args.config_file, args.site_dir)
    except UsageError as error:
        print(f"policypress: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
