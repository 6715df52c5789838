"""A small synthetic corpus in two files (one split into byte ranges, one gzip), run once per engine."""

from __future__ import annotations

import gzip
import io
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from adtrace.engine import RunOptions, make_engine, run
from adtrace.synth import write_corpus
from tests.storage.conftest import new_pg_database, pg_server  # noqa: F401  (the throwaway PostgreSQL)

N_DOCS = 700
PARTITION_BYTES = 60_000  # the plain file becomes several byte ranges


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    folder = tmp_path_factory.mktemp("corpus")
    buf = io.BytesIO()
    # The realistic profile: both stores split words as FTS5 does since migration 0014 (before it, URL
    # slugs made "massage" find 44 documents on PostgreSQL and 46 on SQLite here, seed 11).
    write_corpus(N_DOCS, 11, buf)
    lines = buf.getvalue().splitlines(keepends=True)
    cut = len(lines) * 2 // 3
    (folder / "a.jsonl").write_bytes(b"".join(lines[:cut]))
    with gzip.open(folder / "b.jsonl.gz", "wb") as fh:
        fh.write(b"".join(lines[cut:]))
    return [str(folder / "a.jsonl"), str(folder / "b.jsonl.gz")]


def run_on(name: str, corpus: list[str], out: Path, **kw: object) -> dict[str, object]:
    eng = make_engine(name, workers=2)
    try:
        return run(eng, corpus, str(out), RunOptions(partition_bytes=PARTITION_BYTES, buckets=5, **kw))  # type: ignore[arg-type]
    finally:
        eng.close()


@pytest.fixture(scope="session")
def local_out(corpus: list[str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("local") / "out"
    run_on("local", corpus, out, cluster="driver")
    return out


@pytest.fixture(scope="session")
def dask_out(corpus: list[str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dask") / "out"
    run_on("dask", corpus, out, cluster="distributed")  # label propagation on the workers
    return out


def java_problem() -> str | None:
    java = shutil.which("java")
    if java is None:
        return "no java on PATH"
    proc = subprocess.run([java, "-version"], capture_output=True, text=True)
    return None if proc.returncode == 0 else f"java -version failed: {proc.stderr.strip()[:200]}"


@pytest.fixture(scope="session")
def spark_out(corpus: list[str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    problem = java_problem()
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Spark needs Java 17+ in CI ({problem}): .ci/run must install openjdk-17-jre-headless")
        pytest.skip(f"Spark cannot run here: {problem}")
    out = tmp_path_factory.mktemp("spark") / "out"
    run_on("spark", corpus, out, cluster="driver")
    yield out
