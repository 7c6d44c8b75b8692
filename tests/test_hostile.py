"""Front matter can never hang or crash a command (issue 12, section 5): each hostile file gives
one clear problem with its file and line, for policy pages and plain pages alike.

A table of cases, as in test_errors.py: the edit to a copy of the minimal fixture, and the exact
problems `load_site` reports (the check and every build report the same)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from conftest import FixtureSite

SV, EN = "privacy/index.sv.md", "privacy/index.en.md"
BOMB = ("rights: &r0 [eu-gdpr:A15, eu-gdpr:A16, eu-gdpr:A17, eu-gdpr:A18, eu-gdpr:A20, eu-gdpr:A21, eu-gdpr:A7-3, eu-gdpr:A77]\n"
        + "".join(f"r{i}: &r{i} [{', '.join([f'*r{i - 1}'] * 9)}]\n" for i in range(1, 9)))
DEEP = "[" * 900 + "]" * 900


def first_over_limit(limit: int = 100_000) -> tuple[int, int]:
    """(index, size) of the first anchor of BOMB that stands for more than `limit` values:
    r0 is a list of 8 rights (9 values with the list), each r<i> nine aliases of r<i-1>."""
    index, size = 0, 9
    while size <= limit:
        index, size = index + 1, 1 + 9 * size
    return index, size


OVER, SIZE = first_over_limit()
BOMB_MESSAGE = (f"expected at most 100,000 values, found a value that aliases repeat into {SIZE:,} or more; write the "
                "values out instead of repeating aliases")


@dataclass(frozen=True)
class Case:
    id: str
    path: str
    old: str
    new: str
    expected: list[str]


CASES = [
    Case("alias bomb under rights in both languages", SV,
         "rights: [eu-gdpr:A15, eu-gdpr:A16, eu-gdpr:A17, eu-gdpr:A18, eu-gdpr:A20, eu-gdpr:A21, eu-gdpr:A7-3, eu-gdpr:A77]\n",
         BOMB, [f"docs/privacy/index.sv.md:{7 + OVER}: {BOMB_MESSAGE}"]),
    Case("nesting 900 deep in a policy", SV, "summary: Nyhetsbrevet har fått en egen rad.\n",
         f"summary: Nyhetsbrevet har fått en egen rad.\nrights2: {DEEP}\n",
         ["docs/privacy/index.sv.md:7: expected front matter nested at most 50 levels deep, found deeper nesting here"]),
    Case("nesting 900 deep on a plain page", "index.sv.md", "title: Start\n", f"title: Start\nextra: {DEEP}\n",
         ["docs/index.sv.md:3: expected front matter nested at most 50 levels deep, found deeper nesting here"]),
    Case("a tagged date that does not exist", SV, "effective: 2026-03-01", "effective: !!timestamp 2027-02-30",
         ["docs/privacy/index.sv.md:5: expected a value YAML can read, found !!timestamp 2027-02-30 that cannot be "
          "read (day is out of range for month); write it as plain text"]),
    # Python's int() reads other scripts' digits: "2.1١" (an Arabic-Indic one) would be version 2.11.
    Case("a non-ASCII digit in a version", SV, 'version: "2.1"', 'version: "2.1\u0661"',
         ["docs/privacy/index.sv.md:4: version: expected a version \"major.minor\" of whole numbers, e.g. \"2.1\", "
          "found text '2.1\u0661'"]),
    Case("a non-ASCII digit in a date", SV, "effective: 2026-03-01", "effective: 2026-03-0\u0661",
         ["docs/privacy/index.sv.md:5: effective: expected a date written YYYY-MM-DD, e.g. 2026-03-01, found text "
          "'2026-03-0\u0661'"]),
    Case("a non-ASCII digit in a duration", SV, "duration: P3Y", "duration: P\u0663Y",
         ["docs/privacy/index.sv.md:18: processing[0].retention.duration: expected an ISO 8601 duration such as P2Y "
          "(2 years), P6M (6 months), P30D (30 days) or PT12H (12 hours), found text 'P\u0663Y'"]),
    Case("a 5000-digit integer", SV, "summary: Nyhetsbrevet har fått en egen rad.", "summary: " + "7" * 5000,
         ["docs/privacy/index.sv.md:6: expected a value YAML can read, found !!int 77777777777777777777… (5000 "
          "characters) that cannot be read (Exceeds the limit (4300 digits) for integer string conversion); write it "
          "as plain text"]),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_front_matter_gives_one_clear_problem(minimal: FixtureSite, case: Case) -> None:
    minimal.replace(case.path, case.old, case.new)
    if case.id.startswith("alias bomb"):  # the same bomb in the translation
        minimal.replace(EN, "summary: The newsletter has a row of its own.\n",
                        "summary: The newsletter has a row of its own.\n" + BOMB)
        case = Case(case.id, case.path, case.old, case.new,
                    [f"docs/privacy/index.en.md:{6 + OVER}: {BOMB_MESSAGE}", *case.expected])
    problems = [str(p) for p in minimal.load().problems]
    # The policy cannot be read, so its translation also reports the missing text: not a cascade
    # of the same cause, but only what the reader needs; the first line is the cause.
    assert [p for p in problems if "has no" not in p and "is missing in the default" not in p] == case.expected


@pytest.mark.parametrize("case", CASES[:2], ids=[c.id for c in CASES[:2]])
def test_check_and_build_say_the_same_without_a_traceback(minimal: FixtureSite, case: Case) -> None:
    minimal.replace(case.path, case.old, case.new)
    check = minimal.policypress("check")
    build = minimal.build()
    assert check.returncode == 1 and build.returncode == 1
    assert case.expected[-1] in check.stderr and case.expected[-1] in build.output
    assert "Traceback" not in check.stderr + build.output
