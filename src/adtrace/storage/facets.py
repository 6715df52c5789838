"""Search rows the SQLite writer derives per batch: facet values and full-text entries.

Per-row triggers made every batch slower as the store grew. Facets: triggers that looked up each
child row's document took 0.1 s → 0.6 s per 1,000 documents over the first 6,000 (migration 0008
drops them). Full text: the FTS5 insert trigger cost ~250 µs of writer CPU per document at 100k
documents; one INSERT ... SELECT per batch ~8 µs (migration 0010 drops it). So the writer builds the
facet tuples from what it already holds and indexes a batch's text in one statement. PostgreSQL keeps
its triggers (COPY in the engine's bulk load relies on them). Delete triggers stay on both.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy import bindparam, text

from adtrace.storage import charrefs, cjk
from adtrace.storage.base import Prepared

FacetRow = tuple[int, str, str]

_INSERT = "INSERT OR IGNORE INTO facet_values (seq, facet, value) VALUES (?, ?, ?)"
# Single-valued facets, one narrow row per document (migrations 0011, 0022): what facet counting reads.
# The row holds the number of the document's (source, kind, risk level) combination in facet_combos.
_DOC_FACETS = "INSERT OR REPLACE INTO doc_facets (seq, combo) VALUES (?, ?)"
_ADD_COMBO = "INSERT OR IGNORE INTO facet_combos (source, kind, risk_level) VALUES (?, ?, ?)"
_COMBOS = "SELECT combo, source, kind, risk_level FROM facet_combos"
SINGLE = ("source", "kind", "risk_level")
Combo = tuple[str, str, str | None]
# A document's level changed (levels.py): its combination with the new level, added when new. (level, seq)
SET_LEVEL = (
    "INSERT OR IGNORE INTO facet_combos (source, kind, risk_level) SELECT c.source, c.kind, ?1 FROM doc_facets f "
    "JOIN facet_combos c ON c.combo = f.combo WHERE f.seq = ?2",
    "UPDATE doc_facets SET combo = (SELECT n.combo FROM facet_combos o JOIN facet_combos n ON n.source = o.source "
    "AND n.kind = o.kind AND ifnull(n.risk_level, '') = ifnull(?1, '') WHERE o.combo = doc_facets.combo) "
    "WHERE seq = ?2",
)
_DELETE_SEQS = text("DELETE FROM facet_values WHERE seq IN :seqs").bindparams(bindparam("seqs", expanding=True))
# The text as the index reads it: character references decoded (adtrace/storage/charrefs.py, migration 0028).
# The FTS5 triggers that delete entries give the same decoded values: an external-content entry is removed
# with exactly what it was indexed from.
INDEXED = ", ".join(charrefs.sqlite_decoded(c) for c in ("title", "text", "location"))
# Documents at or past `first` are new in this transaction, so none has a full-text entry yet.
_INDEX_TEXT = text(f"INSERT INTO documents_fts (rowid, title, text, location) "
                   f"SELECT seq, {INDEXED} FROM documents WHERE seq >= :first")
_DELETE_CJK = text("DELETE FROM documents_cjk WHERE seq IN :seqs").bindparams(bindparam("seqs", expanding=True))
_INSERT_CJK = "INSERT INTO documents_cjk (seq, grams) VALUES (?, ?)"
# Their FTS5 entries in one statement (migration 0022 dropped 0013's per-row trigger): inside the batch's
# savepoint FTS5 flushes its pending entries at every statement, so a row at a time wrote one index segment
# per document and merged them over and over (1M store: ~1.8 ms of writer CPU per ad with CJK text).
_INDEX_CJK = ("INSERT INTO documents_cjk_fts (rowid, grams) SELECT seq, grams FROM documents_cjk "
              "WHERE seq IN ({marks})")
CHUNK = 5000  # SQLite's bound-parameter limit is far above this


def rows(seq: int, p: Prepared) -> list[FacetRow]:
    """A document's facet values: the same as migration 0007's backfill computes from the tables."""
    out = [(seq, "source", p.source), (seq, "kind", p.kind)]
    if p.risk_level is not None:
        out.append((seq, "risk_level", p.risk_level))
    out += [(seq, facet, value) for facet, value in p.place_facets]
    out += [(seq, "indicator", i) for i in p.indicators]
    return out


def write(conn: sa.Connection, docs: Sequence[tuple[int, Prepared]], replaced: Sequence[int] = ()) -> None:
    """Facet and CJK rows of documents just written; `replaced` seqs had rows from an older version."""
    for start in range(0, len(replaced), CHUNK):
        conn.execute(_DELETE_SEQS, {"seqs": list(replaced[start:start + CHUNK])})
        conn.execute(_DELETE_CJK, {"seqs": list(replaced[start:start + CHUNK])})
    write_cjk(conn, [(seq, p.title, p.text, p.location) for seq, p in docs])
    values = [row for seq, p in docs for row in rows(seq, p)]
    if values:
        conn.exec_driver_sql(_INSERT, values)  # tuples straight to the driver (see sql.insert_many)
    if docs:
        combos = combo_numbers(conn, {(p.source, p.kind, p.risk_level) for _, p in docs})
        conn.exec_driver_sql(_DOC_FACETS, [(seq, combos[(p.source, p.kind, p.risk_level)]) for seq, p in docs])


def combo_numbers(conn: sa.Connection, wanted: set[Combo]) -> dict[Combo, int]:
    """facet_combos' number of each combination (added when new): a store has a few dozen."""
    known = {(r[1], r[2], r[3]): int(r[0]) for r in conn.exec_driver_sql(_COMBOS)}
    if wanted - known.keys():
        conn.exec_driver_sql(_ADD_COMBO, sorted(wanted - known.keys(), key=lambda c: (c[0], c[1], c[2] or "")))
        known = {(r[1], r[2], r[3]): int(r[0]) for r in conn.exec_driver_sql(_COMBOS)}
    return known


