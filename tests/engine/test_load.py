"""`load` of an engine run gives the database `adtrace ingest` + `adtrace link` give, and linking
carries on incrementally from it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import text

from adtrace.engine.load import load
from adtrace.linking.run import link_store
from adtrace.storage import Query, init_db, open_store
from adtrace.storage.db import engine_of
from adtrace.storage.ingest import IngestOptions, ingest
from adtrace.synth import write_corpus
from tests.engine.conftest import new_pg_database

QUERIES = [Query(text="new in town"), Query(text="massage", facets=("city", "risk_level")),
           Query(risk_level="high", limit=50), Query(city="las vegas", limit=50), Query(text="hiring*")]


def _dump(url: str) -> dict[str, Any]:
    store = open_store(url)
    try:
        eng = engine_of(store)
        with eng.connect() as conn:
            out: dict[str, Any] = {
                t: sorted(map(tuple, conn.execute(text(sql))))
                for t, sql in (("documents", "SELECT seq, id, source, url, kind, title, text, location, posted_at, "
                                "content_hash, doc_hash, doc FROM documents"),
                               ("records", "SELECT doc_id, record, risk_score, risk_level FROM records"),
                               ("entities", "SELECT kind, value, doc_id, platform FROM entities"),
                               ("hits", "SELECT indicator_id, doc_id FROM indicator_hits"),
                               ("clusters", "SELECT doc_id, cluster_id, risk_score, risk_level FROM link_clusters"),
                               ("summaries", "SELECT cluster_id, documents, risk_max, summary FROM link_summaries"))}
        out["search"] = [store.search(q).to_dict() for q in QUERIES]
        out["lookup"] = [store.lookup(k, v) for k, v in (("city", "las vegas"), ("phone", "+17025550100"))]
        return out
    finally:
        store.close()


def _ingest_and_link(url: str, paths: list[str]) -> None:
    init_db(url)
    with open_store(url) as store:
        ingest(store, paths, IngestOptions(workers=1))
        link_store(engine_of(store))


def test_load_equals_ingest_then_link(local_out: Path, corpus: list[str], tmp_path: Path) -> None:
    loaded, ingested = str(tmp_path / "loaded.db"), str(tmp_path / "ingested.db")
    report = load(str(local_out), loaded)
    assert report.clusters_agree and report.documents > 0 and report.multi_doc_clusters > 5
    _ingest_and_link(ingested, corpus)
    a, b = _dump(loaded), _dump(ingested)
    assert a["search"][0]["total"] + a["search"][1]["total"] > 0  # the queries find something
    for name in a:
        assert a[name] == b[name], name
    # Incremental linking continues from the loaded state exactly as from the ingested one.
    more = tmp_path / "more.jsonl"
    with more.open("wb") as fh:
        write_corpus(150, 12, fh, profile="compact")
    for url in (loaded, ingested):
        with open_store(url) as store:
            ingest(store, [str(more)], IngestOptions(workers=1))
            report_inc = link_store(engine_of(store))
            assert not report_inc.rebuild and report_inc.linked > 0
    a, b = _dump(loaded), _dump(ingested)
    assert a["clusters"] == b["clusters"] and a["summaries"] == b["summaries"]


def test_load_refuses_a_database_with_documents(local_out: Path, tmp_path: Path) -> None:
    url = str(tmp_path / "x.db")
    load(str(local_out), url)
    with pytest.raises(Exception, match="already holds documents"):
        load(str(local_out), url)


def test_load_into_postgres_with_copy(local_out: Path, pg_server: str, tmp_path: Path) -> None:
    pg, lite = new_pg_database(pg_server), str(tmp_path / "lite.db")
    assert load(str(local_out), pg).clusters_agree
    load(str(local_out), lite)
    a, b = _dump(pg), _dump(lite)
    for name in ("documents", "records", "entities", "hits", "clusters"):
        assert a[name] == b[name], name
    assert [r["total"] for r in a["search"]] == [r["total"] for r in b["search"]]
    eng = sa.create_engine(pg.replace("postgresql://", "postgresql+psycopg://"))
    with eng.connect() as conn:  # later ingests get fresh sequence numbers after COPY
        assert conn.execute(text("SELECT nextval(pg_get_serial_sequence('documents', 'seq'))")).scalar() > len(a["documents"])
    eng.dispose()


def test_load_relevels_by_saved_thresholds_while_another_connection_writes(
        local_out: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Thresholds saved before the load decide the loaded levels. That transaction reads the thresholds and
    then writes levels: another writer committing in between used to fail the load at once ("database is
    locked": SQLite's snapshot rule in WAL); the load now takes the write lock first and the writer waits."""
    import sqlite3
    import threading

    import orjson

    from adtrace.storage import levels, settingstore

    url = str(tmp_path / "t.db")
    init_db(url)
    engine = sa.create_engine(f"sqlite:///{url}")
    with engine.begin() as conn:  # every document at least "elevated", none "high"
        settingstore.put(conn, levels.SETTING, orjson.dumps({"elevated": 0, "high": 101}).decode())
    engine.dispose()
    real = levels.saved_thresholds
    other: dict[str, Any] = {}

    def writer() -> None:
        conn = sqlite3.connect(url, timeout=30)
        conn.execute("INSERT INTO app_settings (key, value) VALUES ('other_writer', '1')")
        conn.commit()
        other["done"] = True
        conn.close()

    def interleaved(conn: Any) -> Any:
        saved = real(conn)  # this transaction has read
        if "thread" not in other:
            thread = threading.Thread(target=writer)
            thread.start()
            thread.join(timeout=1.0)  # under the write lock it waits; without, it commits now
            other["during"], other["thread"] = other.get("done", False), thread
        return saved

    monkeypatch.setattr(levels, "saved_thresholds", interleaved)
    assert load(str(local_out), url).documents > 0
    other["thread"].join(timeout=30)
    assert other["during"] is False and other["done"] is True  # it waited, then wrote
    store = open_store(url)
    try:
        with engine_of(store).connect() as conn:
            assert {lv for (lv,) in conn.execute(text("SELECT DISTINCT risk_level FROM records"))} == {"elevated"}
    finally:
        store.close()


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_damage_in_a_later_partition_leaves_nothing_loaded(local_out: Path, tmp_path: Path, backend: str,
                                                           request: pytest.FixtureRequest) -> None:
    """Was: the partitions before a damaged one stayed loaded (the error said "load again into an empty
    database"), so the same database was refused by the next `load` as not empty. Now a failed load takes
    out what it wrote; what the database held before (an admin account) stays, and loading the sound run
    into the same database then works."""
    import shutil

    import orjson
    import pyarrow as pa
    import pyarrow.parquet as pq

    from adtrace import errors
    from adtrace.app.accounts import add_user

    out = tmp_path / "out"
    shutil.copytree(local_out, out)
    parts = sorted((out / "records").glob("*.parquet"))
    assert len(parts) >= 3  # the damage is not in the first partition
    last = parts[-1]
    table = pq.read_table(last)
    records = table.column("record").to_pylist()
    records[-1] = orjson.dumps([1]).decode()  # parses, but is not a record
    i = table.schema.get_field_index("record")
    pq.write_table(table.set_column(i, table.schema.field(i), pa.array(records, table.schema.field(i).type)), last)
    url = new_pg_database(request.getfixturevalue("pg_server")) if backend == "postgres" else str(tmp_path / "l.db")
    init_db(url)
    def counts(conn: sa.Connection) -> dict[str, int]:
        # Not compared: FTS5's shadow tables (segments of deleted rows stay until a merge) and facet_combos
        # (the numbering of source/kind/level combinations: a vocabulary, not documents)
        return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
                for t in sa.inspect(conn).get_table_names() if "_fts_" not in t and t != "facet_combos"}

    with open_store(url) as store:
        add_user(engine_of(store), "admin1", "admin", "correct horse battery staple 9")
        with engine_of(store).connect() as conn:
            before = counts(conn)
    assert before["users"] == 1
    with pytest.raises(errors.InputError) as exc:
        load(str(out), url)
    assert exc.value.code == errors.BAD_ENGINE_OUTPUT and last.name in exc.value.message
    store = open_store(url)
    try:
        with engine_of(store).connect() as conn:
            assert counts(conn) == before  # every table as the load found it
        assert store.search(Query(text="massage")).total == 0
    finally:
        store.close()
    report = load(str(local_out), url)
    assert report.documents > 0 and report.clusters_agree
