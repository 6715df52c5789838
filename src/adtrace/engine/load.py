"""`load`: an engine run's Parquet into an empty SQLite or PostgreSQL database, in bulk.

Fills exactly the tables `adtrace ingest` and `adtrace link` fill — documents (FTS rows by SQLite's
triggers, the tsvector by PostgreSQL's generated column), records, entities, indicator_hits, then
the linker's saved state, each document's cluster and the cluster summaries — so search, the app
and incremental `adtrace link` carry on as if every document had been ingested one by one.
PostgreSQL gets COPY (psycopg); SQLite gets executemany in large transactions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import sqlalchemy as sa

from adtrace import errors
from adtrace.engine.run import OUTPUT_VERSION
from adtrace.linking import HubPolicy, Linker
from adtrace.linking import store as ls
from adtrace.linking.signals import kind_of
from adtrace.linking.summary import Member, rescore, summarize
from adtrace.storage import census, clusterstore, corpus, facets, init_db, levels, linkstate
from adtrace.storage.connect import _safe, make_engine, resolve_url
from adtrace.storage.db import now as stamp_now
from adtrace.storage.db import read, write
from adtrace.storage.sql import bulk_insert

BATCH = 20_000  # rows per SQLite transaction
SLICE = 20_000  # documents converted from Arrow to Python rows at a time
_TABLES: dict[str, tuple[str, ...]] = {
    "documents": ("id", "source", "url", "kind", "title", "text", "location", "posted_at", "content_hash",
                  "doc_hash", "doc", "ingested_at", "updated_at"),
    "records": ("doc_id", "record", "risk_score", "risk_level"),
    "entities": ("kind", "value", "doc_id", "platform"),
    "indicator_hits": ("indicator_id", "doc_id"),
}


@dataclass
class LoadReport:
    documents: int = 0
    entities: int = 0
    indicator_hits: int = 0
    clusters: int = 0
    multi_doc_clusters: int = 0
    clusters_agree: bool = True  # the linker, rebuilt from the saved state, found the engine's clusters
    seconds: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _parts(root: Path, name: str) -> list[Path]:
    return sorted((root / name).glob("*.parquet"))


# What pyarrow and the file system raise on a missing, cut or damaged file (ArrowInvalid is a ValueError).
_UNREADABLE = (OSError, ValueError, KeyError, pa.ArrowException, orjson.JSONDecodeError)


def _damaged(path: Path, exc: Exception) -> errors.InputError:
    why = f"{type(exc).__name__}: {str(exc)[:160]}" if str(exc) else type(exc).__name__
    done = "nothing was loaded (what the partitions before it had loaded was taken out again)"
    return errors.InputError.at(errors.BAD_ENGINE_OUTPUT, f"cannot be read ({why}); {done}", path=str(path),
                                hint="The engine run's output is incomplete or damaged",
                                cli_hint="run `adtrace engine run` again")


def _table(path: Path, columns: list[str] | None = None) -> pa.Table:
    try:
        return pq.read_table(path, columns=columns)
    except _UNREADABLE as exc:
        raise _damaged(path, exc) from None


def _json(path: Path) -> Any:
    try:
        return orjson.loads(path.read_bytes())
    except _UNREADABLE as exc:
        raise _damaged(path, exc) from None


def _check_parts(root: Path, manifest: dict[str, Any]) -> set[str]:
    """Every documents partition has its records partition, both with readable footers, the columns `_rows`
    reads and the same document ids: a file cut short (the usual damage of a copy) is found before anything
    is written. Returns the ids."""
    want = {"documents": set(_TABLES["documents"][:-2]), "records": {"doc_id", "record", "risk_score", "risk_level",
                                                                      "entities", "indicators"}}
    every: set[str] = set()
    for folder, count in (("documents", "partitions"), ("link", "partitions"), ("keys", "buckets")):
        if len(_parts(root, folder)) != manifest.get(count):  # a file missing: its share of the run is lost
            raise _damaged(root / folder, ValueError(f"{len(_parts(root, folder))} files where run.json says "
                                                     f"{manifest.get(count)} {count}"))
    for part in _parts(root, "documents"):
        rows = []
        for name in ("documents", "records"):
            path = root / name / part.name
            try:
                meta = pq.read_metadata(path)
            except _UNREADABLE as exc:
                raise _damaged(path, exc) from None
            if missing := want[name] - set(meta.schema.to_arrow_schema().names):
                raise _damaged(path, KeyError(f"no column {', '.join(sorted(missing))}"))
            rows.append(meta.num_rows)
        if rows[0] != rows[1]:
            raise _damaged(root / "records" / part.name, ValueError(f"{rows[1]} rows for {rows[0]} documents"))
        ids = _table(part, ["id"]).column("id").to_pylist()
        if _table(root / "records" / part.name, ["doc_id"]).column("doc_id").to_pylist() != ids:
            raise _damaged(root / "records" / part.name, ValueError("its documents are not the documents partition's"))
        every.update(ids)
    return every


@contextmanager
def _partition(part: Path) -> Iterator[None]:
    """A partition whose footer was sound but whose rows are not (damage inside the file) stops the load
    with the file named; its transaction is rolled back (and `load` takes out the partitions before it)."""
    try:
        yield
    except (*_UNREADABLE, TypeError, IndexError) as exc:
        raise _damaged(part, exc) from None


def _unload(engine: sa.Engine) -> None:
    """Empty what a failed load wrote into the database it found empty of documents: documents (their
    records, entities, hits and search rows go with them: ON DELETE CASCADE and the search triggers),
    clusters and the linker's state. Users, settings and audit rows made before the load stay."""
    with write(engine) as conn:
        linkstate.clear(conn)
        clusterstore.clear(conn)
        corpus.delete_all(conn)


