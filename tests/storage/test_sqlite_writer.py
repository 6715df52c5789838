"""SQLite's writer derives facet rows and full-text entries itself: they must equal what the tables say."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from adtrace.documents import Document
from adtrace.pipeline import process
from adtrace.storage import Query, init_db, open_store
from adtrace.storage.prepare import prepare

# Migration 0007's backfill: the facet rows recomputed from documents, records, entities and hits.
_EXPECTED = """
    SELECT seq, 'source', source FROM documents UNION SELECT seq, 'kind', kind FROM documents
    UNION SELECT d.seq, 'risk_level', r.risk_level FROM records r JOIN documents d ON d.id = r.doc_id
          WHERE r.risk_level IS NOT NULL
    UNION SELECT d.seq, 'city', e.value FROM entities e JOIN documents d ON d.id = e.doc_id WHERE e.kind = 'city'
    UNION SELECT d.seq, 'indicator', h.indicator_id FROM indicator_hits h JOIN documents d ON d.id = h.doc_id
"""


def doc(i: int, text: str, **kw: object) -> Document:
    return Document.from_dict({"id": f"d{i}", "source": "site", "url": f"https://x.test/{i}", "text": text, **kw})


def check(path: Path) -> None:
    con = sqlite3.connect(path)
    try:
        # Raises when an external-content FTS5 index disagrees with the rows it indexes.
        con.execute("INSERT INTO documents_fts(documents_fts, rank) VALUES ('integrity-check', 1)")
        stored = set(con.execute("SELECT seq, facet, value FROM facet_values"))
        assert stored == set(con.execute(_EXPECTED))
        assert set(con.execute("SELECT f.seq, c.source, c.kind, c.risk_level FROM doc_facets f JOIN facet_combos c "
                               "ON c.combo = f.combo")) == set(con.execute(
            "SELECT d.seq, d.source, d.kind, r.risk_level FROM documents d LEFT JOIN records r ON r.doc_id = d.id"))
        # The comparison above is not between near-empty sets: every kind of facet is present.
        assert {f for _, f, _ in stored} == {"source", "kind", "risk_level", "city", "indicator"}
    finally:
        con.close()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "w.db"
    init_db(str(path))
    return path


def test_new_updated_renamed_and_duplicate_documents_keep_search_rows_exact(db: Path) -> None:
    first = [doc(1, "New girl in town, 19, fresh, just arrived, cash only. Call 702-555-0199", location="Las Vegas, NV"),
             doc(2, "Massage spa hiring, no experience, visa fee paid", kind="job"),
             Document.from_dict({"id": "d3", "source": "site", "text": "Sweet and friendly, text 415 555 0100",
                                 "location": "San Francisco, CA"})]
    # In one batch: a new document, the same id changed (insert then update), a new id for a stored
    # url (renamed update), a copy of stored content (duplicate).
    second = [doc(4, "Visiting Reno this week only, sweet treats"),
              doc(4, "Visiting Reno this week only, now in Sparks: new in town, just arrived, cash only", location="Sparks, NV"),
              Document.from_dict({"id": "moved", "source": "site", "url": "https://x.test/2",
                                  "text": "Spa closed, agency pays your travel", "kind": "job"}),
              Document.from_dict({"id": "copy", "source": "site", "text": first[2].text,
                                  "location": first[2].location})]
    with open_store(str(db)) as store:
        store.put_batch([prepare(d, process(d)) for d in first])
        outcomes = store.put_batch([prepare(d, process(d)) for d in second])
        assert [o.status for o in outcomes] == ["new", "updated", "updated", "duplicate"]
        # A later batch changes a stored document's text again.
        again = doc(1, "Moved on, now in Phoenix", location="Phoenix, AZ")
        assert [o.status for o in store.put_batch([prepare(again, process(again))])] == ["updated"]
        assert [h.id for h in store.search(Query(text="sparks")).hits] == ["d4"]
        assert store.search(Query(text="treats")).total == 0  # the in-batch first version left the index
        assert store.search(Query(text="massage")).total == 0  # d2's old text left the index
        assert [h.id for h in store.search(Query(text="agency")).hits] == ["d2"]
        assert [h.id for h in store.search(Query(text="phoenix")).hits] == ["d1"]
        assert store.search(Query(text="girl")).total == 0
        assert store.search(Query(city="phoenix")).total == 1 and store.search(Query(city="las vegas")).total == 0
    check(db)


def test_overlapped_counting_gives_the_same_result(db: Path) -> None:
    docs = [doc(i, f"Sweet girl {i}, new in town, cash only" if i % 2 else f"Spa {i} hiring", kind="ad")
            for i in range(40)]
    with open_store(str(db)) as store:
        store.put_batch([prepare(d, process(d)) for d in docs])
        for q in (Query(text="sweet", facets=("source", "risk_level", "indicator")),
                  Query(text="spa", facets=("kind",), count_cap=5, facet_cap=5)):
            store.overlap_counting = False  # type: ignore[attr-defined]
            plain = store.search(q).to_dict()
            store.overlap_counting = True  # type: ignore[attr-defined]
            assert store.search(q).to_dict() == plain
            assert plain["total"] > 0 and any(plain["facets"].values())
