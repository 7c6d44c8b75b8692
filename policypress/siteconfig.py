"""A site's mkdocs.yml as the commands read it: loaded the way MkDocs loads it, validated by
MkDocs and by the plugin's own option checks. `check`, `release`, `build`, the audit and the
receipts service all read a site through this module; it knows no command."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .core.model import SiteInfo
from .core.problems import Problem, display_path, explained

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig


class UsageError(Exception):
    """A problem with the command line or mkdocs.yml: printed without a traceback, each line
    given as a line of its own."""

    def __init__(self, *lines: str) -> None:
        super().__init__(*lines)
        self.lines = lines


@dataclass
class Settings:
    """What the commands need of mkdocs.yml, read the way MkDocs reads it."""

    docs_dir: Path
    languages: list[str]
    default: str
    info: SiteInfo
    # What a strict build (as `policypress build` runs it) refuses, though a plain one goes on.
    warnings: list[Problem]


def read_config(config_file: Path, site_dir: Path | None = None) -> MkDocsConfig:
    """mkdocs.yml as MkDocs reads it (INHERIT and !ENV included), not yet validated; `site_dir`
    as given with -d."""
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.exceptions import ConfigurationError

    if not config_file.is_file():
        raise UsageError(f"{config_file}: no such file; expected the site's mkdocs.yml (use -f to name another)")
    config = MkDocsConfig(config_file_path=os.path.abspath(config_file))
    try:
        with config_file.open("rb") as file:
            config.load_file(file)
    except ConfigurationError as error:
        raise UsageError(f"{config_file}: {error}") from None
    except RecursionError:  # a hostile file: YAML nested deeper than the parser can follow
        raise UsageError(f"{config_file}: expected a mapping of MkDocs options, found values nested too deeply to "
                         f"be read; write the configuration out flat") from None
    if site_dir is not None:
        config.load_dict({"site_dir": str(site_dir)})
    return config


def folder_option(config: MkDocsConfig, key: str) -> Path:
    """docs_dir or site_dir as MkDocs resolves it: a relative path is relative to mkdocs.yml."""
    return Path(os.path.abspath(os.path.join(os.path.dirname(config.config_file_path), str(config[key]))))


def validated(config: MkDocsConfig, config_file: Path) -> Settings:
    """The site folder checked, MkDocs' validation of the whole file, then the checks the plugin
    makes of its options when a build starts (the same functions): what one refuses, the other
    refuses too."""
    from mkdocs.exceptions import PluginError

    from .plugins import consent, theme
    from .plugins.config import OptionsError, config_problem, language_problems, site_info
    from .plugins.i18n import i18n_languages

    refuse_sources(folder_option(config, "site_dir"), config)
    # MkDocs and the plugins log as they validate; the command reports what they return.
    logger = logging.getLogger("mkdocs")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        errors, warnings = config.validate()
        if errors:
            raise UsageError(*(line for key, error in errors for line in (
                map(explained, error.problems) if isinstance(error, OptionsError) else [f"{config_file}: {key}: {error}"])))
        plugin = config.plugins.get("policypress")
        if plugin is None:
            raise UsageError(f"{config_file}: the policypress plugin is not in 'plugins'; add '- policypress'")
        languages, default = i18n_languages(config, plugin.config.i18n_plugin)
        theme.check_site_url(config)
        refused = consent.check_options(plugin.config.consent, config) + language_problems(plugin.config, languages)
    except PluginError as error:
        raise UsageError(*str(error).splitlines()) from None
    finally:
        logger.setLevel(level)
    refused += [config_problem(config.config_file_path, (key,), str(message)) for key, message in warnings]
    return Settings(folder_option(config, "docs_dir"), languages, default, site_info(plugin.config, default), refused)


def site_settings(config_file: Path) -> tuple[Path, list[str], str, SiteInfo]:
    """docs_dir, languages, default language and the site-wide controller details."""
    settings = validated(read_config(config_file), config_file)
    return settings.docs_dir, settings.languages, settings.default, settings.info


def refuse_sources(target: Path, config: MkDocsConfig) -> None:
    """Raise if the site folder would be, hold or lie inside what must never be replaced: the
    project folder, the docs folder, mkdocs.yml, a git work tree."""
    config_file = Path(config.config_file_path)
    root, docs_dir = config_file.parent, folder_option(config, "docs_dir")
    docs = f"the docs folder ({display_path(docs_dir, root)})"
    places = [(name, place.resolve()) for name, place in
              [("the project folder (where mkdocs.yml is)", root), (docs, docs_dir), (f"the config file ({config_file.name})", config_file)]]
    found = target.resolve()
    reasons = [f"is {name}" for name, place in places if found == place]
    reasons += [f"lies inside {docs}"] if found.is_relative_to(docs_dir.resolve()) else []
    reasons += [f"contains {name}" for name, place in places if place.is_relative_to(found)]
    reasons += ["is the root of a git work tree"] if (found / ".git").exists() else []
    if reasons:
        raise UsageError(f"will not build into {display_path(target, root)}: it {reasons[0]}; nothing was changed. "
                         f"Build into a folder of the site's own, such as site (-d, or site_dir in mkdocs.yml)")
