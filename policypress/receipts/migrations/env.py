"""Alembic's environment: always handed an open connection by `policypress.receipts.migrate`,
which holds the lock that keeps two starting servers from migrating at once."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=None, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
