"""What a value of each field is, read from the validator the schema gives it: the words of its
messages, and the closed set of values it accepts (with their English labels).

The validators are of three makes: a named type of `core.types` or `core.schema` (Text, Slug,
LegalBases …, looked up below), or one built by `one_of`, `one_or_more` or `dpv_term`, whose
arguments (the set of terms, what it is called) are read from the closure. So a new field of any
of these makes is described without an edit here; a validator of another make is reported by
`unknown_kinds`, which the documentation's test asserts is empty."""

from __future__ import annotations

import types as pytypes
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Union

from pydantic import BaseModel, PlainValidator
from pydantic.fields import FieldInfo

from ..core import dpv, schema, types
from ..core import vocabulary as vocab


@dataclass(frozen=True)
class Kind:
    """What one value of a field is."""

    words: str                                  # as the messages of `policypress check` say it
    values: tuple[tuple[str, str], ...] = ()     # the accepted terms with their English labels
    source: str = ""                            # where the terms come from, when not from policypress
    known: bool = True                          # False: a validator this module cannot read


@dataclass(frozen=True)
class Shape:
    """A field's value: one, a list, or one or a list (`one_or_more`); of a kind or of entries."""

    count: str                                  # "one", "list" or "one-or-list"
    kind: Kind | None = None
    model: type[BaseModel] | None = None        # the fields of each value, for a mapping


def labelled(terms: Mapping[str, Mapping[str, str]]) -> tuple[tuple[str, str], ...]:
    return tuple((term, labels["en"]) for term, labels in terms.items())


def dpv_terms(kind: str, prefixes: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """DPV's terms of a kind, with the label pages show where policypress has one (the data
    sources), else DPV's, and Art. 9's mark for special-category data."""
    ours = {term: labels["en"] for terms, _, _ in types.HOMES for term, labels in terms.items()}
    rows = []
    for term in dpv.terms_of(kind, prefixes):
        label = ours.get(term) or (dpv.entry(term) or {}).get("label", "")
        special = kind == "personal-data" and dpv.is_special_category(term)
        rows.append((term, f"{label} (special category, Art. 9)" if special else label))
    return tuple(sorted(rows))


def validator(alias: Any) -> Callable[..., Any]:
    """The function of the PlainValidator an Annotated type carries."""
    return next(m.func for m in alias.__metadata__ if isinstance(m, PlainValidator))


# The named types, by their validator. Words as the messages say them.
NAMED: dict[Callable[..., Any], Kind] = {
    validator(types.Text): Kind("text"),
    validator(types.Slug): Kind("an id of lower-case letters a-z, digits and '-'"),
    validator(types.DateField): Kind("a date written YYYY-MM-DD"),
    validator(types.VersionField): Kind('a version "major.minor" of whole numbers, in quotes'),
    validator(types.DurationField): Kind("an ISO 8601 duration: P2Y (2 years), P6M (6 months), P30D (30 days), "
                                         "PT12H (12 hours)"),
    validator(types.CookieDuration): Kind("'session', or an ISO 8601 duration such as P13M (13 months)"),
    validator(types.CookieName): Kind("a cookie name of letters, digits, '_', '.' and '-', ending in '*' for "
                                      "every name that starts so"),
    validator(types.Place): Kind("a two-letter ISO 3166 country code in capitals (SE, US), or a region",
                                 labelled(vocab.REGIONS)),
    schema.legal_basis: Kind("a GDPR Art. 6(1) legal basis", labelled(vocab.LEGAL_BASES)),
    schema.data_source: Kind("a DPV data source, or the id of an entry of sources", dpv_terms("source", ("dpv",)),
                             "DPV 2.3"),
    schema.decisions: Kind("true or false, or {logic: …, consequences: …} when decisions are made"),
}


def closure(func: Callable[..., Any]) -> dict[str, Any]:
    return dict(zip(func.__code__.co_freevars, (c.cell_contents for c in func.__closure__ or ())))


def kind_of(func: Callable[..., Any]) -> tuple[Kind, bool]:
    """The kind a validator accepts, and whether it takes a list of them too."""
    if func in NAMED:
        return NAMED[func], func is validator(types.Place)
    made, given = func.__qualname__.split(".<locals>.")[0], closure(func)
    if made == "one_or_more":
        return kind_of(given["validate"])[0], True
    if made == "one_of":
        return Kind(given["what"], labelled(given["choices"])), False
    if made == "dpv_term":
        return Kind(given["what"], dpv_terms(given["kind"], given["prefixes"]), "DPV 2.3"), False
    return Kind(f"a value {func.__qualname__} accepts", known=False), False


def shape_of(info: FieldInfo) -> Shape:
    return _shape(info.annotation, tuple(info.metadata))


def _shape(annotation: Any, metadata: tuple[Any, ...]) -> Shape:
    for meta in metadata:
        if isinstance(meta, PlainValidator):
            kind, many = kind_of(meta.func)
            model = schema.AutomatedDecisionsText if meta.func is schema.decisions else None
            return Shape("one-or-list" if many else "one", kind, model)
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (Union, pytypes.UnionType) and type(None) in args:
        rest = [arg for arg in args if arg is not type(None)]
        if len(rest) == 1:
            return _shape(rest[0], metadata)
    if origin is Annotated:
        return _shape(args[0], (*args[1:], *metadata))
    if origin is list:
        inner = _shape(args[0], ())
        return Shape("list", inner.kind, inner.model)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return Shape("one", model=annotation)
    if annotation is bool:
        return Shape("one", Kind("true or false"))
    if annotation is str:
        pattern = next((getattr(m, "pattern", None) for m in metadata if getattr(m, "pattern", None)), None)
        return Shape("one", Kind(f"text matching `{pattern}`" if pattern else "text"))
    return Shape("one", Kind(f"a value of type {annotation!r}", known=False))
