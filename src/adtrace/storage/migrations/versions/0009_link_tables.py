"""Linking: the linker's state in tables (documents, keys, postings, template and photo founders).

Replaces the single compressed blob of 0003, which every incremental `adtrace link` had to read and
rewrite whole; now a run reads and writes only the rows its new documents touch. The old blob is
dropped: the next `adtrace link` rebuilds once (clusters and summaries stay until then).

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DELETE FROM link_state")
    op.create_table(
        "link_docs",  # d: the linker's number for a document (link order); root: its cluster's first d
        sa.Column("d", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("doc_id", sa.Text, nullable=False, unique=True),
        sa.Column("root", sa.BigInteger, nullable=False),
    )
    op.create_index("link_docs_root", "link_docs", ["root"])
    op.create_table(
        "link_keys",
        sa.Column("k", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("name", sa.Text, nullable=False, unique=True),
        sa.Column("first_d", sa.BigInteger, nullable=False),
        sa.Column("docs", sa.Integer, nullable=False),
        sa.Column("seen", sa.Integer, nullable=False),  # distinct witnesses, capped (HubPolicy.cap)
        sa.Column("hub", sa.Boolean, nullable=False),
        sa.Column("witnesses", sa.Text, nullable=False),  # JSON list, at most HubPolicy.cap
    )
    op.create_index("link_keys_hub", "link_keys", ["hub"])
    op.create_table(
        "link_postings",
        sa.Column("k", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("d", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("detail", sa.Integer),  # Jaccard % (templates) or Hamming distance (photos)
    )
    op.create_index("link_postings_d", "link_postings", ["d"])
    op.create_table(
        "link_templates",
        sa.Column("t", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("doc_id", sa.Text, nullable=False),
        sa.Column("sig", sa.LargeBinary, nullable=False),  # NUM_PERM x uint32
    )
    op.create_table(
        "link_template_bands",
        sa.Column("band", sa.BigInteger, nullable=False),
        sa.Column("t", sa.BigInteger, nullable=False),
    )
    op.create_index("link_template_bands_band", "link_template_bands", ["band"])
    op.create_table(
        "link_images",
        sa.Column("f", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("doc_id", sa.Text, nullable=False),
        sa.Column("hash", sa.LargeBinary, nullable=False),  # PDQ, 32 bytes
    )
    op.create_table(
        "link_image_chunks",
        sa.Column("code", sa.BigInteger, nullable=False),  # chunk number x 65536 + the chunk's 16 bits
        sa.Column("f", sa.BigInteger, nullable=False),
    )
    op.create_index("link_image_chunks_code", "link_image_chunks", ["code"])


def downgrade() -> None:
    for name in ("link_image_chunks", "link_images", "link_template_bands", "link_templates", "link_postings",
                 "link_keys", "link_docs"):
        op.drop_table(name)
