"""A living policy file opened for editing: its front matter as a round-trip YAML document, so
that what an editor wrote (order, comments, quotes, folded text) stays as it was and only the
entries added appear in the diff.

ruamel.yaml rather than PyYAML here: PyYAML drops comments and rewrites every scalar's style on
output, which would turn one added recipient into a diff of the whole front matter."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

_FRONT = re.compile(r"\A(---[ \t]*\r?\n)(.*?\r?\n)(---[ \t]*(?:\r?\n|\Z))", re.S)


def _yaml() -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a line the editor wrote on one
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


@dataclass
class FrontDoc:
    """One Markdown file: the text before and after its front matter, and the front matter."""

    path: Path
    original: str
    head: str
    meta: CommentedMap
    tail: str

    @classmethod
    def open(cls, path: Path) -> FrontDoc:
        text = path.read_text(encoding="utf-8")
        match = _FRONT.match(text)
        if match is None:
            raise ValueError(f"{path}: expected front matter between --- lines at the top of the file")
        meta = _yaml().load(match.group(2))
        if not isinstance(meta, CommentedMap):
            raise ValueError(f"{path}: expected the front matter to be a mapping of keys to values")
        return cls(path, text, match.group(1), meta, match.group(3) + text[match.end():])

    def text(self) -> str:
        out = io.StringIO()
        _yaml().dump(self.meta, out)
        return self.head + out.getvalue() + self.tail

    @property
    def changed(self) -> bool:
        return self.text() != self.original

    def entries(self, key: str) -> CommentedSeq:
        """The list under `key`, created (after the last list of the register) if missing."""
        value = self.meta.get(key)
        if value is None:
            value = CommentedSeq()
            self.meta[key] = value
        if not isinstance(value, list):
            raise ValueError(f"{self.path}: {key}: expected a list, found {type(value).__name__}")
        return value


def flow(items: list[Any] | tuple[Any, ...]) -> CommentedSeq:
    """A list written on one line, [a, b], as the register's term lists are."""
    seq = CommentedSeq(items)
    seq.fa.set_flow_style()
    return seq


def flow_map(items: dict[str, Any]) -> CommentedMap:
    """A mapping written on one line, {duration: P2Y, after: collection}."""
    mapping = CommentedMap(items)
    mapping.fa.set_flow_style()
    return mapping


def entry(items: dict[str, Any]) -> CommentedMap:
    """A register entry: its keys in the order given, values left out when None."""
    return CommentedMap((key, value) for key, value in items.items() if value is not None)


def append(entries: CommentedSeq, item: CommentedMap) -> None:
    """Add `item` at the end of a list; the blank line or comment that followed the old last
    entry (ruamel keeps it on that entry's last key) now follows the new one."""
    trailing = None
    if entries and isinstance(entries[-1], CommentedMap) and entries[-1]:
        last = entries[-1]
        trailing = last.ca.items.pop(list(last)[-1], None)
    entries.append(item)
    if trailing is not None and item:
        item.ca.items[list(item)[-1]] = trailing


def find(entries: list[Any], key: str, value: str) -> CommentedMap | None:
    return next((item for item in entries if isinstance(item, dict) and item.get(key) == value), None)
