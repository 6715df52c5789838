"""`run`: input files -> Parquet (documents, records, link, edges, keys, clusters) + run.json.

    1. process_partition  (engine, per partition)   the pure pipeline; storage rows; link keys
    2. Versions.feed      (driver, in input order)  which version of each document ingest would keep, where
    3. move_partition     (engine, per partition)   final versions to the partition of their first version
    4. Founders.feed      (driver, in seq order)    founder photos and templates of the kept documents
    5. shuffle_partition  (engine, per partition)   final documents/records; key rows by bucket
    6. group_bucket       (engine, per key bucket)  postings, hubs (linking's caps), edges
    7. clusters           union-find on the driver, or label propagation on the engine
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from adtrace import errors
from adtrace.engine import cluster as cl
from adtrace.engine.adapters import Engine
from adtrace.engine.driver import Founders
from adtrace.engine.partition import DEFAULT_PARTITION_BYTES, input_files, plan
from adtrace.engine.stages import (
    GroupTask,
    MoveTask,
    ProcessTask,
    ShuffleTask,
    group_bucket,
    move_partition,
    process_partition,
    shuffle_partition,
)
from adtrace.engine.versions import Versions
from adtrace.linking import HubPolicy
from adtrace.linking import signals as link_signals
from adtrace.sources import Options

# 2: a changed version of a document replaces it, as ingest does (1 kept the first and counted "conflicts")
OUTPUT_VERSION = 2
CLUSTER_METHODS = ("auto", "driver", "distributed")


@dataclass
class RunOptions:
    source: Options = field(default_factory=Options)
    region: str = "US"
    signals: tuple[str, ...] = field(default_factory=link_signals.names)  # every registered linking signal
    partition_bytes: int = DEFAULT_PARTITION_BYTES
    buckets: int = 0  # key buckets; 0: 4 per worker
    cluster: str = "auto"  # auto | driver | distributed
    max_driver_edges: int = cl.DEFAULT_MAX_DRIVER_EDGES
    policy: HubPolicy = field(default_factory=HubPolicy)
    keep_work: bool = False


def run(engine: Engine, inputs: list[str], out: str, opts: RunOptions,
        log: Callable[[str], None] | None = None) -> dict[str, Any]:
    say = log or (lambda _m: None)
    if opts.cluster not in CLUSTER_METHODS:
        raise errors.InputError.at(errors.BAD_FIELD, f"unknown clustering {opts.cluster!r}", field_name="cluster",
                                   hint=f"Use one of: {', '.join(CLUSTER_METHODS)}")
    root = Path(out)
    if root.exists() and any(root.iterdir()):
        raise errors.InputError.at(errors.BAD_FIELD, "output folder is not empty", path=out,
                                   hint="Name a new folder; engine runs never overwrite earlier output")
    root.mkdir(parents=True, exist_ok=True)
    out = str(root.absolute())
    timings: dict[str, float] = {}
    t0 = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal t0
        now = time.perf_counter()
        timings[name] = round(now - t0, 3)
        t0 = now

    parts = plan(input_files(inputs), opts.source, opts.partition_bytes)
    say(f"{len(parts)} partitions on {engine.name} ({engine.workers} workers)")
    results = engine.map(process_partition, [ProcessTask(p, out, opts.source, opts.region, opts.signals)
                                             for p in parts])
    lap("process")
    versions = Versions()
    for p in parts:
        versions.feed(out, p.index, p.label)
    moving = versions.write_plans(out, len(parts))
    lap("versions")
    engine.map(move_partition, [MoveTask(i, out) for i in moving])
    lap("move")
    founders = Founders(opts.signals)
    for p in parts:
        founders.feed(out, p.index)
    lap("founders")
    counts = versions.counts
    n = counts.kept
    offsets = np.r_[0, np.cumsum(counts.per_partition)].tolist()
    buckets = opts.buckets or max(1, 4 * engine.workers)
    engine.map(shuffle_partition, [ShuffleTask(p.index, out, int(offsets[p.index]), buckets) for p in parts])
    lap("shuffle")
    groups = engine.map(group_bucket, [GroupTask(b, out, n, opts.policy) for b in range(buckets)])
    lap("group_keys")
    edges = sum(g.edges for g in groups)
    edge_files = [root / "edges" / f"bucket-{b:05d}.parquet" for b in range(buckets)]
    method = opts.cluster if opts.cluster != "auto" else (
        "driver" if edges <= opts.max_driver_edges else "distributed")
    rounds = 0
    if method == "driver":
        labels = cl.union_find(edge_files, n)
    else:
        labels, rounds = cl.label_propagation(edge_files, n, root / "_work", engine.map)
    clusters = _write_clusters(root, labels)
    lap("cluster")
    (root / "link_indexes.json").write_bytes(orjson.dumps(founders.index_state()))
    if not opts.keep_work:
        shutil.rmtree(root / "_work", ignore_errors=True)
    manifest = {
        "version": OUTPUT_VERSION, "engine": engine.name, "workers": engine.workers, "partitions": len(parts),
        "buckets": buckets, "documents": n, "read": sum(r.documents for r in results),
        "rejected": sum(r.rejected for r in results) + counts.url_taken, "duplicates": counts.duplicates,
        "updated": counts.updated, "keys": sum(g.keys for g in groups),
        "hub_keys": sum(g.hubs for g in groups), "edges": edges, "clusters": clusters["clusters"],
        "multi_doc_clusters": clusters["multi"], "cluster_method": method, "rounds": rounds,
        "signals": list(opts.signals), "region": opts.region, "policy": opts.policy.__dict__,
        "errors": [*(e for r in results for e in r.errors), *versions.errors][:200], "seconds": timings,
    }
    (root / "run.json").write_bytes(orjson.dumps(manifest, option=orjson.OPT_INDENT_2))
    return manifest


def _write_clusters(root: Path, labels: np.ndarray) -> dict[str, int]:
    """clusters/: seq, doc_id, cluster_id (the id of the cluster's earliest document)."""
    files = sorted((root / "documents").glob("*.parquet"))
    ids = pa.concat_arrays([c for f in files for c in pq.read_table(f, columns=["id"]).column("id").chunks]) \
        if files else pa.array([], pa.string())
    (root / "clusters").mkdir(exist_ok=True)
    table = pa.table({"seq": pa.array(np.arange(len(labels), dtype=np.int64)), "doc_id": ids,
                      "cluster_id": ids.take(pa.array(labels))})
    pq.write_table(table, root / "clusters" / "part-00000.parquet")
    sizes = np.bincount(labels, minlength=len(labels)) if len(labels) else np.zeros(0, np.int64)
    return {"clusters": int(np.count_nonzero(sizes)), "multi": int(np.count_nonzero(sizes > 1))}
