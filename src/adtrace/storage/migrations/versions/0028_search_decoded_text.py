"""Full text indexes the ad text with its HTML character references decoded, as the pages show it.

Scraped ads keep entities in their stored text ("R&amp;B", "caf&eacute;", "&nbsp;", "&#128139;"). The
indexes were built from that raw text: "café" and "R&B" missed such ads, "amp" and "nbsp" found any ad
holding one. Now both backends index (and search cuts its snippets from) the text as `html.unescape`
reads it (adtrace/storage/charrefs.py); the stored text is unchanged.

SQLite: the writer's FTS5 statements and the update/delete triggers of 0001 decode through
`adtrace_unescape`, a Python function every adtrace connection registers (an external-content entry must
be deleted with exactly the values it was indexed from, so the triggers decode too). The CJK side index
(0013) is built from the decoded text. PostgreSQL: `adtrace_unescape(text)` in PL/pgSQL follows
`html.unescape` (references found by the same pattern; names, and the numbers HTML reads differently,
looked up in `html_charrefs`); `adtrace_search_text` (0014) and the CJK trigger (0013) decode first.

Existing stores: only the documents whose decoded text differs are re-indexed, in place, inside the
upgrade's one transaction (an interrupted upgrade leaves the store as it was; running it again redoes it).
SQLite: their raw entries are deleted (with the raw values they were indexed from) and decoded ones added;
PostgreSQL: their search rows are rewritten. CJK rows are recomputed for the documents holding "&#" (no
named entity stands for a CJK character).

Revision ID: 0028
Revises: 0027
"""

from __future__ import annotations

import html
import importlib
from html.entities import html5
from typing import Any

from alembic import op

from adtrace.storage.cjk import grams
from adtrace.text.charrefs import unescape

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None

_FN = "adtrace_unescape"
_COLS = ("title", "text", "location")


def _dec(col: str) -> str:
    return f"CASE WHEN instr({col}, '&') THEN {_FN}({col}) ELSE {col} END"


def _fts_row(row: str, decode: bool) -> str:
    cols = [f"{row}.{c}" for c in _COLS]
    return ", ".join(_dec(c) if decode else c for c in cols)


def _sqlite_triggers(decode: bool) -> list[str]:
    """0001's FTS5 delete and update triggers, giving the index decoded values (or the raw ones: downgrade)."""
    old, new = _fts_row("old", decode), _fts_row("new", decode)
    return ["DROP TRIGGER IF EXISTS documents_ad", "DROP TRIGGER IF EXISTS documents_au",
            "CREATE TRIGGER documents_ad AFTER DELETE ON documents BEGIN "
            f"INSERT INTO documents_fts(documents_fts, rowid, title, text, location) VALUES ('delete', old.seq, {old}); "
            "END",
            "CREATE TRIGGER documents_au AFTER UPDATE OF title, text, location ON documents BEGIN "
            f"INSERT INTO documents_fts(documents_fts, rowid, title, text, location) VALUES ('delete', old.seq, {old}); "
            f"INSERT INTO documents_fts(rowid, title, text, location) VALUES (new.seq, {new}); END"]


def _decoded(value: str | None) -> str | None:
    # Not html.unescape itself: it raises on a number of over 4,300 digits, which an ad stored raw may hold.
    return unescape(value) if value and "&" in value else value


_CHUNK = 1000


