"""PostgreSQL's narrow search rows (migration 0021) on a store with data: the upgrade keeps every search's
exact total, facets and hits (the same as SQLite's over the same documents), the rows are narrow, and
the downgrade gives back 0014's table as it was."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from tests.storage.conftest import new_pg_database

from adtrace.documents import Document
from adtrace.pipeline import process
from adtrace.storage import Query, Store, init_db, open_store
from adtrace.storage.connect import _alembic_config, make_engine
from adtrace.storage.postgres import PostgresStore
from adtrace.storage.prepare import prepare
from adtrace.synth import generate

FACETS = ("source", "risk_level", "indicator", "city")
QUERIES = [Query(text=t, facets=FACETS, limit=500) for t in
           ("new", "new town", '"in town"', "massag*", "call text", "sweet girl", "available", "nomatchword")]
QUERIES += [Query(text="new", facets=FACETS, limit=500, sort="newest"),
            Query(text="new", facets=FACETS, limit=500, count_cap=5, facet_cap=3),
            Query(text="call", facets=FACETS, limit=500, risk_level="low")]


def _docs() -> list[Document]:
    # Realistic synthetic ads, fixed seed: the same documents on every run.
    return [Document.from_dict(d) for d, _ in generate(80, seed=17)]


def _put(store: Store, docs: list[Document]) -> None:
    store.put_batch([prepare(d, process(d)) for d in docs])


def _results(store: Store) -> list[tuple[int, bool, dict[str, dict[str, int]], set[str]]]:
    out = []
    for q in QUERIES:
        r = store.search(q)
        out.append((r.total, r.total_is_lower_bound, r.facets, {h.id for h in r.hits}))
    return out


def _rows(engine: sa.Engine) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text("SELECT seq, source, kind, risk_level, tsv::text "
                                                       "FROM search_docs ORDER BY seq"))]


def _heap_pages(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.text("SELECT pg_relation_size('search_docs') / 8192")).scalar_one())


@pytest.fixture
def old_pg(pg_server: str) -> Iterator[tuple[str, sa.Engine]]:
    """A PostgreSQL store at 0020 (before the narrow rows) holding the documents."""
    url = new_pg_database(pg_server)
    engine = make_engine(url)
    cfg = _alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0020")
    _put(PostgresStore(engine, url), _docs())
    try:
        yield url, engine
    finally:
        engine.dispose()


def _migrate(engine: sa.Engine, revision: str, down: bool = False) -> None:
    cfg = _alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(cfg, revision)


def test_upgrade_keeps_results_and_downgrade_restores_the_table(old_pg: tuple[str, sa.Engine],
                                                                 tmp_path: Path) -> None:
    url, engine = old_pg
    before = _rows(engine)
    assert len(before) == 80 and _heap_pages(engine) > 1  # 0014's rows: the tsvector inline
    sqlite = str(tmp_path / "same.db")
    init_db(sqlite)
    with open_store(sqlite) as lite:
        _put(lite, _docs())
        expected = _results(lite)
    assert expected[0][0] > 10 and expected[-4][0] < expected[0][0]  # the queries do match, some narrow down

    init_db(url)  # 0020 -> 0021 on a store with data
    with open_store(url) as pg:
        assert _results(pg) == expected
    assert _heap_pages(engine) == 1  # 80 narrow rows fit one page: the words are out of line

    _migrate(engine, "0020", down=True)
    assert _rows(engine) == before  # the same rows, tsvectors with their positions, risk levels
    _migrate(engine, "head")
    with open_store(url) as pg:
        assert _results(pg) == expected


def test_rows_written_once_follow_updates_records_and_deletes(pg_server: str) -> None:
    url = new_pg_database(pg_server)
    init_db(url)
    with open_store(url) as store:
        docs = _docs()[:10]
        _put(store, docs)
        engine: sa.Engine = store.engine  # type: ignore[attr-defined]
        with engine.connect() as conn:
            # Written once, at commit, with the record's level: ten inserts into a new table take the first
            # ten slots of page 0; a row rewritten by the records trigger would sit in a later slot.
            slots = set(conn.execute(sa.text("SELECT ctid::text FROM search_docs")).scalars())
            levels = [tuple(r) for r in conn.execute(sa.text(
                "SELECT c.risk_level, r.risk_level FROM search_docs x JOIN facet_combos c ON c.combo = x.combo "
                "JOIN documents d ON d.seq = x.seq JOIN records r ON r.doc_id = d.id"))]
        assert slots == {f"(0,{i})" for i in range(1, 11)}
        assert len(levels) == 10 and all(mine == theirs and mine for mine, theirs in levels)
        changed = Document.from_dict({**docs[0].to_dict(), "text": "quokka lighthouse zeppelin"})
        _put(store, [changed])
        assert [h.id for h in store.search(Query(text="quokka zeppelin")).hits] == [docs[0].id]
        assert store.search(Query(text='"quokka lighthouse"')).total == 1
        assert store.search(Query(text='"lighthouse quokka"')).total == 0  # a phrase is checked in order
        with engine.begin() as conn:
            conn.execute(sa.text("UPDATE records SET risk_level = 'high' WHERE doc_id = :id"), {"id": docs[0].id})
        assert store.search(Query(text="quokka", risk_level="high")).total == 1
        with engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM documents WHERE id = :id"), {"id": docs[0].id})
            left = conn.execute(sa.text("SELECT (SELECT count(*) FROM search_docs), "
                                        "(SELECT count(*) FROM search_positions)")).one()
        assert tuple(left) == (9, 9)
        assert store.search(Query(text="quokka")).total == 0
