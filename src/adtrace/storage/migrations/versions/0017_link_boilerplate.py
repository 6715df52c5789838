"""Linking: the boilerplate counts of template founders (`adtrace.linking.boilerplate`).

How many distinct templates hold each (MinHash position, value): wording many templates share is
boilerplate and stops counting as shared wording. Kept as a count sketch in fixed-size chunks, so an
incremental run reads the counts and writes back only the chunks its new templates changed. The
linker's state is dropped: the next `adtrace link` rebuilds once with the new rule.

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DELETE FROM link_state")
    op.create_table(
        "link_template_df",
        sa.Column("chunk", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("counts", sa.LargeBinary, nullable=False),  # boilerplate.CHUNK one-byte counters
    )


def downgrade() -> None:
    op.drop_table("link_template_df")
