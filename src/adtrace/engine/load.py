"""`load`: an engine run's Parquet into an empty SQLite or PostgreSQL database, in bulk.

Fills exactly the tables `adtrace ingest` and `adtrace link` fill — documents (FTS rows by SQLite's
triggers, the tsvector by PostgreSQL's generated column), records, entities, indicator_hits, then
the linker's saved state, each document's cluster and the cluster summaries — so search, the app
and incremental `adtrace link` carry on as if every document had been ingested one by one.
PostgreSQL gets COPY (psycopg); SQLite gets executemany in large transactions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pyarrow.parquet as pq
import sqlalchemy as sa

from adtrace import errors
from adtrace.engine.run import OUTPUT_VERSION
from adtrace.linking import HubPolicy, Linker
from adtrace.linking import store as ls
from adtrace.linking.signals import kind_of
from adtrace.linking.summary import Member, rescore, summarize
from adtrace.storage import census, corpus, facets, init_db, levels
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


def _rows(root: Path, part: Path, now: str) -> Iterator[dict[str, list[tuple[Any, ...]]]]:
    """A partition's rows for each table, SLICE documents at a time.

    Why slices: Arrow holds a partition compactly; as Python tuples of str it takes several times
    more (a 100,000-document partition peaked at 1.5 GB when converted whole)."""
    docs_t = pq.read_table(part)
    recs_t = pq.read_table(root / "records" / part.name)
    cols = _TABLES["documents"][:-2]
    for start in range(0, docs_t.num_rows, SLICE):
        docs = docs_t.slice(start, SLICE).to_pydict()
        recs = recs_t.slice(start, SLICE).to_pydict()
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
        raise errors.InputError.at(errors.FILE_NOT_FOUND, "no run.json: not the output of `adtrace engine run`",
                                   path=out, hint="Point at the --output folder of a finished engine run")
    manifest = orjson.loads(manifest_file.read_bytes())
    if manifest.get("version") != OUTPUT_VERSION:
        raise errors.InputError.at(errors.BAD_FIELD, f"output version {manifest.get('version')} is not "
                                   f"{OUTPUT_VERSION}", path=str(manifest_file), hint="Re-run the engine with this adtrace")
    init_db(db)
    engine = make_engine(resolve_url(db))
    report = LoadReport()
    try:
        with read(engine) as conn:
            filled = corpus.count(conn) > 0
        if filled:
            raise errors.StorageError(message=f"{_safe(resolve_url(db))} already holds documents; `load` fills "
                                      "an empty database (use `adtrace ingest` to add to one)", code=errors.LOAD_NEEDS_EMPTY_DB)
        now = stamp_now()
        t0 = datetime.now(UTC)
        for part in _parts(root, "documents"):
            counts = [0, 0, 0]
            with write(engine) as conn:  # one transaction per partition: all of it or none of it
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
        _link(engine, root, manifest, report)
        report.seconds["linking"] = round((datetime.now(UTC) - t1).total_seconds(), 3)
    finally:
        engine.dispose()
    return report


def _link_state(root: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    """The state `Linker.to_state` would have saved after linking these documents in seq order."""
    witnesses: dict[str, list[str]] = {}
    for part in _parts(root, "keys"):
        t = pq.read_table(part, columns=["key", "witnesses"]).to_pydict()
        witnesses.update(zip(t["key"], t["witnesses"], strict=True))
    key_id: dict[str, int] = {}
    doc_ids: list[str] = []
    doc_keys: list[list[int]] = []
    detail: list[list[int]] = []
    for part in _parts(root, "link"):
        t = pq.read_table(part, columns=["doc_id", "keys", "detail"]).to_pydict()
        for doc_id, names, values in zip(t["doc_id"], t["keys"], t["detail"], strict=True):
            d = len(doc_ids)
            doc_ids.append(doc_id)
            ks = [key_id.setdefault(n, len(key_id)) for n in names]
            doc_keys.append(ks)
            detail.extend([d, k, v] for k, v in zip(ks, values, strict=True) if v is not None)
    indexes = orjson.loads((root / "link_indexes.json").read_bytes())
    return {"version": 1, "policy": manifest["policy"], "doc_ids": doc_ids, "doc_keys": doc_keys, "detail": detail,
            "key_names": list(key_id), "witnesses": [witnesses.get(k, []) for k in key_id], "overrides": {},
            **indexes}


def _link(engine: sa.Engine, root: Path, manifest: dict[str, Any], report: LoadReport) -> None:
    linker = Linker.from_state(_link_state(root, manifest))
    assert linker.policy == HubPolicy(**manifest["policy"])
    labels = linker.labels()
    engine_labels = _engine_clusters(root)
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
        found = ls.members(engine, ids)
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
        t = pq.read_table(part, columns=["doc_id", "record"]).to_pydict()
        for doc_id, raw in zip(t["doc_id"], t["record"], strict=True):
            if len(groups[labels[doc_id]]) == 1:
                yield doc_id, orjson.loads(raw)


def _engine_clusters(root: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in _parts(root, "clusters"):
        t = pq.read_table(part, columns=["doc_id", "cluster_id"]).to_pydict()
        out.update(zip(t["doc_id"], t["cluster_id"], strict=True))
    return out
