"""Check policy front matter: shape and types (pydantic), then references and languages.

Every check returns `Problem`s instead of raising, so all problems are reported at once.
"""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from .frontmatter import Loc, Source
from .problems import Problem, describe, field_path
from .schema import LIST_KEYS, PAGE_KEYS, PolicySource, TranslationSource
from .types import VERSION_RE
from .types import ERROR_TYPE, nearest
from .vocabulary import EEA_COUNTRIES, LEGITIMATE_INTEREST

Doc = typing.TypeVar("Doc", bound=PolicySource | TranslationSource)



def check_schema(source: Source, schema: type[Doc], default: Source | None = None) -> tuple[Doc | None, list[Problem]]:
    """Validate a source's front matter against a schema; `default` is the default-language
    source when `source` is a translation (to explain facts written in the wrong file)."""
    meta = {key: value for key, value in (source.meta or {}).items() if key not in PAGE_KEYS}
    try:
        return schema.model_validate(meta), []
    except ValidationError as error:
        problems = [_problem(source, schema, dict(e), default) for e in error.errors()]
        return None, problems


def _problem(source: Source, schema: type[BaseModel], error: dict[str, Any], default: Source | None) -> Problem:
    loc: Loc = tuple(error["loc"])
    found = error.get("input")
    kind = error["type"]
    if kind == ERROR_TYPE:
        message = error["ctx"]["message"]
    elif kind == "missing":
        expected = _model_at(schema, loc[:-1]).model_fields[str(loc[-1])].description
        message = f"required field is missing; expected {expected or 'a value'}"
    elif kind == "extra_forbidden":
        message = _unknown_key(source, schema, loc, found, default)
    elif kind in ("list_type", "tuple_type"):
        message = f"expected a list (items on lines starting with '- ' or [a, b]), found {describe(found)}"
    elif kind in ("model_type", "dict_type", "model_attributes_type"):
        message = _not_a_mapping(schema, loc, found)
    elif kind == "bool_type":
        message = f"expected true or false, found {describe(found)}"
    elif kind == "too_short":
        message = f"expected at least one item, found {describe(found)}"
    elif kind in ("string_type", "string_pattern_mismatch"):  # only `sha256` is a plain pattern
        message = f"expected the 64-character hash written by `policypress release`, found {describe(found)}"
    else:  # pragma: no cover - every type our schema can produce is mapped above
        message = f"{error['msg']}; found {describe(found)}"
    if isinstance(found, list) and kind in (ERROR_TYPE, "bool_type") and not _takes_list(schema, loc):
        one = f"{loc[-1]} takes" if isinstance(loc[-1], str) else f"each item of {loc[-2]} is"
        message += f"; {one} one value, not a list"
    return Problem(source.shown, source.line_of(loc), field_path(loc), message)


def _field(schema: type[BaseModel], loc: Loc) -> tuple[type[BaseModel], str, Any]:
    """The model, key and type of the field a value at `loc` is written in (for an item of a
    list, the list's field and the type of its items)."""
    last = max(i for i, part in enumerate(loc) if isinstance(part, str))
    model = _model_at(schema, loc[:last])
    annotation = model.model_fields[str(loc[last])].annotation
    for _ in loc[last + 1:]:
        lists = [form for form in _forms(annotation) if typing.get_origin(form) in (list, tuple)]
        annotation = typing.get_args(lists[0])[0] if lists else annotation
    return model, str(loc[last]), annotation


def _forms(annotation: Any) -> list[Any]:
    """The types a value may have: `A | None` -> [A]; `Annotated[A, …]` -> [A]."""
    if typing.get_origin(annotation) is typing.Annotated:
        return _forms(typing.get_args(annotation)[0])
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return [form for arg in typing.get_args(annotation) if arg is not type(None) for form in _forms(arg)]
    return [annotation]


def _takes_list(schema: type[BaseModel], loc: Loc) -> bool:
    try:
        _, _, annotation = _field(schema, loc)
    except (KeyError, ValueError):
        return True  # not a field of the schema: nothing to say about its shape
    return any(typing.get_origin(form) in (list, tuple) for form in _forms(annotation))


