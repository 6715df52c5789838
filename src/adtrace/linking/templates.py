"""Templated text: mask what changes between ads of one template, shingle, MinHash, LSH bands.

An operator writes one ad and re-posts it with a new name, age, city, price and phone each time.
Masking those slots (from the Record's spans, plus every number) leaves the template's skeleton; two
skeletons with word-shingle Jaccard >= `threshold` are the same template. MinHash (datasketch)
estimates Jaccard; LSH bands over the signature give candidates without all-pairs comparison.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from datasketch import MinHash

from adtrace.linking import boilerplate as bp
from adtrace.linking import signals
from adtrace.linking.buckets import FLUSH_AT, Buckets

# Record fields whose spans are slots an operator fills per posting.
MASKED_FIELDS = ("phones", "emails", "handles", "urls", "ages", "prices", "payments", "names", "places")
NUM_PERM = 64
BANDS = 16  # 16 bands x 4 rows: candidates at Jaccard 0.7 are found with p ~ 0.99, at 0.65 p ~ 0.96
ROWS = NUM_PERM // BANDS
SHINGLE = 3
MIN_SHINGLES = 4  # shorter skeletons say too little to call two ads one template
# Slots an ad must fill like its template's founder: a template has a fixed set of slots, so an ad
# that names a person or a city where the founder names none (or the reverse) is another template;
# and the name slots must share a value. Same wording under another name, or with a city the founder
# lacks, is how unrelated posters' ads look alike: on the real dev ads (text only, pairs at Jaccard
# >= 0.7, truth = shared phone) 96 % of pairs sharing a name are one poster, 39 % when the names
# differ, 29 % when only one ad has a name, 67 % when only one names a city. City values may differ
# (operators move); ages, prices and contacts change with every post and stay free.
SLOT_FIELDS = ("names", "places")
VALUE_SLOTS = ("names",)
Slots = tuple[str, ...]  # "names:ann", "places:las vegas": sorted, lower-cased

_WORD = re.compile(r"<[a-z]+>|[^\W\d_]+", re.UNICODE)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
_DIGITS = re.compile(r"\d+")


def mask(text: str, record: Mapping[str, Any]) -> str:
    """The text with entity spans replaced by a slot token and digits dropped."""
    spans: list[tuple[int, int, str]] = []
    for name in MASKED_FIELDS:
        for item in record.get(name) or ():
            span = item.get("span") if isinstance(item, Mapping) else None
            if span and len(span) == 2 and item.get("via", "text") == "text":
                spans.append((int(span[0]), int(span[1]), name[:-1] if name.endswith("s") else name))
    spans.sort()
    out: list[str] = []
    pos = 0
    for start, end, name in spans:
        if start < pos or end > len(text):
            continue  # overlapping or stale span: the first one wins
        out.append(text[pos:start])
        out.append(f" <{name}> ")
        pos = end
    out.append(text[pos:])
    return _DIGITS.sub(" ", "".join(out))


def slot_values(record: Mapping[str, Any]) -> Slots:
    """The ad's name and city slot values (from the text itself, not from a site field)."""
    out: set[str] = set()
    for name in SLOT_FIELDS:
        for item in record.get(name) or ():
            if not isinstance(item, Mapping) or item.get("via", "text") != "text":
                continue
            value = item.get("name") if name == "places" else item.get("value")
            if value:
                out.add(f"{name}:{str(value).strip().lower()}")
    return tuple(sorted(out))


def slots_agree(a: Slots | None, b: Slots | None) -> bool:
    """Whether two ads' slots allow one template: the same slots filled, name slots sharing a value.
    None (not known, e.g. state from before slots were kept) agrees with anything."""
    if a is None or b is None or a == b:
        return True
    for name in SLOT_FIELDS:
        va = {s for s in a if s.startswith(name)}
        vb = {s for s in b if s.startswith(name)}
        if bool(va) != bool(vb) or (name in VALUE_SLOTS and va and not va & vb):
            return False
    return True


def tokens(masked: str) -> list[str]:
    """Lower-case words; CJK runs split into characters (no spaces to split on)."""
    low = masked.lower()
    if not _CJK.search(low):  # most ads: one regex pass, no per-word test
        words: list[str] = _WORD.findall(low)
        return words
    toks: list[str] = []
    for word in _WORD.findall(low):
        if _CJK.search(word):
            toks.extend(word)
        else:
            toks.append(word)
    return toks


