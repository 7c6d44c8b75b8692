"""Placeholders left to fill in: every `TODO` in a living text, a page or mkdocs.yml.

`policypress new` writes a site whose company-specific facts are placeholders such as
`TODO: your payment provider's name`. Each one is a problem until it is replaced, reported with
file, line and field like any other, so that `policypress check`, every build and `policypress
release` refuse a site that still has one, and the editor gets the list of what is left to write.

What is reported: every text value of a front matter that contains `TODO` (its field path and
line), every line of a Markdown body that contains it (its line, no field) and every text value
of mkdocs.yml that contains it (its option path and line), and every line of the requirements.txt
beside mkdocs.yml that contains it (`new` writes one there when the policypress that made the site
cannot be installed by a CI runner). The hint is what follows `TODO:` up
to the end of the value or line, or up to the `]` of `[TODO: …]` inside a sentence; a value
without one takes the hint from a `# TODO: …` comment on its line (mkdocs.yml's `site_url`).
Released revisions are not read here: a release refuses a policy with placeholders, so none
can be sealed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from .frontmatter import Loc, Source, read_source
from .problems import Problem, display_path, field_path

MARK = "TODO"
_MARK = re.compile(r"\bTODO\b")  # the word, not a part of one (MASTODON)
_HINT = re.compile(r"\[TODO(?::\s*(?P<bracketed>[^\]]*))?\]|\bTODO\b(?::\s*(?P<rest>.*))?")
_COMMENT = re.compile(r"\s#\s*TODO:?\s*(?P<hint>.*)$")


def message(text: str, comment: str | None = None) -> str:
    """What the editor is asked to write in place of the placeholder(s) in `text`."""
    hints = [(match["bracketed"] if match["bracketed"] is not None else match["rest"] or "").strip().rstrip(".")
             for match in _HINT.finditer(text)]
    hints = [hint for hint in hints if hint]
    if not hints and comment:
        hints = [comment.strip().rstrip(".")]
    if not hints:
        return f"still a placeholder: replace the {MARK} with your own text"
    return f"still a placeholder: replace the {MARK} with {'; and '.join(dict.fromkeys(hints))}"


def in_source(source: Source) -> list[Problem]:
    """The placeholders of one Markdown file: in its front matter's text values, then its body."""
    lines = source.text.splitlines()

    def line(loc: Loc) -> int | None:
        """The line of the placeholder itself: a folded text's may be below its key."""
        first = source.line_of(loc)
        return next((n for n in range(first, len(lines) + 1) if _MARK.search(lines[n - 1])), first) if first else first

    problems = [Problem(source.shown, line(loc), field_path(loc), message(value))
                for loc, value in _texts(source.meta or {}, ()) if _MARK.search(value)]
    first = source.body_line
    problems += [Problem(source.shown, first + index, "", message(line))
                 for index, line in enumerate(source.body.splitlines()) if _MARK.search(line)]
    return problems


def in_config(path: Path, shown: str) -> list[Problem]:
    """The placeholders of mkdocs.yml, at each option's line and path (a plugin's options under its
    name, as `plugins.config.config_lines` places them). A file that cannot be read has none here:
    reading it is MkDocs' part, and MkDocs reports it."""
    try:
        text = path.read_text(encoding="utf-8-sig")
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except (OSError, UnicodeError, yaml.YAMLError):
        return []
    lines = text.splitlines()
    problems: list[Problem] = []

    def walk(node: yaml.Node | None, loc: Loc) -> None:
        if isinstance(node, yaml.ScalarNode):
            if _MARK.search(node.value):
                number = node.start_mark.line
                comment = _COMMENT.search(lines[number]) if number < len(lines) else None
                problems.append(Problem(shown, number + 1, field_path(loc),
                                        message(node.value, comment["hint"] if comment else None)))
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    walk(value, (*loc, key.value))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                if loc == ("plugins",) and isinstance(item, yaml.MappingNode) and len(item.value) == 1:
                    walk(item, loc)  # `- name: {options}`: the options are under the plugin's name
                elif not (loc == ("plugins",) and isinstance(item, yaml.ScalarNode)):
                    walk(item, (*loc, index))

    walk(node, ())
    return problems


# More than any requirements file holds; a larger one is not read past this.
REQUIREMENTS_LIMIT = 1 << 20


def in_requirements(path: Path, shown: str) -> list[Problem]:
    """The placeholders of a requirements.txt: each line with a TODO. A link, a file that is not a
    regular file (a FIFO would hang the read) or one that is not text has none here: pip reports it."""
    try:
        if path.is_symlink() or not path.is_file():
            return []
        with path.open(encoding="utf-8-sig") as file:
            text = file.read(REQUIREMENTS_LIMIT)
    except (OSError, UnicodeError):
        return []
    return [Problem(shown, number, "", message(line))
            for number, line in enumerate(text.splitlines(), 1) if _MARK.search(line)]


def placeholders(
    living: Mapping[str, Mapping[str, Source]],
    pages: Iterable[Path],
    root: Path,
    config_source: str,
    into: dict[str, list[Problem]],
) -> list[Problem]:
    """Every placeholder of a site: each policy's living texts (added to `into`, by policy, so
    that they stay with the policy's other findings and keep it from being released), and the
    other pages, mkdocs.yml (`root / config_source`) and the requirements.txt beside it, returned."""
    for policy_id, texts in living.items():
        found = [problem for source in texts.values() for problem in in_source(source)]
        if found:
            into[policy_id] = into.get(policy_id, []) + found
    others = [problem for path in sorted(pages) for problem in in_source(read_source(path, display_path(path, root)))]
    beside = PurePosixPath(config_source).parent / "requirements.txt"
    return others + in_config(root / config_source, config_source) + in_requirements(root / beside, beside.as_posix())


def _texts(value: Any, loc: Loc) -> Iterable[tuple[Loc, str]]:
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, (*loc, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _texts(item, (*loc, index))
