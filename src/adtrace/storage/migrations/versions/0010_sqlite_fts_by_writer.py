"""SQLite: the writer adds a batch's full-text entries in one statement, not a per-row insert trigger.

Through the AFTER INSERT trigger of 0001, FTS5 cost ~250 µs of writer CPU per document and grew with
the store (100k documents: 25 s of the writer's 45 s); one INSERT ... SELECT per batch costs ~8 µs
(see adtrace/storage/facets.py). Update and delete triggers stay: they are rare and keep edits and
purges in step.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP TRIGGER IF EXISTS documents_ai")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("CREATE TRIGGER documents_ai AFTER INSERT ON documents BEGIN "
               "INSERT INTO documents_fts(rowid, title, text, location) "
               "VALUES (new.seq, new.title, new.text, new.location); END")
