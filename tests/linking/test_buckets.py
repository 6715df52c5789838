"""The LSH buckets in numpy arrays answer as the dict of lists they replace: every founder holding a key,
earliest first; a batch's candidate pairs and its rows' earlier rows sharing a key, found at once."""

from __future__ import annotations

import numpy as np
import pytest

from adtrace.linking import templates as tp
from adtrace.linking.buckets import Buckets
from adtrace.linking.template_index import TemplateIndex


def _keys(rng: np.random.Generator, n: int) -> np.ndarray:
    """n rows of 16 keys drawn from a small pool: keys shared by many rows, some repeated within a row."""
    return rng.integers(0, 400, size=(n, tp.BANDS), dtype=np.int64).astype(np.uint32) * np.uint32(10_000_019)


def test_buckets_answer_as_a_dict_of_lists() -> None:
    rng = np.random.default_rng(3)
    rows = _keys(rng, 300)
    b, plain = Buckets(), {}
    for t, ks in enumerate(rows.tolist()):
        if t < 100:
            b.add(t, ks)  # one by one, merged on flush
        for k in ks:
            plain.setdefault(k, []).append(t)
        if t == 49:
            b.flush()
    b.add_many(np.arange(100, 300), rows[100:])  # the rest at once, after the pending ones
    assert b.as_dict() == plain
    assert len(b) == 300 * tp.BANDS
    query = _keys(rng, 40)
    for q in query.tolist():
        assert b.lookup(q) == sorted({t for k in q for t in plain.get(k, ())})
    row, t = b.pairs(query)
    expected = sorted((i, f) for i, q in enumerate(query.tolist()) for f in {f for k in q for f in plain.get(k, ())})
    assert list(zip(row.tolist(), t.tolist(), strict=True)) == expected


def test_pending_founders_are_found_before_a_flush() -> None:
    b = Buckets()
    b.add_many(np.array([0]), np.array([[5] * tp.BANDS], dtype=np.uint32))
    b.add(1, [5, 7])
    assert b.lookup([5]) == [0, 1] and b.lookup([7]) == [1] and b.recent([7, 9]) == {1}
    assert b.pairs(np.array([[5]], dtype=np.uint32))[1].tolist() == [0]  # pairs: flushed founders only
    b.flush()
    assert b.pairs(np.array([[5]], dtype=np.uint32))[1].tolist() == [0, 1]


def test_earlier_rows_sharing_a_key() -> None:
    rng = np.random.default_rng(5)
    rows = _keys(rng, 200)
    got = Buckets.earlier(rows)
    assert got is not None
    ptr, before = got
    sets = [set(r) for r in rows.tolist()]
    for i in range(len(rows)):
        assert before[ptr[i]:ptr[i + 1]].tolist() == [j for j in range(i) if sets[j] & sets[i]]
    assert Buckets.earlier(rows, limit=10) is None  # too many pairs: the caller indexes founders one by one


@pytest.mark.parametrize("limit", [0, 1 << 24])
def test_assign_many_with_and_without_the_batch_pairs(limit: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Both ways of finding a batch's own founders (pairs at once, or a dict as they come) give `assign`'s answers."""
    real = Buckets.earlier
    monkeypatch.setattr(Buckets, "earlier", staticmethod(lambda keys, limit=limit: real(keys, limit=limit)))
    rng = np.random.default_rng(9)
    bases = rng.integers(0, 2**32, size=(30, tp.NUM_PERM), dtype=np.uint64)
    sigs = []
    for _ in range(1500):
        sig = bases[rng.integers(0, len(bases))].copy()
        changed = rng.choice(tp.NUM_PERM, size=int(rng.integers(0, 30)), replace=False)
        sig[changed] = rng.integers(0, 2**32, size=len(changed), dtype=np.uint64)
        sigs.append(sig)
    one, many = TemplateIndex(threshold=0.7), TemplateIndex(threshold=0.7)
    expected = [one.assign(f"d{i}", s) for i, s in enumerate(sigs)]
    got: list[tuple[int, float]] = []
    for start in range(0, len(sigs), 300):
        got += many.assign_many([(f"d{i}", sigs[i], None) for i in range(start, min(start + 300, len(sigs)))])
    assert got == expected
    assert many.buckets.as_dict() == one.buckets.as_dict()


def test_tail_answers_as_the_merged_arrays(monkeypatch: pytest.MonkeyPatch) -> None:
    """Founders of later batches wait in a sorted tail (searched too) until it outgrows a share of the main
    arrays: lookups, pairs and rows are the same before and after the tail is merged."""
    import adtrace.linking.buckets as bk

    monkeypatch.setattr(bk, "TAIL_MIN", 0)
    monkeypatch.setattr(bk, "TAIL_FRACTION", 0.5)
    rng = np.random.default_rng(11)
    rows = _keys(rng, 400)
    b, plain = Buckets(), {}
    merged = 0
    for start in range(0, 400, 25):  # batches of 25 founders
        b.add_many(np.arange(start, start + 25), rows[start:start + 25])
        for t in range(start, start + 25):
            for k in rows[t].tolist():
                plain.setdefault(k, []).append(t)
        merged += not len(b.tail_keys)
        query = _keys(rng, 30)
        before = [b.lookup(q) for q in query.tolist()], [a.tolist() for a in b.pairs(query)]
        assert before[0] == [sorted({t for k in q for t in plain.get(k, ())}) for q in query.tolist()]
        tail = len(b.tail_keys)
        c = Buckets()  # the same entries, compacted into the main arrays
        c.keys, c.ts, c.tail_keys, c.tail_ts = b.keys, b.ts, b.tail_keys, b.tail_ts
        c.compact()
        assert not len(c.tail_keys) and len(c.keys) == len(b.keys) + tail
        assert ([c.lookup(q) for q in query.tolist()], [a.tolist() for a in c.pairs(query)]) == before
    assert 0 < merged < 16  # the tail was merged now and then, not after every batch
    assert b.as_dict() == plain and not len(b.tail_keys)  # rows() compacts
