"""Completeness in spite of other problems: the facts of a default-language file that validate,
so that a typo in one entry hides none of the policy's Art. 13/14 findings ("every problem at
once"). An entry with a problem is stood in for by a neutral one at the same index (so that the
others keep their place, line and field path), and what is said about the stand-ins is dropped:
the entry's own problem is already reported."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from . import vocabulary as vocab
from .problems import Problem
from .schema import PolicySource

Entry = Callable[[int], dict[str, Any]]

# A neutral, valid entry for each register list (ids that no source uses).
STAND_INS: dict[str, Entry] = {
    "personal_data": lambda i: {"id": f"pp-stand-in-{i}", "terms": ["pd:Name"], "name": "-"},
    # A stand-in purpose answers every question, so that no finding about the policy as a whole
    # (such as automated decisions, asked once) comes from it.
    "processing": lambda i: {"id": f"pp-stand-in-{i}", "purpose": ["dpv:ServiceProvision"],
                             "legal_basis": "eu-gdpr:A6-1-b", "name": "-", "description": "-",
                             "retention": {"statute": "-"}, "requirement": "voluntary", "automated_decisions": False,
                             "sources": ["dpv:DataSubjectDataSource"]},
    "recipients": lambda i: {"id": f"pp-stand-in-{i}", "kind": "dpv:DataProcessor", "country": "SE", "name": "-"},
    "transfers": lambda i: {"country": "US", "safeguard": "eu-gdpr:A46-2-c"},
    "cookies": lambda i: {"name": f"pp-stand-in-{i}", "processing": "pp-stand-in", "provider": "-",
                          "duration": "session", "description": "-"},
    "sources": lambda i: {"id": f"pp-stand-in-{i}", "kind": "dpv:DataSource", "name": "-"},
    "processor_activities": lambda i: {"id": f"pp-stand-in-{i}", "name": "-", "description": "-"},
}
# A neutral, valid value for one field of an entry, so that the entry's other fields are still
# judged; a field not listed here stands in with its whole entry.
FIELD_STAND_INS: dict[tuple[str, str], Any] = {
    ("processing", "purpose"): ["dpv:ServiceProvision"], ("processing", "legal_basis"): "eu-gdpr:A6-1-b",
    ("processing", "special_category_condition"): "eu-gdpr:A9-2-a", ("processing", "data"): [],
    ("processing", "subjects"): [], ("processing", "sources"): ["dpv:DataSubjectDataSource"],
    ("processing", "recipients"): [], ("processing", "retention"): {"statute": "-"},
    ("processing", "retention_criterion"): "-",
    ("processing", "requirement"): "voluntary", ("processing", "automated_decisions"): False,
    ("processing", "profiling"): False, ("processing", "name"): "-", ("processing", "description"): "-",
    ("personal_data", "terms"): ["pd:Name"], ("personal_data", "name"): "-",
    ("recipients", "kind"): "dpv:DataProcessor", ("recipients", "country"): "SE", ("recipients", "name"): "-",
    ("transfers", "country"): "US", ("transfers", "safeguard"): "eu-gdpr:A46-2-c",
}
# Values that Art. 13/14 do not judge: anything valid will do.
REQUIRED = {"policy": "pp-stand-in", "title": "-", "version": "0.1", "summary": "-", "effective": "2000-01-01"}


def facts(meta: dict[str, Any] | None) -> tuple[PolicySource | None, set[str]]:
    """The default-language file's facts with every part that has a problem stood in for, and the
    field paths of those parts (as `Problem.field` writes them)."""
    if not isinstance(meta, dict):
        return None, set()
    data = copy.deepcopy(meta)
    replaced: set[str] = set()
    for _ in range(10):  # each round fixes every error it is told of; nested errors take a few
        try:
            return PolicySource.model_validate(data), replaced
        except ValidationError as error:
            for problem in error.errors():
                _stand_in(data, tuple(problem["loc"]), replaced)
    return None, replaced


def _stand_in(data: dict[str, Any], loc: tuple[Any, ...], replaced: set[str]) -> None:
    key = loc[0] if loc else None
    entry = data[key][loc[1]] if (key in STAND_INS and len(loc) > 2 and isinstance(loc[1], int)
                                  and isinstance(data.get(key), list) and loc[1] < len(data[key])) else None
    if isinstance(entry, dict) and (key, loc[2]) in FIELD_STAND_INS:
        entry[loc[2]] = FIELD_STAND_INS[(key, loc[2])]
        replaced.add(f"{key}[{loc[1]}].{loc[2]}")
    elif isinstance(entry, dict) and loc[2] not in {name for k, name in FIELD_STAND_INS if k == key} and len(loc) == 3 \
            and loc[2] in entry:
        entry.pop(loc[2])  # a key the schema does not know: its own problem says so
    elif key in STAND_INS and len(loc) > 1 and isinstance(loc[1], int) and isinstance(data.get(key), list):
        data[key][loc[1]] = STAND_INS[key](loc[1])
        replaced.add(f"{key}[{loc[1]}]")
    elif key in REQUIRED:
        data[key] = REQUIRED[key]
    elif key == "rights" and isinstance(data.get(key), list):
        # A misspelt right must not come back as "missing right X".
        data[key] = [right for right in data[key] if right in vocab.RIGHTS]
        replaced.add(key)
    elif key is not None:
        data.pop(key, None)
        replaced.add(str(key))


def judged(found: list[Problem], replaced: set[str]) -> list[Problem]:
    """The findings that are not about a stood-in part."""
    return [p for p in found if not any(p.field == part or p.field.startswith((f"{part}.", f"{part}["))
                                        for part in replaced)]
