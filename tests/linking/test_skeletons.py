"""Skeletons of many documents at once (`adtrace.linking.skeletons`) hash exactly as one at a time: the
same 3-gram CRCs, so the same signatures, LSH bands, founders and clusters as before."""

from __future__ import annotations

import random
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from adtrace.linking import skeletons as sk
from adtrace.linking import templates as tp
from adtrace.linking.linker import prepare, prepare_many

# synthetic texts that reach every branch: plain, long words (> MAX_SHIFT bytes: the string path),
# accents and emoji (multi-byte), CJK (split into characters), repetition (few distinct 3-grams), too short
TEXTS = [
    "Sweet Ann here, new in town, call me at 702 555 0199 for a good time, no rush",
    "a b c a b c a b c a b c a b c a b c",
    "a b c d a b c d a b c d",
    "x" * 300 + " yy zz ww vv uu tt " + "q" * 65 + " end of it",
    "ünïcödé wörds ñ here and thére again, café crème brûlée ✨💋 available",
    "新しい 広告 です よろしく お願い します 東京 大阪 名古屋",
    "one two",
    "",
    "!!! ??? 123 456 ...",
]


def _record(text: str) -> dict[str, Any]:
    start = text.find("Ann")
    return {"names": [{"value": "Ann", "span": [start, start + 3]}]} if start >= 0 else {}


def _same(old: np.ndarray | None, new: np.ndarray | None) -> bool:
    if old is None or new is None:
        return old is None and new is None
    return bool(np.array_equal(np.unique(old), np.unique(new)))


def test_many_equals_one_by_one() -> None:
    docs = [(t, _record(t)) for t in TEXTS]
    many = sk.skeleton_hashes_many(docs)
    assert [_same(tp.skeleton_hashes(t, r), h) for (t, r), h in zip(docs, many, strict=True)] == [True] * len(docs)
    assert many[0] is not None and many[1] is None and many[2] is not None and many[6] is None  # the branches ran


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.lists(st.text(alphabet=st.sampled_from("ab cdé\u4e00\n<>-'x"), max_size=120), max_size=6))
def test_many_equals_one_by_one_on_random_text(texts: list[str]) -> None:
    many = sk.skeleton_hashes_many([(t, {}) for t in texts])
    assert all(_same(tp.skeleton_hashes(t, {}), h) for t, h in zip(texts, many, strict=True))


def test_bands_many_equals_bands() -> None:
    rng = np.random.default_rng(7)
    sigs = rng.integers(0, 2**32, size=(50, tp.NUM_PERM), dtype=np.uint64)
    assert sk.bands_many(sigs).tolist() == [tp.bands(s) for s in sigs]


def test_prepare_many_equals_prepare() -> None:
    rnd = random.Random(3)
    texts = [" ".join(rnd.choice(TEXTS).split()[::-1]) + " " + t for t in TEXTS]
    rows = [(f"d{i}", _record(t), t, None, "") for i, t in enumerate(texts)]
    for one, item in zip([prepare(*r[:3]) for r in rows], prepare_many(rows), strict=True):
        assert (one.signature is None) == (item.signature is None)
        if one.signature is not None:
            assert np.array_equal(one.signature, item.signature)
            assert one.slots == item.slots and list(item.bands or ()) == tp.bands(one.signature)
