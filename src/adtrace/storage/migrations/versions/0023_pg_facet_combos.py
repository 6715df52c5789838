"""PostgreSQL: `search_docs` rows hold the number of the document's (source, kind, risk level) combination.

Migration 0021 made `search_docs` narrow (seq, source, kind, risk level, an out-of-line `words`), but an
exact two-word + two-facet search still visited every heap page of it at 1M realistic ads (9,504 buffers)
and grouped the matches by two text columns (GROUPING SETS), and the ranked window visited them all again
for the matches' seqs. As SQLite's 0022 did for `doc_facets`, the three strings become one integer: the
combination's number in `facet_combos` (combo, source, kind, risk level; a store has a few dozen). A row is
then seq, combo and the `words` pointer (~60 bytes with its line pointer instead of ~80), and counting
groups the matches by one integer, then sums each facet over the few combinations
(adtrace/storage/postgres.py). Same counts.

`adtrace_facet_combo(source, kind, level)` gives a combination's number, adding it when new; the triggers
that keep `search_docs` current (0021's at-commit trigger on documents, 0014's on records) call it.

Revision ID: 0023
Revises: 0022
"""

from __future__ import annotations

import importlib
from typing import Any

from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

_COMBO_FN = """
CREATE FUNCTION adtrace_facet_combo(src text, knd text, lvl text) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    n integer;
BEGIN
    SELECT combo INTO n FROM facet_combos
    WHERE source = src AND kind = knd AND coalesce(risk_level, '') = coalesce(lvl, '');
    IF NOT FOUND THEN
        INSERT INTO facet_combos (source, kind, risk_level) VALUES (src, knd, lvl) ON CONFLICT DO NOTHING;
        SELECT combo INTO n FROM facet_combos
        WHERE source = src AND kind = knd AND coalesce(risk_level, '') = coalesce(lvl, '');
    END IF;
    RETURN n;
END $$"""

_OLD = importlib.import_module("adtrace.storage.migrations.versions.0021_pg_narrow_search_rows")
_ROW_0021 = """INSERT INTO search_docs (seq, source, kind, risk_level, words)
    VALUES (d.seq, d.source, d.kind, d.risk_level, adtrace_search_words(v))
    ON CONFLICT (seq) DO UPDATE SET source = excluded.source, kind = excluded.kind,
        risk_level = excluded.risk_level, words = excluded.words;"""
_ROW = """INSERT INTO search_docs (seq, combo, words)
    VALUES (d.seq, adtrace_facet_combo(d.source, d.kind, d.risk_level), adtrace_search_words(v))
    ON CONFLICT (seq) DO UPDATE SET combo = excluded.combo, words = excluded.words;"""
# 0021's at-commit trigger (restored by the downgrade), and the same with the combination's number instead
# of the three columns.
_AT_COMMIT_0021 = _OLD._AT_COMMIT.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)
assert _ROW_0021 in _AT_COMMIT_0021
_AT_COMMIT = _AT_COMMIT_0021.replace(_ROW_0021, _ROW)

# A record's level changed: its document's row moves to the combination with the new level.
_RECORDS = """
CREATE OR REPLACE FUNCTION search_docs_records() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE search_docs x SET combo = adtrace_facet_combo(d.source, d.kind, NEW.risk_level)
    FROM documents d WHERE d.id = NEW.doc_id AND x.seq = d.seq;
    RETURN NULL;
END $$"""

_RECORDS_0014 = importlib.import_module("adtrace.storage.migrations.versions.0014_pg_search_docs")._REC_TRIGGER.replace(
    "CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)

_KEY = "c.source = x.source AND c.kind = x.kind AND coalesce(c.risk_level, '') = coalesce(x.risk_level, '')"


def _cursor() -> Any:
    # The driver's own cursor: these bodies hold ':' and '%', which bind-parameter parsing would misread.
    return op.get_bind().connection.driver_connection.cursor()  # type: ignore[union-attr]


def _swap(cur: Any, columns: str, select: str) -> None:
    """Rebuild search_docs as `columns` from `select` (over the old table `x`), with its key and GIN index."""
    cur.execute(f"CREATE TABLE search_docs_new ({columns}) WITH (toast_tuple_target = 128)")
    cur.execute(f"INSERT INTO search_docs_new {select} ORDER BY x.seq")
    cur.execute("DROP TABLE search_docs")  # its GIN index goes with it
    cur.execute("ALTER TABLE search_docs_new RENAME TO search_docs")
    cur.execute("ALTER INDEX search_docs_new_pkey RENAME TO search_docs_pkey")
    cur.execute("CREATE INDEX search_docs_words ON search_docs USING gin (words)")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    cur = _cursor()
    cur.execute("SET LOCAL maintenance_work_mem = '256MB'")  # the GIN build
    cur.execute("CREATE TABLE facet_combos (combo serial PRIMARY KEY, source text NOT NULL, kind text NOT NULL, "
                "risk_level text)")
    # One row per combination; a missing level is one combination too (NULLs are never equal in UNIQUE).
    cur.execute("CREATE UNIQUE INDEX facet_combos_key ON facet_combos (source, kind, coalesce(risk_level, ''))")
    cur.execute("INSERT INTO facet_combos (source, kind, risk_level) SELECT DISTINCT source, kind, risk_level "
                "FROM search_docs ORDER BY 1, 2, 3")
    cur.execute(_COMBO_FN)
    # The words are copied as they are (PostgreSQL copies the compressed out-of-line values).
    _swap(cur, "seq bigint PRIMARY KEY, combo integer NOT NULL, words tsvector NOT NULL",
          f"SELECT x.seq, c.combo, x.words FROM search_docs x JOIN facet_combos c ON {_KEY}")
    cur.execute(_AT_COMMIT)
    cur.execute(_RECORDS)
    cur.execute("ANALYZE facet_combos")
    cur.execute("ANALYZE search_docs")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    cur = _cursor()
    cur.execute("SET LOCAL maintenance_work_mem = '256MB'")
    cur.execute(_AT_COMMIT_0021)
    cur.execute(_RECORDS_0014)
    _swap(cur, "seq bigint PRIMARY KEY, source text NOT NULL, kind text NOT NULL, risk_level text, "
               "words tsvector NOT NULL",
          "SELECT x.seq, c.source, c.kind, c.risk_level, x.words FROM search_docs x "
          "JOIN facet_combos c ON c.combo = x.combo")
    cur.execute("DROP FUNCTION adtrace_facet_combo(text, text, text)")
    cur.execute("DROP TABLE facet_combos")
    cur.execute("ANALYZE search_docs")
