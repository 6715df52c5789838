"""Exact totals and facet counts equal a count done by hand over the stored records (SQLite and PostgreSQL).

SQLite counts the total and every facet from one evaluation of the match (storage/sqlite.py
`grouped_sql`); this checks that pass against the documents themselves, for single-valued facets,
multi-valued ones and both together, with and without a filter.
"""

from __future__ import annotations

import random
from collections import Counter

import pytest
from sqlalchemy import text

from adtrace.documents import Document
from adtrace.pipeline import process
from adtrace.storage import Query, Store
from adtrace.storage.db import engine_of
from adtrace.storage.prepare import prepare

WORDS = ("lantern", "harbour", "velvet", "meadow", "copper")
# Texts that fire indicators and give different risk levels (synthetic, written for this test).
TAILS = ("", " new in town, cash only", " young fresh, just arrived, 18 yo, no english, cash only, 24/7")
PLACES = ("Dallas, TX", "Reno, NV", "Houston, Texas", "")


def _docs(n: int) -> list[Document]:
    rng = random.Random(20261206)  # fixed: the same documents on every run
    out = []
    for i in range(n):
        words = " ".join(rng.sample(WORDS, 2))
        out.append(Document.from_dict({
            "id": f"f{i:03d}", "source": rng.choice(("site", "other", "third")), "kind": rng.choice(("ad", "post")),
            "text": f"{words} notice {i}{rng.choice(TAILS)}", "location": rng.choice(PLACES) or None,
            "posted_at": f"2024-05-{i % 28 + 1:02d}"}))
    return out


def _expected(store: Store, docs: list[Document], word: str, source: str | None,
              names: tuple[str, ...]) -> tuple[int, dict[str, dict[str, int]]]:
    counts: dict[str, Counter[str]] = {f: Counter() for f in names}
    total = 0
    for d in docs:
        if word not in d.text.split() or (source and d.source != source):
            continue
        total += 1
        record = store.get_record(d.id) or {}
        values = {"source": [d.source], "kind": [d.kind],
                  "risk_level": [lv] if (lv := (record.get("risk") or {}).get("level")) else [],
                  "indicator": sorted({x["id"] for x in record.get("indicators") or []})}
        for f in names:
            counts[f].update(values.get(f) or _places(store, d.id, f))
    return total, {f: dict(c) for f, c in counts.items()}


def _places(store: Store, doc_id: str, facet: str) -> list[str]:
    """A document's place facet values as stored (prepare.place_facets decides them; not re-derived here)."""
    with engine_of(store).connect() as conn:
        return list(conn.execute(text("SELECT v.value FROM facet_values v JOIN documents d ON d.seq = v.seq "
                                      "WHERE d.id = :id AND v.facet = :f"), {"id": doc_id, "f": facet}).scalars())


@pytest.mark.parametrize("names", [("source", "risk_level"), ("source", "kind", "risk_level", "indicator"),
                                   ("indicator",), ("kind",), ("indicator", "city", "state", "phone_area"),
                                   ("source", "risk_level", "city", "state")])
def test_exact_total_and_facets_match_a_count_by_hand(store: Store, names: tuple[str, ...]) -> None:
    docs = _docs(60)
    store.put_batch([prepare(d, process(d)) for d in docs])
    levels: set[str] = set()
    cities: set[str] = set()
    for word in WORDS:
        for source in (None, "other"):
            r = store.search(Query(text=word, source=source, facets=names, limit=5))
            total, facets = _expected(store, docs, word, source, names)
            assert total > 0  # the fixed seed gives every word some documents
            assert (r.total, r.facets) == (total, facets), (word, source)
            assert not r.total_is_lower_bound and not r.facets_capped
            levels |= set(facets.get("risk_level", {}))
            cities |= set(facets.get("city", {}))
    if "risk_level" in names:
        assert len(levels) >= 2  # the texts really give different levels, so the facet is tested
    if "city" in names:
        assert len(cities) >= 2  # likewise for the place facets


def test_no_match_gives_zero_and_empty_facets(store: Store) -> None:
    store.put_batch([prepare(d, process(d)) for d in _docs(5)])
    r = store.search(Query(text="absentword", facets=("source", "indicator")))
    assert (r.total, r.facets) == (0, {"source": {}, "indicator": {}})
