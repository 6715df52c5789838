"""Public tips (adtrace.tips): the tips behind documents of kind `tip`, their triage decisions, the routing
rules that suggest a partner, and on the receiving side the tip leads a partner's hand-off creates.

A tip's receipt code is stored only as its SHA-256 (the code itself is shown once, to the tipster).
No column holds an IP address, a user agent or any other trace of who sent a tip.

Revision ID: 0019
Revises: 0018
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "tips",  # adtrace.tips.store
        sa.Column("id", SEQ, primary_key=True, autoincrement=True),
        sa.Column("doc_id", sa.Text, nullable=False, unique=True),  # the document of kind tip
        sa.Column("receipt_hash", sa.Text, nullable=False, unique=True),  # sha256 hex of the receipt code
        sa.Column("status", sa.Text, nullable=False),  # new | accepted | routed | dismissed
        sa.Column("country", sa.Text, nullable=False, server_default=""),  # ISO 3166-1 alpha-2 or ''
        sa.Column("about", sa.Text, nullable=False, server_default=""),  # sex | labour | minor | ''
        sa.Column("lang", sa.Text, nullable=False, server_default=""),  # language of the form / the text
        sa.Column("additions", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("updated_at", sa.Text, nullable=False),
        sa.Column("partner", sa.Text),  # routed to (organisation name)
        sa.Column("handed_off_at", sa.Text),
        sa.Column("handoff_id", sa.Text),  # the signed hand-off's id
    )
    op.create_index("tips_status", "tips", ["status", "id"])
    op.create_table(
        "tip_decisions",
        sa.Column("id", SEQ, primary_key=True, autoincrement=True),
        sa.Column("tip_id", sa.Integer, nullable=False),
        sa.Column("decision", sa.Text, nullable=False),  # accept | route | dismiss
        sa.Column("reason", sa.Text, nullable=False, server_default=""),
        sa.Column("partner", sa.Text),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("at", sa.Text, nullable=False),
    )
    op.create_index("tip_decisions_tip", "tip_decisions", ["tip_id"])
    op.create_table(
        "tip_rules",  # '' in country/about/lang matches any
        sa.Column("id", SEQ, primary_key=True, autoincrement=True),
        sa.Column("country", sa.Text, nullable=False, server_default=""),
        sa.Column("about", sa.Text, nullable=False, server_default=""),
        sa.Column("lang", sa.Text, nullable=False, server_default=""),
        sa.Column("partner", sa.Text, nullable=False),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("created_at", sa.Text, nullable=False),
    )
    op.create_table(
        "tip_leads",  # the receiving side: one per imported hand-off
        sa.Column("id", SEQ, primary_key=True, autoincrement=True),
        sa.Column("handoff_id", sa.Text, nullable=False, unique=True),
        sa.Column("issuer", sa.Text, nullable=False),
        sa.Column("signals_bundle", sa.Text, nullable=False),  # the embedded signals bundle's id (provenance)
        sa.Column("signals", sa.Text, nullable=False, server_default="[]"),  # JSON [[type, hash]]: the linked ads
        sa.Column("text", sa.Text, nullable=False),  # the tip, redacted by the sender
        sa.Column("country", sa.Text, nullable=False, server_default=""),
        sa.Column("about", sa.Text, nullable=False, server_default=""),
        sa.Column("lang", sa.Text, nullable=False, server_default=""),
        sa.Column("indicators", sa.Text, nullable=False, server_default="[]"),  # JSON list of indicator ids
        sa.Column("sent_at", sa.Text, nullable=False),
        sa.Column("imported_at", sa.Text, nullable=False),
        sa.Column("imported_by", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False, server_default="open"),
    )


def downgrade() -> None:
    for name in ("tip_leads", "tip_rules", "tip_decisions", "tips"):
        op.drop_table(name)