def _sqlite(decode: bool) -> None:
    conn = op.get_bind()
    # The connection adtrace opened registers it already (adtrace/storage/sqlite.py); any other needs it here.
    conn.connection.driver_connection.create_function(_FN, 1, _decoded, deterministic=True)  # type: ignore[union-attr]
    # The documents whose index text changes (a reference that decodes to something else), found in SQL so
    # that no text is held in Python: a big store's upgrade stays within the writer's memory.
    differs = " OR ".join(f"(instr({c}, '&') AND {_FN}({c}) IS NOT {c})" for c in _COLS)
    conn.exec_driver_sql("CREATE TEMP TABLE adtrace_0028 (seq INTEGER PRIMARY KEY)")
    conn.exec_driver_sql(f"INSERT INTO temp.adtrace_0028 (seq) SELECT seq FROM documents WHERE {differs}")
    # Each entry is deleted with exactly the values it was indexed from, then added from the new ones: one
    # statement each (FTS5 merges its pending entries once per statement).
    conn.exec_driver_sql("INSERT INTO documents_fts(documents_fts, rowid, title, text, location) SELECT 'delete', "
                         f"d.seq, {_fts_row('d', not decode)} FROM documents d JOIN temp.adtrace_0028 c ON c.seq = d.seq")
    conn.exec_driver_sql("INSERT INTO documents_fts(rowid, title, text, location) SELECT "
                         f"d.seq, {_fts_row('d', decode)} FROM documents d JOIN temp.adtrace_0028 c ON c.seq = d.seq")
    for sql in _sqlite_triggers(decode):
        conn.exec_driver_sql(sql)
    # CJK rows: only a numeric reference can stand for a CJK character; recomputed a chunk at a time.
    pick = _decoded if decode else (lambda v: v)
    numeric = " OR ".join(f"instr({c}, '&#')" for c in _COLS)
    seqs = [int(r[0]) for r in conn.exec_driver_sql(f"SELECT seq FROM documents WHERE {numeric} ORDER BY seq")]
    for at in range(0, len(seqs), _CHUNK):
        marks = ", ".join(str(seq) for seq in seqs[at:at + _CHUNK])  # integers from the table, not user text
        found = conn.exec_driver_sql("SELECT d.seq, d.title, d.text, d.location, c.grams FROM documents d "
                                     f"LEFT JOIN documents_cjk c ON c.seq = d.seq WHERE d.seq IN ({marks})").all()
        stale = [(r[0], g) for r in found if (g := grams(pick(r[1]), pick(r[2]), pick(r[3]))) != (r[4] or "")]
        if stale:  # the delete trigger (0013) removes their FTS5 entries; the new ones are added here
            conn.exec_driver_sql("DELETE FROM documents_cjk WHERE seq = ?", [(seq,) for seq, _ in stale])
        fresh = [(seq, g) for seq, g in stale if g]
        if fresh:
            conn.exec_driver_sql("INSERT INTO documents_cjk (seq, grams) VALUES (?, ?)", fresh)
            conn.exec_driver_sql("INSERT INTO documents_cjk_fts (rowid, grams) SELECT seq, grams FROM documents_cjk "
                                 f"WHERE seq IN ({', '.join(str(seq) for seq, _ in fresh)})")
    conn.exec_driver_sql("DROP TABLE temp.adtrace_0028")


# html.unescape's pattern (CPython Lib/html/__init__.py), as a PostgreSQL regular expression.
_NAME_CHARS = "[^" + chr(9) + chr(10) + chr(12) + " <&#;]"
_PATTERN = "&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|" + _NAME_CHARS + "{1,32};?)"
# Names HTML reads without their ";" are at most this long: longer prefixes need no lookup.
_BARE = max(len(n) for n in html5 if not n.endswith(";"))

# html.unescape step by step: the text between references as it is; a number looked up in html_charrefs
# ("#128" is "€", "#1" is nothing), else a surrogate or past U+10FFFF is U+FFFD, else its character; a
# name with or without ";" looked up, else the longest known bare name it starts with, else as written.
_PG_FN = f"""
CREATE FUNCTION {_FN}(t text) RETURNS text LANGUAGE plpgsql STABLE PARALLEL SAFE AS $f$
DECLARE
    pat constant text := $p${_PATTERN}$p$;
    pieces text[];
    refs text[];
    parts text[];  -- appended in place (an expanded array), joined once: text || text copies, O(n^2)
    known jsonb;  -- the names this text holds, looked up in one query (one per reference cost ~9 us each)
    s text;
    c text;
    digits text;
    n bigint;
    k integer;
BEGIN
    IF t IS NULL OR strpos(t, '&') = 0 THEN
        RETURN t;
    END IF;
    SELECT array_agg(m[1] ORDER BY i) INTO refs FROM regexp_matches(t, pat, 'g') WITH ORDINALITY AS x(m, i);
    IF refs IS NULL THEN
        RETURN t;
    END IF;
    pieces := regexp_split_to_array(t, pat);
    parts := ARRAY[pieces[1]];
    SELECT coalesce(jsonb_object_agg(ref, chars), '{{}}'::jsonb) INTO known FROM html_charrefs WHERE ref = ANY(refs);
    FOR i IN 1 .. array_length(refs, 1) LOOP
        s := refs[i];
        IF left(s, 1) = '#' THEN
            IF substr(s, 2, 1) IN ('x', 'X') THEN
                digits := ltrim(rtrim(substr(s, 3), ';'), '0');
                n := CASE WHEN length(digits) > 8 THEN 1114112 WHEN digits = '' THEN 0
                          ELSE ('x' || lpad(digits, 16, '0'))::bit(64)::bigint END;
            ELSE
                digits := ltrim(rtrim(substr(s, 2), ';'), '0');
                n := CASE WHEN length(digits) > 8 THEN 1114112 WHEN digits = '' THEN 0 ELSE digits::bigint END;
            END IF;
            SELECT chars INTO c FROM html_charrefs WHERE ref = '#' || n;
            IF NOT FOUND THEN
                c := CASE WHEN n BETWEEN 55296 AND 57343 OR n > 1114111 THEN chr(65533) ELSE chr(n::integer) END;
            END IF;
        ELSE
            c := known ->> s;
            IF c IS NULL THEN
                FOR k IN REVERSE least(length(s) - 1, {_BARE}) .. 2 LOOP
                    SELECT chars || substr(s, k + 1) INTO c FROM html_charrefs WHERE ref = left(s, k);
                    EXIT WHEN c IS NOT NULL;
                END LOOP;
                c := coalesce(c, '&' || s);
            END IF;
        END IF;
        parts := parts || c;
        parts := parts || pieces[i + 1];
    END LOOP;
    RETURN array_to_string(parts, '');
END $f$"""


