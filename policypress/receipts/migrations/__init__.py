"""Alembic migrations of the receipts database, run by `store.open_store` on every start."""