def shingles(toks: list[str], k: int = SHINGLE) -> set[bytes]:
    if len(toks) < k:
        return {" ".join(toks).encode()} if toks else set()
    return {" ".join(toks[i:i + k]).encode() for i in range(len(toks) - k + 1)}


def _hash32(data: bytes) -> int:
    return zlib.crc32(data) & 0xFFFFFFFF


_SEED_MH = MinHash(num_perm=NUM_PERM, seed=1, hashfunc=_hash32)
# datasketch's affine32 scheme, applied with numpy to many documents at once (one MinHash object
# per document cost more than the hashing): fmix32, then h * a + b modulo 2^32, minimum per permutation.
_A, _B = (np.asarray(p, dtype=np.uint32) for p in _SEED_MH.permutations)
# shingle rows per block: the (rows x NUM_PERM) uint32 temporary (~0.5 MB) stays in the CPU cache, which made
# this 1.7x as fast as 50,000 rows (~13 MB) on the synthetic corpus
_ROWS_PER_BLOCK = 2_000
_PAIRS_PER_BLOCK = 20_000  # (document, candidate founder) pairs compared at once: ~11 MB of temporaries


def _fmix32(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    out: np.ndarray = h ^ (h >> np.uint32(16))
    return out


def shingle_hashes(shingle_set: Iterable[bytes]) -> np.ndarray:
    return np.fromiter((zlib.crc32(s) for s in shingle_set), dtype=np.uint32)


def signatures(hashes: list[np.ndarray]) -> np.ndarray:
    """MinHash signatures (one row each, uint64) of many shingle-hash arrays, none of them empty.

    Equal to datasketch's `MinHash.update_batch` with the fixed seed: signatures from different
    runs, and from before this was vectorised, compare."""
    out = np.empty((len(hashes), NUM_PERM), dtype=np.uint64)
    i = 0
    while i < len(hashes):
        j, rows = i, 0
        while j < len(hashes) and (j == i or rows + len(hashes[j]) <= _ROWS_PER_BLOCK):
            rows += len(hashes[j])
            j += 1
        block = hashes[i:j]
        hv = _fmix32(np.concatenate(block))
        phv = hv[:, None] * _A + _B  # uint32 arithmetic wraps: modulo 2^32, as datasketch does
        starts = np.cumsum([0] + [len(h) for h in block[:-1]])
        out[i:j] = np.minimum.reduceat(phv, starts, axis=0)
        i = j
    return out


def signature(shingle_set: Iterable[bytes]) -> np.ndarray:
    """MinHash signature (datasketch, fixed seed: signatures from different runs compare)."""
    mh = MinHash(num_perm=NUM_PERM, hashfunc=_hash32, permutations=_SEED_MH.permutations,
                 scheme=_SEED_MH.scheme)
    mh.update_batch(list(shingle_set))
    return np.asarray(mh.hashvalues, dtype=np.uint64)


def bands(sig: np.ndarray) -> list[int]:
    """One LSH bucket id per band (band index folded in, so bands never collide with each other)."""
    raw = sig.astype(np.uint32).tobytes()
    step = ROWS * 4
    return [zlib.crc32(raw[i * step:(i + 1) * step], i) for i in range(BANDS)]


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.count_nonzero(a == b)) / len(a)


