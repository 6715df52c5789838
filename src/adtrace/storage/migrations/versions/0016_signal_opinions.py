"""Opinions on partner signals, one signal disabled on its own, quarantine of signals that match too much.

`exchange_opinions`: one opinion per (signal type, hash, organisation): positive, negative or
investigation (ThreatExchange's POSITIVE_CLASS / NEGATIVE_CLASS / INVESTIGATION_SEED); partners' come
with their bundles, ours (org '@local') from an analyst. `exchange_signals` gains who disabled a signal,
when and why, and when and why it was quarantined (or released from quarantine).

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_COLUMNS = ("disabled_at", "disabled_by", "disabled_reason", "quarantined_at", "quarantine_reason",
            "quarantine_released_at", "quarantine_released_by")


def upgrade() -> None:
    op.create_table(
        "exchange_opinions",  # adtrace.exchange.opinions
        sa.Column("id", SEQ, primary_key=True, autoincrement=True),
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("hash", sa.Text, nullable=False),
        sa.Column("org", sa.Text, nullable=False),  # the issuer, or '@local' for our analysts
        sa.Column("opinion", sa.Text, nullable=False),  # positive | negative | investigation
        sa.Column("set_by", sa.Text, nullable=False),
        sa.Column("at", sa.Text, nullable=False),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.UniqueConstraint("type", "hash", "org", name="exchange_opinions_signal_org"),
    )
    for name in _COLUMNS:
        op.add_column("exchange_signals", sa.Column(name, sa.Text))


def downgrade() -> None:
    with op.batch_alter_table("exchange_signals") as batch:
        for name in _COLUMNS:
            batch.drop_column(name)
    op.drop_table("exchange_opinions")