def _rows(root: Path, part: Path, now: str) -> Iterator[dict[str, list[tuple[Any, ...]]]]:
    """A partition's rows for each table, SLICE documents at a time.

    Why slices: Arrow holds a partition compactly; as Python tuples of str it takes several times
    more (a 100,000-document partition peaked at 1.5 GB when converted whole)."""
    docs_t = _table(part)
    recs_t = _table(root / "records" / part.name)
    cols = _TABLES["documents"][:-2]
    for start in range(0, docs_t.num_rows, SLICE):
        docs = docs_t.slice(start, SLICE).to_pydict()
        recs = recs_t.slice(start, SLICE).to_pydict()
        # Parsed once here: damage inside a page that still decodes would otherwise store JSON that SQLite's
        # facet rows, search and every page read of that document then fail on (~5.5 µs a document, see
        # docs/scale.md). A JSONDecodeError stops the partition with AT116 (`_partition`).
        for raw in (*docs["doc"], *recs["record"]):
            if not isinstance(orjson.loads(raw), dict):
                raise ValueError("a document or record that is not a JSON object")
        yield {
            "documents": [(*row, now, now) for row in zip(*(docs[c] for c in cols), strict=True)],
            "records": list(zip(recs["doc_id"], recs["record"], recs["risk_score"], recs["risk_level"], strict=True)),
            "entities": [(e["kind"], e["value"], d, e["platform"])
                         for d, ents in zip(recs["doc_id"], recs["entities"], strict=True) for e in ents],
            "indicator_hits": [(i, d) for d, inds in zip(recs["doc_id"], recs["indicators"], strict=True) for i in inds],
        }


