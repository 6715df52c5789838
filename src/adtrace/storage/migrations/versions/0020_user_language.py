"""Each account's language for the app's pages (adtrace.i18n): NULL follows the browser.

Revision ID: 0020
Revises: 0019
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("users", sa.Column("language", sa.Text, nullable=True))  # en | es | zh_Hans


def downgrade() -> None:
    op.drop_column("users", "language")