@dataclass
class TemplateIndex:
    """Canonical templates: each new skeleton joins the earliest template it matches, or founds one.

    Only founders are indexed, so a template reposted 10,000 times costs one signature; the index
    answers in ingest order, so an incremental run and a rebuild in the same order agree exactly.
    Founders' signatures are rows of one uint32 matrix (MinHash values are 32-bit), so a document's
    LSH candidates are compared in one numpy step: stock wording puts dozens of founders in a bucket.
    The overlap that must reach `threshold` leaves out agreements on boilerplate (`boilerplate.overlap`,
    with the founders' value counts `df`, counted in founding order).
    """

    threshold: float = 0.65
    founder_doc: list[str] = field(default_factory=list)
    founder_slots: list[Slots | None] = field(default_factory=list)
    buckets: Buckets = field(default_factory=Buckets)  # LSH band key -> founders, in numpy arrays
    # (signature, slots) digest -> answer: reposts of one template mask to the same skeleton (about half
    # the documents); new founders are later, the earliest wins. With the boilerplate rule an answer holds while the count needed (`least`) is the one it was given
    # under: counts only grow (an earlier founder that failed fails again), but a higher `least` can let
    # an earlier founder pass. So each answer keeps its `least`, and counts only while that holds.
    _known: dict[bytes, tuple[int, float, int]] = field(default_factory=dict)
    _matrix: np.ndarray = field(default_factory=lambda: np.zeros((0, NUM_PERM), dtype=np.uint32))
    df: np.ndarray = field(default_factory=bp.new_counts)  # boilerplate count sketch of the founders
    # cells whose counts founders changed since `assign_many` began (its batch-start overlaps are stale there)
    _dirty: np.ndarray = field(default_factory=lambda: np.zeros(bp.CELLS, dtype=bool))
    _touched: list[np.ndarray] = field(default_factory=list)
    _tracking: bool = False  # only while `assign_many` runs
    _batch_index: bool = False  # ... and indexes the batch's founders itself
    _least0: int = 0  # `least` as the batch began
    founders_before: int = 0  # founders of an index this one continues (an incremental run's new ones)

    @property
    def matrix(self) -> np.ndarray:
        """Founders' signatures, one uint32 row each (a view)."""
        return self._matrix[: len(self.founder_doc)]

    @property
    def founders(self) -> list[np.ndarray]:
        """Founders' signatures as uint64 rows, as `signatures` returns them."""
        return list(self.matrix.astype(np.uint64))

    def _found(self, doc_id: str, sig: np.ndarray, keys: list[int], slots: Slots | None = None,
               count: bool = True, cells: np.ndarray | None = None) -> int:
        t = len(self.founder_doc)
        if t == len(self._matrix):  # grow geometrically: amortised O(1) appends
            grown = np.zeros((max(64, 2 * t), NUM_PERM), dtype=np.uint32)
            grown[:t] = self._matrix[:t]
            self._matrix = grown
        self._matrix[t] = sig
        self.founder_doc.append(doc_id)
        self.founder_slots.append(slots)
        if not self._batch_index:  # else `assign_many` indexes its founders at once
            self.buckets.add(t, keys)
        if count:
            c = bp.add(self.df, sig, cells)
            if self._tracking:  # only a count reaching the batch's `least` changes an overlap (counts only grow)
                c = c[self.df[c] == self._least0]
                self._dirty[c] = True
                self._touched.append(c)
        return t

    def _clean(self) -> None:
        for c in self._touched:
            self._dirty[c] = False
        self._touched.clear()

    def recheck(self, sig: np.ndarray, t: int, cells: np.ndarray | None = None) -> tuple[int, float] | None:
        """(t, overlap) when founder t still takes this signature with today's boilerplate counts.

        Counts only grow, so the overlap only falls: an earlier founder that failed before fails now,
        and an answer given before stays the earliest when it still passes."""
        j = bp.overlap(sig, self._matrix[t], self.df, cells, self.least())
        return (t, j) if j >= self.threshold else None

    def _still(self, sig: np.ndarray, t: int, start: float, moved: bool, cells: np.ndarray,
               sig32: np.ndarray) -> tuple[int, float] | None:
        """`recheck`, given the overlap `start` with the counts as the batch began: compared again only when
        the count needed `moved` or a founder since brought a count where the two agree up to it."""
        if moved or (self._touched and self._dirty[cells[self._matrix[t] == sig32]].any()):
            return self.recheck(sig, t, cells)
        return (t, start) if start >= self.threshold else None

    def _earliest(self, pas: list[tuple[int, float]], moved: bool, cells: np.ndarray,
                  sig32: np.ndarray) -> tuple[int, float] | None:
        """The first of founders `pas` (t, overlap as the batch began; earliest first) still passing: `_still`
        for all of them in one numpy step."""
        ts = np.fromiter((t for t, _v in pas), dtype=np.int64, count=len(pas))
        js = np.fromiter((v for _t, v in pas), dtype=np.float64, count=len(pas))
        if self._touched:
            eq = self._matrix[ts] == sig32
            if moved or (eq & self._dirty[cells]).any():
                js = bp.overlap_rows(sig32[None, :], self._matrix[ts], cells[None, :], self.df, self.least())
        hit = np.flatnonzero(js >= self.threshold)
        return (int(ts[hit[0]]), float(js[hit[0]])) if len(hit) else None

    def least(self) -> int:
        return bp.min_count(self.founders_before + len(self.founder_doc))

    def assign(self, doc_id: str, sig: np.ndarray, keys: list[int] | None = None,
               slots: Slots | None = None, cells: np.ndarray | None = None) -> tuple[int, float]:
        """(template number, overlap with its founder); founds a template when none match.

        The earliest founder whose slots agree (`slots_agree`) and whose overlap without boilerplate
        reaches the threshold wins (the plain Jaccard estimate, never below it, picks the candidates).
        `keys`: the signature's `bands`, when already computed (a worker does it for many at once)."""
        keys = bands(sig) if keys is None else keys
        if self.buckets._pending >= FLUSH_AT and not self._tracking:
            self.buckets.flush()
        return self._first(doc_id, sig, keys, self.buckets.lookup(keys), slots, cells)

    def _first(self, doc_id: str, sig: np.ndarray, keys: list[int], cand: Sequence[int], slots: Slots | None,
               cells: np.ndarray | None) -> tuple[int, float]:
        """`assign` over candidate founders `cand` (ascending): the first passing, else a new founder."""
        if cand:
            ids = np.fromiter(cand, dtype=np.int64, count=len(cand))
            j = np.count_nonzero(self._matrix[ids] == sig, axis=1) / len(sig)  # as `jaccard`, row by row
            for first in np.flatnonzero(j >= self.threshold).tolist():  # ids are sorted: earliest first
                t = int(ids[first])
                if slots_agree(slots, self.founder_slots[t]) and (ans := self.recheck(sig, t, cells)):
                    return ans
        return self._found(doc_id, sig, keys, slots, cells=cells), 1.0

    def assign_many(self, docs: Sequence[tuple[str, np.ndarray, list[int] | None]],
                    slots: Sequence[Slots | None] | None = None) -> list[tuple[int, float]]:
        """`assign` for many (doc id, signature, bands) in order, with the same answers.

        The founders that exist as the batch starts are earlier than any the batch founds, so every
        document's candidates among them (`Buckets.pairs`) and their plain overlaps are computed at once,
        in blocks of candidate pairs; in order, a document then tries those that pass, earliest first,
        and only after them the founders of this batch (few, in a small dict)."""
        slots = [None] * len(docs) if slots is None else slots
        digests = [hashlib.blake2b(np.ascontiguousarray(sig).tobytes() + "\x1f".join(sl or ("?",)).encode(),
                                   digest_size=16).digest() for (_d, sig, _b), sl in zip(docs, slots, strict=True)]
        known = self._known
        least0 = self.least()
        keys = [bands(sig) if b is None else b for _d, sig, b in docs]
        self.buckets.flush()
        out: list[tuple[int, float] | None] = [(k[0], k[1]) if (k := known.get(h)) is not None and k[2] == least0
                                               else None for h in digests]
        need = [i for i, a in enumerate(out) if a is None]  # the rest: a repost's answer, known already
        looked = set(need)
        # document -> (earlier founder at or above the plain threshold, its overlap boilerplate aside), earliest first
        passing: dict[int, list[tuple[int, float]]] = {}
        sig32 = cells = np.zeros((0, NUM_PERM), dtype=np.uint32)
        karr = np.asarray(keys, dtype=np.uint32).reshape(len(docs), BANDS)
        if docs:
            sig32 = np.stack([np.asarray(sig) for _d, sig, _b in docs]).astype(np.uint32)
            cells = bp.cells(sig32)
        # the documents of this batch sharing a band with each (the batch's founders among them are candidates)
        early = self.buckets.earlier(karr)
        founded_at = np.full(len(docs), -1, dtype=np.int64)  # template number of the ones that found one
        if need:
            rows, ts = self.buckets.pairs(karr[need])
            docs_at = np.asarray(need, dtype=np.int64)[rows]
            j = np.empty(len(ts))
            for s in range(0, len(ts), _PAIRS_PER_BLOCK):
                e = s + _PAIRS_PER_BLOCK
                j[s:e] = np.count_nonzero(self._matrix[ts[s:e]] == sig32[docs_at[s:e]], axis=1) / NUM_PERM
            ok = np.flatnonzero(j >= self.threshold)  # pairs come by document, then earliest founder
            # their overlaps boilerplate aside, with the counts as the batch starts (one numpy step)
            po, pt = docs_at[ok], ts[ok]
            pj = bp.overlap_rows(sig32[po], self._matrix[pt], cells[po], self.df, self.least())
            for i, t, v in zip(po.tolist(), pt.tolist(), pj.tolist(), strict=True):
                passing.setdefault(i, []).append((t, v))
        # In order below, a document is compared again only where a founder of this batch brought the count of
        # a value it agrees on up to `least` (or `least` itself changed).
        self._tracking = True
        self._batch_index = early is not None
        want = [i for i, a in enumerate(out) if a is not None]
        start: dict[int, float] = {}
        if want:  # known answers
            at = np.asarray(want)
            tw = np.asarray([a[0] for a in out if a is not None])
            start = dict(zip(want, bp.overlap_rows(sig32[at], self._matrix[tw], cells[at], self.df,
                                                   self.least()).tolist(), strict=True))
        least = self._least0 = self.least()
        fs = self.founder_slots
        result: list[tuple[int, float]] = []
        for i, (ans, (d, sig, _b), ks, h, sl) in enumerate(zip(out, docs, keys, digests, slots, strict=True)):
            # in order: earlier documents of this batch may have founded templates (raising the
            # boilerplate counts) or founded this very skeleton's template
            got = None
            now = self.least()
            if ans is not None:
                got = self._still(sig, ans[0], start[i], now != least, cells[i], sig32[i])
            if got is None and (k := known.get(h)) is not None and k[2] == now:
                got = self.recheck(sig, k[0], cells[i])
            old: list[int] = []
            if got is None and i in looked:
                if pas := [tv for tv in passing.get(i, ()) if slots_agree(sl, fs[tv[0]])]:
                    got = self._earliest(pas, now != least, cells[i], sig32[i])
            elif got is None:  # a known answer that no longer holds: its candidates are looked up again
                old = self.buckets.lookup(ks)
            if got is None:
                # then this batch's founders, as `assign` would
                if early is not None:
                    ptr, before = early
                    mine = founded_at[before[ptr[i]:ptr[i + 1]]]  # earlier rows: their founders ascending
                    recent = mine[mine >= 0].tolist()
                else:
                    recent = sorted(self.buckets.recent(ks)) if i in looked else []  # (lookup read them)
                n0 = len(self.founder_doc)
                got = self._first(d, sig, ks, [*old, *recent], sl, cells[i])  # or a new founder
                if len(self.founder_doc) > n0:
                    founded_at[i] = n0
            known[h] = (*got, now)
            result.append(got)
        self._clean()
        self._tracking = self._batch_index = False
        if early is not None:
            mine = np.flatnonzero(founded_at >= 0)
            self.buckets.add_many(founded_at[mine], karr[mine])
        self.buckets.flush()
        return result

    def to_state(self) -> dict[str, Any]:
        return {"threshold": self.threshold, "founders": self.matrix.tobytes(), "founder_doc": self.founder_doc,
                "founder_slots": [None if s is None else list(s) for s in self.founder_slots]}

    @classmethod
    def from_state(cls, state: Mapping[str, Any]) -> TemplateIndex:
        idx = cls(threshold=float(state["threshold"]))
        arr = np.frombuffer(state["founders"], dtype=np.uint32).reshape(-1, NUM_PERM)
        slots = state.get("founder_slots") or [None] * len(state["founder_doc"])
        for i, doc_id in enumerate(state["founder_doc"]):
            idx._found(doc_id, arr[i], bands(arr[i]), None if slots[i] is None else tuple(slots[i]), count=False)
        idx.buckets.flush()
        bp.add_many(idx.df, arr)  # the counts follow from the founders
        return idx


def skeleton_hashes(text: str, record: Mapping[str, Any]) -> np.ndarray | None:
    """The skeleton's shingle hashes, or None when the text is too short to tell a template."""
    sh = shingles(tokens(mask(text, record)))
    if len(sh) < MIN_SHINGLES:
        return None
    return shingle_hashes(sh)


def skeleton_signature(text: str, record: Mapping[str, Any]) -> np.ndarray | None:
    """The template signature of one document, or None when the text is too short to tell."""
    h = skeleton_hashes(text, record)
    return None if h is None else signatures([h])[0]


def _template_hub(policy: Any, docs: int, seen: int, n_docs: int) -> bool:
    return bool(seen >= policy.template_witnesses)  # stock wording: unrelated posters share it


def _explain(kind: str, detail: int | None) -> str:
    return f"same ad text (word-shingle Jaccard {100 if detail is None else detail}%)"


# `tpl:N`: wording within the threshold of founder N, slots agreeing (TemplateIndex assigns it).
SIGNAL = signals.Signal("templates", {"tpl": "template"}, hub=_template_hub, weight=0.5, explain=_explain,
                        detail="jaccard_pct", detail_default=100)
