"""What SQLite and PostgreSQL share: idempotent batch writes, reads, lookups and search.

Backends differ only in how a write transaction starts, how free text is matched and how big the
database is; those are the abstract hooks below.
"""

from __future__ import annotations

import os
from abc import abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from itertools import islice
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy import bindparam, text

from adtrace.documents import Document
from adtrace.storage import charrefs, db, levels
from adtrace.storage import search as s
from adtrace.storage.base import (
    DB_WRITE_FAILED,
    Checkpoint,
    Hit,
    Outcome,
    Prepared,
    Query,
    SearchResult,
    Store,
    storage_error,
)
from adtrace.storage.prepare import normalise_lookup, renamed_json

_DOC_COLS = ("id", "source", "url", "kind", "title", "text", "location", "posted_at", "content_hash", "doc_hash",
             "doc", "ingested_at", "updated_at")
_UPDATE_DOC = text("UPDATE documents SET source = :source, url = :url, kind = :kind, title = :title, text = :text, "
                   "location = :location, posted_at = :posted_at, content_hash = :content_hash, "
                   "doc_hash = :doc_hash, doc = :doc, updated_at = :now WHERE id = :id")
_UPDATE_REC = text("UPDATE records SET record = :record, risk_score = :score, risk_level = :level WHERE doc_id = :id")
_DEL_ENT = text("DELETE FROM entities WHERE doc_id IN :ids").bindparams(bindparam("ids", expanding=True))
_DEL_HIT = text("DELETE FROM indicator_hits WHERE doc_id IN :ids").bindparams(bindparam("ids", expanding=True))
_CHECKPOINT = text("INSERT INTO ingest_files (key, fingerprint, items_done, complete, updated_at) "
                   "VALUES (:key, :fp, :done, :complete, :now) ON CONFLICT (key) DO UPDATE SET "
                   "fingerprint = excluded.fingerprint, items_done = excluded.items_done, "
                   "complete = excluded.complete, updated_at = excluded.updated_at")


# Shared by all stores in a process: searches count and facet here while their caller fetches the hits.
_SEARCH_POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="adtrace-search")
_BY_ID_OR_CONTENT = ("SELECT seq, id, source, url, content_hash, doc_hash FROM documents WHERE id IN ({ids}) "
                     "OR content_hash IN ({contents})")
_BY_URL = "SELECT seq, id, source, url, content_hash, doc_hash FROM documents WHERE source = {mark} AND url IN ({keys})"


def _marks(mark: str, values: Sequence[Any]) -> str:
    return ", ".join([mark] * len(values))


