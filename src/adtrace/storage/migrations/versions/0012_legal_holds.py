"""Legal holds: a case, cluster or document that retention must never purge, with who, when and why.

Released holds stay as rows (released_by/at/reason) so the history survives. `doc_ids` keeps the
documents a case or cluster held when the hold was placed (JSON list), so later edits to the case or
a relink cannot shrink what is preserved.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "legal_holds",  # adtrace.cases.holds
        sa.Column("id", SEQ, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.Text, nullable=False),  # case | cluster | document
        sa.Column("ref", sa.Text, nullable=False),  # case id, cluster id or document id
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("placed_by", sa.Text, nullable=False),
        sa.Column("placed_at", sa.Text, nullable=False),
        sa.Column("doc_ids", sa.Text, nullable=False, server_default="[]"),  # documents held at placement
        sa.Column("released_by", sa.Text),
        sa.Column("released_at", sa.Text),
        sa.Column("release_reason", sa.Text),
    )
    op.create_index("legal_holds_ref", "legal_holds", ["kind", "ref"])


def downgrade() -> None:
    op.drop_table("legal_holds")
