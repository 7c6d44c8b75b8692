"""The receipts table and the head of its hash chain.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# The hash "before" the first row: a chain starts from it.
GENESIS = "0" * 64


def upgrade() -> None:
    # One row per receipt. seq is given by the writer, in chain order; times are ISO 8601 UTC text,
    # identical in both databases, so a row hashes the same wherever it is read from.
    op.create_table(
        "receipts",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("consent_id", sa.String(32), nullable=False),
        sa.Column("given_at", sa.String(24), nullable=False),
        sa.Column("first_given_at", sa.String(24), nullable=False),
        sa.Column("received_at", sa.String(27), nullable=False),
        sa.Column("method", sa.String(20), nullable=False),
        sa.Column("language", sa.String(35), nullable=False),
        sa.Column("jurisdiction", sa.String(16), nullable=False),
        sa.Column("notice_url", sa.String(2048), nullable=False),
        sa.Column("revision", sa.String(200), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("purposes", sa.Text, nullable=False),
        sa.Column("client_ip", sa.String(45), nullable=True),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        # A receipt is one choice: the same consent id at the same time is the same receipt.
        sa.UniqueConstraint("consent_id", "given_at", name="receipts_choice"),
    )
    op.create_index("receipts_received_at", "receipts", ["received_at"])
    # The chain's two ends: the last row written (head) and the row before the first one kept
    # (base, moved by purge). Writers lock this row, so the chain has one order.
    chain = op.create_table(
        "receipts_chain",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("head_seq", sa.BigInteger, nullable=False),
        sa.Column("head_hash", sa.String(64), nullable=False),
        sa.Column("base_seq", sa.BigInteger, nullable=False),
        sa.Column("base_hash", sa.String(64), nullable=False),
        sa.CheckConstraint("id = 1", name="receipts_chain_one_row"),
    )
    op.bulk_insert(chain, [{"id": 1, "head_seq": 0, "head_hash": GENESIS, "base_seq": 0, "base_hash": GENESIS}])


def downgrade() -> None:
    op.drop_table("receipts_chain")
    op.drop_index("receipts_received_at", "receipts")
    op.drop_table("receipts")
