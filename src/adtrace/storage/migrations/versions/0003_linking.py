"""Linking: the linker's saved state, each document's cluster, cluster summaries, hub-key overrides.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "link_state",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("state", sa.LargeBinary, nullable=False),  # zlib-compressed JSON (adtrace.linking.store)
        sa.Column("last_seq", sa.BigInteger, nullable=False),
        sa.Column("updated_at", sa.Text, nullable=False),
    )
    op.create_table(
        "link_clusters",
        sa.Column("doc_id", sa.Text, sa.ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("cluster_id", sa.Text, nullable=False),
        sa.Column("risk_score", sa.Float),  # the member's risk with the cluster's indicators added
        sa.Column("risk_level", sa.Text),
    )
    op.create_index("link_clusters_cluster", "link_clusters", ["cluster_id"])
    op.create_table(
        "link_summaries",
        sa.Column("cluster_id", sa.Text, primary_key=True),
        sa.Column("documents", sa.Integer, nullable=False),
        sa.Column("risk_max", sa.Float),
        sa.Column("summary", sa.Text, nullable=False),
    )
    op.create_index("link_summaries_size", "link_summaries", ["documents"])
    op.create_table(
        "link_hub_overrides",
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("hub", sa.Boolean, nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("created_at", sa.Text, nullable=False),
    )


def downgrade() -> None:
    for name in ("link_hub_overrides", "link_summaries", "link_clusters", "link_state"):
        op.drop_table(name)