def write_cjk(conn: sa.Connection, docs: Sequence[tuple[int, str | None, str, str | None]]) -> None:
    """CJK side-index rows (adtrace/storage/cjk.py) of (seq, title, text, location) just written, from the
    decoded text ("&#21271;&#20140;" is "北京")."""
    dec = charrefs.decoded
    values = [(seq, g) for seq, title, body, location in docs
              if (g := cjk.grams(dec(title), dec(body), dec(location)))]
    if values:
        conn.exec_driver_sql(_INSERT_CJK, values)
        for start in range(0, len(values), CHUNK):
            seqs = tuple(seq for seq, _ in values[start:start + CHUNK])
            conn.exec_driver_sql(_INDEX_CJK.format(marks=", ".join("?" * len(seqs))), seqs)


def index_text(conn: sa.Connection, first_seq: int) -> None:
    """Full-text entries of the documents inserted from `first_seq` on, in this transaction."""
    conn.execute(_INDEX_TEXT, {"first": first_seq})


# prepare.place_facets in SQL, over stored Records (SQLite's JSON1; PostgreSQL's trigger: migration 0015).
PLACE_FACETS_SQL = (
    "SELECT d.seq, CASE WHEN json_extract(p.value, '$.via') = 'area_code' THEN 'phone_area' "
    "WHEN json_extract(p.value, '$.kind') = 'admin' THEN 'state' ELSE 'city' END, "
    "lower(trim(json_extract(p.value, '$.name'))) FROM records r JOIN documents d ON d.id = r.doc_id, "
    "json_each(r.record, '$.places') p WHERE json_extract(p.value, '$.name') IS NOT NULL "
    "AND coalesce(json_extract(p.value, '$.kind'), '') <> 'country'")

# For writers that hold only ids (the engine's bulk load): the same rows, read back from the tables.
_IDS = "d.id IN :ids"
_INSERTS = tuple(text(sql).bindparams(bindparam("ids", expanding=True)) for sql in (
    f"INSERT OR IGNORE INTO facet_values (seq, facet, value) SELECT d.seq, 'source', d.source FROM documents d "
    f"WHERE {_IDS}",
    f"INSERT OR IGNORE INTO facet_values (seq, facet, value) SELECT d.seq, 'kind', d.kind FROM documents d "
    f"WHERE {_IDS}",
    "INSERT OR IGNORE INTO facet_values (seq, facet, value) SELECT d.seq, 'risk_level', r.risk_level FROM records r "
    f"JOIN documents d ON d.id = r.doc_id WHERE {_IDS} AND r.risk_level IS NOT NULL",
    f"INSERT OR IGNORE INTO facet_values (seq, facet, value) {PLACE_FACETS_SQL} AND {_IDS}",
    "INSERT OR IGNORE INTO facet_values (seq, facet, value) SELECT d.seq, 'indicator', h.indicator_id "
    f"FROM indicator_hits h JOIN documents d ON d.id = h.doc_id WHERE {_IDS}",
))
_DELETE = text("DELETE FROM facet_values WHERE seq IN (SELECT seq FROM documents WHERE id IN :ids)").bindparams(
    bindparam("ids", expanding=True))
_COMBOS_IDS = text("INSERT OR IGNORE INTO facet_combos (source, kind, risk_level) SELECT DISTINCT d.source, d.kind, "
                   "r.risk_level FROM documents d LEFT JOIN records r ON r.doc_id = d.id WHERE d.id IN :ids").bindparams(
    bindparam("ids", expanding=True))
_DOC_FACETS_IDS = text("INSERT OR REPLACE INTO doc_facets (seq, combo) SELECT d.seq, c.combo FROM documents d "
                       "LEFT JOIN records r ON r.doc_id = d.id JOIN facet_combos c ON c.source = d.source "
                       "AND c.kind = d.kind AND ifnull(c.risk_level, '') = ifnull(r.risk_level, '') "
                       "WHERE d.id IN :ids").bindparams(bindparam("ids", expanding=True))
_INDEX_IDS = text(f"INSERT INTO documents_fts (rowid, title, text, location) SELECT seq, {INDEXED} "
                  "FROM documents WHERE id IN :ids").bindparams(bindparam("ids", expanding=True))

_TEXT_IDS = text("SELECT seq, title, text, location FROM documents WHERE id IN :ids").bindparams(
    bindparam("ids", expanding=True))


def refresh(conn: sa.Connection, ids: Sequence[str]) -> None:
    """Facet rows and full-text entries of documents just inserted (inside the caller's transaction).

    Only for new documents: an external-content FTS5 entry must not be added twice.
    """
    for start in range(0, len(ids), CHUNK):
        chunk = list(ids[start:start + CHUNK])
        conn.execute(_DELETE, {"ids": chunk})
        for stmt in (*_INSERTS, _COMBOS_IDS, _DOC_FACETS_IDS):
            conn.execute(stmt, {"ids": chunk})
        conn.execute(_INDEX_IDS, {"ids": chunk})
        found = conn.execute(_TEXT_IDS, {"ids": chunk}).all()
        write_cjk(conn, [(r.seq, r.title, r.text, r.location) for r in found])
