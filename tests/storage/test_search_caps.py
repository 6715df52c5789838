"""Capped counts for broad searches: exact below the cap, labelled above it (SQLite and PostgreSQL)."""

from __future__ import annotations

from adtrace.documents import Document
from adtrace.pipeline import process
from adtrace.storage import Query, Store
from adtrace.storage.prepare import prepare


def _docs(n: int) -> list[Document]:
    # Every third document comes from "other": 12 documents -> 8 site, 4 other.
    return [Document.from_dict({"id": f"d{i:02d}", "source": "other" if i % 3 == 2 else "site",
                                "text": f"lantern notice number {i}", "posted_at": f"2024-05-{i + 1:02d}"})
            for i in range(n)]


def _put(store: Store, docs: list[Document]) -> None:
    for d in docs:  # one batch each: seq (ingest order) follows the list
        store.put_batch([prepare(d, process(d))])


def test_below_or_at_the_cap_counts_are_exact(store: Store) -> None:
    _put(store, _docs(12))
    for cap in (12, 50):
        r = store.search(Query(text="lantern", facets=("source", "kind"), count_cap=cap, facet_cap=cap))
        assert r.total == 12 and not r.total_is_lower_bound
        assert not r.facets_capped and r.facets_over == 12
        assert r.facets["source"] == {"site": 8, "other": 4} and r.facets["kind"] == {"ad": 12}
    exact = store.search(Query(text="lantern", facets=("source",)))
    assert exact.total == 12 and not exact.total_is_lower_bound and not exact.facets_capped


def test_over_the_cap_total_is_a_labelled_lower_bound(store: Store) -> None:
    _put(store, _docs(12))
    r = store.search(Query(text="lantern", facets=("source",), count_cap=5, limit=20))
    assert r.total == 5 and r.total_is_lower_bound
    assert len(r.hits) == 12  # the cap bounds the count, never the hits a page asks for
    assert r.to_dict()["total_is_lower_bound"] is True
    # Facets were not capped, so they are exact over all matches even though the total is not.
    assert not r.facets_capped and r.facets["source"] == {"site": 8, "other": 4} and r.facets_over is None


def test_over_the_facet_cap_facets_count_the_newest_matches_and_say_so(store: Store) -> None:
    docs = _docs(12)
    _put(store, docs)
    r = store.search(Query(text="lantern", facets=("source",), count_cap=100, facet_cap=6))
    assert r.total == 12 and not r.total_is_lower_bound  # the count stays exact below count_cap
    assert r.facets_capped and r.facets_over == 6
    newest = docs[-6:]
    want: dict[str, int] = {}
    for d in newest:
        want[d.source] = want.get(d.source, 0) + 1
    assert r.facets["source"] == want and sum(r.facets["source"].values()) == 6


def test_facet_filters_follow_updates(store: Store) -> None:
    docs = _docs(3)
    _put(store, docs)
    assert store.search(Query(source="other")).total == 1
    moved = Document.from_dict({**docs[0].to_dict(), "source": "other"})
    assert [o.status for o in store.put_batch([prepare(moved, process(moved))])] == ["updated"]
    r = store.search(Query(text="lantern", facets=("source",)))
    assert r.facets["source"] == {"other": 2, "site": 1}
    assert sorted(h.id for h in store.search(Query(source="other")).hits) == ["d00", "d02"]


def test_capped_multi_valued_facets_count_the_same_newest_matches(store: Store) -> None:
    # PostgreSQL counts both caps in one pass (the newest matches with their facet columns); a multi-valued
    # facet (city) must count the same newest documents as the single-valued ones.
    docs = [Document.from_dict({"id": f"c{i:02d}", "source": "other" if i % 3 == 2 else "site",
                                "text": f"lantern notice number {i} in {'Tampa, FL' if i % 2 else 'Denver, CO'}"})
            for i in range(12)]
    _put(store, docs)
    r = store.search(Query(text="lantern", facets=("source", "city"), count_cap=100, facet_cap=5))
    assert r.total == 12 and r.facets_capped and r.facets_over == 5
    newest = docs[-5:]  # c07..c11
    assert r.facets["city"] == {"tampa": sum(1 for d in newest if int(d.id[1:]) % 2),
                                "denver": sum(1 for d in newest if not int(d.id[1:]) % 2)}
    assert sum(r.facets["source"].values()) == 5
    small = store.search(Query(text="lantern", facets=("city",), count_cap=8, facet_cap=20))
    assert small.total == 8 and small.total_is_lower_bound and not small.facets_capped
    assert small.facets["city"] == {"tampa": 6, "denver": 6}  # below the facet cap: every match counted
