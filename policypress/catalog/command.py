"""`policypress services [QUERY]` and `policypress add SERVICE-ID [--purpose ID] [--dry-run]`."""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..core.problems import PolicyError, display_path, format_problems
from ..core.timeline import build_date
from ..siteconfig import UsageError, read_config, validated
from .add import AddError, Target, plan_add, write
from .load import catalog, search
from .model import CATEGORIES


def register(commands: Any, site: argparse.ArgumentParser) -> None:
    services = commands.add_parser("services", help="list or search the catalog of common services")
    services.add_argument("query", nargs="*", help="words to search for in id, name, company, category and hosts")
    services.add_argument("--unchecked", action="store_true",
                          help="only entries with a source not yet read against the provider's page")
    add = commands.add_parser("add", parents=[site], help="write a catalog service into the site's policies")
    add.add_argument("services", nargs="+", metavar="SERVICE-ID",
                     help="the service's id, as `policypress services` lists it (several: each in turn)")
    add.add_argument("--purpose", metavar="ID", help="attach it to this processing entry of the privacy policy "
                                                     "(default: the entry with the same DPV purpose, or a new one)")
    add.add_argument("--dry-run", action="store_true", help="print the changes as a diff and write nothing")


def run(args: argparse.Namespace) -> int:
    try:
        if args.command == "services":
            return list_services(" ".join(args.query), unchecked=args.unchecked)
        return add(args.config_file, args.services, args.purpose, args.dry_run)
    except PolicyError as error:  # pragma: no cover - a broken shipped catalog
        print(f"policypress: the catalog has problems\n{format_problems(error.problems)}", file=sys.stderr)
        return 2


def list_services(query: str, *, unchecked: bool = False) -> int:
    found = [service for service in search(query)
             if not unchecked or any(source.checked is None for source in service.sources)]
    if not found:
        what = "has a source not yet checked" if unchecked and not query else f"matches {query!r}"
        print(f"policypress: no service {what}; `policypress services` lists all {len(catalog())}", file=sys.stderr)
        return 1
    rows = [("ID", "NAME", "COMPANY", "CATEGORY", "COUNTRIES")] + [
        (s.id, s.name, s.company, CATEGORIES[s.category], ", ".join(s.countries)) for s in found]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[-1])
    return 0


def target_of(config_file: Path) -> Target:
    """What `add` needs of the site, read as `policypress check` reads it."""
    from ..core.load import load_site

    config = read_config(config_file)
    settings = validated(config, config_file)
    options = config.plugins["policypress"].config  # type: ignore[attr-defined]
    root = config_file.resolve().parent
    result = load_site(settings.docs_dir, settings.languages, settings.default, root=root, info=settings.info,
                       config_source=config_file.name)
    blocking = [problem for problem in result.problems if "TODO" not in problem.message]
    if blocking or result.site is None:
        raise UsageError(f"{config_file}: the site has problems to mend before a service is added; "
                         f"`policypress check` lists them", *format_problems(blocking).splitlines())
    policies = result.site.policies
    listing = [pid for pid, policy in policies.items() if policy.living.register.cookies]
    cookies = options.consent.policy or (listing[0] if len(listing) == 1 else None)
    url = settings.info.controller.url if settings.info.controller else None
    domain = urlsplit(url).hostname if url else None
    return Target(policies, tuple(settings.languages), settings.default, options.privacy_policy,
                  cookies if cookies in policies else None, domain or "TODO: your website's domain", build_date())


def add(config_file: Path, service_ids: list[str], purpose: str | None, dry_run: bool) -> int:
    services = catalog()
    unknown = [service_id for service_id in dict.fromkeys(service_ids) if service_id not in services]
    if unknown:
        raise UsageError(*(f"{service_id!r} is not in the catalog" + (
            f"; did you mean {', '.join(close)}?" if (close := difflib.get_close_matches(service_id, services, n=3))
            else "; `policypress services` lists them") for service_id in unknown))
    chosen = [services[service_id] for service_id in dict.fromkeys(service_ids)]
    target = target_of(config_file)
    try:
        plan = plan_add(target, chosen, purpose)
    except AddError as error:
        raise UsageError(f"cannot add {', '.join(s.id for s in chosen)}: the register has no place for it",
                         *error.lines) from None
    root = config_file.resolve().parent
    if not plan.changed:
        print(f"policypress: {', '.join(s.id for s in chosen)} {'is' if len(chosen) == 1 else 'are'} already in the "
              f"register; nothing to change")
        return 0
    if dry_run:
        for doc in plan.changed:
            shown = display_path(doc.path, root)
            sys.stdout.writelines(difflib.unified_diff(doc.original.splitlines(True), doc.text().splitlines(True),
                                                       f"a/{shown}", f"b/{shown}"))
        return 0
    written = write(plan)
    print(f"policypress: added {', '.join(f'{s.name} ({s.company})' for s in chosen)}: {'; '.join(plan.done)}")
    print(f"policypress: wrote {', '.join(display_path(path, root) for path in written)}")
    for policy_id in plan.started:
        print(f"note: {policy_id} was released as it stood, so its next version was started; write its summary "
              f"in every language and check its effective date before `policypress release {policy_id}`")
    print("next: `policypress check` lists what only you can fill in")
    return 0
