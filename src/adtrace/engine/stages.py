"""Worker-side stages: each is one top-level function of one small picklable task, so the local,
Dask and Spark adapters run exactly the same code. Work moves between stages as Parquet files in
the output folder (a shared file system on a cluster), never through the driver.

    process_partition  read -> the pure `Pipeline.process_many` -> storage rows + link keys   (per partition)
    move_partition     final versions of documents placed in another partition, to it  (per partition)
    shuffle_partition  final documents/records, and (key, doc) rows by hash of the key   (per partition)
    group_bucket       postings per key, witness counts, hub decision, edges             (per key bucket)
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from adtrace.documents import Document
from adtrace.engine.hubs import is_hub
from adtrace.engine.partition import Partition, read_partition
from adtrace.errors import BUG_HINT, INTERNAL
from adtrace.linking import HubPolicy
from adtrace.linking import prepare as link_prepare
from adtrace.linking.signals import kind_of
from adtrace.pipeline import batches
from adtrace.sources import Options, ReadError
from adtrace.storage.prepare import prepare, renamed_json

MAX_ERRORS = 50  # rejections reported back per partition (all are counted)

_ENTITY = pa.list_(pa.struct([("kind", pa.string()), ("value", pa.string()), ("platform", pa.string())]))
WORK_SCHEMA = pa.schema([
    ("local", pa.int64()), ("id", pa.string()), ("source", pa.string()), ("url", pa.string()),
    ("kind", pa.string()), ("title", pa.string()), ("text", pa.string()), ("location", pa.string()),
    ("posted_at", pa.string()), ("content_hash", pa.string()), ("doc_hash", pa.string()), ("doc", pa.string()),
    ("record", pa.string()), ("risk_score", pa.float64()), ("risk_level", pa.string()), ("entities", _ENTITY),
    ("indicators", pa.list_(pa.string())), ("keys", pa.list_(pa.string())),
    ("witnesses", pa.list_(pa.string())), ("pdqs", pa.list_(pa.string())), ("signature", pa.binary()),
    ("slots", pa.list_(pa.string())),
])
DOC_COLS = ("id", "source", "url", "kind", "title", "text", "location", "posted_at", "content_hash",
            "doc_hash", "doc")
REC_COLS = ("record", "risk_score", "risk_level", "entities", "indicators")


def work_path(out: str, name: str, index: int) -> Path:
    return Path(out) / "_work" / name / f"part-{index:05d}.parquet"


# --- 1. per partition: the pipeline ------------------------------------------------------------
@dataclass(frozen=True)
class ProcessTask:
    part: Partition
    out: str
    options: Options
    region: str = "US"
    signals: tuple[str, ...] | None = None  # linking signals by name (None: every registered one)


@dataclass
class ProcessResult:
    index: int
    documents: int
    rejected: int
    errors: list[dict[str, Any]]


_pipelines: dict[str, Any] = {}


def _pipeline(region: str) -> Any:
    """One Pipeline per worker process and region (building it loads lexicons once)."""
    if region not in _pipelines:
        from adtrace.pipeline import Pipeline

        _pipelines[region] = Pipeline(default_region=region)
    return _pipelines[region]


def process_partition(task: ProcessTask) -> ProcessResult:
    pipeline = _pipeline(task.region)
    rows: dict[str, list[Any]] = {name: [] for name in WORK_SCHEMA.names}
    errors: list[dict[str, Any]] = []
    rejected = 0

    def run(batch: list[Document]) -> None:
        nonlocal rejected
        # The one pure per-document function (same as ingest), stage by stage over the batch.
        for item, record in zip(batch, pipeline.process_many(batch), strict=True):
            try:
                if isinstance(record, Exception):
                    raise record
                prep = prepare(item, record)
                link = link_prepare(item.id, record, item.full_text, task.signals, author=item.author,
                                    source=item.source)
            except Exception as exc:  # one bad document must not stop a backfill (as in ingest)
                rejected += 1
                if len(errors) < MAX_ERRORS:
                    errors.append({"path": task.part.label, "line": None, "code": INTERNAL,
                                   "message": f"pipeline failed on document {item.id}: {type(exc).__name__}: {exc}",
                                   "hint": BUG_HINT})
                continue
            _append(rows, len(rows["local"]), item, prep, link)

    def documents() -> Iterator[Document]:
        nonlocal rejected
        for item in read_partition(task.part, task.options):
            if isinstance(item, ReadError):
                rejected += 1
                if len(errors) < MAX_ERRORS:  # the CLI prints the hint under the line, as ingest does
                    errors.append(item.to_json())
                continue
            assert isinstance(item, Document)
            yield item

    for batch in batches(documents()):
        run(batch)
    path = work_path(task.out, "docs", task.part.index)
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table(rows, schema=WORK_SCHEMA), path)
    return ProcessResult(task.part.index, len(rows["local"]), rejected, errors)


def _append(rows: dict[str, list[Any]], local: int, doc: Document, p: Any, link: Any) -> None:
    values = {"local": local, "id": p.id, "source": p.source, "url": p.url, "kind": p.kind, "title": p.title,
              "text": p.text, "location": p.location, "posted_at": p.posted_at, "content_hash": p.content_hash,
              "doc_hash": p.doc_hash, "doc": p.doc_json.decode(), "record": p.record_json.decode(),
              "risk_score": p.risk_score, "risk_level": p.risk_level,
              "entities": [{"kind": k, "value": v, "platform": pl} for k, v, pl in p.entities],
              "indicators": list(p.indicators), "keys": link.keys, "witnesses": link.witnesses,
              "pdqs": link.pdqs,
              "signature": None if link.signature is None else np.asarray(link.signature, np.uint64).tobytes(),
              "slots": None if link.slots is None else list(link.slots)}
    for name, value in values.items():
        rows[name].append(value)


# --- 2. per partition: final versions to the partition of their document's place -----------------
# The plan of each partition (engine.versions): its rows that are a document's final version, with the
# document's seq, its home (the partition of its first version, which gives it its place) and stored id.
def moved_dir(out: str, home: int) -> Path:
    """Where other partitions put the final versions of documents placed in partition `home`."""
    return Path(out) / "_work" / "moved" / f"to-{home:05d}"


@dataclass(frozen=True)
class MoveTask:
    index: int
    out: str


def move_partition(task: MoveTask) -> int:
    """This partition's final versions of documents placed elsewhere, into their home's folder."""
    plan = pq.read_table(work_path(task.out, "plan", task.index))
    homes = plan.column("home").to_numpy()
    away = np.nonzero(homes != task.index)[0]
    if not len(away):
        return 0
    plan = plan.take(pa.array(away))
    rows = pq.read_table(work_path(task.out, "docs", task.index)).take(plan.column("row"))
    rows = rows.append_column("seq", plan.column("seq")).append_column("doc_id", plan.column("doc_id"))
    homes = homes[away]
    for home in np.unique(homes).tolist():
        path = moved_dir(task.out, home) / f"from-{task.index:05d}.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(rows.filter(pa.array(homes == home)), path)
    return len(away)


def final_rows(out: str, index: int, columns: list[str] | None = None) -> pa.Table:
    """The final versions of the documents placed in partition `index`, in seq order, with `seq` and
    `doc_id`, the stored id (the row's `id` differs where a new id updated a document found by its url)."""
    plan = pq.read_table(work_path(out, "plan", index))
    here = plan.filter(pc.equal(plan.column("home"), index))
    table = pq.read_table(work_path(out, "docs", index), columns=columns).take(here.column("row"))
    table = table.append_column("seq", here.column("seq")).append_column("doc_id", here.column("doc_id"))
    moved = sorted(moved_dir(out, index).glob("*.parquet"))
    cols = None if columns is None else [*columns, "seq", "doc_id"]
    if moved:
        table = pa.concat_tables([table, *(pq.read_table(f, columns=cols) for f in moved)])
    seq = table.column("seq").to_numpy()
    if (np.diff(seq) > 0).all():  # the usual case: no copy of the partition
        return table
    # Not row order: a document updated later in its own partition keeps its first version's place.
    return table.take(pc.sort_indices(table.column("seq")))


def renamed(table: pa.Table) -> pa.Table:
    """`id`, `doc` and `record` under the stored id where a version came under another id (ingest renames it)."""
    if pc.all(pc.equal(table.column("id"), table.column("doc_id"))).as_py() is not False:
        return table
    ids, stored = table.column("id").to_pylist(), table.column("doc_id").to_pylist()
    values = {name: table.column(name).to_pylist() for name in ("doc", "record")}
    for i, (own, doc_id) in enumerate(zip(ids, stored, strict=True)):
        if own != doc_id:
            for column in values.values():
                column[i] = renamed_json(column[i].encode(), doc_id).decode()
    for name, column in (("id", stored), *values.items()):
        i = table.schema.get_field_index(name)
        table = table.set_column(i, table.schema.field(i), pa.array(column, pa.string()))
    return table


# --- 3. per partition: final documents/records, and key rows into buckets ------------------------
@dataclass(frozen=True)
class ShuffleTask:
    index: int
    out: str
    offset: int  # seq of this partition's first document
    buckets: int


def bucket_of(key: str, buckets: int) -> int:
    return zlib.crc32(key.encode()) % buckets


def shuffle_partition(task: ShuffleTask) -> int:
    kept = renamed(final_rows(task.out, task.index))
    extra = pq.read_table(work_path(task.out, "extra", task.index))
    seq = kept.column("seq").combine_chunks()
    if not np.array_equal(seq.to_numpy(), np.arange(task.offset, task.offset + kept.num_rows)):
        raise RuntimeError(f"partition {task.index}: its documents' seqs are not {task.offset}..")
    out = Path(task.out)
    name = f"part-{task.index:05d}.parquet"
    docs = pa.table([seq, *(kept.column(c) for c in DOC_COLS)], names=["seq", *DOC_COLS])
    recs = pa.table([seq, kept.column("id"), *(kept.column(c) for c in REC_COLS)], names=["seq", "doc_id", *REC_COLS])
    for sub, table in (("documents", docs), ("records", recs)):
        (out / sub).mkdir(parents=True, exist_ok=True)
        pq.write_table(table, out / sub / name)
    ids = kept.column("id").to_pylist()
    contact = kept.column("keys").to_pylist()
    witnesses = kept.column("witnesses").to_pylist()
    ekeys = extra.column("extra_keys").to_pylist()
    edetail = extra.column("extra_detail").to_pylist()
    # The linker's per-document key list: contact keys, then photo and template keys, deduplicated.
    link_keys, link_detail = [], []
    rows: list[list[tuple[str, int, str, list[str]]]] = [[] for _ in range(task.buckets)]
    for i, doc_id in enumerate(ids):
        names = list(dict.fromkeys([*contact[i], *ekeys[i]]))
        detail = dict(zip(ekeys[i], edetail[i], strict=True))
        link_keys.append(names)
        link_detail.append([detail.get(n) for n in names])
        for key in names:
            rows[bucket_of(key, task.buckets)].append((key, task.offset + i, doc_id, witnesses[i]))
    (out / "link").mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table({"seq": seq, "doc_id": kept.column("id"), "keys": link_keys, "detail": link_detail,
                             "witnesses": kept.column("witnesses")}), out / "link" / name)
    for b, bucket_rows in enumerate(rows):
        path = Path(task.out) / "_work" / "shuffle" / f"bucket-{b:05d}" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        key, s, d, w = (list(col) for col in zip(*bucket_rows, strict=True)) if bucket_rows else ([], [], [], [])
        pq.write_table(pa.table({"key": pa.array(key, pa.string()), "seq": pa.array(s, pa.int64()),
                                 "doc_id": pa.array(d, pa.string()),
                                 "witnesses": pa.array(w, pa.list_(pa.string()))}), path)
    return int(kept.num_rows)


