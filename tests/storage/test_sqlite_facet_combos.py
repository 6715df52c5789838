"""SQLite's facet combinations (migration 0022) on a store with data: `doc_facets` rows hold the number of
the document's (source, kind, risk level) combination; every search gives the same totals, facets and hits
before and after the upgrade, the downgrade gives back 0011's rows, and re-levelled or updated documents
move to the right combination."""

from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path

import sqlalchemy as sa
from alembic import command

from adtrace.documents import Document
from adtrace.pipeline import process
from adtrace.storage import Query, Store, init_db, open_store
from adtrace.storage import levels as lv
from adtrace.storage.connect import _alembic_config
from adtrace.storage.prepare import prepare
from adtrace.synth import generate

FACETS = ("source", "kind", "risk_level", "indicator", "city")
QUERIES = [Query(text=t, facets=FACETS, limit=500) for t in
           ("new", "new town", '"in town"', "massag*", "call text", "sweet girl", "available", "nomatchword")]
QUERIES += [Query(facets=FACETS, limit=500), Query(text="new", facets=("source", "risk_level"), limit=500),
            Query(text="new", facets=FACETS, limit=500, count_cap=5, facet_cap=3),
            Query(text="call", facets=FACETS, limit=500, risk_level="low"), Query(text="new", facets=("kind",))]


def _docs() -> list[Document]:
    # Realistic synthetic ads and job posts, fixed seed: the same documents on every run.
    return [Document.from_dict(d) for d, _ in generate(120, seed=17)]


def _results(store: Store) -> list[tuple[int, bool, dict[str, dict[str, int]], set[str]]]:
    out = []
    for q in QUERIES:
        r = store.search(q)
        out.append((r.total, r.total_is_lower_bound, r.facets, {h.id for h in r.hits}))
    return out


def _migrate(url: str, revision: str, down: bool = False) -> None:
    engine = sa.create_engine(url)
    cfg = _alembic_config()
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            (command.downgrade if down else command.upgrade)(cfg, revision)
    finally:
        engine.dispose()


def _truth(path: Path) -> set[tuple[int, str, str, str | None]]:
    """Each document's single-valued facets from the documents and records themselves."""
    with sqlite3.connect(path) as con:
        return set(con.execute("SELECT d.seq, d.source, d.kind, r.risk_level FROM documents d "
                               "LEFT JOIN records r ON r.doc_id = d.id"))


def _combos(path: Path) -> set[tuple[int, str, str, str | None]]:
    with sqlite3.connect(path) as con:
        return set(con.execute("SELECT f.seq, c.source, c.kind, c.risk_level FROM doc_facets f "
                               "JOIN facet_combos c ON c.combo = f.combo"))


def test_upgrade_keeps_results_and_downgrade_restores_the_rows(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    url = f"sqlite:///{path}"
    init_db(url)
    docs = _docs()
    with open_store(url) as store:
        store.put_batch([prepare(d, process(d)) for d in docs])
        expected = _results(store)
    assert expected[0][0] > 10 and expected[-2][0] < expected[0][0]  # the queries do match, a filter narrows
    everything = expected[8][2]  # the browse query: every document
    assert len(everything["risk_level"]) >= 2 and len(everything["kind"]) >= 2  # several combinations
    truth = _truth(path)
    assert len(truth) == len(docs) and _combos(path) == truth

    _migrate(url, "0021", down=True)  # 0011's rows: (seq, source, kind, risk level)
    with sqlite3.connect(path) as con:
        assert set(con.execute("SELECT seq, source, kind, risk_level FROM doc_facets")) == truth
        assert not con.execute("SELECT name FROM sqlite_master WHERE name = 'facet_combos'").fetchall()
        # The delete trigger came back with the table.
        assert con.execute("SELECT count(*) FROM sqlite_master WHERE name = 'doc_facets_ad'").fetchone() == (1,)

    _migrate(url, "head")  # 0021 -> 0022 on a store with data
    assert _combos(path) == truth
    with sqlite3.connect(path) as con:
        assert [r[1] for r in con.execute("PRAGMA table_info(doc_facets)")] == ["seq", "combo"]
        combos = con.execute("SELECT count(*) FROM facet_combos").fetchone()[0]
    assert combos == len({t[1:] for t in truth}) < len(docs)  # one row per combination, not per document
    with open_store(url) as store:
        assert _results(store) == expected


def test_relevel_updates_and_deletes_move_documents_between_combinations(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    url = f"sqlite:///{path}"
    init_db(url)
    docs = _docs()[:60]
    with open_store(url) as store:
        store.put_batch([prepare(d, process(d)) for d in docs])
        engine: sa.Engine = store.engine  # type: ignore[attr-defined]
        # Thresholds that put almost every document in another level: new combinations appear.
        with engine.begin() as conn:
            changed = lv.relevel(conn, {"elevated": 1, "high": 5})
        assert changed > 0 and _combos(path) == _truth(path)
        levels = Counter(lv_ for *_, lv_ in _truth(path) if lv_)
        assert store.search(Query(facets=("risk_level",), limit=0)).facets["risk_level"] == dict(levels)
        # An updated document (another source) and a deleted one.
        moved = Document.from_dict({**docs[0].to_dict(), "source": "elsewhere", "text": "quokka lighthouse"})
        store.put_batch([prepare(moved, process(moved))])
        with engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM documents WHERE id = :id"), {"id": docs[1].id})
        assert _combos(path) == _truth(path) and len(_truth(path)) == len(docs) - 1
        found = store.search(Query(text="quokka", facets=("source", "risk_level")))
        assert found.total == 1 and found.facets["source"] == {"elsewhere": 1}


def test_writer_indexes_cjk_rows_per_batch(tmp_path: Path) -> None:
    """0022 dropped the per-row CJK insert trigger: the writer's own statement keeps the side index whole."""
    path = tmp_path / "s.db"
    url = f"sqlite:///{path}"
    init_db(url)
    docs = [Document.from_dict({"id": f"c{i}", "source": "site", "url": f"https://x.test/{i}",
                                "text": f"北京按摩服务 {i} 上海{'东西南北'[i % 4]}路"}) for i in range(8)]
    with open_store(url) as store:
        store.put_batch([prepare(d, process(d)) for d in docs])
        changed = Document.from_dict({**docs[0].to_dict(), "text": "東京マッサージ"})
        store.put_batch([prepare(changed, process(changed))])
        assert store.search(Query(text="按摩")).total == 7
        assert {h.id for h in store.search(Query(text="上海东")).hits} == {"c4"}
        assert [h.id for h in store.search(Query(text="マッサ")).hits] == ["c0"]
    with sqlite3.connect(path) as con:
        assert not con.execute("SELECT name FROM sqlite_master WHERE name = 'documents_cjk_ai'").fetchall()
        # Raises when the external-content FTS5 index disagrees with the rows it indexes.
        con.execute("INSERT INTO documents_cjk_fts(documents_cjk_fts, rank) VALUES ('integrity-check', 1)")
        assert con.execute("SELECT count(*) FROM documents_cjk").fetchone() == (8,)
