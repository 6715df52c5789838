"""Ingest: summaries, idempotent re-runs, resume, bad input, the CLI, and a SIGKILL mid-ingest."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from adtrace.storage import init_db, open_store
from adtrace.storage.ingest import IngestOptions, ingest
from adtrace.synth import generate

SHIM = "import sys, adtrace.cli.store; from adtrace.cli.main import app; sys.argv[0] = 'adtrace'; app()"


def corpus(path: Path, n: int, seed: int = 5) -> Path:
    with path.open("wb") as fh:
        for d, _ in generate(n, seed=seed):
            fh.write(orjson.dumps(d) + b"\n")
    return path


def test_summary_rerun_and_changes(db_url: str, tmp_path: Path) -> None:
    init_db(db_url)
    src = corpus(tmp_path / "a.jsonl", 60)
    with src.open("ab") as fh:
        fh.write(b'{"text": "broken\n{"title": "no text field"}\n')
    rejected: list[dict[str, object]] = []
    with open_store(db_url) as store:
        [s] = ingest(store, [str(src)], IngestOptions(batch_size=7), reject=rejected.append)
        assert (s.read, s.new, s.rejected, s.reasons) == (60, 60, 2, {"AT101": 1, "AT103": 1})
        assert {r["line"] for r in rejected} == {61, 62}
        [again] = ingest(store, [str(src)], IngestOptions())
        assert again.unchanged and store.counts()["documents"] == 60
        [forced] = ingest(store, [str(src)], IngestOptions(force=True))
        assert (forced.new, forced.duplicate) == (0, 60)
        lines = src.read_bytes().splitlines()[:60]
        first = orjson.loads(lines[0])
        first["text"] += " edited"
        (tmp_path / "b.jsonl").write_bytes(orjson.dumps(first) + b"\n" + b"\n".join(lines[1:10]) + b"\n")
        [changed] = ingest(store, [str(tmp_path)], IngestOptions())[1:]
        assert (changed.updated, changed.duplicate, changed.new) == (1, 9, 0)
        assert store.counts()["documents"] == 60


@pytest.mark.parametrize("csv", [False, True])
def test_a_cut_gzip_is_not_marked_read_whole(db_url: str, tmp_path: Path, csv: bool) -> None:
    """Was: a .gz cut short was checkpointed complete, so running it again said "unchanged, skipped" as
    if it had been read whole. Now the run resumes at the damage and reports it again; the whole file,
    copied again, is read to its end."""
    import gzip

    init_db(db_url)
    src = corpus(tmp_path / "c.jsonl", 80)
    if csv:
        import csv as csvmod

        rows = [orjson.loads(line) for line in src.read_bytes().splitlines()]
        with (tmp_path / "c.csv").open("w", newline="") as fh:
            w = csvmod.writer(fh)
            w.writerow(["id", "title", "text"])
            w.writerows([r["id"], r.get("title", ""), r["text"]] for r in rows)
        src = tmp_path / "c.csv"
    whole = gzip.compress(src.read_bytes())
    path = tmp_path / ("c.csv.gz" if csv else "c.jsonl.gz")
    path.write_bytes(whole[: len(whole) // 2])
    with open_store(db_url) as store:
        [first] = ingest(store, [str(path)], IngestOptions(batch_size=7))
        assert first.reasons.get("AT115") == 1 and 0 < first.new < 80
        [again] = ingest(store, [str(path)], IngestOptions(batch_size=7))
        assert not again.unchanged and again.reasons == {"AT115": 1}, again
        assert again.new == 0 and again.resumed == first.new
        assert store.counts()["documents"] == first.new
        path.write_bytes(whole)
        [fixed] = ingest(store, [str(path)], IngestOptions(batch_size=7))
        assert not fixed.rejected and store.counts()["documents"] == 80
        [last] = ingest(store, [str(path)], IngestOptions())
        assert last.unchanged


def test_resume_skips_committed_items(tmp_path: Path) -> None:
    db = str(tmp_path / "r.db")
    init_db(db)
    src = corpus(tmp_path / "c.jsonl", 40)
    with open_store(db) as store:
        from adtrace.storage.base import Checkpoint

        st = src.stat()
        store.put_batch([], Checkpoint(str(src.absolute()), f"{st.st_size}:{st.st_mtime_ns}", 25, False))
        [s] = ingest(store, [str(src)], IngestOptions())
        assert (s.resumed, s.read, s.new) == (25, 15, 15)


def test_cli_init_ingest_search(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import adtrace.cli.store  # noqa: F401
    from adtrace.cli.main import app

    monkeypatch.setenv("ADTRACE_DB", str(tmp_path / "env.db"))
    runner = CliRunner()
    assert runner.invoke(app, ["init"]).exit_code == 0
    src = corpus(tmp_path / "d.jsonl", 30)
    res = runner.invoke(app, ["ingest", str(src), "--json", "--errors-file", str(tmp_path / "err.jsonl")])
    assert res.exit_code == 0, res.output
    assert orjson.loads(res.stdout.splitlines()[-1])[0]["new"] == 30
    doc = orjson.loads(src.read_bytes().splitlines()[0])
    with open_store(None) as store:
        phones = (store.get_record(doc["id"]) or {})["phones"]
    if phones:
        res = runner.invoke(app, ["search", "--phone", phones[0]["value"], "--json", "--facet", "source"])
        out = orjson.loads(res.stdout)
        assert doc["id"] in [h["id"] for h in out["hits"]] and out["facets"]["source"]
    res = runner.invoke(app, ["search", "--db", str(tmp_path / "none.db"), "x"])
    assert res.exit_code != 0


def _state(db: str) -> tuple[list[tuple[str, ...]], ...]:
    con = sqlite3.connect(db)
    try:
        return (con.execute("SELECT id, doc, title, text FROM documents ORDER BY id").fetchall(),
                con.execute("SELECT doc_id, record, risk_score, risk_level FROM records ORDER BY doc_id").fetchall(),
                con.execute("SELECT kind, value, doc_id FROM entities ORDER BY 1, 2, 3").fetchall(),
                con.execute("SELECT * FROM indicator_hits ORDER BY 1, 2").fetchall(),
                con.execute("SELECT rowid FROM documents_fts WHERE documents_fts MATCH 'the' ORDER BY 1").fetchall())
    finally:
        con.close()


def _run(db: str, src: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", SHIM, "ingest", str(src), "--db", db, "--batch-size", "50",
                             "--workers", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)  # its own process group: the kill takes the workers too


def test_sigkill_mid_ingest_then_rerun_equals_clean_run(tmp_path: Path) -> None:
    src = corpus(tmp_path / "big.jsonl", 2000, seed=11)
    clean, killed = str(tmp_path / "clean.db"), str(tmp_path / "killed.db")
    for db in (clean, killed):
        init_db(db)
    assert _run(clean, src).wait(timeout=300) == 0
    proc = _run(killed, src)
    target = random.Random().randint(1, 1700)  # a random point: after this many committed documents
    deadline = time.monotonic() + 300
    while proc.poll() is None and time.monotonic() < deadline:
        con = sqlite3.connect(killed)
        try:
            done = con.execute("SELECT count(*) FROM documents").fetchone()[0]
        finally:
            con.close()
        if done >= target:
            break
        time.sleep(0.02)
    was_running = proc.poll() is None
    # Like a machine crash: the ingest and its pipeline workers die at once.
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert was_running, "ingest finished before it could be killed"
    with open_store(killed) as store:
        partial = store.counts()["documents"]
    assert 0 < partial < 2000
    rerun = _run(killed, src)
    _, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err.decode()
    assert b"resumed after" in err
    assert _state(killed) == _state(clean)



_A = {"id": "a", "source": "s", "url": "https://x.test/a"}
_VERSIONS = {  # scenario: (the ads in input order, the store after them: id, url, phone, in seq order)
    "phones": ([{**_A, "text": "Call 702-555-0100 tonight", "location": "Las Vegas, NV"},
                {**_A, "text": "Text 415-555-0199 anytime", "location": "Boston, MA"}],
               [("a", "https://x.test/a", "+14155550199")]),
    "url": ([{"id": "b", "source": "s", "url": "https://x.test/b1", "text": "Sweet 312-555-0142"},
             {"id": "b", "source": "s", "url": "https://x.test/b2", "text": "Sweet 213-555-0143"},
             {"id": "b2", "source": "s", "url": "https://x.test/b1", "text": "New girl 646-555-0177"}],
            [("b", "https://x.test/b2", "+12135550143"), ("b2", "https://x.test/b1", "+16465550177")]),
    "content": ([{"id": "c", "source": "s", "text": "Quiet place 206-555-0111"},
                 {"id": "c", "source": "s", "text": "Quiet place 503-555-0122"},
                 {"id": "c2", "source": "s", "text": "Quiet place 206-555-0111"}],
                [("c", None, "+15035550122"), ("c2", None, "+12065550111")]),
}


@pytest.mark.parametrize("scenario", list(_VERSIONS))
@pytest.mark.parametrize("batch_size", [1, 500])
def test_versions_in_one_batch_are_decided_as_in_separate_batches(db_url: str, tmp_path: Path, batch_size: int,
                                                                   scenario: str) -> None:
    """A document that comes again changed in the same batch: the store ends as if each version had come in a
    batch of its own (batch_size 1). Was, in one batch: the first version's phone and city stayed beside the
    last's; the url and the wording an earlier version had still counted as held (a later ad at that url
    updated the moved document; a later copy of that wording was dropped as a duplicate). No two versions
    share a phone, city or indicator: that broke a primary key and sent the batch through one document at a
    time, which hid the bug."""
    from sqlalchemy import text

    from adtrace.storage.db import engine_of

    ads, want = _VERSIONS[scenario]
    src = tmp_path / "v.jsonl"
    src.write_bytes(b"".join(orjson.dumps(ad) + b"\n" for ad in ads))
    init_db(db_url)
    with open_store(db_url) as store:
        [s] = ingest(store, [str(src)], IngestOptions(workers=1, batch_size=batch_size))
        with engine_of(store).connect() as conn:
            got = [tuple(r) for r in conn.execute(text(
                "SELECT d.id, d.url, e.value FROM documents d JOIN entities e ON e.doc_id = d.id AND e.kind = 'phone' "
                "ORDER BY d.seq, e.value"))]
    assert got == want
    assert (s.new, s.updated, s.duplicate) == (len(want), len(ads) - len(want), 0)