def _charref_rows() -> list[tuple[str, str]]:
    """Every name HTML defines, and the numbers html.unescape does not read as their own character."""
    odd: dict[int, str] = {n: "" for n in html._invalid_codepoints}  # type: ignore[attr-defined]
    odd.update(html._invalid_charrefs)  # type: ignore[attr-defined]  # read first (html.unescape's order)
    return sorted(html5.items()) + [(f"#{n}", c) for n, c in sorted(odd.items())]


_OLD_TEXT = "coalesce(title, '') || ' ' || coalesce(body, '') || ' ' || coalesce(location, '')"
_OLD_CJK = "coalesce(NEW.title, '') || ' ' || NEW.text || ' ' || coalesce(NEW.location, '')"


def _pg_functions(decode: bool) -> tuple[str, str]:
    """0014's adtrace_search_text and 0013's CJK trigger function, decoding first (or as they were)."""
    m14 = importlib.import_module("adtrace.storage.migrations.versions.0014_pg_search_docs")
    m13 = importlib.import_module("adtrace.storage.migrations.versions.0013_cjk_index")
    search_text = m14._TEXT_FN.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)
    cjk_sync = m13._PG_TRIGGER.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)
    assert _OLD_TEXT in search_text and _OLD_CJK in cjk_sync
    if decode:  # references never span the spaces that join the fields: the same as decoding each field
        search_text = search_text.replace(_OLD_TEXT, f"{_FN}({_OLD_TEXT})").replace("IMMUTABLE", "STABLE", 1)
        cjk_sync = cjk_sync.replace(_OLD_CJK, f"{_FN}({_OLD_CJK})")
    return search_text, cjk_sync


def _cursor() -> Any:
    # The driver's own cursor: these bodies hold ':' and '%', which bind-parameter parsing would misread.
    return op.get_bind().connection.driver_connection.cursor()  # type: ignore[union-attr]


_HAS_AMP = "strpos(coalesce(d.title, '') || d.text || coalesce(d.location, ''), '&') > 0"


def _postgres_reindex(cur: Any, decode: bool) -> None:
    """Rewrite the search rows whose text now reads differently, from the functions now in place."""
    cur.execute("CREATE TEMP TABLE adtrace_0028 ON COMMIT DROP AS SELECT d.seq, "
                "to_tsvector('simple', adtrace_search_text(d.title, d.text, d.location)) AS v "
                f"FROM documents d WHERE {_HAS_AMP}")
    cur.execute("DELETE FROM adtrace_0028 n USING search_positions p WHERE p.seq = n.seq AND p.tsv = n.v")
    cur.execute("UPDATE search_positions p SET tsv = n.v FROM adtrace_0028 n WHERE p.seq = n.seq")
    cur.execute("UPDATE search_docs x SET words = adtrace_search_words(n.v) FROM adtrace_0028 n WHERE x.seq = n.seq")
    cur.execute("DROP TABLE adtrace_0028")
    # CJK rows of the documents holding a numeric reference, recomputed as the trigger now computes them.
    whole = "coalesce(d.title, '') || ' ' || d.text || ' ' || coalesce(d.location, '')"
    cur.execute("DELETE FROM documents_cjk c USING documents d WHERE c.seq = d.seq "
                f"AND strpos({whole}, '&#') > 0")
    cur.execute("INSERT INTO documents_cjk (seq, tsv) SELECT seq, to_tsvector('simple', g) FROM (SELECT d.seq, "
                f"adtrace_cjk_grams({f'{_FN}({whole})' if decode else whole}) g FROM documents d WHERE strpos({whole}, '&#') > 0) x "
                "WHERE g <> ''")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite(decode=True)
        return
    cur = _cursor()
    cur.execute("CREATE TABLE html_charrefs (ref text PRIMARY KEY, chars text NOT NULL)")
    cur.executemany("INSERT INTO html_charrefs (ref, chars) VALUES (%s, %s)", _charref_rows())
    cur.execute(_PG_FN)
    for fn in _pg_functions(decode=True):
        cur.execute(fn)
    _postgres_reindex(cur, decode=True)
    cur.execute("ANALYZE html_charrefs")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite(decode=False)
        return
    cur = _cursor()
    for fn in _pg_functions(decode=False):
        cur.execute(fn)
    _postgres_reindex(cur, decode=False)
    cur.execute(f"DROP FUNCTION {_FN}(text)")
    cur.execute("DROP TABLE html_charrefs")