def _not_a_mapping(schema: type[BaseModel], loc: Loc, found: object) -> str:
    """A text or list where a mapping is expected: the accepted forms (the field's description
    when it gives them, else the keys an entry needs), and the mapping the value was meant as,
    when its values fit keys of their own (`retention: P2Y` -> {duration: P2Y})."""
    try:
        parent, key, annotation = _field(schema, loc)
    except (KeyError, ValueError):
        return f"expected a mapping of keys to values, found {describe(found)}"
    model = _inner_model(annotation) or parent
    description = parent.model_fields[key].description or ""
    required = [name for name, field in model.model_fields.items() if field.is_required()]
    expected = description if isinstance(loc[-1], str) and "{" in description else \
        f"a mapping of keys to values such as {{{', '.join(f'{name}: …' for name in required)}}}"
    meant = _meant_as(model, found)
    if meant:
        hint = f"; did you mean {{{', '.join(f'{k}: {v}' for k, v in meant.items())}}}?"
    elif isinstance(found, str) and found.strip() and f"{key}_criterion" in parent.model_fields:
        hint = f"; where no period can be stated, write these words as {key}_criterion instead of {key}"
    else:
        hint = ""
    return f"expected {expected}, found {describe(found)}{hint}"


def _meant_as(model: type[BaseModel], found: object) -> dict[str, object] | None:
    """The mapping a value (or each value of a list) makes when each goes under the one key that
    takes it; keys that take any text are not guessed (they would take every value)."""
    values = found if isinstance(found, list) else [found]
    meant: dict[str, object] = {}
    for value in values:
        keys = [name for name in model.model_fields if name not in meant
                and _accepts(model, name, value) and not _accepts(model, name, "any words at all")]
        if len(keys) != 1:
            return None
        meant[keys[0]] = value
    try:
        model.model_validate(meant)
    except ValidationError:
        return None  # the entry needs more than these values: the forms say what
    return meant


def _accepts(model: type[BaseModel], key: str, value: object) -> bool:
    """True if `value` is valid under `key` (whatever else the entry lacks)."""
    try:
        model.model_validate({key: value})
    except ValidationError as error:
        return all(e["loc"][:1] != (key,) for e in error.errors())
    return True


def _unknown_key(source: Source, schema: type[BaseModel], loc: Loc, found: object, default: Source | None) -> str:
    parent, key = _model_at(schema, loc[:-1]), str(loc[-1])
    # A fact written in a translation: say where it belongs, and whether it even agrees.
    if issubclass(schema, TranslationSource) and default is not None and _is_fact(loc):
        message = f"is a fact of the policy and is written once, in the default-language file {default.shown}; remove it here"
        there = _value_in_default(default, source, loc)
        if there is not _ABSENT and there != found:
            message = f"the languages disagree: this file says {describe(found)}, {default.shown} says {describe(there)}; this " + message
        return message
    allowed = [*parent.model_fields, *(PAGE_KEYS if parent is schema else ())]
    guess = nearest(key, allowed)
    hint = f"did you mean {guess!r}? " if guess else ""
    # `retention: {criterion: …}` for the key beside it, `retention_criterion`.
    beside = f"{loc[-2]}_{key}" if len(loc) > 1 and isinstance(loc[-2], str) else ""
    if beside in _model_at(schema, loc[:-2]).model_fields:
        hint = f"did you mean {beside!r}, beside {loc[-2]} rather than inside it? "
    return f"unknown key {key!r}; {hint}expected one of: {', '.join(parent.model_fields)}"


def _model_at(schema: type[BaseModel], loc: Loc) -> type[BaseModel]:
    """The model class that validates the value at `loc` (list indexes are skipped)."""
    model = schema
    for part in loc:
        if isinstance(part, int):
            continue
        annotation = model.model_fields[part].annotation
        model = _inner_model(annotation) or model
    return model


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found:
            return found
    return None