def load(out: str, db: str | None, log: Callable[[str], None] | None = None) -> LoadReport:
    say = log or (lambda _m: None)
    root = Path(out)
    manifest_file = root / "run.json"
    if not manifest_file.is_file():
        raise errors.InputError.at(errors.FILE_NOT_FOUND, "no run.json: not the output of an engine run", path=out,
                                   cli_hint="point at the --output folder of a finished `adtrace engine run`")
    manifest = _json(manifest_file)
    if not isinstance(manifest, dict) or manifest.get("version") != OUTPUT_VERSION:
        version = manifest.get("version") if isinstance(manifest, dict) else None
        why = (" (version 1 kept the first version of a document that came again changed; ingest, and this "
               "adtrace, keep the last)") if version == 1 else ""
        raise errors.InputError.at(errors.BAD_FIELD, f"output version {version} is not {OUTPUT_VERSION}{why}",
                                   path=str(manifest_file), hint="Re-run the engine with this adtrace")
    # Everything but the partitions' rows is read before the first write: a damaged file stops the load
    # with the database as it was, instead of documents without their clusters.
    ids = _check_parts(root, manifest)
    linker = _linker(root, manifest)
    if set(linker.doc_ids) != ids:  # clusters would name documents that are not loaded, or miss some
        raise _damaged(root / "link", ValueError("its documents are not the documents partitions'"))
    engine_labels = _engine_clusters(root)
    init_db(db)
    engine = make_engine(resolve_url(db))
    report = LoadReport()
    try:
        with read(engine) as conn:
            filled = corpus.count(conn) > 0
        if filled:
            raise errors.StorageError(message=f"{_safe(resolve_url(db))} already holds documents; `load` fills "
                                      "an empty database", code=errors.LOAD_NEEDS_EMPTY_DB,
                                      cli_hint="use `adtrace ingest` to add to one")
        try:
            _fill(engine, root, linker, engine_labels, stamp_now(), report, say)
        except BaseException:  # a damaged partition, a full disk, Ctrl-C: no half-loaded database is left
            # behind (the next `load` would refuse it as not empty, and search would show part of a run)
            _unload(engine)
            raise
    finally:
        engine.dispose()
    return report


def _fill(engine: sa.Engine, root: Path, linker: Linker, engine_labels: dict[str, str], now: str,
          report: LoadReport, say: Callable[[str], None]) -> None:
    """Every partition's rows (one transaction each: memory and the WAL stay bounded), levels, clusters."""
    t0 = datetime.now(UTC)
    for part in _parts(root, "documents"):
        counts = [0, 0, 0]
        with write(engine) as conn, _partition(part):
            for rows in _rows(root, part, now):
                for table, cols in _TABLES.items():
                    bulk_insert(conn, table, cols, rows[table], batch=BATCH)
                if engine.dialect.name != "postgresql":  # SQLite's facet rows come from the writer, not triggers
                    facets.refresh(conn, [r[0] for r in rows["documents"]])
                counts[0] += len(rows["documents"])
                counts[1] += len(rows["entities"])
                counts[2] += len(rows["indicator_hits"])
        report.documents += counts[0]
        report.entities += counts[1]
        report.indicator_hits += counts[2]
        say(f"{report.documents:,} documents loaded")
    # Thresholds an admin saved before the load decide its levels too. The write lock is taken first
    # (storage.db.write): this transaction reads before it writes, and in SQLite's WAL mode another
    # connection's commit in between would fail it at once with "database is locked".
    with write(engine) as conn:
        if (saved := levels.saved_thresholds(conn)) is not None:
            levels.relevel(conn, saved)
    t1 = datetime.now(UTC)
    report.seconds["tables"] = round((t1 - t0).total_seconds(), 3)
    _link(engine, root, linker, engine_labels, report)
    report.seconds["linking"] = round((datetime.now(UTC) - t1).total_seconds(), 3)