class SQLStore(Store):
    # Counting + facets and the ranked hits each read the whole match set; overlapped on two connections
    # a broad query takes the longer of the two, given a free core: on a quiet 2-core machine, 1M docs,
    # text + 2 facets p95 170 ms overlapped vs 264 ms in turn. On by default with 2+ cores; a machine
    # busy with other work gains nothing (measured slower under contention, p95 742 vs 514 ms), and the
    # second connection adds its page cache to memory: ADTRACE_SEARCH_OVERLAP=0 turns it off.
    overlap_counting: bool = (os.cpu_count() or 1) >= 2 and os.environ.get("ADTRACE_SEARCH_OVERLAP", "1") != "0"

    def __init__(self, engine: sa.Engine, url: str) -> None:
        self.engine, self.url = engine, url

    # --- backend hooks -------------------------------------------------------------------------
    @abstractmethod
    def _begin_write(self, conn: sa.Connection) -> None:
        """Make this transaction the only writer (a lock) before it reads what it will change."""

    @abstractmethod
    def _plan(self, q: Query, terms: list[s.Term]) -> s.Plan: ...

    # --- writes --------------------------------------------------------------------------------
    def _write_options(self) -> dict[str, Any]:
        return {}

    @contextmanager
    def _write(self) -> Iterator[sa.Connection]:
        with self.engine.connect() as conn:
            conn.execution_options(**self._write_options())
            with conn.begin():
                self._begin_write(conn)
                yield conn

    def put_batch(self, batch: Sequence[Prepared], checkpoint: Checkpoint | None = None) -> list[Outcome]:
        now = db.now()
        try:
            with self._write() as conn:
                try:
                    with conn.begin_nested():
                        outcomes = self._put(conn, batch, now)
                except sa.exc.IntegrityError:
                    # One document breaks a constraint: keep the rest, reject that one.
                    outcomes = []
                    for p in batch:
                        try:
                            with conn.begin_nested():
                                outcomes.extend(self._put(conn, [p], now))
                        except sa.exc.IntegrityError as exc:
                            reason = str(exc.orig).splitlines()[0][:200]
                            outcomes.append(Outcome(p.id, "rejected", reason))
                if checkpoint is not None:
                    conn.execute(_CHECKPOINT, {"key": checkpoint.key, "fp": checkpoint.fingerprint,
                                               "done": checkpoint.items_done, "complete": checkpoint.complete,
                                               "now": now})
        except sa.exc.OperationalError as exc:
            raise storage_error(DB_WRITE_FAILED, f"could not write to the database ({str(exc.orig)[:200]}). "
                                "Nothing from this batch was stored; re-run the same command to resume",
                                url=self.url) from None
        return outcomes

    def _put(self, conn: sa.Connection, batch: Sequence[Prepared], now: str) -> list[Outcome]:
        if not batch:
            return []
        hashes: dict[str, str] = {}  # stored id -> doc_hash
        seqs: dict[str, int] = {}  # stored id -> seq
        by_url: dict[tuple[str, str], str] = {}
        by_content: dict[str, list[str]] = {}  # content hash -> stored ids holding it now
        holds: dict[str, tuple[str, str | None, str]] = {}  # stored id -> its (source, url, content hash) now
        # Straight to the driver: compiling SQLAlchemy's expanding IN lists (3,000 binds a batch) cost ~25 µs
        # of writer CPU per document (cProfile of the writer, 20k realistic ads).
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        ids, contents = [p.id for p in batch], [p.content_hash for p in batch]
        rows = list(conn.exec_driver_sql(_BY_ID_OR_CONTENT.format(ids=_marks(mark, ids), contents=_marks(mark, contents)),
                                         (*ids, *contents)))
        urls: dict[str, list[str]] = {}
        for p in batch:
            if p.url:
                urls.setdefault(p.source, []).append(p.url)
        # Per source: `url IN` alone cannot use the (source, url) index and scanned every document.
        for source, keys in urls.items():
            rows += conn.exec_driver_sql(_BY_URL.format(mark=mark, keys=_marks(mark, keys)), (source, *keys))
        for row in rows:
            if row.id not in holds:  # a row found by its id and by its url or content
                self._hold(row.id, row.source, row.url, row.content_hash, holds, by_url, by_content)
            hashes[row.id] = row.doc_hash
            seqs[row.id] = row.seq
        outcomes: list[Outcome] = []
        inserts: list[Prepared] = []
        updates: list[Prepared] = []
        for p in batch:
            target, why = (p.id, "id") if p.id in hashes else (by_url.get((p.source, p.url or "")), "url")
            if target is not None:
                if hashes[target] == p.doc_hash:
                    outcomes.append(Outcome(target, "duplicate", why))
                    continue
                p = _renamed(p, target) if target != p.id else p
                updates.append(p)
                outcomes.append(Outcome(target, "updated", why))
            elif p.content_hash in by_content:
                outcomes.append(Outcome(by_content[p.content_hash][0], "duplicate", "content"))
                continue
            else:
                inserts.append(p)
                outcomes.append(Outcome(p.id, "new"))
            hashes[p.id] = p.doc_hash
            self._hold(p.id, p.source, p.url, p.content_hash, holds, by_url, by_content)
        if inserts:
            seqs.update(self._insert_documents(conn, inserts, now))
            insert_many(conn, "records", ("doc_id", "record", "risk_score", "risk_level"),
                        [(p.id, p.record_json.decode(), p.risk_score, p.risk_level) for p in inserts])
        written = {p.id: p for p in inserts}
        if updates:
            ids = list({p.id for p in updates})
            conn.execute(_DEL_ENT, {"ids": ids})
            conn.execute(_DEL_HIT, {"ids": ids})
            last = {p.id: p for p in updates}  # the same document twice in a batch: the last one wins
            conn.execute(_UPDATE_DOC, [_doc_row(p, now) for p in last.values()])
            conn.execute(_UPDATE_REC, [_rec_row(p) for p in last.values()])
            written.update(last)
        # The final version's identifiers only: a document inserted and updated in one batch once kept the
        # first version's phones and cities too (the delete above ran before they were written).
        insert_many(conn, "entities", ("kind", "value", "doc_id", "platform"),
                    [(k, v, p.id, pl) for p in written.values() for k, v, pl in p.entities])
        insert_many(conn, "indicator_hits", ("indicator_id", "doc_id"),
                    [(i, p.id) for p in written.values() for i in p.indicators])
        if written:
            self._index(conn, written, seqs, {p.id for p in updates})
            levels.relevel_written(conn, list(written))  # an admin's saved thresholds, not levels.yaml
        return outcomes

    @staticmethod
    def _hold(doc_id: str, source: str, url: str | None, content: str, holds: dict[str, tuple[str, str | None, str]],
              by_url: dict[tuple[str, str], str], by_content: dict[str, list[str]]) -> None:
        """`doc_id` now holds (source, url, content): what its earlier version held is free again, as in the
        store after the update (a later document of the batch is decided as it would be in the next batch)."""
        if (old := holds.get(doc_id)) is not None:
            if old[1] and by_url.get((old[0], old[1])) == doc_id:
                del by_url[(old[0], old[1])]
            if (held := by_content.get(old[2])) is not None and doc_id in held:
                held.remove(doc_id)
                if not held:
                    del by_content[old[2]]
        holds[doc_id] = (source, url, content)
        if url:
            by_url[(source, url)] = doc_id
        by_content.setdefault(content, []).append(doc_id)

    def _facets_sql(self, plan: s.Plan, names: Sequence[str], cap: int | None) -> str:
        """SELECT facet, value, n over the matches (or the `cap` newest of them)."""
        return s.facets_sql(plan, names, cap)

    def _insert_documents(self, conn: sa.Connection, inserts: Sequence[Prepared], now: str) -> dict[str, int]:
        """Insert new documents; return their seqs when the backend's `_index` needs them."""
        insert_many(conn, "documents", _DOC_COLS, [doc_tuple(p, now) for p in inserts])
        return {}

    def _index(self, conn: sa.Connection, written: dict[str, Prepared], seqs: dict[str, int],
               updated: set[str]) -> None:
        """Search rows derived from the documents just written (PostgreSQL: triggers and tsv do it)."""

    # --- reads ---------------------------------------------------------------------------------
    def get_document(self, doc_id: str) -> Document | None:
        with self.engine.connect() as conn:
            row = conn.execute(text("SELECT doc, title, text FROM documents WHERE id = :id"), {"id": doc_id}).first()
        if row is None:
            return None
        obj = orjson.loads(row.doc)
        obj["title"], obj["text"] = row.title, row.text
        return Document.from_dict(obj, check_id=False)  # stored before ids were checked: still readable

    def get_record(self, doc_id: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            raw = conn.execute(text("SELECT record FROM records WHERE doc_id = :id"), {"id": doc_id}).scalar()
        return None if raw is None else dict(orjson.loads(raw))

    def lookup(self, kind: str, value: str) -> list[str]:
        with self.engine.connect() as conn:
            rows = conn.execute(text("SELECT doc_id FROM entities WHERE kind = :k AND value = :v ORDER BY doc_id"),
                                {"k": kind, "v": normalise_lookup(kind, value)}).scalars()
            return list(rows)

    def counts(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            return {t: int(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar() or 0)
                    for t in ("documents", "records", "entities", "indicator_hits")}

    def iter_ids(self) -> Iterator[str]:
        with self.engine.connect() as conn:
            yield from conn.execute(text("SELECT id FROM documents ORDER BY id")).scalars()

    def checkpoint(self, key: str) -> Checkpoint | None:
        with self.engine.connect() as conn:
            row = conn.execute(text("SELECT key, fingerprint, items_done, complete FROM ingest_files "
                                    "WHERE key = :key"), {"key": key}).first()
        return None if row is None else Checkpoint(row.key, row.fingerprint, int(row.items_done), bool(row.complete))

    def search(self, query: Query) -> SearchResult:
        terms = s.parse(query.text)
        plan = self._plan(query, terms)
        params = plan.params
        # When `_parallel_search()` (see `overlap_counting`): count + facets on a second connection meanwhile.
        counting = _SEARCH_POOL.submit(self._count_and_facets, query, plan) if self._parallel_search() else None
        with self.engine.connect() as conn:
            if plan.setup:
                conn.exec_driver_sql(plan.setup)
            rows = conn.execute(text(
                f"SELECT d.id, d.source, d.kind, d.url, d.title, d.posted_at, d.location, r.risk_score, "
                f"r.risk_level, d.text FROM ({plan.hits}) h JOIN documents d ON d.seq = h.seq "
                f"LEFT JOIN records r ON r.doc_id = d.id ORDER BY {plan.order}"),
                {**params, "limit": query.limit, "offset": query.offset}).all()
        seen, capped, facets = counting.result() if counting else self._count_and_facets(query, plan)
        lower = query.count_cap is not None and seen > query.count_cap
        total = query.count_cap if lower and query.count_cap is not None else seen
        over = query.facet_cap if capped else (None if lower else seen)
        hits = [Hit(r.id, r.source, r.kind, r.url, r.title, r.posted_at, r.location, r.risk_score, r.risk_level,
                    s.snippet(charrefs.decoded(r.text) or "", terms)) for r in rows]
        return SearchResult(total, hits, facets, total_is_lower_bound=lower, facets_capped=capped, facets_over=over)

    def _parallel_search(self) -> bool:
        return self.overlap_counting

    def _count_and_facets(self, query: Query, plan: s.Plan) -> tuple[int, bool, dict[str, dict[str, int]]]:
        """How many documents match (up to the caps) and the facet counts."""
        params = plan.params
        with self.engine.connect() as conn:
            if plan.setup:
                conn.exec_driver_sql(plan.setup)
            # Count at most one past the larger cap: enough to say "more than" without counting them all.
            bound = None if query.count_cap is None else max(query.count_cap, query.facet_cap or 0) + 1
            counted = plan.matches if bound is None else f"{plan.matches} LIMIT {bound}"
            seen = int(conn.execute(text(f"SELECT count(*) FROM ({counted}) m"), params).scalar() or 0)
            capped = query.facet_cap is not None and seen > query.facet_cap
            facets: dict[str, dict[str, int]] = {f: {} for f in query.facets}
            if seen and query.facets:
                cap = query.facet_cap if capped else None
                found = conn.execute(text(self._facets_sql(plan, query.facets, cap)), params)
                facets = s.top_values(((r.facet, r.value, r.n) for r in found), query.facets)
        return seen, capped, facets

    def close(self) -> None:
        self.engine.dispose()


def insert_many(conn: sa.Connection, table: str, cols: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
    """INSERT rows given as tuples straight to the driver.

    SQLAlchemy's per-row parameter processing of text() statements was ~70 µs of the writer's
    ~150 µs per document; the rows here are already in column order.
    """
    if rows:
        conn.exec_driver_sql(_insert_sql(table, cols, "?" if conn.dialect.paramstyle == "qmark" else "%s"), list(rows))


def _insert_sql(table: str, cols: Sequence[str], mark: str = "?") -> str:
    return f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join([mark] * len(cols))})"


def bulk_insert(conn: sa.Connection, table: str, cols: Sequence[str], rows: Iterable[Sequence[Any]],
                batch: int = 50_000) -> None:
    """Load many rows into an empty-ish table fast: COPY on PostgreSQL, executemany on the raw SQLite
    cursor (no per-row binds), `batch` rows per call. For bulk loads (engine load, linker tables)."""
    for _ in bulk_insert_steps(conn, table, cols, rows, batch):
        pass


def bulk_insert_steps(conn: sa.Connection, table: str, cols: Sequence[str], rows: Iterable[Sequence[Any]],
                      batch: int = 50_000) -> Iterator[None]:
    """`bulk_insert`, yielding after each `batch` rows written (after the whole COPY on PostgreSQL): a caller
    waiting for worker processes writes a batch at a time meanwhile."""
    cur = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    if conn.dialect.name == "postgresql":
        with cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        yield
        return
    sql = _insert_sql(table, cols)
    it = iter(rows)
    # islice, not an append and a length test per row: those were a fifth of a rebuild's table writing
    while chunk := list(islice(it, batch)):
        cur.executemany(sql, chunk)
        yield


def doc_tuple(p: Prepared, now: str) -> tuple[Any, ...]:
    """A documents row in _DOC_COLS order."""
    return (p.id, p.source, p.url, p.kind, p.title, p.text, p.location, p.posted_at, p.content_hash, p.doc_hash,
            p.doc_json.decode(), now, now)


def _doc_row(p: Prepared, now: str) -> dict[str, Any]:
    return {"id": p.id, "source": p.source, "url": p.url, "kind": p.kind, "title": p.title, "text": p.text,
            "location": p.location, "posted_at": p.posted_at, "content_hash": p.content_hash,
            "doc_hash": p.doc_hash, "doc": p.doc_json.decode(), "now": now}


def _rec_row(p: Prepared) -> dict[str, Any]:
    return {"id": p.id, "record": p.record_json.decode(), "score": p.risk_score, "level": p.risk_level}


def _renamed(p: Prepared, doc_id: str) -> Prepared:
    """A new version of a stored document that arrived under another id (same source and url)."""
    from dataclasses import replace

    return replace(p, id=doc_id, doc_json=renamed_json(p.doc_json, doc_id), record_json=renamed_json(p.record_json, doc_id))
