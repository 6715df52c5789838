"""Every linked document's photo hashes (PDQ), for "ads like this one" and search by photo.

The linker's `link_images` keeps only the first posting of each photo; finding the documents whose
photos lie within a chosen distance of a query photo needs every document's own hash.

Revision ID: 0018
Revises: 0017
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "link_photos",  # adtrace.linking.photos
        sa.Column("doc_id", sa.Text, nullable=False),
        sa.Column("hash", sa.LargeBinary, nullable=False),  # PDQ, 32 bytes
    )
    op.create_index("link_photos_doc", "link_photos", ["doc_id"])


def downgrade() -> None:
    op.drop_table("link_photos")