def _is_fact(loc: Loc) -> bool:
    """True if the default-language schema has this key (so it is a fact, not a label)."""
    try:
        parent = _model_at(PolicySource, loc[:-1])
    except KeyError:
        return False
    return str(loc[-1]) in parent.model_fields


_ABSENT = object()


def _value_in_default(default: Source, translation: Source, loc: Loc) -> object:
    """The default-language value at the translation's `loc`; list items are matched by key."""
    here: Any = translation.meta or {}
    there: Any = default.meta or {}
    for index, part in enumerate(loc):
        if isinstance(part, int):
            key = LIST_KEYS.get(str(loc[index - 1]), "id")
            here = here[part] if isinstance(here, list) and part < len(here) else None
            wanted = here.get(key) if isinstance(here, dict) else None
            items = there if isinstance(there, list) else []
            there = next((i for i in items if isinstance(i, dict) and i.get(key) == wanted), _ABSENT)
        else:
            here = here.get(part) if isinstance(here, dict) else None
            there = there.get(part, _ABSENT) if isinstance(there, dict) else _ABSENT
        if there is _ABSENT:
            return _ABSENT
    return there


# --- consistency inside the default-language file ---------------------------------------------
# These checks read the raw front matter, tolerating wrong shapes (the schema reports those),
# so that duplicates, dangling references and language disagreements are reported in the
# same run as type errors.


def _entries(meta: dict[str, Any] | None, list_name: str) -> list[tuple[int, dict[str, Any]]]:
    items = (meta or {}).get(list_name)
    if not isinstance(items, list):
        return []
    return [(index, item) for index, item in enumerate(items) if isinstance(item, dict)]


def _keys(meta: dict[str, Any] | None, list_name: str) -> list[tuple[int, str]]:
    key = LIST_KEYS.get(list_name, "id")
    return [(i, item[key]) for i, item in _entries(meta, list_name) if isinstance(item.get(key), str)]


def _strings(value: object) -> list[tuple[int, str]]:
    return [(i, v) for i, v in enumerate(value) if isinstance(v, str)] if isinstance(value, list) else []


def check_register(source: Source) -> list[Problem]:
    """References between register lists, duplicate ids, labels that facts make necessary."""
    meta = source.meta or {}
    problems: list[Problem] = []

    def add(loc: Loc, message: str) -> None:
        problems.append(Problem(source.shown, source.line_of(loc), field_path(loc), message))

    for list_name in LIST_KEYS:
        problems += duplicate_keys(source, list_name)

    ids = {name: list(dict.fromkeys(key for _, key in _keys(meta, name))) for name in LIST_KEYS}

    def refer(loc: Loc, value: str, list_name: str) -> None:
        known = ids[list_name]
        if value not in known:
            guess = nearest(value, known)
            listed = ", ".join(known) if known else f"there are none yet: add a {list_name} entry"
            hint = f"; did you mean {guess!r}?" if guess else ""
            add(loc, f"expected the id of an entry of {list_name} ({listed}), found {value!r}{hint}")

    for i, purpose in _entries(meta, "processing"):
        if "retention" in purpose and "retention_criterion" in purpose:
            add(("processing", i, "retention_criterion"),
                "expected retention or retention_criterion, not both: retention states the period (or the event "
                "or law that sets it), retention_criterion the criterion in words where no period can be stated; "
                "more words about a stated period go in retention_note")
        for j, category in _strings(purpose.get("data")):
            refer(("processing", i, "data", j), category, "personal_data")
        for j, recipient in _strings(purpose.get("recipients")):
            refer(("processing", i, "recipients", j), recipient, "recipients")
        for j, named in _strings(purpose.get("sources")):
            if ":" not in named:
                refer(("processing", i, "sources", j), named, "sources")
    for i, transfer in _entries(meta, "transfers"):
        if isinstance(transfer.get("recipient"), str):
            refer(("transfers", i, "recipient"), transfer["recipient"], "recipients")
        places = [transfer.get("country")] if isinstance(transfer.get("country"), str) else [v for _, v in _strings(transfer.get("country"))]
        inside = [place for place in places if place in EEA_COUNTRIES or place == "EEA"]
        if inside:
            add(("transfers", i, "country"),
                f"expected countries outside the EU/EEA, found {', '.join(map(repr, inside))}; transfers within the "
                "EU/EEA need no safeguard, so remove " + ("them" if len(inside) < len(places) else "this entry"))
    for i, cookie in _entries(meta, "cookies"):
        if isinstance(cookie.get("processing"), str):
            refer(("cookies", i, "processing"), cookie["processing"], "processing")
    return problems


