"""The Store contract: every test runs on SQLite and on PostgreSQL (see conftest.py)."""

from __future__ import annotations

import pytest

from adtrace import errors
from adtrace.documents import Document
from adtrace.pipeline import process
from adtrace.storage import Query, Store, init_db, open_store
from adtrace.storage.connect import head_revision
from adtrace.storage.prepare import prepare


def doc(**kw: object) -> Document:
    return Document.from_dict({"source": "site", **kw})


def put(store: Store, *docs: Document) -> list[str]:
    return [o.status for o in store.put_batch([prepare(d, process(d)) for d in docs])]


A = doc(id="a", url="https://x.test/1", text="Sweet new girl in town, call 702-555-0199", location="Las Vegas, NV",
        posted_at="2024-05-01T10:00:00Z")
B = doc(id="b", url="https://x.test/2", text="Mature lady, write lady@example.com escorting", posted_at="2024-06-02")
C = doc(id="c", text="Massage and relaxation, new girl, text 702 555 0199", kind="post", source="other")


def test_roundtrip_and_idempotence(store: Store) -> None:
    assert put(store, A, B, C) == ["new", "new", "new"]
    assert put(store, A, B, C) == ["duplicate", "duplicate", "duplicate"]
    assert store.counts()["documents"] == 3 and store.counts()["records"] == 3
    assert store.get_document("a") == A
    record = store.get_record("a")
    assert record is not None and record["phones"][0]["value"] == "+17025550199"
    assert store.get_document("nope") is None and store.get_record("nope") is None


def test_same_url_updates_and_same_content_is_duplicate(store: Store) -> None:
    put(store, A)
    moved = doc(id="other-id", url="https://x.test/1", text="Changed text, call 702-555-0123")
    assert put(store, moved) == ["updated"]
    assert store.counts()["documents"] == 1
    stored = store.get_document("a")
    assert stored is not None and stored.text.startswith("Changed")
    assert store.lookup("phone", "702-555-0199") == [] and store.lookup("phone", "7025550123") == ["a"]
    copy = doc(id="copy-of-c", text=C.text, kind="post", source="other")
    put(store, C)
    outcome = store.put_batch([prepare(copy, process(copy))])[0]
    assert (outcome.status, outcome.reason, outcome.id) == ("duplicate", "content", "c")


def test_changed_document_updates_record_index_and_text(store: Store) -> None:
    put(store, A)
    changed = doc(id="a", url="https://x.test/1", text="Now reach me at bunny@example.com", location="Reno, NV")
    assert put(store, changed) == ["updated"]
    assert store.search(Query(text="sweet")).total == 0
    assert [h.id for h in store.search(Query(text="reach")).hits] == ["a"]
    assert store.lookup("phone", "+17025550199") == [] and store.lookup("email", "Bunny@Example.com") == ["a"]
    assert store.search(Query(city="las vegas")).total == 0 and store.search(Query(city="Reno")).total == 1


def test_duplicates_inside_one_batch(store: Store) -> None:
    again = doc(id="a", url="https://x.test/1", text="Edited", posted_at="2024-05-02")
    assert put(store, A, A, again) == ["new", "duplicate", "updated"]
    stored = store.get_document("a")
    assert store.counts()["documents"] == 1 and stored is not None and stored.text == "Edited"


def test_constraint_violation_rejects_only_that_document(store: Store) -> None:
    put(store, A, B)
    clash = doc(id="b", url="https://x.test/1", text="B moved onto A's url")
    outcomes = store.put_batch([prepare(d, process(d)) for d in (clash, C)])
    assert [o.status for o in outcomes] == ["rejected", "new"]
    stored = store.get_document("b")
    assert stored is not None and stored.text == B.text and store.counts()["documents"] == 3


def test_full_text_phrase_prefix_and_filters(store: Store) -> None:
    put(store, A, B, C)
    ids = lambda q: sorted(h.id for h in store.search(q).hits)  # noqa: E731
    assert ids(Query(text="new girl")) == ["a", "c"]
    assert ids(Query(text='"girl in town"')) == ["a"]
    assert ids(Query(text='"town girl"')) == []
    assert ids(Query(text="escort*")) == ["b"]
    assert ids(Query(text="escort")) == []
    assert ids(Query(phone="(702) 555-0199")) == ["a", "c"]
    assert ids(Query(phone="+1 702 555 0199", text="massage")) == ["c"]
    assert ids(Query(email="LADY@example.com")) == ["b"]
    assert ids(Query(source="other")) == ["c"] and ids(Query(kind="ad")) == ["a", "b"]
    assert ids(Query(date_from="2024-05-01", date_to="2024-05-01")) == ["a"]
    assert ids(Query(date_from="2024-05-02")) == ["b"]
    assert ids(Query(city="Las Vegas")) == ["a"]


