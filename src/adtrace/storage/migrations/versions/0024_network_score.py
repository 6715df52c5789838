"""Each cluster summary's network score as a column, so the cluster list can order every cluster by it.

The network score (adtrace.scoring.network) is the cluster's own: its cluster indicators plus its typical
member ad. Linking computes it with the summary; the column copies the summary's value, as `risk_max` does,
and an index per order of the cluster list (`clusterstore.ORDERS`) serves "highest first, at most 200"
(138,317 clusters at 1M synthetic ads: a scan would read every summary's JSON). Summaries written before
this revision have none (NULL) until linking writes them again (`adtrace link --rebuild` rewrites every
one); lists put them last.

Revision ID: 0024
Revises: 0023
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


# The lists' ORDER BY, column for column. SQLite keeps NULLs last in a DESC index on its own (and accepts no
# NULLS LAST in an index); PostgreSQL's DESC puts them first unless told.
_INDEXES = {
    "link_summaries_network": ("network_score", "risk_max", "documents", "cluster_id"),
    "link_summaries_risk": ("risk_max", "network_score", "documents", "cluster_id"),
}


def upgrade() -> None:
    op.add_column("link_summaries", sa.Column("network_score", sa.Float, nullable=True))
    pg = op.get_bind().dialect.name == "postgresql"
    for name, (a, b, c, d) in _INDEXES.items():
        nulls = " NULLS LAST" if pg else ""
        op.create_index(name, "link_summaries", [sa.text(f"{a} DESC{nulls}"), sa.text(f"{b} DESC{nulls}"),
                                                 sa.text(f"{c} DESC"), sa.text(d)])


def downgrade() -> None:
    for name in _INDEXES:
        op.drop_index(name, "link_summaries")
    op.drop_column("link_summaries", "network_score")
