"""The shape of a consent banner configuration the audit reads its register from: each field
the audit uses, of the type the banner writes. A field of another type is named, with what was
expected and what was found, rather than skipped (skipped, it left an empty register and a clean
audit). A field that is absent or null takes the banner's default."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, get_args

from ..core.problems import describe, field_path
from .model import Storage

STORAGE_KINDS: tuple[str, ...] = get_args(Storage)
Path = tuple[str | int, ...]


def problem(config: Any) -> str | None:
    """What is wrong with a configuration, as "field: expected …, found …", or None."""
    if not isinstance(config, dict) or "categories" not in config:
        return (f"expected the consent banner's configuration, an object with 'categories' (as in <script "
                f"type=\"application/json\" id=\"policypress-consent\">), found "
                f"{describe(config) if not isinstance(config, dict) else 'an object without categories'}")
    wrong = optional_text(config, (), ("language", "cookie"))
    if wrong is not None:
        return wrong
    return listed(config["categories"], ("categories",), "a list of categories", category_problem)


def category_problem(category: Any, where: Path) -> str | None:
    if not isinstance(category, dict):
        return said(where, "a category (an object with 'id' and 'cookies')", category)
    if not isinstance(category.get("id"), str):
        return said((*where, "id"), "text", category.get("id"))
    if category.get("required") is not None and not isinstance(category["required"], bool):
        return said((*where, "required"), "true or false", category["required"])
    cookies = category.get("cookies")
    return None if cookies is None else listed(cookies, (*where, "cookies"), "a list of cookies", cookie_problem)


def cookie_problem(cookie: Any, where: Path) -> str | None:
    if not isinstance(cookie, dict):
        return said(where, "a cookie (an object with 'name')", cookie)
    name = cookie.get("name")
    if not isinstance(name, str) or not name.strip():
        return said((*where, "name"), "the cookie's name", name)
    wrong = optional_text(cookie, where, ("duration", "provider"))
    if wrong is not None:
        return wrong
    storage = cookie.get("storage")
    if storage is not None and storage not in STORAGE_KINDS:
        return said((*where, "storage"), f"{', '.join(STORAGE_KINDS[:-1])} or {STORAGE_KINDS[-1]}", storage)
    return None


def listed(value: Any, where: Path, expected: str, check: Callable[[Any, Path], str | None]) -> str | None:
    """The problem of a list, or of its first item that has one."""
    if not isinstance(value, list):
        return said(where, expected, value)
    return next((wrong for index, item in enumerate(value) if (wrong := check(item, (*where, index))) is not None), None)


def optional_text(mapping: dict[str, Any], where: Path, fields: tuple[str, ...]) -> str | None:
    for name in fields:
        if mapping.get(name) is not None and not isinstance(mapping[name], str):
            return said((*where, name), "text", mapping[name])
    return None


def said(where: Path, expected: str, found: Any) -> str:
    return f"{field_path(where)}: expected {expected}, found {describe(found)}"
