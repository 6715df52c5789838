"""A side index of CJK character bigrams, so a word inside a longer run of Chinese or Japanese is found.

Both word indexes keep a run of CJK characters as one token ("北京按摩服务"), so "按摩" found nothing.
`documents_cjk` holds, for the documents that have CJK text only, each run as overlapping bigrams plus
its last character (adtrace/storage/cjk.py); search matches a query run as the phrase of its bigrams.
Existing stores are filled here from the stored text: no re-ingest.

SQLite: an external-content FTS5 table over `documents_cjk (seq, grams)`; the writer fills the rows
(Python computes the grams), triggers keep the FTS5 entries in step and drop a deleted document's row.
PostgreSQL: `adtrace_cjk_grams()` computes the same grams in SQL and a trigger on `documents` keeps
`documents_cjk (seq, tsv)` current, so COPY and every other writer fill it too.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import text

from adtrace.storage.cjk import RANGES, grams

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

# Python's adtrace.storage.cjk.grams in SQL: each run's bigrams, then its last character.
_PG_GRAMS = f"""
CREATE FUNCTION adtrace_cjk_grams(t text) RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    r text;
    out text[] := '{{}}';
BEGIN
    IF t IS NULL OR t !~ '[{RANGES}]' THEN
        RETURN '';
    END IF;
    FOR r IN SELECT (regexp_matches(t, '[{RANGES}]+', 'g'))[1] LOOP
        FOR i IN 1 .. length(r) - 1 LOOP
            out := out || substr(r, i, 2);
        END LOOP;
        out := out || substr(r, length(r), 1);
    END LOOP;
    RETURN array_to_string(out, ' ');
END $$"""

_PG_TRIGGER = """
CREATE FUNCTION documents_cjk_sync() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    g text;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM documents_cjk WHERE seq = OLD.seq;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        g := adtrace_cjk_grams(coalesce(NEW.title, '') || ' ' || NEW.text || ' ' || coalesce(NEW.location, ''));
        IF g <> '' THEN
            INSERT INTO documents_cjk (seq, tsv) VALUES (NEW.seq, to_tsvector('simple', g));
        END IF;
    END IF;
    RETURN NULL;
END $$"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite()
    else:
        _postgres()


def _sqlite() -> None:
    op.execute("CREATE TABLE documents_cjk (seq INTEGER PRIMARY KEY, grams TEXT NOT NULL)")
    # remove_diacritics 0: kana with voicing marks must stay distinct characters.
    op.execute("CREATE VIRTUAL TABLE documents_cjk_fts USING fts5(grams, content='documents_cjk', "
               "content_rowid='seq', tokenize=\"unicode61 remove_diacritics 0\")")
    op.execute("CREATE TRIGGER documents_cjk_ai AFTER INSERT ON documents_cjk BEGIN "
               "INSERT INTO documents_cjk_fts(rowid, grams) VALUES (new.seq, new.grams); END")
    op.execute("CREATE TRIGGER documents_cjk_ad AFTER DELETE ON documents_cjk BEGIN "
               "INSERT INTO documents_cjk_fts(documents_cjk_fts, rowid, grams) VALUES ('delete', old.seq, old.grams); "
               "END")
    op.execute("CREATE TRIGGER documents_cjk_doc_ad AFTER DELETE ON documents BEGIN "
               "DELETE FROM documents_cjk WHERE seq = old.seq; END")
    # Backfill: GLOB compares code points, so SQLite picks the few documents with CJK text.
    conn = op.get_bind()
    cls = f"*[{RANGES}]*"
    rows = conn.execute(text("SELECT seq, title, text, location FROM documents WHERE text GLOB :c OR title GLOB :c "
                             "OR location GLOB :c"), {"c": cls}).all()
    values = [{"seq": r.seq, "grams": g} for r in rows if (g := grams(r.title, r.text, r.location))]
    if values:
        conn.execute(text("INSERT INTO documents_cjk (seq, grams) VALUES (:seq, :grams)"), values)


def _postgres() -> None:
    op.execute("CREATE TABLE documents_cjk (seq bigint PRIMARY KEY, tsv tsvector NOT NULL)")
    op.execute(_PG_GRAMS)
    op.execute(_PG_TRIGGER)
    op.execute("CREATE TRIGGER documents_cjk_sync AFTER INSERT OR DELETE OR UPDATE OF title, text, location "
               "ON documents FOR EACH ROW EXECUTE FUNCTION documents_cjk_sync()")
    op.execute(f"INSERT INTO documents_cjk (seq, tsv) SELECT seq, to_tsvector('simple', g) FROM ("
               f"SELECT seq, adtrace_cjk_grams(coalesce(title, '') || ' ' || text || ' ' || coalesce(location, '')) g "
               f"FROM documents WHERE coalesce(title, '') || text || coalesce(location, '') ~ '[{RANGES}]') x "
               f"WHERE g <> ''")
    op.execute("CREATE INDEX documents_cjk_tsv ON documents_cjk USING gin (tsv)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("documents_cjk_ai", "documents_cjk_ad", "documents_cjk_doc_ad"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS documents_cjk_fts")
    else:
        op.execute("DROP TRIGGER IF EXISTS documents_cjk_sync ON documents")
        op.execute("DROP FUNCTION IF EXISTS documents_cjk_sync()")
        op.execute("DROP FUNCTION IF EXISTS adtrace_cjk_grams(text)")
    op.execute("DROP TABLE IF EXISTS documents_cjk")
