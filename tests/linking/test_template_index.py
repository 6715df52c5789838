"""TemplateIndex compares a document with all its LSH candidates in one numpy step; the answer must be
the one of comparing them one by one (earliest founder at or above the threshold, else a new one), with
boilerplate agreements set aside as `boilerplate` says."""

from __future__ import annotations

import numpy as np
import pytest

from adtrace.linking import boilerplate as bp
from adtrace.linking import templates as tp
from adtrace.linking.template_index import TemplateIndex


def _one_by_one(sigs: list[np.ndarray], threshold: float) -> list[tuple[int, float]]:
    """The rule written out plainly: exact (position, value) counts over the founders so far (no sketch);
    an agreement on a value held by DF_MIN founders or more is boilerplate and set aside."""
    founders: list[np.ndarray] = []
    buckets: dict[int, list[int]] = {}
    df: dict[tuple[int, int], int] = {}
    out = []

    def overlap(sig: np.ndarray, f: np.ndarray) -> float:
        agree = [i for i in range(len(sig)) if sig[i] == f[i]]
        boiler = sum(1 for i in agree if df.get((i, int(sig[i])), 0) >= bp.min_count(len(founders)))
        left = len(sig) - boiler
        return (len(agree) - boiler) / left if left >= bp.MIN_INFORMATIVE else 0.0

    for sig in sigs:
        keys = tp.bands(sig)
        cand = sorted({t for k in keys for t in buckets.get(k, ())})
        hit = next(((t, overlap(sig, founders[t])) for t in cand
                    if tp.jaccard(sig, founders[t]) >= threshold and overlap(sig, founders[t]) >= threshold), None)
        if hit is None:
            hit = (len(founders), 1.0)
            founders.append(sig)
            for k in keys:
                buckets.setdefault(k, []).append(hit[0])
            for i, v in enumerate(sig.tolist()):
                df[(i, v)] = df.get((i, v), 0) + 1
        out.append(hit)
    return out


@pytest.mark.parametrize("share", [None, 0.05])  # 0.05: the count needed grows as founders come
def test_assign_equals_one_by_one_comparison(share: float | None, monkeypatch: pytest.MonkeyPatch) -> None:
    if share is not None:
        monkeypatch.setattr(bp, "DF_SHARE", share)
    rng = np.random.default_rng(7)
    bases = rng.integers(0, 2**32, size=(40, tp.NUM_PERM), dtype=np.uint64)
    sigs = []
    for _ in range(2000):  # variants of a few bases: many candidates per bucket, near the threshold
        sig = bases[rng.integers(0, len(bases))].copy()
        changed = rng.choice(tp.NUM_PERM, size=int(rng.integers(0, 30)), replace=False)
        sig[changed] = rng.integers(0, 2**32, size=len(changed), dtype=np.uint64)
        sigs.append(sig)
    idx = TemplateIndex(threshold=0.7)
    got = [idx.assign(f"d{i}", s, tp.bands(s) if i % 2 else None) for i, s in enumerate(sigs)]
    assert got == _one_by_one(sigs, 0.7)
    assert len(idx.founder_doc) > 40  # founders were grown past the first allocation
    again = TemplateIndex.from_state(idx.to_state())
    assert again.founder_doc == idx.founder_doc and again.buckets.as_dict() == idx.buckets.as_dict()
    assert np.array_equal(again.matrix, idx.matrix) and np.array_equal(again.df, idx.df)


