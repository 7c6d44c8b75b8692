"""Every field a policy's front matter may hold, read from the schema's pydantic models: its path,
what its values are, whether it is required, and whether every language writes it or only the
default language's file (a fact, stated once)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from ..core import schema
from .field_kinds import Shape, shape_of

Path = tuple[str, ...]


@dataclass(frozen=True)
class Field:
    path: Path                  # ("processing", "retention", "after")
    info: FieldInfo
    shape: Shape
    every_language: bool        # written (translated) in every language's file
    sealed: bool = False        # written by `policypress release`, never by hand
    description: str = ""       # what it is, in the default-language file
    in_translations: str = ""   # what it is in another language's file, where that reads otherwise

    @property
    def dotted(self) -> str:
        return ".".join(self.path)

    @property
    def required(self) -> bool:
        return self.info.is_required()

    @property
    def default(self) -> Any:
        """The value when the field is left out: None, an empty list, or a value."""
        if self.info.default_factory is not None:
            return self.info.default_factory()  # type: ignore[call-arg]
        return None if self.info.default is PydanticUndefined else self.info.default


Walked = tuple[Path, FieldInfo, Shape, tuple[str, str]]


def descriptions(model: type[BaseModel], name: str, info: FieldInfo) -> tuple[str, str]:
    """A field's description in the default-language file, and in the others where it differs.
    An entry is its `XFacts` and `XText` models together (see core.schema), and a field both
    have (`id`, a cookie's `name`) is described by each for its own file."""
    said = {kind: base.model_fields[name].description or ""
            for base in model.__mro__ for kind in ("Facts", "Text")
            if base.__name__.endswith(kind) and name in vars(base).get("__annotations__", {})}
    facts, text = said.get("Facts", ""), said.get("Text", "")
    if facts and text and facts != text:
        return facts, text
    return info.description or "", ""


def walk(model: type[BaseModel], prefix: Path = ()) -> list[Walked]:
    """Each field of a model and of the models under it, in the schema's order."""
    found: list[Walked] = []
    for name, info in model.model_fields.items():
        path, shape = (*prefix, name), shape_of(info)
        found.append((path, info, shape, descriptions(model, name, info)))
        if shape.model is not None:
            found += walk(shape.model, path)
    return found


def register_fields() -> list[Field]:
    """The default-language file's fields (every field there is), then those `release` adds."""
    translated = {path for path, *_ in walk(schema.TranslationSource)}
    fields = [Field(path, info, shape, path in translated, False, *said)
              for path, info, shape, said in walk(schema.PolicySource)]
    written = {field.path for field in fields}
    sealed = [Field(path, info, shape, True, True, *said)
              for path, info, shape, said in walk(schema.ReleasedPolicySource) if path not in written]
    return fields + sealed
