"""Cases (documents, clusters and entities collected with notes, status and assignee) (settings use 0002's app_settings).

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "cases",  # an investigation: what was collected, by whom, and where it stands (adtrace.cases.cases)
        sa.Column("id", SEQ, primary_key=True, autoincrement=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),  # open | referred | closed
        sa.Column("assignee", sa.Text),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("updated_at", sa.Text, nullable=False),
    )
    op.create_table(
        "case_items",  # a document, a cluster or an entity (phone:+1..., email:..., handle:...) in a case
        sa.Column("case_id", SEQ, sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.Text, nullable=False),  # document | cluster | entity
        sa.Column("ref", sa.Text, nullable=False),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.Column("added_by", sa.Text, nullable=False),
        sa.Column("added_at", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("case_id", "kind", "ref", name="case_items_pk"),
    )
    op.create_index("case_items_ref", "case_items", ["kind", "ref"])
    op.create_table(
        "case_notes",
        sa.Column("id", SEQ, primary_key=True, autoincrement=True),
        sa.Column("case_id", SEQ, sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
        sa.Column("author", sa.Text, nullable=False),
        sa.Column("at", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
    )
    op.create_index("case_notes_case", "case_notes", ["case_id", "id"])


def downgrade() -> None:
    for name in ("case_notes", "case_items", "cases"):
        op.drop_table(name)
