"""Symbolic links in the folders a site is built from are refused, wherever they lead.

A build copies every file of the docs folder and of the theme's custom_dir into the site, and
follows links as it goes: `docs/env.txt -> /proc/self/environ` would publish the build machine's
environment, `docs/etc -> /etc` its configuration. Git stores a link as a link, so a pull request
can add one. Links that stay inside the project are refused too, as Jekyll's safe mode refuses
them: one can still reach `.git/config`, where a CI checkout keeps its token, or an untracked
`.env`. Nothing behind a link is read here.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from .problems import Problem, display_path


def links_in(folders: list[Path], root: Path) -> list[Problem]:
    """A problem for every symbolic link in `folders` or on the way to them from `root` (the
    project folder, where mkdocs.yml is), each once, in reading order."""
    found: dict[str, Problem] = {}
    for folder in folders:
        for link in links_under(folder, root):
            problem = refused(link, root)
            found[problem.source] = problem  # custom_dir may lie inside the docs folder
    return sorted(found.values(), key=Problem.sort_key)


def links_under(folder: Path, root: Path) -> Iterator[Path]:
    # A folder on the way from the project folder may itself be the link: nothing below it is walked.
    for step in [folder, *folder.parents]:
        if step == root or root not in step.parents:
            break
        if step.is_symlink():
            yield step
            return
    # followlinks=False: a linked folder is listed with the others but not entered.
    for here, folders, files in os.walk(folder, followlinks=False):
        yield from (path for path in (Path(here, name) for name in folders + files) if path.is_symlink())


def refused(link: Path, root: Path) -> Problem:
    """What the link is and where it leads: the text it holds, and the path that text resolves to
    when the two differ (`../x`, `/proc/self/...`)."""
    written, target = os.readlink(link), Path(os.path.realpath(link))
    inside = target.is_relative_to(os.path.realpath(root))
    leads = display_path(target, root) if inside else target.as_posix()
    place = ("nothing is there" if not os.path.exists(link) else
             "inside the project folder" if inside else "outside the project folder")
    found = f"a symbolic link to {written}" + (f", which leads to {leads}" if leads != written else "")
    return Problem(shown(link, root), None, "", f"expected a file or a folder, found {found} ({place}); a build "
                   "publishes no links: put a copy of what it leads to in its place, or remove it")


def shown(link: Path, root: Path) -> str:
    """The link's own path relative to the project (resolving it would name its target)."""
    return (PurePosixPath(display_path(link.parent, root)) / link.name).as_posix()
