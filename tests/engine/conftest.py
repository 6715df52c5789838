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
        return run(eng, corpus, str(out), RunOptions(**{"partition_bytes": PARTITION_BYTES, "buckets": 5, **kw}))  # type: ignore[arg-type]
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


def rescrape_corpus(folder: Path, n: int, seed: int) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """A first scrape of `n` synthetic ads, then a second one of the same sites: ads again unchanged, changed
    under the same id (other wording, phones and photos), changed under a new id at the same url, moved to
    another url, a new id taking another ad's url, an id of one ad with the url of another (refused while
    that url is held), and versions of those versions. A ninth of the ads have no url (content duplicates)."""
    import random

    import orjson

    from adtrace.synth import write_corpus

    def ads(s: int) -> list[dict[str, object]]:
        buf = io.BytesIO()
        write_corpus(n, s, buf)
        return [orjson.loads(line) for line in buf.getvalue().splitlines()]

    rng = random.Random(seed)
    first, other = ads(seed), ads(seed + 1)
    for ad in first[::9]:
        ad.pop("url", None)
    second: list[dict[str, object]] = []
    for i, ad in enumerate(first):
        v, o, far = dict(ad), other[i], first[rng.randrange(n)]
        r = rng.random()
        if r < 0.15:
            v.update(title=o["title"], text=o["text"], images=o.get("images"))
        elif r < 0.25:
            v.update(id=f"{ad['id']}-r", text=o["text"])
        elif r < 0.32:
            pass  # unchanged
        elif r < 0.37:
            v["id"] = f"{ad['id']}-r"  # only the id changed
        elif r < 0.45:
            v.update(url=o.get("url"), text=o["text"])
        elif r < 0.52:
            v.update(url=far.get("url"), source=far["source"], text=o["text"])
        elif r < 0.57:
            v.update(id=f"{far['id']}-x", url=far.get("url"), source=far["source"])
        elif r < 0.60:
            v.pop("url", None)
            v["id"] = f"{ad['id']}-n"
        else:
            continue
        second.append(v)
    for v in second[::4]:
        second.append({**v, "text": f"{v['text']}\nupdated again"})
    return first, second


def write_jsonl(path: Path, ads: list[dict[str, object]]) -> str:
    import orjson

    path.write_bytes(b"".join(orjson.dumps(ad) + b"\n" for ad in ads))
    return str(path)