def duplicate_keys(source: Source, list_name: str) -> list[Problem]:
    key = LIST_KEYS[list_name]
    first: dict[str, int] = {}
    problems = []
    for index, value in _keys(source.meta, list_name):
        if value in first:
            loc = (list_name, index, key)
            problems.append(Problem(
                source.shown, source.line_of(loc), field_path(loc),
                f"expected {'an' if key[0] in 'aeiou' else 'a'} {key} not used before in {list_name}, found {value!r} again "
                f"(also {field_path((list_name, first[value], key))}); give each entry its own {key}",
            ))
        else:
            first[value] = index
    return problems


# --- agreement between languages ----------------------------------------------------------------


def check_translation(default: Source, source: Source) -> list[Problem]:
    """Check that a translation is of the same version and labels exactly what the default
    file states. (Its shape is checked by `check_schema(source, TranslationSource, default)`.)"""
    ours, theirs = source.meta or {}, default.meta or {}
    problems: list[Problem] = []

    def add(loc: Loc, message: str) -> None:
        problems.append(Problem(source.shown, source.line_of(loc), field_path(loc), message))

    if theirs.get("children") and not ours.get("children"):
        add(("children",), f"required field is missing; {default.shown} states how data about children is handled "
                           "(GDPR Art. 8), so state it in this language too")
    version, expected = ours.get("version"), theirs.get("version")
    # An invalid version in the default file is reported there; comparing with it would only echo it.
    if isinstance(version, str) and isinstance(expected, str) and version != expected and VERSION_RE.match(expected):
        add(("version",), f"the languages disagree on the version: expected \"{expected}\" as in {default.shown}, "
                          f"found \"{version}\"; translate the current text and update the version")
    for list_name, key in LIST_KEYS.items():
        problems += duplicate_keys(source, list_name)
        here = [k for _, k in _keys(ours, list_name)]
        there = [k for _, k in _keys(theirs, list_name)]
        for missing in [k for k in there if k not in here]:
            add((list_name,), f"the languages disagree: {default.shown} has a {list_name} entry with {key} {missing!r}, "
                              f"this file has no labels for it; expected an entry with {key}: {missing}")
        for index, extra in _keys(ours, list_name):
            if extra not in there:
                guess = nearest(extra, there)
                hint = f" (did you mean {guess!r}?)" if guess else ""
                add((list_name, index, key), f"the languages disagree: {default.shown} has no {list_name} entry "
                                             f"with {key} {extra!r}{hint}; expected one of: {', '.join(there) or 'none'}")
    return problems


# --- labels that facts make necessary, in every language ------------------------------------


def bases_of(purpose: dict[str, Any]) -> list[str]:
    """A purpose's legal bases as written: one term or a list."""
    value = purpose.get("legal_basis")
    return [value] if isinstance(value, str) else [v for _, v in _strings(value)]


def _decides(purpose: dict[str, Any], policy: dict[str, Any]) -> bool:
    own = purpose.get("automated_decisions")
    return isinstance(own, dict) or own is True or (own is None and policy.get("automated_decisions") is True)


