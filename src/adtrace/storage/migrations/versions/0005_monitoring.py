"""Monitoring: watchlist entries, alerts, crawl state (pages seen per profile) and crawl runs.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "watchlist_entries",  # one identifier or pattern an analyst watches for (adtrace.cases.watchlists)
        sa.Column("id", SEQ, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.Text, nullable=False),  # phone | email | handle | pdq | regex | phrase
        sa.Column("value", sa.Text, nullable=False),  # normalised as the entity index stores it
        sa.Column("name", sa.Text, nullable=False),  # the watchlist it belongs to, e.g. "Op Lantern"
        sa.Column("owner", sa.Text, nullable=False),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.Column("distance", sa.Integer),  # PDQ: largest Hamming distance that still matches
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("removed_at", sa.Text),
    )
    op.create_index("watchlist_entries_active", "watchlist_entries", ["active", "kind"])
    op.create_table(
        "alerts",  # something new matters: shown in the app, acknowledged by an analyst
        sa.Column("id", SEQ, primary_key=True, autoincrement=True),
        sa.Column("doc_id", sa.Text, sa.ForeignKey("documents.id", ondelete="CASCADE")),
        sa.Column("kind", sa.Text, nullable=False),  # watchlist | risk | partner | ...
        sa.Column("dedup_key", sa.Text, nullable=False),  # one alert per document and cause
        sa.Column("severity", sa.Text, nullable=False),  # info | elevated | high
        sa.Column("reasons", sa.Text, nullable=False),  # JSON list of {kind, text, ...}
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("acked_at", sa.Text),
        sa.Column("acked_by", sa.Text),
        sa.Column("ack_note", sa.Text),
        sa.UniqueConstraint("dedup_key", name="alerts_dedup"),
    )
    op.create_index("alerts_open", "alerts", ["acked_at", "id"])
    op.create_table(
        "crawl_pages",  # every ad page a profile's crawler stored, so a re-run fetches only new ones
        sa.Column("profile", sa.Text, nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("status", sa.Integer, nullable=False),
        sa.Column("doc_id", sa.Text),
        sa.Column("fetched_at", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("profile", "url", name="crawl_pages_pk"),
    )
    op.create_table(
        "crawl_runs",
        sa.Column("id", SEQ, primary_key=True, autoincrement=True),
        sa.Column("profile", sa.Text, nullable=False),
        sa.Column("started_at", sa.Text, nullable=False),
        sa.Column("finished_at", sa.Text),
        sa.Column("summary", sa.Text, nullable=False, server_default="{}"),
    )
    op.create_index("crawl_runs_profile", "crawl_runs", ["profile", "started_at"])


def downgrade() -> None:
    for name in ("crawl_runs", "crawl_pages", "alerts", "watchlist_entries"):
        op.drop_table(name)