def test_risk_indicator_filters_and_facets(store: Store) -> None:
    put(store, A, B, C)
    records = {i: store.get_record(i) or {} for i in "abc"}
    levels = {i: (r.get("risk") or {}).get("level") for i, r in records.items()}
    fired = {i: sorted({x["id"] for x in r.get("indicators") or []}) for i, r in records.items()}
    result = store.search(Query(facets=("source", "kind", "risk_level", "indicator")))
    assert result.total == 3
    assert result.facets["source"] == {"site": 2, "other": 1}
    assert result.facets["kind"] == {"ad": 2, "post": 1}
    want_levels: dict[str, int] = {}
    for lv in levels.values():
        if lv:
            want_levels[lv] = want_levels.get(lv, 0) + 1
    assert result.facets["risk_level"] == want_levels
    for level in want_levels:
        assert sorted(h.id for h in store.search(Query(risk_level=level)).hits) == sorted(
            i for i, lv in levels.items() if lv == level)
    for ind in {x for v in fired.values() for x in v}:
        assert sorted(h.id for h in store.search(Query(indicator=ind)).hits) == sorted(
            i for i, v in fired.items() if ind in v)
    narrowed = store.search(Query(text="girl", facets=("source",)))
    assert narrowed.facets["source"] == {"site": 1, "other": 1}


def test_paging_and_order(store: Store) -> None:
    put(store, A, B, C)
    first = store.search(Query(limit=2))
    second = store.search(Query(limit=2, offset=2))
    assert first.total == 3 and [h.id for h in first.hits] == ["b", "a"]  # newest first, undated last
    assert [h.id for h in second.hits] == ["c"]


def test_bad_queries_are_storage_errors(store: Store) -> None:
    with pytest.raises(errors.StorageError, match="facet"):
        store.search(Query(facets=("colour",)))
    with pytest.raises(errors.StorageError, match="ISO 8601"):
        store.search(Query(date_from="last tuesday"))
    assert store.search(Query(text="\"\" * -- ;")).total == 0  # punctuation only: no words, nothing stored yet


def test_uninitialised_and_reinit(db_url: str) -> None:
    if "postgresql" in db_url:
        with pytest.raises(errors.StorageError) as exc:
            open_store(db_url)
        assert exc.value.code == "AT202"
    else:
        with pytest.raises(errors.StorageError) as exc:
            open_store(db_url)
        assert exc.value.code == "AT202" and "adtrace init" in exc.value.cli_hint
    head = head_revision()  # later issues add migrations after 0001
    assert init_db(db_url) == (None, head)
    assert init_db(db_url) == (head, head)
    with open_store(db_url) as s:
        assert s.counts()["documents"] == 0


def test_cluster_lists_order_every_summary_and_put_unscored_ones_last(store: Store) -> None:
    import orjson

    from adtrace.storage import clusterstore
    from adtrace.storage.db import read, write

    # (cluster, documents, risk max, network score): a summary linked before migration 0024 has no network
    # score (NULL) and must come last on both backends (PostgreSQL's DESC puts NULLs first unless told).
    rows = [("big", 40, 60.0, 20.0), ("small", 2, 30.0, 90.0), ("old", 9, 95.0, None), ("mid", 5, 60.0, 70.0),
            ("unrisked", 3, None, 10.0)]
    with write(store.engine) as conn:
        clusterstore.add_summaries(conn, [(c, n, r, s, orjson.dumps({"cluster": c}).decode()) for c, n, r, s in rows])
    with read(store.engine) as conn:
        def order(how: str, limit: int | None = None) -> list[str]:
            return [s["cluster"] for s in clusterstore.summaries(conn, 2, limit, how)]

        assert order("network") == ["small", "mid", "big", "unrisked", "old"]
        assert order("risk") == ["old", "mid", "big", "small", "unrisked"]
        assert order("size") == ["big", "old", "mid", "unrisked", "small"]
        assert order("network", 1) == ["small"]  # ordered before the limit, not the largest re-sorted