# --- 4. per key bucket: postings, hubs, edges ----------------------------------------------------
@dataclass(frozen=True)
class GroupTask:
    bucket: int
    out: str
    n_docs: int
    policy: HubPolicy


@dataclass
class GroupResult:
    bucket: int
    keys: int
    hubs: int
    edges: int  # (document, key) pairs of non-hub keys held by two or more documents


def group_bucket(task: GroupTask) -> GroupResult:
    folder = Path(task.out) / "_work" / "shuffle" / f"bucket-{task.bucket:05d}"
    files = sorted(folder.glob("*.parquet"))
    table = pa.concat_tables([pq.read_table(f) for f in files]) if files else None
    postings: dict[str, list[tuple[int, str]]] = {}
    seen: dict[str, set[str]] = {}
    if table is not None:
        for key, s, d, ws in zip(table.column("key").to_pylist(), table.column("seq").to_pylist(),
                                 table.column("doc_id").to_pylist(), table.column("witnesses").to_pylist(),
                                 strict=True):
            postings.setdefault(key, []).append((s, d))
            co = seen.setdefault(key, set())
            if len(co) < task.policy.cap:
                co.update(w for w in ws if w != key)
    e_key, e_kind, e_hub, e_seq, e_doc = [], [], [], [], []
    k_rows: dict[str, list[Any]] = {"key": [], "kind": [], "docs": [], "diversity": [], "hub": [], "first_seq": [],
                                    "witnesses": []}
    hubs = edges = 0
    for key in sorted(postings):
        docs = sorted(postings[key])
        witnesses = sorted(seen[key])[: task.policy.cap]
        hub = is_hub(key, len(docs), len(witnesses), task.n_docs, task.policy)
        hubs += hub
        for name, value in (("key", key), ("kind", kind_of(key)), ("docs", len(docs)), ("diversity", len(witnesses)),
                            ("hub", hub), ("first_seq", docs[0][0]), ("witnesses", witnesses)):
            k_rows[name].append(value)
        if len(docs) < 2:
            continue
        edges += 0 if hub else len(docs)
        for s, d in docs:
            e_key.append(key)
            e_kind.append(kind_of(key))
            e_hub.append(hub)
            e_seq.append(s)
            e_doc.append(d)
    name = f"bucket-{task.bucket:05d}.parquet"
    for sub, table_out in (
        ("edges", pa.table({"key": pa.array(e_key, pa.string()), "kind": pa.array(e_kind, pa.string()),
                            "hub": pa.array(e_hub, pa.bool_()), "seq": pa.array(e_seq, pa.int64()),
                            "doc_id": pa.array(e_doc, pa.string())})),
        ("keys", pa.table({"key": pa.array(k_rows["key"], pa.string()), "kind": pa.array(k_rows["kind"], pa.string()),
                           "docs": pa.array(k_rows["docs"], pa.int64()),
                           "diversity": pa.array(k_rows["diversity"], pa.int64()),
                           "hub": pa.array(k_rows["hub"], pa.bool_()),
                           "first_seq": pa.array(k_rows["first_seq"], pa.int64()),
                           "witnesses": pa.array(k_rows["witnesses"], pa.list_(pa.string()))})),
    ):
        (Path(task.out) / sub).mkdir(parents=True, exist_ok=True)
        pq.write_table(table_out, Path(task.out) / sub / name)
    return GroupResult(task.bucket, len(postings), hubs, edges)
