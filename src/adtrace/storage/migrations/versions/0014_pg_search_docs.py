"""PostgreSQL: one `search_docs` row per document holds the tsvector and the single-valued facets.

At 1M documents full text + two facets took p95 1,444 ms: the GIN index sat on `documents`, whose wide
rows (text, JSON and the tsvector: 1.5 KB of heap a row at 100k realistic ads) every match visited three
times (hits, count, facets), and `ts_rank` ranked every match. `search_docs` rows (seq, source, kind,
risk level, tsvector) take 0.7 KB, so fewer and hotter pages hold the matches; count and facets come from one pass over them,
and ranking reads only a window of the newest matches (adtrace/storage/postgres.py). The generated
`documents.tsv` and its index go.

The text is indexed as SQLite's FTS5 (unicode61, remove_diacritics 2) splits it: `adtrace_search_text`
turns ASCII punctuation into spaces and folds accented Latin letters, so PostgreSQL's parser no longer
keeps URLs, paths, e-mails and hyphenated words as single tokens (the realistic corpus's URL slugs
were why "massage" found 44 documents on PostgreSQL and 46 on SQLite). The query side folds the same
way (adtrace/storage/search.py, `FOLD`). Needs a UTF-8 locale (e.g. C.UTF-8, en_US.UTF-8), as
Debian's initdb picks: under plain C, PostgreSQL's parser counts every non-ASCII character a letter.

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

from alembic import op

from adtrace.storage.search import ACCENTS_FROM, ACCENTS_TO

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

# Combining marks and variation selectors split words in FTS5 (not letters: keycap digits "2️⃣0️⃣" are the
# tokens "2", "0"); PostgreSQL's parser under C.UTF-8 glued them into one word.
_MARKS = "\u0300-\u036f\u200b-\u200d\u20d0-\u20ff\ufe00-\ufe0f"
# ASCII punctuation to spaces by one regex (cheap); accents by translate(), which costs ~2 ms on an ad
# with a 260-letter table, so only on the ~7 % of ads (realistic corpus) that hold an accented letter.
_TEXT_FN = f"""
CREATE FUNCTION adtrace_search_text(title text, body text, location text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$f$ SELECT CASE WHEN t ~ '[{chr(0xC0)}-{chr(0x24F)}]' THEN translate(t, $a${ACCENTS_FROM}$a$, $b${ACCENTS_TO}$b$)
                ELSE t END
    FROM (SELECT regexp_replace(coalesce(title, '') || ' ' || coalesce(body, '') || ' ' || coalesce(location, ''),
                                '[!-/:-@\\[-`{{-~{_MARKS}]+', ' ', 'g') AS t) x $f$"""

_DOC_TRIGGER = """
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

_REC_TRIGGER = """
CREATE FUNCTION search_docs_records() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE search_docs SET risk_level = NEW.risk_level
    WHERE seq = (SELECT seq FROM documents WHERE id = NEW.doc_id);
    RETURN NULL;
END $$"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # The driver's own cursor: these bodies hold ':' and '%', which bind-parameter parsing would misread.
    cur = op.get_bind().connection.driver_connection.cursor()  # type: ignore[union-attr]
    cur.execute("CREATE TABLE search_docs (seq bigint PRIMARY KEY, source text NOT NULL, kind text NOT NULL, "
                "risk_level text, tsv tsvector NOT NULL)")
    cur.execute(_TEXT_FN)
    cur.execute(_DOC_TRIGGER)
    cur.execute(_REC_TRIGGER)
    cur.execute("CREATE TRIGGER search_docs_documents AFTER INSERT OR DELETE OR "
                "UPDATE OF source, kind, title, text, location ON documents "
                "FOR EACH ROW EXECUTE FUNCTION search_docs_documents()")
    cur.execute("CREATE TRIGGER search_docs_records AFTER INSERT OR UPDATE OF risk_level ON records "
                "FOR EACH ROW EXECUTE FUNCTION search_docs_records()")
    cur.execute("INSERT INTO search_docs (seq, source, kind, risk_level, tsv) SELECT d.seq, d.source, d.kind, "
                "r.risk_level, to_tsvector('simple', adtrace_search_text(d.title, d.text, d.location)) "
                "FROM documents d LEFT JOIN records r ON r.doc_id = d.id")
    cur.execute("CREATE INDEX search_docs_tsv ON search_docs USING gin (tsv)")
    cur.execute("ALTER TABLE documents DROP COLUMN IF EXISTS tsv")  # its GIN index goes with it
    cur.execute("ANALYZE search_docs")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS search_docs_documents ON documents")
    op.execute("DROP TRIGGER IF EXISTS search_docs_records ON records")
    op.execute("DROP FUNCTION IF EXISTS search_docs_documents()")
    op.execute("DROP FUNCTION IF EXISTS search_docs_records()")
    op.execute("DROP TABLE IF EXISTS search_docs")
    op.execute("DROP FUNCTION IF EXISTS adtrace_search_text(text, text, text)")
    op.execute("ALTER TABLE documents ADD COLUMN tsv tsvector GENERATED ALWAYS AS "
               "(to_tsvector('simple', coalesce(title, '') || ' ' || text || ' ' || coalesce(location, ''))) STORED")
    op.execute("CREATE INDEX documents_tsv ON documents USING gin (tsv)")
