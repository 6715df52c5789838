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

Also: each row's `words` gains one lexeme naming the document's epoch, `~e<seq // 20,000>` (no query can
produce a `~`). The ranked window (the newest 2,000 matches) is first looked for among the newest epochs'
documents: the GIN index intersects the query's words with those few epochs, so the heap visit reads those
rows' pages instead of a page per match across the table (0021 at 1M: every one of its 9,504 pages).

Revision ID: 0023
Revises: 0022
"""

from __future__ import annotations

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

EPOCH = 20_000  # adtrace/storage/postgres.py EPOCH: the query side names epochs the same way

_WORDS_FN = f"""
CREATE FUNCTION adtrace_search_words(v tsvector, seq bigint) RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$f$ SELECT adtrace_search_words(v) || array_to_tsvector(ARRAY['~e' || (seq / {EPOCH})]) $f$"""

# 0021's at-commit trigger, with the combination's number instead of the three columns, and the epoch.
_AT_COMMIT = """
CREATE OR REPLACE FUNCTION search_docs_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    d record;
    v tsvector;
BEGIN
    SELECT doc.seq, doc.source, doc.kind, doc.title, doc.text, doc.location, r.risk_level INTO d
    FROM documents doc LEFT JOIN records r ON r.doc_id = doc.id WHERE doc.seq = NEW.seq;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    v := to_tsvector('simple', adtrace_search_text(d.title, d.text, d.location));
    INSERT INTO search_docs (seq, combo, words)
    VALUES (d.seq, adtrace_facet_combo(d.source, d.kind, d.risk_level), adtrace_search_words(v, d.seq))
    ON CONFLICT (seq) DO UPDATE SET combo = excluded.combo, words = excluded.words;
    INSERT INTO search_positions (seq, tsv) VALUES (d.seq, v)
    ON CONFLICT (seq) DO UPDATE SET tsv = excluded.tsv;
    RETURN NULL;
END $$"""

_AT_COMMIT_0021 = """
CREATE OR REPLACE FUNCTION search_docs_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    d record;
    v tsvector;
BEGIN
    SELECT doc.seq, doc.source, doc.kind, doc.title, doc.text, doc.location, r.risk_level INTO d
    FROM documents doc LEFT JOIN records r ON r.doc_id = doc.id WHERE doc.seq = NEW.seq;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    v := to_tsvector('simple', adtrace_search_text(d.title, d.text, d.location));
    INSERT INTO search_docs (seq, source, kind, risk_level, words)
    VALUES (d.seq, d.source, d.kind, d.risk_level, adtrace_search_words(v))
    ON CONFLICT (seq) DO UPDATE SET source = excluded.source, kind = excluded.kind,
        risk_level = excluded.risk_level, words = excluded.words;
    INSERT INTO search_positions (seq, tsv) VALUES (d.seq, v)
    ON CONFLICT (seq) DO UPDATE SET tsv = excluded.tsv;
    RETURN NULL;
END $$"""

# A record's level changed: its document's row moves to the combination with the new level.
_RECORDS = """
CREATE OR REPLACE FUNCTION search_docs_records() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE search_docs x SET combo = adtrace_facet_combo(d.source, d.kind, NEW.risk_level)
    FROM documents d WHERE d.id = NEW.doc_id AND x.seq = d.seq;
    RETURN NULL;
END $$"""

_RECORDS_0014 = """
CREATE OR REPLACE FUNCTION search_docs_records() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE search_docs SET risk_level = NEW.risk_level
    WHERE seq = (SELECT seq FROM documents WHERE id = NEW.doc_id);
    RETURN NULL;
END $$"""

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
    cur.execute(_WORDS_FN)
    # The words gain their epoch (no text is re-parsed); PostgreSQL compresses each value again.
    _swap(cur, "seq bigint PRIMARY KEY, combo integer NOT NULL, words tsvector NOT NULL",
          f"SELECT x.seq, c.combo, x.words || array_to_tsvector(ARRAY['~e' || (x.seq / {EPOCH})]) "
          f"FROM search_docs x JOIN facet_combos c ON {_KEY}")
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
          f"SELECT x.seq, c.source, c.kind, c.risk_level, ts_delete(x.words, '~e' || (x.seq / {EPOCH})) "
          "FROM search_docs x JOIN facet_combos c ON c.combo = x.combo")
    cur.execute("DROP FUNCTION adtrace_search_words(tsvector, bigint)")
    cur.execute("DROP FUNCTION adtrace_facet_combo(text, text, text)")
    cur.execute("DROP TABLE facet_combos")
    cur.execute("ANALYZE search_docs")