def check_labels(default: Source, translations: list[Source]) -> list[Problem]:
    """Texts a fact makes necessary (the interest behind a legitimate-interest basis, the logic of
    automated decisions, the statement on children): one problem per missing text, at the
    default-language file when it lacks the text (naming every language that lacks it), else at
    each translation that lacks it."""
    theirs = default.meta or {}
    problems: list[Problem] = []
    ids = [k for _, k in _keys(theirs, "processing")]
    needed: list[tuple[tuple[str, ...], str, str]] = []  # (loc in a file, what, why)
    for _, purpose in _entries(theirs, "processing"):
        pid = purpose.get("id")
        if not isinstance(pid, str) or ids.count(pid) != 1:
            continue  # ids written twice are reported elsewhere; matching labels to them would only add noise
        if LEGITIMATE_INTEREST in bases_of(purpose):
            needed.append((("processing", pid, "legitimate_interest"), "the interest pursued",
                           f"GDPR Art. 13(1)(d): {pid!r} rests on legitimate interest (eu-gdpr:A6-1-f)"))
        if _decides(purpose, theirs):
            needed.append((("processing", pid, "automated_decisions"), "{logic: …, consequences: …}",
                           f"GDPR Art. 13(2)(f): automated decisions are made for {pid!r}, so explain the logic "
                           "and what they mean for the person"))
        if purpose.get("retention_criterion"):
            needed.append((("processing", pid, "retention_criterion"), "the criterion",
                           f"GDPR Art. 13(2)(a): {pid!r} gives its retention as a criterion in words"))
    for where, what, why in needed:
        problems += _missing_label(default, translations, where, what, why)
    return problems + _unstated_criteria(default, translations)


def _unstated_criteria(default: Source, translations: list[Source]) -> list[Problem]:
    """A criterion in a translation for a purpose whose default-language entry has none: whether
    retention is a period or a criterion is a fact, stated by the default-language file."""
    stated = {item.get("id") for _, item in _entries(default.meta, "processing") if item.get("retention_criterion")}
    known = {item.get("id") for _, item in _entries(default.meta, "processing")}
    problems = []
    for source in translations:
        for index, item in _entries(source.meta, "processing"):
            pid = item.get("id")
            if "retention_criterion" in item and pid in known and pid not in stated:
                loc: Loc = ("processing", index, "retention_criterion")
                problems.append(Problem(source.shown, source.line_of(loc), field_path(loc),
                                        f"the languages disagree: {default.shown} gives no retention_criterion for "
                                        f"{pid!r}; a criterion is written in every language or in none: add it there "
                                        "(in place of retention) or remove it here"))
    return problems


def _label_at(meta: dict[str, Any], where: tuple[str, ...]) -> object:
    """The label, None when the entry lacks it, _ABSENT when there is no such entry (reported as a
    missing entry by `check_translation`)."""
    _, pid, key = where
    entry = next((item for _, item in _entries(meta, "processing") if item.get("id") == pid), None)
    return entry.get(key) if entry is not None else _ABSENT


def _loc(meta: dict[str, Any], where: tuple[str, ...]) -> Loc:
    index = next((i for i, item in _entries(meta, "processing") if item.get("id") == where[1]), 0)
    return ("processing", index, where[2])


def _missing_label(default: Source, translations: list[Source], where: tuple[str, ...], what: str, why: str) -> list[Problem]:
    def lacks(source: Source) -> bool:
        value = _label_at(source.meta or {}, where)
        return value is not _ABSENT and (not isinstance(value, (str, dict)) or not value)

    missing = [s for s in (default, *translations) if lacks(s)]
    if not missing:
        return []
    loc_default = _loc(default.meta or {}, where)
    if default in missing:
        others = [s.shown for s in missing if s is not default]
        also = f" (also missing in {', '.join(others)})" if others else ""
        return [Problem(default.shown, default.line_of(loc_default), field_path(loc_default),
                        f"required field is missing; {why}: state {what}{also}")]
    return [Problem(s.shown, s.line_of(_loc(s.meta or {}, where)), field_path(_loc(s.meta or {}, where)),
                    f"required field is missing; {why} in {default.shown}, so state {what} in this language too")
            for s in missing]
