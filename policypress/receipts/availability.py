"""How long the service waits for its database, and how /health tells whether it can write.

A database that is down refuses at once; one that is frozen, overloaded or locked answers never.
The service waits at most `seconds` for each: PostgreSQL gets a connect timeout and a statement
timeout of its own, and every wait of the application is bounded by the same number (a stopped
server process does not enforce its own timeouts).
"""

from __future__ import annotations

import math
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine.url import make_url


def with_connect_timeout(url: str, seconds: float) -> str:
    """A PostgreSQL URL that gives up connecting after `seconds` (libpq counts whole seconds, at
    least 2), unless it names its own connect_timeout. Other URLs as they are."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql" or "connect_timeout" in parsed.query:
        return url
    limited = parsed.update_query_dict({"connect_timeout": str(max(2, math.ceil(seconds)))})
    return limited.render_as_string(hide_password=False)


def limit_statements(store: Any, seconds: float) -> None:
    """From now on, a PostgreSQL statement of the service is cancelled by the server after
    `seconds` (a lock held elsewhere, an overloaded server). Set after the migrations, which may
    take longer; connections opened before are closed."""
    if store.sqlite:
        return

    @sa.event.listens_for(store.engine, "do_connect")
    def timeout(dialect: Any, record: Any, cargs: Any, cparams: dict[str, Any]) -> None:
        options = cparams.get("options", "")
        cparams["options"] = f"{options} -c statement_timeout={int(seconds * 1000)}".strip()

    store.engine.dispose()


def check_writable(store: Any) -> None:
    """Raises unless the database takes a write now. The chain's head row is locked, changed,
    changed back and committed: a read-only database, a full disk, lost privileges or a frozen
    server fail here as a receipt would, and the chain is as it was."""
    from .store import chain

    head = chain.c.id == 1
    with store._write() as conn:
        value = conn.execute(sa.select(chain.c.head_hash).where(head).with_for_update()).scalar_one()
        conn.execute(sa.update(chain).where(head).values(head_hash=""))
        conn.execute(sa.update(chain).where(head).values(head_hash=value))
