"""Local, Dask (LocalCluster, 2 processes) and Spark (local[2]) give identical records and clusters,
equal to the pipeline's own `process` and to the incremental Linker."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pyarrow.parquet as pq

from adtrace.engine.stages import bucket_of
from adtrace.linking import Linker, prepare
from adtrace.pipeline import Pipeline
from adtrace.sources import read_paths


def _table(out: Path, name: str) -> list[dict[str, Any]]:
    return sorted(pq.read_table(out / name).to_pylist(), key=lambda r: r["seq"])


def _records(out: Path) -> dict[str, str]:
    return {r["doc_id"]: r["record"] for r in _table(out, "records")}


def _clusters(out: Path) -> dict[str, str]:
    return {r["doc_id"]: r["cluster_id"] for r in _table(out, "clusters")}


def test_output_is_complete_and_in_input_order(local_out: Path, corpus: list[str]) -> None:
    manifest = orjson.loads((local_out / "run.json").read_bytes())
    assert manifest["partitions"] >= 4  # byte ranges of the plain file, plus the gzip file whole
    ids = [d.id for d in read_paths(corpus)]
    assert [r["id"] for r in _table(local_out, "documents")] == ids
    assert manifest["documents"] == len(ids) and manifest["rejected"] == 0
    assert manifest["multi_doc_clusters"] > 5 and manifest["hub_keys"] > 0  # the corpus exercises both


def test_records_are_the_pipelines(local_out: Path, corpus: list[str]) -> None:
    pipeline = Pipeline()
    records = _records(local_out)
    for doc in list(read_paths(corpus))[::7]:
        assert orjson.loads(records[doc.id]) == orjson.loads(orjson.dumps(pipeline.process(doc)))


def test_dask_equals_local(local_out: Path, dask_out: Path) -> None:
    assert orjson.loads((dask_out / "run.json").read_bytes())["cluster_method"] == "distributed"
    assert _records(dask_out) == _records(local_out)
    assert _clusters(dask_out) == _clusters(local_out)
    assert _table(dask_out, "edges") and sorted(map(str, _table(dask_out, "edges"))) == \
        sorted(map(str, _table(local_out, "edges")))


def test_spark_equals_local(local_out: Path, spark_out: Path) -> None:
    assert orjson.loads((spark_out / "run.json").read_bytes())["engine"] == "spark"
    assert _records(spark_out) == _records(local_out)
    assert _clusters(spark_out) == _clusters(local_out)


def test_clusters_and_hubs_equal_the_incremental_linker(local_out: Path) -> None:
    records = {k: orjson.loads(v) for k, v in _records(local_out).items()}
    items = []
    for d in _table(local_out, "documents"):
        text = f"{d['title']}\n{d['text']}" if d["title"] else d["text"]
        items.append(prepare(d["id"], records[d["id"]], text, author=orjson.loads(d["doc"]).get("author"),
                             source=d["source"]))
    linker = Linker()
    for s in range(0, len(items), 97):  # batches: hub status changes along the way
        linker.add(items[s:s + 97])
    assert linker.labels() == _clusters(local_out)
    engine_hubs = {r["key"] for r in pq.read_table(local_out / "keys").to_pylist() if r["hub"]}
    assert engine_hubs == {h["key"] for h in linker.hub_keys()}


def test_keys_land_in_one_bucket() -> None:
    assert {bucket_of("phone:+17025550123", 7) for _ in range(3)} == {bucket_of("phone:+17025550123", 7)}
    assert all(0 <= bucket_of(f"email:x{i}@example.test", 7) < 7 for i in range(50))
