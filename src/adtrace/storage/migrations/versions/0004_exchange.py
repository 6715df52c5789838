"""Exchange: trusted issuers, imported partner signals (keyed hashes, PDQ), bundles, retractions, leads.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "exchange_issuers",  # partner organisations' public keys, trusted by an analyst
        sa.Column("org", sa.Text, nullable=False),
        sa.Column("key_id", sa.Text, nullable=False),
        sa.Column("public_key", sa.Text, nullable=False),  # Ed25519, 32 bytes hex
        sa.Column("trusted_at", sa.Text, nullable=False),
        sa.Column("trusted_by", sa.Text, nullable=False),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.PrimaryKeyConstraint("org", "key_id", name="exchange_issuers_pk"),
    )
    op.create_table(
        "exchange_bundles",  # provenance: every bundle imported (or exported by us), by content hash
        sa.Column("bundle_id", sa.Text, primary_key=True),
        sa.Column("issuer", sa.Text, nullable=False),
        sa.Column("key_id", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),  # signals | retraction
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("imported_at", sa.Text, nullable=False),
        sa.Column("direction", sa.Text, nullable=False),  # in | out
        sa.Column("items", sa.Integer, nullable=False),
    )
    op.create_table(
        "exchange_signals",
        sa.Column("id", SEQ, primary_key=True, autoincrement=True),
        sa.Column("issuer", sa.Text, nullable=False),
        sa.Column("type", sa.Text, nullable=False),  # phone | email | handle | payment | pdq
        sa.Column("hash", sa.Text, nullable=False),  # HMAC-SHA256 hex, or PDQ hex for pdq
        sa.Column("category", sa.Text, nullable=False),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("first_seen", sa.Text),
        sa.Column("last_seen", sa.Text),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.Column("bundle_id", sa.Text, nullable=False),
        sa.Column("imported_at", sa.Text, nullable=False),
        sa.Column("retracted", sa.Boolean, nullable=False),
        sa.UniqueConstraint("issuer", "type", "hash", name="exchange_signals_issuer_hash"),
    )
    op.create_index("exchange_signals_hash", "exchange_signals", ["type", "hash"])
    op.create_table(
        "exchange_retractions",
        sa.Column("issuer", sa.Text, nullable=False),
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("hash", sa.Text, nullable=False),
        sa.Column("bundle_id", sa.Text, nullable=False),
        sa.Column("retracted_at", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("issuer", "type", "hash", name="exchange_retractions_pk"),
    )
    op.create_table(
        "exchange_leads",  # a partner signal matched a document: for review, never an automatic action
        sa.Column("id", SEQ, primary_key=True, autoincrement=True),
        sa.Column("doc_id", sa.Text, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("signal_id", sa.BigInteger, nullable=False),
        sa.Column("issuer", sa.Text, nullable=False),
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("category", sa.Text, nullable=False),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("bundle_id", sa.Text, nullable=False),
        sa.Column("distance", sa.Integer),  # PDQ Hamming distance; NULL for exact keyed-hash matches
        sa.Column("status", sa.Text, nullable=False),  # open | retracted
        sa.Column("created_at", sa.Text, nullable=False),
        sa.UniqueConstraint("doc_id", "signal_id", name="exchange_leads_doc_signal"),
    )
    op.create_index("exchange_leads_status", "exchange_leads", ["status", "id"])
    op.create_table(
        "exchange_state",  # small settings: how far matching got through the documents table
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )


def downgrade() -> None:
    for name in ("exchange_state", "exchange_leads", "exchange_retractions", "exchange_signals",
                 "exchange_bundles", "exchange_issuers"):
        op.drop_table(name)
