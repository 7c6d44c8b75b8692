"""The start of a build: the sources read and checked once, for every language of the build,
and every problem reported."""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger

from ..core.art13 import criterion_notes
from ..core.load import LoadResult, load_site
from ..core.problems import PolicyError, Problem, explained, format_problems
from ..core.symlinks import links_in
from ..core.timeline import Timeline, build_date
from . import consent
from .config import PolicyConfig, site_info
from .routes import Routes
from .state import BuildState, Command

log = get_plugin_logger(__name__)


def published_links(config: MkDocsConfig) -> list[Problem]:
    """The symbolic links in the folders a build copies into the site: docs_dir and the theme's
    custom_dir (extra_css and extra_javascript are files of docs_dir)."""
    folders = [Path(folder) for folder in (config.docs_dir, config.theme.custom_dir) if folder]
    return links_in(folders, Path(config.config_file_path).parent)


def refuse_links(config: MkDocsConfig) -> None:
    """Raise before anything is read, cleaned or written: in every build mode and in the preview."""
    if links := published_links(config):
        raise PluginError(f"{format_problems(links)}\nNothing was built or published: fix these and build again.")


def start_build(command: Command, options: PolicyConfig, config: MkDocsConfig, languages: list[str],
                default_language: str, bundle: tuple[str, str] | None) -> BuildState:
    config_file = Path(config.config_file_path)
    result = load_site(Path(config.docs_dir), languages, default_language, root=config_file.parent,
                       info=site_info(options, default_language), config_source=config_file.name)
    site = result.site
    try:
        today = build_date()
    except PolicyError as error:
        raise PluginError(str(error)) from None
    if result.problems and command != "serve":
        # Whatever flags MkDocs was given (no --strict, -q): a tampered or incomplete policy is
        # never published, and nothing is written.
        raise PluginError(f"{format_problems(result.problems)}\nNothing was published: fix these and build again "
                          "(`mkdocs serve` shows each problem on its page).")
    for problem in result.problems:
        log.warning(explained(problem))
    timelines = {pid: Timeline(policy, today) for pid, policy in site.policies.items()}
    build = BuildState(command, options, site, today, Routes(site, Path(config.docs_dir), config.site_url),
                       timelines, bundle, consent_policy=None, problems=problems_by_file(result),
                       set_aside=result.set_aside, set_aside_revisions=result.set_aside_revisions)
    for policy in site.policies.values():
        if policy.draft is not None:
            shown = timelines[policy.id].shown
            log.warning(f"{policy.living.texts[default_language].source}: {policy.id} {policy.draft.version} is not "
                        f"released yet; run `policypress release {policy.id}` to publish it (until then the site "
                        f"shows {'nothing' if shown.published is None else shown.version})")
    # Findings that refuse nothing, not even a strict build: retention criteria in words.
    for note in criterion_notes(site):
        log.info(f"note: {note}")
    build.consent_policy = consent.consent_policy(site, options.consent)
    # A privacy policy left out for its own problems is not missing: those problems say why.
    if site.policies and options.privacy_policy not in site.policies and options.privacy_policy not in result.set_aside:
        log.warning(f"privacy_policy: expected the id of a policy ({', '.join(site.policies)}), "
                    f"found {options.privacy_policy!r}; pages get no <link rel=\"privacy-policy\">")
    if bundle is None:
        log.info("Material's bundle has changed; its sitemap.xml requests for alternate links are not suppressed")
    return build


def problems_by_file(result: LoadResult) -> dict[str, list[Problem]]:
    """For the preview: each file's problems, and on every file a policy's problem names, all of
    that policy's problems (its pages are not built as a policy until they are fixed)."""
    by_file: dict[str, list[Problem]] = {}
    for found in result.by_policy.values():
        for source in dict.fromkeys(p.source for p in found):
            by_file.setdefault(source, []).extend(p for p in found if p not in by_file.get(source, []))
    for problem in result.problems:
        if problem not in by_file.get(problem.source, []):
            by_file.setdefault(problem.source, []).append(problem)
    return by_file