def _link_state(root: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    """The state `Linker.to_state` would have saved after linking these documents in seq order."""
    witnesses: dict[str, list[str]] = {}
    for part in _parts(root, "keys"):
        t = _table(part, ["key", "witnesses"]).to_pydict()
        witnesses.update(zip(t["key"], t["witnesses"], strict=True))
    key_id: dict[str, int] = {}
    doc_ids: list[str] = []
    doc_keys: list[list[int]] = []
    detail: list[list[int]] = []
    for part in _parts(root, "link"):
        t = _table(part, ["doc_id", "keys", "detail"]).to_pydict()
        for doc_id, names, values in zip(t["doc_id"], t["keys"], t["detail"], strict=True):
            d = len(doc_ids)
            doc_ids.append(doc_id)
            ks = [key_id.setdefault(n, len(key_id)) for n in names]
            doc_keys.append(ks)
            detail.extend([d, k, v] for k, v in zip(ks, values, strict=True) if v is not None)
    indexes = _json(root / "link_indexes.json")
    if not isinstance(indexes, dict):
        raise _damaged(root / "link_indexes.json", TypeError("not a JSON object"))
    return {"version": 1, "policy": manifest["policy"], "doc_ids": doc_ids, "doc_keys": doc_keys, "detail": detail,
            "key_names": list(key_id), "witnesses": [witnesses.get(k, []) for k in key_id], "overrides": {},
            **indexes}


def _linker(root: Path, manifest: dict[str, Any]) -> Linker:
    """The linker rebuilt from the run's saved link state (the keys, link and link_indexes.json files)."""
    try:
        linker = Linker.from_state(_link_state(root, manifest))
        same = linker.policy == HubPolicy(**manifest["policy"])
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:  # fields of the wrong shape
        raise _damaged(root, exc) from None
    if not same:
        raise _damaged(root / "run.json", ValueError("its policy is not the link state's"))
    return linker


def _link(engine: sa.Engine, root: Path, linker: Linker, engine_labels: dict[str, str], report: LoadReport) -> None:
    labels = linker.labels()
    report.clusters_agree = labels == engine_labels
    groups: dict[str, list[str]] = {}
    for doc_id, cid in labels.items():
        groups.setdefault(cid, []).append(doc_id)
    report.clusters = len(groups)
    rows: list[tuple[str, str, float | None, str | None]] = []
    summaries = []
    for cid, ids in groups.items():  # the refresh `adtrace link --rebuild` does, cluster by cluster
        if len(ids) < 2:
            continue
        report.multi_doc_clusters += 1
        # In link order, as `adtrace link` summarises (the query returns them in its own order): ties among
        # a summary's counts keep first-seen order.
        stored = {m[0]: m for m in ls.members(engine, ids)}
        found = [stored[d] for d in ids if d in stored]
        tkeys = {d: [k for k in linker.key_names_of(d) if kind_of(k) == "template" and not linker.is_hub_name(k)]
                 for d in ids}
        summ = summarize(cid, [Member(d, p, r) for d, p, r in found], tkeys)
        context = summ["cluster_indicators"]
        for d, _p, rec in found:
            risk = rescore(rec, context) if context else rec.get("risk") or {}
            rows.append((d, cid, risk.get("score"), risk.get("level")))
        summ["edges"] = linker.edges(ids)[:200]
        summaries.append(summ)
    for doc_id, record in _singletons(root, labels, groups):
        risk = record.get("risk") or {}
        rows.append((doc_id, doc_id, risk.get("score"), risk.get("level")))
    ls.save(engine, linker, census.last_seq(engine), rebuild=True, rows=rows, summaries=summaries)


def _singletons(root: Path, labels: dict[str, str], groups: dict[str, list[str]]) -> Iterator[tuple[str, dict[str, Any]]]:
    for part in _parts(root, "records"):
        t = _table(part, ["doc_id", "record"]).to_pydict()
        for doc_id, raw in zip(t["doc_id"], t["record"], strict=True):
            if len(groups[labels[doc_id]]) == 1:
                yield doc_id, orjson.loads(raw)


def _engine_clusters(root: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in _parts(root, "clusters"):
        t = _table(part, ["doc_id", "cluster_id"]).to_pydict()
        out.update(zip(t["doc_id"], t["cluster_id"], strict=True))
    return out
