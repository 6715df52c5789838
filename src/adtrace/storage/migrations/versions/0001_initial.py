"""Documents, records, entity index, indicator hits, ingest checkpoints and full-text search.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Integer primary keys: SQLite's rowid alias, a bigint identity on PostgreSQL.
SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.create_table(
        "documents",
        sa.Column("seq", SEQ, primary_key=True, autoincrement=True),
        sa.Column("id", sa.Text, nullable=False, unique=True),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("url", sa.Text),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("title", sa.Text),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("location", sa.Text),
        sa.Column("posted_at", sa.Text),
        sa.Column("content_hash", sa.Text, nullable=False),
        sa.Column("doc_hash", sa.Text, nullable=False),
        sa.Column("doc", sa.Text, nullable=False),
        sa.Column("ingested_at", sa.Text, nullable=False),
        sa.Column("updated_at", sa.Text, nullable=False),
    )
    op.create_index("documents_source_url", "documents", ["source", "url"], unique=True)
    op.create_index("documents_content_hash", "documents", ["content_hash"])
    op.create_index("documents_posted_at", "documents", ["posted_at"])
    op.create_table(
        "records",
        sa.Column("doc_id", sa.Text, sa.ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("record", sa.Text, nullable=False),
        sa.Column("risk_score", sa.Float),
        sa.Column("risk_level", sa.Text),
    )
    op.create_index("records_risk_level", "records", ["risk_level", "risk_score"])
    op.create_table(
        "entities",
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("doc_id", sa.Text, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("platform", sa.Text),
        sa.PrimaryKeyConstraint("kind", "value", "doc_id", name="entities_pk"),
    )
    op.create_index("entities_doc", "entities", ["doc_id"])
    op.create_table(
        "indicator_hits",
        sa.Column("indicator_id", sa.Text, nullable=False),
        sa.Column("doc_id", sa.Text, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
        sa.PrimaryKeyConstraint("indicator_id", "doc_id", name="indicator_hits_pk"),
    )
    op.create_index("indicator_hits_doc", "indicator_hits", ["doc_id"])
    op.create_table(
        "ingest_files",
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("fingerprint", sa.Text, nullable=False),
        sa.Column("items_done", sa.BigInteger, nullable=False),
        sa.Column("complete", sa.Boolean, nullable=False),
        sa.Column("updated_at", sa.Text, nullable=False),
    )
    if dialect == "sqlite":
        _sqlite_fts()
    elif dialect == "postgresql":
        _postgres_fts()


def _sqlite_fts() -> None:
    # External-content FTS5 over documents: the text is stored once; triggers keep the index in step.
    op.execute("CREATE VIRTUAL TABLE documents_fts USING fts5(title, text, location, content='documents', "
               "content_rowid='seq', tokenize=\"unicode61 remove_diacritics 2\")")
    op.execute("CREATE TRIGGER documents_ai AFTER INSERT ON documents BEGIN "
               "INSERT INTO documents_fts(rowid, title, text, location) "
               "VALUES (new.seq, new.title, new.text, new.location); END")
    op.execute("CREATE TRIGGER documents_ad AFTER DELETE ON documents BEGIN "
               "INSERT INTO documents_fts(documents_fts, rowid, title, text, location) "
               "VALUES ('delete', old.seq, old.title, old.text, old.location); END")
    op.execute("CREATE TRIGGER documents_au AFTER UPDATE OF title, text, location ON documents BEGIN "
               "INSERT INTO documents_fts(documents_fts, rowid, title, text, location) "
               "VALUES ('delete', old.seq, old.title, old.text, old.location); "
               "INSERT INTO documents_fts(rowid, title, text, location) "
               "VALUES (new.seq, new.title, new.text, new.location); END")


def _postgres_fts() -> None:
    # 'simple' (no stemming) matches SQLite's unicode61 tokens: one query means the same on both.
    op.execute("ALTER TABLE documents ADD COLUMN tsv tsvector GENERATED ALWAYS AS "
               "(to_tsvector('simple', coalesce(title, '') || ' ' || text || ' ' || coalesce(location, ''))) STORED")
    op.execute("CREATE INDEX documents_tsv ON documents USING gin (tsv)")
    # Trigram index: partial lookups of handles, emails and payment ids (LIKE '%part%').
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute("CREATE INDEX entities_value_trgm ON entities USING gin (value gin_trgm_ops)")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TABLE IF EXISTS documents_fts")
    for name in ("ingest_files", "indicator_hits", "entities", "records", "documents"):
        op.drop_table(name)
