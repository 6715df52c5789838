"""Two versions of one document (same id, or same source and url, changed content): an engine run keeps
what `adtrace ingest` keeps, the last version in the first one's place under the stored id, whatever the
input order and partitioning, on the local engine and on Dask."""

from __future__ import annotations

import random
from pathlib import Path

import orjson
import pytest

from adtrace import errors
from adtrace.engine.load import load
from adtrace.linking.run import link_store
from adtrace.storage import init_db, open_store
from adtrace.storage.db import engine_of
from adtrace.storage.ingest import IngestOptions, ingest
from tests.engine.conftest import rescrape_corpus, run_on, write_jsonl
from tests.engine.test_load import _dump

N_ADS = 240


@pytest.fixture(scope="module")
def scrapes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """The two scrapes as two files (old, then new), and all their ads in one file in a random order."""
    folder = tmp_path_factory.mktemp("rescrape")
    first, second = rescrape_corpus(folder, N_ADS, 21)
    mixed = first + second
    random.Random(4).shuffle(mixed)
    return {"rescrape": [write_jsonl(folder / "a-first.jsonl", first), write_jsonl(folder / "b-second.jsonl", second)],
            "shuffled": [write_jsonl(folder / "mixed.jsonl", mixed)]}


def _ingest_and_link(url: str, paths: list[str]) -> dict[str, int]:
    """`adtrace ingest` then `adtrace link` into a new database; ingest's counts."""
    init_db(url)
    with open_store(url) as store:
        files = ingest(store, paths, IngestOptions(workers=1))
        link_store(engine_of(store))
    return {k: sum(getattr(f, k) for f in files) for k in ("new", "updated", "duplicate", "rejected")}


@pytest.mark.parametrize("order", ["rescrape", "shuffled"])
@pytest.mark.parametrize("partition_bytes", [25_000, 10**9])
def test_engine_keeps_what_ingest_keeps(scrapes: dict[str, list[str]], order: str, partition_bytes: int,
                                        tmp_path: Path) -> None:
    paths = scrapes[order]
    manifest = run_on("local", paths, tmp_path / "out", cluster="driver", partition_bytes=partition_bytes)
    assert manifest["partitions"] >= (6 if partition_bytes < 10**6 else len(paths))
    loaded, ingested = str(tmp_path / "loaded.db"), str(tmp_path / "ingested.db")
    tally = _ingest_and_link(ingested, paths)
    # The corpus exercises what it must: updates (by id and by url), duplicates, refused url takeovers.
    assert tally["updated"] > 40 and tally["duplicate"] > 10 and tally["rejected"] > 0, tally
    assert (manifest["documents"], manifest["updated"], manifest["duplicates"], manifest["rejected"]) == \
        (tally["new"], tally["updated"], tally["duplicate"], tally["rejected"])
    assert load(str(tmp_path / "out"), loaded).clusters_agree
    a, b = _dump(loaded), _dump(ingested)
    # Some stored documents hold a version that came under another id (renamed, as ingest renames it).
    pairs = {(ad["id"], ad["text"]) for ad in _ads(paths)}
    assert any((row[1], row[6]) not in pairs for row in a["documents"])
    assert all(orjson.loads(row[11])["id"] == row[1] for row in a["documents"])
    for name in a:
        assert a[name] == b[name], name


def _ads(paths: list[str]) -> list[dict[str, object]]:
    return [orjson.loads(line) for p in paths for line in Path(p).read_bytes().splitlines()]


def test_dask_equals_local_whatever_the_partitions(scrapes: dict[str, list[str]], tmp_path: Path) -> None:
    paths = scrapes["rescrape"]
    run_on("local", paths, tmp_path / "local", cluster="driver", partition_bytes=10**9)
    run_on("dask", paths, tmp_path / "dask", cluster="distributed", partition_bytes=20_000)
    a, b = _dump_run(tmp_path / "local"), _dump_run(tmp_path / "dask")
    assert a["run"]["partitions"] < b["run"]["partitions"]
    for name in ("documents", "records", "link", "clusters", "edges", "keys"):
        assert a[name] == b[name], name
    for key in ("documents", "updated", "duplicates", "rejected", "clusters", "edges", "hub_keys"):
        assert a["run"][key] == b["run"][key], key


def _dump_run(out: Path) -> dict[str, object]:
    import pyarrow.parquet as pq

    got: dict[str, object] = {"run": orjson.loads((out / "run.json").read_bytes())}
    for name in ("documents", "records", "link", "clusters", "edges", "keys"):
        got[name] = sorted(map(str, pq.read_table(out / name).to_pylist()))
    return got


def test_load_explains_an_output_of_version_1(scrapes: dict[str, list[str]], tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_on("local", scrapes["rescrape"], out, cluster="driver")
    manifest = orjson.loads((out / "run.json").read_bytes())
    (out / "run.json").write_bytes(orjson.dumps({**manifest, "version": 1}))
    with pytest.raises(errors.InputError, match="kept the first version") as exc:
        load(str(out), str(tmp_path / "x.db"))
    assert exc.value.code == errors.BAD_FIELD and not (tmp_path / "x.db").exists()
