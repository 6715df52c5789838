"""SQLite: `doc_facets` rows hold one small integer, the document's combination of single-valued facets;
the writer indexes CJK rows per batch.

An exact search counts its single-valued facets by looking up each match's `doc_facets` row and grouping
the matches by (source, kind, risk level) (adtrace/storage/sqlite.py `grouped_sql`). That pass was most of
a two-word + two-facet search at 1M realistic ads (CPU median 94 ms of FTS5's 14 ms count and the ranked
hits' 25 ms, on the full pipeline store and the store-only one alike). The rows held three strings and the
grouping sorted every match by two of them. Now a store has a few dozen combinations (`facet_combos`:
combo, source, kind, risk level), each document's row is (seq, combo), and a search groups its matches by
the integer, then sums each facet over the few combinations (one sort of small integers; rows of ~5 bytes,
so fewer pages per match). Same counts.

Also: the writer adds the CJK side index's FTS5 entries (migration 0013) itself, one statement per batch,
and 0013's per-row insert trigger goes. Inside the writer's savepoint FTS5 flushed its pending entries at
every statement, so the trigger wrote one index segment per document with CJK text and merged them again
and again: at 1M realistic ads 1.66 CPU-s of the writer's ~9 per 20,000 ads went to that one insert
(bench/store_writer.py --statements). Update and delete triggers stay.

Revision ID: 0022
Revises: 0021
"""

from __future__ import annotations

from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

_TRIGGER = "CREATE TRIGGER doc_facets_ad AFTER DELETE ON documents BEGIN DELETE FROM doc_facets WHERE seq = old.seq; END"
_CJK_TRIGGER = ("CREATE TRIGGER documents_cjk_ai AFTER INSERT ON documents_cjk BEGIN "
                "INSERT INTO documents_cjk_fts(rowid, grams) VALUES (new.seq, new.grams); END")


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("CREATE TABLE facet_combos (combo INTEGER PRIMARY KEY, source TEXT NOT NULL, kind TEXT NOT NULL, "
               "risk_level TEXT)")
    # One row per combination; a missing level is one combination too (NULLs are never equal in UNIQUE).
    op.execute("CREATE UNIQUE INDEX facet_combos_key ON facet_combos (source, kind, ifnull(risk_level, ''))")
    op.execute("INSERT INTO facet_combos (source, kind, risk_level) SELECT DISTINCT source, kind, risk_level "
               "FROM doc_facets ORDER BY 1, 2, 3")
    op.execute("CREATE TABLE doc_facets_new (seq INTEGER PRIMARY KEY, combo INTEGER NOT NULL)")
    op.execute("INSERT INTO doc_facets_new (seq, combo) SELECT f.seq, c.combo FROM doc_facets f JOIN facet_combos c "
               "ON c.source = f.source AND c.kind = f.kind AND ifnull(c.risk_level, '') = ifnull(f.risk_level, '') "
               "ORDER BY f.seq")
    op.execute("DROP TRIGGER IF EXISTS doc_facets_ad")
    op.execute("DROP TABLE doc_facets")
    op.execute("ALTER TABLE doc_facets_new RENAME TO doc_facets")
    op.execute(_TRIGGER)
    op.execute("DROP TRIGGER IF EXISTS documents_cjk_ai")  # the writer indexes a batch's CJK rows itself


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("CREATE TABLE doc_facets_old (seq INTEGER PRIMARY KEY, source TEXT NOT NULL, kind TEXT NOT NULL, "
               "risk_level TEXT)")
    op.execute("INSERT INTO doc_facets_old (seq, source, kind, risk_level) SELECT f.seq, c.source, c.kind, "
               "c.risk_level FROM doc_facets f JOIN facet_combos c ON c.combo = f.combo ORDER BY f.seq")
    op.execute("DROP TRIGGER IF EXISTS doc_facets_ad")
    op.execute("DROP TABLE doc_facets")
    op.execute("DROP TABLE facet_combos")
    op.execute("ALTER TABLE doc_facets_old RENAME TO doc_facets")
    op.execute(_TRIGGER)
    op.execute(_CJK_TRIGGER)
