"""PostgreSQL: narrow `search_docs` rows for matching, counting and facets; word positions in their own table.

Migration 0014's `search_docs` row (seq, source, kind, risk level, tsvector) was meant to be narrow, but
its ~820-byte tsvector stayed inline (PostgreSQL moves a value out of line only when the whole row passes
~2 kB), so a row took ~870 bytes and a two-word search visited a heap page per match (200k realistic
ads: 8,043 pages for 10,203 matches; 26,611 pages in all), once for the count and facets and once more
for the ranked window. Now:

- `search_docs` (seq, source, kind, risk level, `words`): `words` is the tsvector without positions
  (`strip`) plus one 2,040-character filler lexeme of `~`, which no query can produce (the query side
  turns punctuation into spaces). The filler takes every row past the 2 kB threshold, and with
  `toast_tuple_target = 128` PostgreSQL compresses `words` and keeps it out of line: the heap row is
  ~80 bytes (200k ads: 1,883 heap pages) and the GIN index on `words` finds the matches. Matching reads
  `words` only through the index (plain words, prefixes and AND need no recheck), never the value.
- `search_positions` (seq, tsvector with positions), read by key: `ts_rank` for the ranked window's
  documents and the check of quoted phrases (adtrace/storage/postgres.py).

The documents trigger becomes a constraint trigger deferred to the end of the writing transaction, when
the document's record (risk level) is there: each row is written once. Before, the records trigger
rewrote every new row a moment after it was inserted (a second row version and a second set of GIN
entries per document). The records trigger still updates the level of rows that exist.

Existing stores are rebuilt from their own tsvectors (no text is re-parsed). The downgrade rebuilds 0014's
table from both.

Revision ID: 0021
Revises: 0020
"""

from __future__ import annotations

from typing import Any

from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

FILLER_CHARS = 2040  # lexemes may hold up to 2,047 bytes; with it any row passes the ~2,032-byte threshold

_WORDS_FN = f"""
CREATE FUNCTION adtrace_search_words(v tsvector) RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$f$ SELECT strip(v) || array_to_tsvector(ARRAY[repeat('~', {FILLER_CHARS})]) $f$"""

# Reads the document and its record as they are at commit: several events for one document in one
# transaction (insert, then update) give the same final rows; a document deleted since gives none.
_AT_COMMIT = """
CREATE FUNCTION search_docs_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
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

_DELETED = """
CREATE FUNCTION search_docs_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM search_docs WHERE seq = OLD.seq;
    DELETE FROM search_positions WHERE seq = OLD.seq;
    RETURN NULL;
END $$"""

# 0014's trigger, restored by the downgrade.
_DOC_TRIGGER_0014 = """
CREATE FUNCTION search_docs_documents() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM search_docs WHERE seq = OLD.seq;
        RETURN NULL;
    END IF;
    INSERT INTO search_docs (seq, source, kind, tsv)
    VALUES (NEW.seq, NEW.source, NEW.kind,
            to_tsvector('simple', adtrace_search_text(NEW.title, NEW.text, NEW.location)))
    ON CONFLICT (seq) DO UPDATE SET source = excluded.source, kind = excluded.kind, tsv = excluded.tsv;
    RETURN NULL;
END $$"""


def _cursor() -> Any:
    # The driver's own cursor: these bodies hold ':' and '%', which bind-parameter parsing would misread.
    return op.get_bind().connection.driver_connection.cursor()  # type: ignore[union-attr]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    cur = _cursor()
    cur.execute("SET LOCAL maintenance_work_mem = '256MB'")  # the GIN builds: 64 MB merges many runs
    cur.execute("DROP TRIGGER search_docs_documents ON documents")
    cur.execute("DROP FUNCTION search_docs_documents()")
    cur.execute(_WORDS_FN)
    cur.execute("CREATE TABLE search_positions (seq bigint PRIMARY KEY, tsv tsvector NOT NULL)")
    cur.execute("INSERT INTO search_positions SELECT seq, tsv FROM search_docs ORDER BY seq")
    cur.execute("CREATE TABLE search_docs_new (seq bigint PRIMARY KEY, source text NOT NULL, kind text NOT NULL, "
                "risk_level text, words tsvector NOT NULL) WITH (toast_tuple_target = 128)")
    cur.execute("INSERT INTO search_docs_new SELECT seq, source, kind, risk_level, adtrace_search_words(tsv) "
                "FROM search_docs ORDER BY seq")
    cur.execute("DROP TABLE search_docs")  # its GIN index goes with it
    cur.execute("ALTER TABLE search_docs_new RENAME TO search_docs")
    cur.execute("ALTER INDEX search_docs_new_pkey RENAME TO search_docs_pkey")
    cur.execute("CREATE INDEX search_docs_words ON search_docs USING gin (words)")
    cur.execute(_AT_COMMIT)
    cur.execute(_DELETED)
    cur.execute("CREATE CONSTRAINT TRIGGER search_docs_at_commit AFTER INSERT OR "
                "UPDATE OF source, kind, title, text, location ON documents DEFERRABLE INITIALLY DEFERRED "
                "FOR EACH ROW EXECUTE FUNCTION search_docs_at_commit()")
    cur.execute("CREATE TRIGGER search_docs_deleted AFTER DELETE ON documents "
                "FOR EACH ROW EXECUTE FUNCTION search_docs_deleted()")
    cur.execute("ANALYZE search_docs")
    cur.execute("ANALYZE search_positions")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    cur = _cursor()
    cur.execute("SET LOCAL maintenance_work_mem = '256MB'")
    cur.execute("DROP TRIGGER search_docs_at_commit ON documents")
    cur.execute("DROP TRIGGER search_docs_deleted ON documents")
    cur.execute("DROP FUNCTION search_docs_at_commit()")
    cur.execute("DROP FUNCTION search_docs_deleted()")
    cur.execute("CREATE TABLE search_docs_old (seq bigint PRIMARY KEY, source text NOT NULL, kind text NOT NULL, "
                "risk_level text, tsv tsvector NOT NULL)")
    cur.execute("INSERT INTO search_docs_old SELECT x.seq, x.source, x.kind, x.risk_level, p.tsv FROM search_docs x "
                "JOIN search_positions p ON p.seq = x.seq ORDER BY x.seq")
    cur.execute("DROP TABLE search_docs")
    cur.execute("DROP TABLE search_positions")
    cur.execute("DROP FUNCTION adtrace_search_words(tsvector)")
    cur.execute("ALTER TABLE search_docs_old RENAME TO search_docs")
    cur.execute("ALTER INDEX search_docs_old_pkey RENAME TO search_docs_pkey")
    cur.execute("CREATE INDEX search_docs_tsv ON search_docs USING gin (tsv)")
    cur.execute(_DOC_TRIGGER_0014)
    cur.execute("CREATE TRIGGER search_docs_documents AFTER INSERT OR DELETE OR "
                "UPDATE OF source, kind, title, text, location ON documents "
                "FOR EACH ROW EXECUTE FUNCTION search_docs_documents()")
    cur.execute("ANALYZE search_docs")
