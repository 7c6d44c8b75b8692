"""Problems found in policy sources, reported all at once with file, line and field."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .reference import field_link


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one source file.

    `field` is the path inside the front matter (`processing[2].legal_basis`), or
    empty when the problem concerns the file as a whole. `message` says what was
    expected and what was found.
    """

    source: str
    line: int | None
    field: str
    message: str

    def sort_key(self) -> tuple[str, int, str, str]:
        """By file, then line (problems about the whole file first), field and message."""
        return (self.source, self.line or 0, self.field, self.message)

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class PolicyError(Exception):
    """Raised by commands that must stop on bad input; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = ordered(problems)
        super().__init__(format_problems(self.problems))


def ordered(problems: list[Problem]) -> list[Problem]:
    """Each problem once, in reading order."""
    return sorted(set(problems), key=Problem.sort_key)


def format_problems(problems: list[Problem]) -> str:
    count = len(problems)
    head = f"policypress found {count} problem{'s' if count != 1 else ''}:"
    return "\n".join([head, *(explained(p, "  ") for p in problems)])


def explained(problem: Problem, indent: str = "") -> str:
    """A problem as every command and build prints it: its line, then, for a field the register
    reference explains, a line below it with the address of that field's entry."""
    link = field_link(problem.field)
    return f"{indent}{problem}" + (f"\n{indent}  see: {link}" if link else "")


def display_path(path: Path, root: Path | None = None) -> str:
    """A path as the editor knows it: relative to the project when possible."""
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix()


def field_path(loc: tuple[str | int, ...]) -> str:
    """`('processing', 2, 'legal_basis')` -> `processing[2].legal_basis`."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def describe(value: object) -> str:
    """How a found value is shown in a message: its YAML type and a short repr."""
    if value is None:
        return "nothing (the field is empty)"
    if isinstance(value, bool):
        return f"true/false value {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"number {value!r}"
    if isinstance(value, str):
        if not value.strip():
            return "empty text"
        shown = value if len(value) <= 60 else value[:57] + "..."
        return f"text {shown!r}"
    if isinstance(value, list):
        return f"a list of {len(value)} item{'s' if len(value) != 1 else ''}"
    if isinstance(value, dict):
        return "a mapping (key: value pairs)"
    return type(value).__name__
