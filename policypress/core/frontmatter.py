"""Read a Markdown source: split off the YAML front matter and remember where each field was.

This is the one front-matter parser of policypress. It differs from PyYAML's defaults
on purpose, so that editors get clear errors instead of silent surprises:

* dates stay text, so an impossible date such as 2026-02-30 is reported by the schema
  with its field name (PyYAML would raise a bare ValueError; MkDocs drops the whole
  front matter without a word);
* only `true`/`false` are booleans (YAML 1.2), so the country code `NO` stays Norway;
* a key written twice in one mapping is an error, not a silent overwrite;
* a hostile file cannot hang or crash a command: nesting deeper than MAX_DEPTH, aliases that
  expand to more than MAX_VALUES values, and values PyYAML cannot construct (an explicit
  `!!timestamp` of a day that does not exist, an integer of thousands of digits) are problems
  with their line, like any other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .problems import Problem, describe, field_path

# The same delimiters MkDocs accepts (mkdocs.utils.meta.YAML_RE), so both read the same block.
FRONT_MATTER_RE = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*(?:\n|$)", re.S)

Loc = tuple[str | int, ...]

# Far beyond any real front matter (a policy nests four levels, and has a few hundred values).
MAX_DEPTH = 50
DEEPER = f"expected front matter nested at most {MAX_DEPTH} levels deep, found deeper nesting here"
MAX_VALUES = 100_000


# libyaml's parser when PyYAML was built with it (much faster on large sites), else PyYAML's own;
# both keep line marks, and both use the Python resolver adjusted below.
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _FrontMatterLoader(_Base):  # type: ignore[misc, valid-type]
    """SafeLoader without timestamps and with YAML 1.2 booleans."""


_FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_FrontMatterLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def parse_yaml(text: str) -> Any:
    """YAML read with the same rules as front matter (dates as text, YAML 1.2 booleans)."""
    return yaml.load(text, Loader=_FrontMatterLoader)


@dataclass
class Source:
    """A Markdown file split into front matter (validated later) and body."""

    path: Path
    shown: str  # the path as it appears in messages
    meta: dict[str, Any] | None
    body: str
    text: str = ""  # the whole file, as read
    lines: dict[Loc, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def body_line(self) -> int:
        """The file line on which the Markdown body starts."""
        return self.text[: len(self.text) - len(self.body)].count("\n") + 1

    def line_of(self, loc: Loc) -> int | None:
        """The line of a field, or of its closest parent that exists in the file."""
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get((), None)


def read_source(path: Path, shown: str) -> Source:
    """Read one Markdown file; syntax problems are collected on the Source, never raised."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        problem = Problem(shown, line, "", f"expected UTF-8 text, found a byte that is not UTF-8 (0x{error.object[error.start]:02x}); save the file as UTF-8")
        return Source(path, shown, None, "", problems=[problem])
    except OSError as error:
        return Source(path, shown, None, "", problems=[Problem(shown, None, "", f"cannot be read: {error.strerror}")])
    match = FRONT_MATTER_RE.match(text)
    if not match:
        return Source(path, shown, None, text, text)
    body = text[match.end():]
    source = Source(path, shown, None, body, text)
    # Line 1 is the opening '---'; YAML's own line 0 is the file's line 2.
    meta, lines, problems = _load_yaml(match.group(1), first_line=2, shown=shown)
    source.lines = lines
    source.problems.extend(problems)
    if meta is None and problems:
        return source
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        source.problems.append(
            Problem(shown, 2, "", f"expected the front matter to be a mapping of keys to values, found {type(meta).__name__}")
        )
        return source
    source.meta = meta
    return source


def _load_yaml(text: str, first_line: int, shown: str) -> tuple[Any, dict[Loc, int], list[Problem]]:
    loader = None
    try:
        # PyYAML checks the characters when the loader is made, libyaml while parsing.
        loader = _FrontMatterLoader(text)
        node = loader.get_single_node()
        if node is None:
            return None, {(): first_line}, []
        tree = _Tree(loader, first_line, shown)
        return tree.value(node, ()), tree.lines, tree.problems
    except yaml.reader.ReaderError as error:
        line = first_line + text[: error.position].count("\n")
        return None, {}, [Problem(shown, line, "", f"expected printable characters, found character "
                                                   f"U+{error.character:04X}, which YAML does not allow; remove it")]
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = first_line + mark.line if mark else first_line
        what = error.problem or "invalid YAML"
        context = f" ({error.context})" if error.context else ""
        column = f", column {mark.column + 1}" if mark else ""
        return None, {}, [Problem(shown, line, "", f"YAML syntax error{column}: {what}{context}")]
    except _Recursive as error:
        return None, {}, [Problem(shown, error.line, "", "the value anchored here contains an alias of itself; "
                                                         "front matter cannot repeat itself endlessly: write the values out")]
    except _Unreadable as error:
        return None, {}, [Problem(shown, error.line, "", error.message)]
    except RecursionError:  # the parser's own nesting, before ours is counted
        return None, {}, [Problem(shown, first_line, "", f"expected front matter nested at most {MAX_DEPTH} levels deep, "
                                                         "found deeper nesting than the parser can follow")]
    except yaml.YAMLError as error:  # pragma: no cover - unmarked errors are rare
        return None, {}, [Problem(shown, first_line, "", f"YAML syntax error: {error}")]
    finally:
        if loader is not None:
            loader.dispose()


