"""Reading the catalog: every entry file validated, with file, line and field for each problem."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

from ..core.frontmatter import read_yaml
from ..core.problems import PolicyError, Problem
from ..core.validate import check_schema
from .model import Service

# The entries shipped in the package, one YAML file each, named by the entry's id.
SHIPPED = resources.files(__package__) / "services"


def read_entries(files: Iterable[tuple[str, str]]) -> tuple[dict[str, Service], list[Problem]]:
    """(shown name, YAML text) pairs to services by id, and every problem of every file."""
    services: dict[str, Service] = {}
    problems: list[Problem] = []
    for shown, text in files:
        source = read_yaml(text, shown)
        problems += source.problems
        if source.meta is None:
            continue
        service, found = check_schema(source, Service)
        problems += found
        if service is None:
            continue
        expected = Path(shown).stem
        if service.id != expected:
            problems.append(Problem(shown, source.line_of(("id",)), "id",
                                    f"expected the file's own name, {expected!r}, found {service.id!r}"))
        elif service.id in services:  # pragma: no cover - two files cannot have one name
            problems.append(Problem(shown, source.line_of(("id",)), "id", f"{service.id!r} is in the catalog twice"))
        else:
            services[service.id] = service
    return services, problems


@functools.cache
def catalog() -> dict[str, Service]:
    """The shipped catalog, by id; a broken entry is a bug of ours, reported whole."""
    files = sorted((entry for entry in SHIPPED.iterdir() if entry.name.endswith(".yaml")), key=lambda e: e.name)
    services, problems = read_entries((f"policypress/catalog/services/{entry.name}", entry.read_text(encoding="utf-8"))
                                      for entry in files)
    if problems:
        raise PolicyError(problems)
    return services


def search(query: str = "") -> list[Service]:
    """Entries whose id, name, company, category or hosts contain every word of `query`."""
    words = query.lower().split()
    found = []
    for service in catalog().values():
        haystack = " ".join([service.id, service.name, service.company, service.category, *service.hosts]).lower()
        if all(word in haystack for word in words):
            found.append(service)
    return sorted(found, key=lambda service: (service.category, service.id))
