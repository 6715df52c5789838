"""SQLite backend: the embedded default. WAL so searches never wait for ingest; FTS5 for text."""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event, text

from adtrace.storage import charrefs, cjk, facets
from adtrace.storage import search as s
from adtrace.storage.base import FACETS, Prepared, Query
from adtrace.storage.sql import _DOC_COLS, SQLStore, doc_tuple, insert_many

# The writer numbers new documents itself (as SQLite would: max + 1, under the write lock), so it can
# derive their facet and full-text rows without reading the documents back.
_NEXT_SEQ = text("SELECT coalesce(max(seq), 0) + 1 FROM documents")


# The file holds the cookie-signing secret, password hashes, ad text and watchlists: owner only.
FILE_MODE = 0o600


def database_path(url: str) -> Path | None:
    """The file behind a SQLite URL (None for an in-memory database)."""
    name = sa.engine.make_url(url).database
    return None if not name or name == ":memory:" or name.startswith("file::memory:") else Path(name)


def create_private(path: Path) -> None:
    """Create the database file 0600 before SQLite does (SQLite would use 0644 under the usual umask);
    SQLite gives its -wal and -shm files the mode of the database file."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    except FileExistsError:
        pass  # an existing file keeps its mode; `adtrace serve` warns when others may read it
    except FileNotFoundError:
        pass  # no such folder: SQLite's own error on connect says so


def exposed_files(url: str) -> list[tuple[Path, int]]:
    """(file, mode) of the database and its -wal/-shm files that group or others may read or write."""
    path = database_path(url)
    if path is None:
        return []
    out = []
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            mode = stat.S_IMODE(p.stat().st_mode)
        except OSError:
            continue
        if mode & 0o077:
            out.append((p, mode))
    return out


def sqlite_engine(url: str) -> sa.Engine:
    path = database_path(url)
    if path is not None:
        create_private(path)
    engine = sa.create_engine(url, future=True, connect_args={"timeout": 60})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when a transaction begins (see _begin below).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        # NORMAL in WAL mode: a killed process never loses a committed batch; only power loss can.
        cur.execute("PRAGMA synchronous=NORMAL")
        # Checkpoint every ~64 MB of WAL instead of every 4 MB: at the default, every ingest batch's
        # commit ran a checkpoint (an fsync and a copy of pages the next batch rewrites anyway).
        cur.execute("PRAGMA wal_autocheckpoint=16384")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=60000")
        cur.execute("PRAGMA cache_size=-65536")
        # Searches read the same index pages again and again: map the file, keep sorts in memory.
        cur.execute("PRAGMA mmap_size=268435456")
        cur.execute("PRAGMA temp_store=MEMORY")
        cur.close()
        # The full-text writer and triggers index decoded text (migration 0028): every connection needs it.
        charrefs.register(dbapi_conn)

    @event.listens_for(engine, "begin")
    def _begin(conn: sa.Connection) -> None:
        # Writers take the write lock up front, so a batch never reads a state another writer changes.
        immediate = conn.get_execution_options().get("adtrace_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


TOTAL = ""  # the `facet` of grouped_sql's row that holds the number of matches (no facet is named "")


def grouped_sql(sample: str, names: Sequence[str], total: bool) -> str:
    """SELECT facet, value, n over the documents of `sample` (SELECT seq ...), plus the total if asked.

    Each match's single-valued facets come from one rowid lookup in doc_facets (migrations 0011, 0022):
    the number of its (source, kind, risk level) combination. The matches are grouped once by that
    integer (a few dozen groups), then each facet is summed over the combinations: one sort of small
    integers instead of one per facet (or of strings). Multi-valued facets come from facet_values.
    The match set is evaluated once (MATERIALIZED when two parts read it).
    """
    single = [f for f in facets.SINGLE if f in names]  # column names from a fixed list, never user text
    many = [f for f in names if f in FACETS and f not in facets.SINGLE]
    multi = ", ".join(f"'{f}'" for f in many)
    # Two or more multi-valued facets: one range seek per match on facet_values' (seq, ...) key, the facet
    # tested on the rows (`+` keeps it off the key), not one seek per facet (200k synthetic ads, one word,
    # 4 such facets: CPU p50 ~205 -> 140-175 ms); for one facet its own seek reads fewer rows.
    facet_col = "+v.facet" if len(many) > 1 else "v.facet"
    source = "m" if multi else f"({sample}) m"
    ctes = [f"m AS MATERIALIZED ({sample})"] if multi else []
    parts = []
    if single or total:
        cols = ", ".join(f"k.{c}" for c in single)
        # LEFT JOINs: the total counts every match, even one without a doc_facets row.
        ctes += [f"c AS MATERIALIZED (SELECT f.combo AS combo, count(*) AS n FROM {source} LEFT JOIN doc_facets f "
                 f"ON f.seq = m.seq GROUP BY f.combo)",
                 f"g AS MATERIALIZED (SELECT {cols}, sum(c.n) AS n FROM c LEFT JOIN facet_combos k "
                 f"ON k.combo = c.combo GROUP BY {cols})"] if single else [f"g AS (SELECT count(*) AS n FROM {source})"]
        if total:
            parts.append(f"SELECT '{TOTAL}' AS facet, NULL AS value, sum(n) AS n FROM g")
        parts += [f"SELECT '{c}' AS facet, {c} AS value, sum(n) AS n FROM g WHERE {c} IS NOT NULL GROUP BY {c}"
                  for c in single]
    if multi:
        parts.append(f"SELECT v.facet AS facet, v.value AS value, count(*) AS n FROM m CROSS JOIN facet_values v "
                     f"WHERE v.seq = m.seq AND {facet_col} IN ({multi}) GROUP BY v.facet, v.value")
    return f"WITH {', '.join(ctes)} {' UNION ALL '.join(parts)}"


class SQLiteStore(SQLStore):
    def _write_options(self) -> dict[str, Any]:
        return {"adtrace_write": True}

    def _begin_write(self, conn: sa.Connection) -> None:
        pass  # BEGIN IMMEDIATE already took the lock (see sqlite_engine)

    def _insert_documents(self, conn: sa.Connection, inserts: Sequence[Prepared], now: str) -> dict[str, int]:
        first = int(conn.execute(_NEXT_SEQ).scalar() or 1)
        insert_many(conn, "documents", ("seq", *_DOC_COLS),
                    [(first + i, *doc_tuple(p, now)) for i, p in enumerate(inserts)])
        # Before any update in this batch: the update trigger deletes the entry this adds.
        facets.index_text(conn, first)
        return {p.id: first + i for i, p in enumerate(inserts)}

    def _index(self, conn: sa.Connection, written: dict[str, Prepared], seqs: dict[str, int],
               updated: set[str]) -> None:
        facets.write(conn, [(seqs[i], p) for i, p in written.items()], [seqs[i] for i in updated])

    def _parallel_search(self) -> bool:
        # An in-memory database is one per connection: another thread would see an empty one.
        return self.overlap_counting and self.engine.url.database not in (None, "", ":memory:")

    def _facets_sql(self, plan: s.Plan, names: Sequence[str], cap: int | None) -> str:
        sample = plan.matches if cap is None else f"{plan.newest} LIMIT {int(cap)}"
        return grouped_sql(sample, names, total=False)

    def _count_and_facets(self, query: Query, plan: s.Plan) -> tuple[int, bool, dict[str, dict[str, int]]]:
        if query.count_cap is not None or query.facet_cap is not None or not query.facets:
            return super()._count_and_facets(query, plan)
        # Exact: the total and every facet from one evaluation of the match (not a count, then facets).
        with self.engine.connect() as conn:
            found = conn.execute(text(grouped_sql(plan.matches, query.facets, total=True)), plan.params).all()
        total = sum(int(r.n or 0) for r in found if r.facet == TOTAL)
        rows = ((r.facet, r.value, r.n) for r in found if r.facet != TOTAL)
        return total, False, s.top_values(rows, query.facets) if total else {f: {} for f in query.facets}

    def _plan(self, q: Query, terms: list[s.Term]) -> s.Plan:
        if not terms:
            return s.browse_plan(q)
        # Drive from the FTS index alone: rowid is documents.seq, so neither counting nor ranking reads
        # a wide documents row; only the page of hits is joined to documents. CJK runs match in the
        # bigram side index (migration 0013), which drives when the query has no other words.
        plain, runs = s.split_cjk(terms)
        where, params = s.filters(q, "rowid")
        if runs:
            params["cjk"] = " AND ".join(cjk.fts5_run(r) for r in runs)
        if plain:
            params["fts"] = s.fts5_query(plain)
            table = "documents_fts"
            if runs:
                where.insert(0, "rowid IN (SELECT rowid FROM documents_cjk_fts WHERE documents_cjk_fts MATCH :cjk)")
        else:
            table = "documents_cjk_fts"
        cond = " AND ".join([f"{table} MATCH :{'fts' if plain else 'cjk'}", *where])
        matches = f"SELECT rowid AS seq FROM {table} WHERE {cond}"
        plan = s.Plan(matches, f"{matches} ORDER BY rowid DESC", "", "", params)
        if q.sort != "relevance":
            return s.sorted_plan(plan, q.sort)
        # bm25 over the newest s.RANK_WINDOW matches only (all of them below that), as on PostgreSQL: the
        # window's oldest seq comes from FTS5's own rowid order (it stops after the window), and the ranked
        # query restricts FTS5 to rowid >= it, so bm25 runs per windowed match, not per match.
        params["window"] = s.RANK_WINDOW
        newest = (f"SELECT coalesce(min(w.seq), 0) FROM (SELECT rowid AS seq FROM {table} WHERE {cond} "
                  f"ORDER BY rowid DESC LIMIT max(:window, :limit + :offset)) w")
        plan.hits = (f"SELECT rowid AS seq, rank AS score FROM {table} WHERE {cond} AND rowid >= ({newest}) "
                     f"ORDER BY rank, rowid LIMIT :limit OFFSET :offset")
        plan.order = "h.score, h.seq"
        return plan

    def size_bytes(self) -> int:
        path = Path(self.engine.url.database or "")
        return sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())