STR, SEQ, MAP = "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"
MERGE = "tag:yaml.org,2002:merge"


class _Recursive(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


class _Unreadable(Exception):
    """A value that cannot be read safely: too deep, too large once aliases expand, or refused
    by PyYAML's constructors."""

    def __init__(self, line: int, message: str) -> None:
        self.line, self.message = line, message


class _Tree:
    """One walk over the parsed nodes: the value of each (plain lists, mappings and text built
    here, other scalars by the loader), the line of each field, keys written twice. An alias
    gives the value already built for its anchor, so repeated aliases cost nothing more."""

    def __init__(self, loader: Any, first: int, shown: str) -> None:
        self.loader, self.first, self.shown = loader, first, shown
        self.lines: dict[Loc, int] = {}
        self.problems: list[Problem] = []
        self.built: dict[int, Any] = {}  # id(node) -> its value
        self.sizes: dict[int, int] = {}  # id(node) -> how many values it stands for, aliases expanded
        self.open: set[int] = set()  # nodes being built: an alias of one would never end

    def value(self, node: yaml.Node, loc: Loc) -> Any:
        if id(node) in self.built:
            return self.built[id(node)]
        line = self.first + node.start_mark.line
        if id(node) in self.open:
            raise _Recursive(line)
        if len(loc) > MAX_DEPTH:
            raise _Unreadable(line, DEEPER)
        self.lines.setdefault(loc, line)
        if node.tag == STR and isinstance(node, yaml.ScalarNode):
            # Most nodes are text: it holds no alias (so it is never open) and stands for one value.
            self.built[id(node)] = node.value
            return node.value
        self.open.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            value = self.construct(node, line)
        elif isinstance(node, yaml.SequenceNode) and node.tag == SEQ:
            value = [self.value(item, (*loc, index)) for index, item in enumerate(node.value)]
        elif isinstance(node, yaml.MappingNode) and node.tag == MAP and not any(k.tag == MERGE for k, _ in node.value):
            value = self.mapping(node, loc)
        else:  # explicit tags and merge keys: PyYAML's rules (and its errors)
            value = self.construct(node, line)
        self.open.discard(id(node))
        self.built[id(node)] = value
        self.count(node, line)
        return value

    def count(self, node: yaml.Node, line: int) -> None:
        """How many values a node stands for once every alias in it is written out: a few lines
        of aliases can stand for billions (an "alias bomb"), which every later comparison would walk."""
        children = node.value if isinstance(node, yaml.SequenceNode) else (
            [n for pair in node.value for n in pair] if isinstance(node, yaml.MappingNode) else [])
        size = 1 + sum(self.sizes.get(id(child), 1) for child in children)
        self.sizes[id(node)] = size
        if size > MAX_VALUES:
            raise _Unreadable(line, f"expected at most {MAX_VALUES:,} values, found a value that aliases repeat into "
                                    f"{size:,} or more; write the values out instead of repeating aliases")

    def construct(self, node: yaml.Node, line: int) -> Any:
        """A value only PyYAML's constructors know (a number, a tagged value), or a problem."""
        try:
            return self.loader.construct_object(node, deep=True)
        except yaml.YAMLError:
            raise
        except (ValueError, TypeError, OverflowError, RecursionError) as error:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            text = str(getattr(node, "value", ""))
            shown = text if len(text) <= 40 else f"{text[:20]}… ({len(text)} characters)"
            reason = str(error).split(";")[0].split(": value has")[0]  # without Python's advice
            raise _Unreadable(line, f"expected a value YAML can read, found {tag} {shown} that cannot be read "
                                    f"({reason}); write it as plain text") from None

    def mapping(self, node: yaml.MappingNode, loc: Loc) -> dict[Any, Any]:
        value: dict[Any, Any] = {}
        seen: dict[object, int] = {}
        for key_node, value_node in node.value:
            line = self.first + key_node.start_mark.line
            if not isinstance(key_node, yaml.ScalarNode):
                kind = "a list" if isinstance(key_node, yaml.SequenceNode) else "a mapping"
                self.problems.append(Problem(self.shown, line, field_path(loc), f"expected a key of text, found {kind}"))
                continue
            key = self.value(key_node, (*loc, key_node.value))
            if key in seen:
                # Reported, but the file is still read (the last value wins, as in YAML loaders)
                # so that its other problems are found in the same run.
                self.problems.append(Problem(self.shown, line, field_path((*loc, key)),
                                             f"key {key!r} is written twice (first on line {seen[key]}); keep one"))
            seen[key] = seen.get(key, line)
            value[key] = self.value(value_node, (*loc, key))
            # A key's own line is more useful than the value's for block values.
            self.lines[(*loc, key)] = seen[key]
        return value


def read_yaml(text: str, shown: str) -> Source:
    """A YAML document (not a Markdown file) read as front matter is: its values, the line of
    every field, and its syntax problems collected, never raised."""
    meta, lines, problems = _load_yaml(text, first_line=1, shown=shown)
    source = Source(Path(shown), shown, None, "", text, lines, problems)
    if isinstance(meta, dict):
        source.meta = meta
    elif meta is not None or not problems:
        source.problems.append(Problem(shown, 1, "", f"expected a mapping of keys to values, found {describe(meta)}"))
    return source
