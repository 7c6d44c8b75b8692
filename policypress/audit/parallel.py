"""`--jobs N`: the pages of a state shared among N browser contexts, and what each saw put together
as one profile visiting them in the crawl's order would report it.

Every context of a state starts from the same point: empty before any choice; after a choice, the
cookies and local storage of the context that made it (and what that one already knew, so
nothing there is counted again). A cookie or storage key is reported on the first page, in the
crawl's order, after which any context saw it; requests and problems are listed in that order.
What a page sets only when an earlier page's cookie is there may therefore be missed: each
context has visited only its own share of the pages before it.

Before the withdrawal, the accepting context is given every context's cookies and local storage
(its own value wins where two hold the same cookie), so that what survives the withdrawal is
looked for among everything the accepted pages set.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol, TypeVar

from .model import CookieSeen, PageProblem, RequestSeen, StorageSeen

K = TypeVar("K")
Seen = TypeVar("Seen", CookieSeen, StorageSeen)
# Playwright's storage state: {"cookies": [...], "origins": [{"origin": ..., "localStorage": [...]}]}
StorageState = dict[str, Any]


class Records(Protocol):
    """What one context saw in a state (a crawl.Visitor)."""

    cookies: dict[Any, CookieSeen]
    storage: dict[Any, StorageSeen]
    requests: list[RequestSeen]
    problems: list[PageProblem]


def place(positions: Mapping[str, int]) -> Callable[[str], int]:
    """A page's place in the crawl; one the crawl does not list comes after all of them."""
    return lambda page: positions.get(page, len(positions))


def earliest(found: Sequence[dict[K, Seen]], where: Callable[[str], int]) -> dict[K, Seen]:
    """Each key once, as seen on its earliest page, in the order of those pages."""
    ranked: dict[K, tuple[tuple[int, int, int], Seen]] = {}
    for context, records in enumerate(found):
        for arrival, (key, seen) in enumerate(records.items()):
            rank = (where(seen.page), context, arrival)
            if key not in ranked or rank < ranked[key][0]:
                ranked[key] = (rank, seen)
    return {key: seen for key, (_, seen) in sorted(ranked.items(), key=lambda item: item[1][0])}


def in_page_order(found: Sequence[list[RequestSeen]], where: Callable[[str], int]) -> list[RequestSeen]:
    """Every request, by its page's place (each context's in the order they came)."""
    ranked = [((where(seen.page), context, arrival), seen)
              for context, records in enumerate(found) for arrival, seen in enumerate(records)]
    return [seen for _, seen in sorted(ranked, key=lambda item: item[0])]


def merge_into(target: Records, others: Sequence[Records], positions: Mapping[str, int]) -> None:
    """`target`'s records become those of all the contexts, as one profile would have made them."""
    where, every = place(positions), [target, *others]
    target.cookies = earliest([r.cookies for r in every], where)
    target.storage = earliest([r.storage for r in every], where)
    target.requests = in_page_order([r.requests for r in every], where)
    problems: list[PageProblem] = []
    for problem in sorted((p for r in every for p in r.problems), key=lambda p: where(p.url)):
        if problem not in problems:
            problems.append(problem)
    target.problems = problems


def union(own: StorageState, others: Sequence[StorageState]) -> StorageState:
    """Cookies and local storage of every context; `own`'s where two hold the same one."""
    cookies: dict[tuple[str, str, str], dict[str, Any]] = {}
    origins: dict[str, dict[str, str]] = {}
    for state in (own, *others):
        for cookie in state.get("cookies", []):
            cookies.setdefault((cookie["name"], cookie["domain"], cookie["path"]), cookie)
        for origin in state.get("origins", []):
            keys = origins.setdefault(origin["origin"], {})
            for item in origin.get("localStorage", []):
                keys.setdefault(item["name"], item["value"])
    return {"cookies": list(cookies.values()),
            "origins": [{"origin": origin, "localStorage": [{"name": name, "value": value} for name, value in keys.items()]}
                        for origin, keys in origins.items()]}
