"""Relevance ranks the newest RANK_WINDOW matches (issue 17); totals and facets still count every match.

Synthetic texts written for these tests. On a store with fewer matches than the window the page of hits
must be exactly what ranking every match gave before (SQLite: FTS5's bm25 over all matches, checked
against that query run directly); with a small window, the best of the newest matches, in relevance order.
"""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest

from adtrace.documents import Document
from adtrace.pipeline import process
from adtrace.storage import Query, Store, init_db, open_store
from adtrace.storage import search as s
from adtrace.storage.prepare import prepare

FILLER = ("amber", "birch", "cedar", "dune", "elm", "fern", "grove", "heath", "iris", "juniper", "kelp")
# Times "lantern" appears in document i (all documents 12 words long): relevance order is this, descending.
TIMES = (3, 11, 1, 7, 12, 5, 9, 2, 10, 4, 8, 6)


def _docs() -> list[Document]:
    out = []
    for i, k in enumerate(TIMES):
        words = ["lantern"] * k + [FILLER[(i + j) % len(FILLER)] for j in range(12 - k)]
        out.append(Document.from_dict({"id": f"r{i:02d}", "source": "other" if i % 3 == 2 else "site",
                                       "text": " ".join(words), "posted_at": f"2024-05-{i + 1:02d}"}))
    return out


def _put(store: Store, docs: list[Document]) -> None:
    for d in docs:  # one batch each: seq (ingest order) follows the list
        store.put_batch([prepare(d, process(d))])


def _by_relevance(idx: range | list[int]) -> list[str]:
    return [f"r{i:02d}" for i in sorted(idx, key=lambda i: -TIMES[i])]


def test_below_the_window_every_match_is_ranked(store: Store) -> None:
    _put(store, _docs())
    r = store.search(Query(text="lantern", facets=("source",), limit=5))
    assert [h.id for h in r.hits] == _by_relevance(range(12))[:5]
    assert r.total == 12 and r.facets["source"] == {"site": 8, "other": 4}


def test_a_small_window_ranks_the_newest_matches_and_counts_all(store: Store,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    _put(store, _docs())
    monkeypatch.setattr(s, "RANK_WINDOW", 4)
    r = store.search(Query(text="lantern", facets=("source",), limit=3))
    assert [h.id for h in r.hits] == _by_relevance(range(8, 12))[:3]  # r08..r11 are the newest four
    assert r.total == 12 and r.facets["source"] == {"site": 8, "other": 4}  # exact, as without the window
    # A page past the window widens it to limit + offset: ranks 4-6 of the newest six.
    page = store.search(Query(text="lantern", limit=3, offset=3))
    assert [h.id for h in page.hits] == _by_relevance(range(6, 12))[3:6]
    # Filters narrow the matches before the window: the newest four "site" matches.
    site = store.search(Query(text="lantern", source="site", limit=4))
    assert [h.id for h in site.hits] == _by_relevance([6, 7, 9, 10])
    assert site.total == 8


def _old_ranking(path: Path, match: str, source: str | None, limit: int, offset: int) -> list[int]:
    """What the SQLite store ranked before the window: bm25 over every match (the query it ran)."""
    cond = "documents_fts MATCH ?" + (" AND rowid IN (SELECT seq FROM facet_values WHERE facet = 'source' "
                                      "AND value = ?)" if source else "")
    args = [match, *([source] if source else []), limit, offset]
    with sqlite3.connect(path) as conn:
        rows = conn.execute(f"SELECT rowid FROM documents_fts WHERE {cond} ORDER BY rank, rowid LIMIT ? OFFSET ?",
                            args).fetchall()
    return [r[0] for r in rows]


def test_sqlite_hits_equal_the_full_bm25_ranking_below_the_window(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(17)
    vocab = ("lantern", "harbor", "violet", "meadow", "copper", "willow", "sparrow", "quartz")
    docs = [Document.from_dict({"id": f"w{i:03d}", "source": rng.choice(("site", "other")),
                                "text": " ".join(rng.choice(vocab) for _ in range(rng.randint(4, 30)))})
            for i in range(240)]
    path = tmp_path / "rank.db"
    init_db(str(path))
    with open_store(str(path)) as store:
        for start in range(0, len(docs), 40):
            store.put_batch([prepare(d, process(d)) for d in docs[start:start + 40]])
        seq_of = {int(r[0]): r[1] for r in sqlite3.connect(path).execute("SELECT seq, id FROM documents")}
        cases = [("lantern", None, 20, 0), ("lantern harbor", None, 10, 5), ("violet", "other", 15, 0),
                 ('"copper willow"', None, 10, 0), ("spar*", "site", 10, 20)]
        differs = 0
        for text, source, limit, offset in cases:
            q = Query(text=text, source=source, facets=("source",), limit=limit, offset=offset)
            full = store.search(q)
            assert full.total > limit  # each case has more matches than its page
            old = [seq_of[seq] for seq in _old_ranking(path, s.fts5_query(s.parse(text)), source, limit, offset)]
            assert [h.id for h in full.hits] == old, text
            # A window smaller than the matches: the same counts, the hits the best of the newest matches.
            monkeypatch.setattr(s, "RANK_WINDOW", 25)
            windowed = store.search(q)
            monkeypatch.setattr(s, "RANK_WINDOW", 2000)
            assert (windowed.total, windowed.facets) == (full.total, full.facets), text
            with sqlite3.connect(path) as conn:
                cond = "documents_fts MATCH ?" + (" AND rowid IN (SELECT seq FROM facet_values WHERE "
                                                  "facet = 'source' AND value = ?)" if source else "")
                args = [s.fts5_query(s.parse(text)), *([source] if source else [])]
                ranked = conn.execute(f"SELECT rowid, rank FROM documents_fts WHERE {cond}", args).fetchall()
            newest = sorted(ranked, key=lambda r: -r[0])[:max(25, limit + offset)]
            want = [seq_of[seq] for seq, _ in sorted(newest, key=lambda r: (r[1], r[0]))[offset:offset + limit]]
            assert [h.id for h in windowed.hits] == want, text
            differs += want != old
        assert differs >= 3  # the window changed the page in most cases: the check above is not vacuous