@pytest.mark.parametrize("with_slots,share", [(False, None), (True, None), (True, 0.05)])
def test_assign_many_equals_assign_one_by_one(with_slots: bool, share: float | None,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    if share is not None:
        monkeypatch.setattr(bp, "DF_SHARE", share)
    rng = np.random.default_rng(11)
    bases = rng.integers(0, 2**32, size=(60, tp.NUM_PERM), dtype=np.uint64)
    sigs = []
    for _ in range(3000):
        sig = bases[rng.integers(0, len(bases))].copy()
        changed = rng.choice(tp.NUM_PERM, size=int(rng.integers(0, 30)), replace=False)
        sig[changed] = rng.integers(0, 2**32, size=len(changed), dtype=np.uint64)
        if sigs and rng.random() < 0.3:  # reposts: exact repeats, in this batch or an earlier one (cached)
            sig = sigs[int(rng.integers(max(0, len(sigs) - 400), len(sigs)))].copy()
        sigs.append(sig)
    # name slots drawn from a few values, some ads with none: founders must agree on them too
    names = ["ann", "bea", "cat", None]
    slots = [tuple(f"names:{n}" for n in [names[int(rng.integers(0, 4))]] if n) if with_slots else None
             for _ in sigs]
    one, many = TemplateIndex(threshold=0.7), TemplateIndex(threshold=0.7)
    expected = [one.assign(f"d{i}", s, slots=slots[i]) for i, s in enumerate(sigs)]
    got: list[tuple[int, float]] = []
    for start in range(0, len(sigs), 250):  # batches: later ones match founders of earlier ones
        part = range(start, min(start + 250, len(sigs)))
        got += many.assign_many([(f"d{i}", sigs[i], tp.bands(sigs[i]) if i % 2 else None) for i in part],
                                [slots[i] for i in part])
    assert got == expected
    if with_slots:  # the slots split templates the signatures alone would have joined
        plain = TemplateIndex(threshold=0.7)
        plain.assign_many([(f"d{i}", s, None) for i, s in enumerate(sigs)])
        assert len(one.founder_doc) > len(plain.founder_doc)
    assert many.founder_doc == one.founder_doc and np.array_equal(many.matrix, one.matrix)
    assert many.assign_many([]) == []


@pytest.mark.parametrize("saturate", [255, 4])  # 4: the count needed stops growing early (as at 1M ads)
def test_assign_many_with_worker_digests_equals_assign(saturate: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Digests computed beforehand (as workers send them) and the founding step's count tracking (only cells
    reaching the count needed are remembered) give the answers of `assign`, one by one."""
    monkeypatch.setattr(bp, "DF_SHARE", 0.05)
    monkeypatch.setattr(bp, "SATURATE", saturate)
    rng = np.random.default_rng(23)
    bases = rng.integers(0, 2**32, size=(50, tp.NUM_PERM), dtype=np.uint64)
    sigs = []
    for _ in range(2500):
        sig = bases[rng.integers(0, len(bases))].copy()
        changed = rng.choice(tp.NUM_PERM, size=int(rng.integers(0, 30)), replace=False)
        sig[changed] = rng.integers(0, 2**32, size=len(changed), dtype=np.uint64)
        if sigs and rng.random() < 0.3:
            sig = sigs[int(rng.integers(max(0, len(sigs) - 300), len(sigs)))].copy()
        sigs.append(sig)
    names = ["ann", "bea", None]
    slots = [tuple(f"names:{n}" for n in [names[int(rng.integers(0, 3))]] if n) for _ in sigs]
    one, many = TemplateIndex(threshold=0.7), TemplateIndex(threshold=0.7)
    expected = [one.assign(f"d{i}", s, slots=slots[i]) for i, s in enumerate(sigs)]
    got: list[tuple[int, float]] = []
    for start in range(0, len(sigs), 300):
        part = range(start, min(start + 300, len(sigs)))
        digests = [tp.digest(sigs[i], slots[i]) if i % 3 else None for i in part]  # some left to compute
        got += many.assign_many([(f"d{i}", sigs[i], tp.bands(sigs[i])) for i in part], [slots[i] for i in part],
                                digests)
    assert got == expected
    assert np.array_equal(many.df, one.df) and many.founder_doc == one.founder_doc
    assert tp.digest(sigs[0], slots[0]) != tp.digest(sigs[0], ("names:other",))  # slots are part of the digest
