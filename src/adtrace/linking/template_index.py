"""The template index: each new skeleton signature joins the earliest template founder it matches, or founds one.

Split from `adtrace.linking.templates` (masking, shingles, MinHash and bands stay there); the rules are the same.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from adtrace.linking import boilerplate as bp
from adtrace.linking.buckets import FLUSH_AT, Buckets, distinct
from adtrace.linking.templates import BANDS, NUM_PERM, Slots, bands, digest, slots_agree

_PAIRS_PER_BLOCK = 20_000  # (document, candidate founder) pairs compared at once: ~3 MB of temporaries
_LANES = np.uint64(0x0101010101010101)


def _equal_bytes(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per row, how many of the 64 uint8 positions of `a` and `b` are equal (`count_nonzero(a == b, axis=1)`):
    the 0/1 bytes read as eight uint64 words, added lane-wise, the lanes summed by one multiply."""
    x = (a == b).view(np.uint64)
    x = x[:, :4] + x[:, 4:]
    x = x[:, :2] + x[:, 2:]
    out: np.ndarray = ((x[:, 0] + x[:, 1]) * _LANES) >> np.uint64(56)
    return out


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
    # the low byte of each founder value: a quarter of the memory to gather per candidate pair, and values that
    # are equal have equal low bytes, so it picks a superset of the pairs at the plain threshold (checked exactly)
    _low: np.ndarray = field(default_factory=lambda: np.zeros((0, NUM_PERM), dtype=np.uint8))
    _low_n: int = 0  # founders whose low bytes are in `_low` (filled as `assign_many` begins: only it reads them)
    # each founder's slots as a number (0: None), so a batch's candidate pairs are told apart in numpy
    _sid: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    _slot_ids: dict[Slots | None, int] = field(default_factory=lambda: {None: 0})
    _slot_list: list[Slots | None] = field(default_factory=lambda: [None])
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
            self._sid = np.resize(self._sid, len(grown))
        self._matrix[t] = sig
        self._sid[t] = self._slot_id(slots)
        self.founder_doc.append(doc_id)
        self.founder_slots.append(slots)
        if not self._batch_index:  # else `assign_many` indexes its founders at once
            self.buckets.add(t, keys)
        if count and not self._tracking:
            bp.add(self.df, sig, cells)
        elif count:
            # only a count reaching the batch's `least` from below changes an overlap (counts only grow); a
            # saturated cell at 255 = `least` does not (marking those made every later document recompute at 1M)
            c = bp.add_reaching(self.df, bp.cells(sig) if cells is None else cells, self._least0)
            if len(c):  # mostly none once `least` saturates: then later documents skip the check
                self._dirty[c] = True
                self._touched.append(c)
        return t

    def _slot_id(self, slots: Slots | None) -> int:
        got = self._slot_ids.get(slots)
        if got is None:
            got = self._slot_ids[slots] = len(self._slot_list)
            self._slot_list.append(slots)
        return got

    def _low_bytes(self) -> np.ndarray:
        """`_low`, filled up to the founders so far."""
        n, have = len(self.founder_doc), self._low_n
        if len(self._low) < n:
            grown = np.zeros((len(self._matrix), NUM_PERM), dtype=np.uint8)
            grown[:have] = self._low[:have]
            self._low = grown
        self._low[have:n] = self._matrix[have:n]  # (uint8 assignment keeps the low byte)
        self._low_n = n
        return self._low

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

    def _earliest(self, ts: np.ndarray, first: tuple[int, float] | None, moved: bool, cells: np.ndarray,
                  sig32: np.ndarray) -> tuple[int, float] | None:
        """The first of earlier founders `ts` (ascending; `first`: the first of them passing with the counts as the
        batch began) still passing: `_still` for all of them in one numpy step."""
        # (`moved` implies a founder of this batch; `_touched` holds only the cells that reached `least`)
        if not (moved or (self._touched and (self._dirty[cells] & (self._matrix[ts] == sig32)).any())):
            return first
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
            # as `jaccard`, row by row; compared as uint32 like the matrix (MinHash values are 32-bit), not widened
            j = np.count_nonzero(self._matrix[ids] == sig.astype(np.uint32), axis=1) / len(sig)
            for first in np.flatnonzero(j >= self.threshold).tolist():  # ids are sorted: earliest first
                t = int(ids[first])
                if slots_agree(slots, self.founder_slots[t]) and (ans := self.recheck(sig, t, cells)):
                    return ans
        return self._found(doc_id, sig, keys, slots, cells=cells), 1.0

    def _passing(self, need: list[int], karr: np.ndarray, sig32: np.ndarray, cells: np.ndarray,
                 slots: list[Slots | None]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(document, founder, overlap boilerplate aside with the counts as the batch starts) of every founder
        existing as the batch starts at or above the plain threshold with a document of `need` (`slots`: theirs),
        slots agreeing; by document, then earliest founder. All in numpy, `slots_agree` once per distinct two."""
        rows, ts = self.buckets.pairs(karr[need]) if need else (np.zeros(0, np.int64),) * 2
        docs_at = np.asarray(need, dtype=np.int64)[rows]
        low, sig8 = self._low_bytes(), sig32.astype(np.uint8)
        j = np.empty(len(ts))
        for s in range(0, len(ts), _PAIRS_PER_BLOCK):
            e = s + _PAIRS_PER_BLOCK
            j[s:e] = _equal_bytes(low[ts[s:e]], sig8[docs_at[s:e]]) / NUM_PERM
        ok = np.flatnonzero(j >= self.threshold)  # pairs come by document, then earliest founder
        # the plain Jaccard estimate of those, on the whole values (equal low bytes only: ~1 in 256 positions)
        j = np.count_nonzero(self._matrix[ts[ok]] == sig32[docs_at[ok]], axis=1) / NUM_PERM
        ok = ok[j >= self.threshold]
        mine = np.fromiter((self._slot_id(sl) for sl in slots), dtype=np.int64, count=len(slots))
        a, b = mine[rows[ok]], self._sid[ts[ok]]
        agree = (a == 0) | (b == 0) | (a == b)  # None agrees with anything
        odd = np.flatnonzero(~agree)
        if len(odd):
            two = (a[odd] << np.int64(32)) | b[odd]
            u = distinct(two)
            ids = self._slot_list
            fine = np.fromiter((slots_agree(ids[x >> 32], ids[x & 0xFFFFFFFF]) for x in u.tolist()), dtype=bool,
                               count=len(u))
            agree[odd] = fine[np.searchsorted(u, two)]
        po, pt = docs_at[ok[agree]], ts[ok[agree]]
        return po, pt, bp.overlap_rows(sig32[po], self._matrix[pt], cells[po], self.df, self.least())

    def assign_many(self, docs: Sequence[tuple[str, np.ndarray, list[int] | None]],
                    slots: Sequence[Slots | None] | None = None,
                    digests: Sequence[bytes | None] | None = None) -> list[tuple[int, float]]:
        """`assign` for many (doc id, signature, bands) in order, with the same answers.

        The founders that exist as the batch starts are earlier than any the batch founds, so every
        document's candidates among them (`Buckets.pairs`) and their plain overlaps are computed at once,
        in blocks of candidate pairs; in order, a document then tries those that pass, earliest first,
        and only after them the founders of this batch (few, in a small dict). `digests`: each document's
        `templates.digest`, where a worker computed it already."""
        slots = [None] * len(docs) if slots is None else slots
        hashes = [digest(sig, sl) if h is None else h
                  for (_d, sig, _b), sl, h in zip(docs, slots, digests or [None] * len(docs), strict=True)]
        known = self._known
        least0 = self.least()
        keys = [bands(sig) if b is None else b for _d, sig, b in docs]
        self.buckets.flush()
        out: list[tuple[int, float] | None] = [(k[0], k[1]) if (k := known.get(h)) is not None and k[2] == least0
                                               else None for h in hashes]
        need = [i for i, a in enumerate(out) if a is None]  # the rest: a repost's answer, known already
        looked = set(need)
        sig32 = cells = np.zeros((0, NUM_PERM), dtype=np.uint32)
        karr = np.asarray(keys, dtype=np.uint32).reshape(len(docs), BANDS)
        if docs:
            sig32 = np.stack([np.asarray(sig) for _d, sig, _b in docs]).astype(np.uint32)
            cells = bp.cells(sig32)
        # the documents of this batch sharing a band with each (the batch's founders among them are candidates)
        early = self.buckets.earlier(karr)
        founded_at = np.full(len(docs), -1, dtype=np.int64)  # template number of the ones that found one
        # each document's earlier founders passing the plain threshold with slots agreeing: pt[bound[i]:bound[i + 1]]
        # (earliest first), and the first of them passing with the counts as the batch starts
        po, pt, pj = self._passing(need, karr, sig32, cells, [slots[i] for i in need])
        bound = np.searchsorted(po, np.arange(len(docs) + 1)).tolist()
        good = np.flatnonzero(pj >= self.threshold)
        good = good[np.r_[True, po[good][1:] != po[good][:-1]]] if len(good) else good
        first = dict(zip(po[good].tolist(), zip(pt[good].tolist(), pj[good].tolist(), strict=True), strict=True))
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
        least = now = self._least0 = self.least()
        founders = len(self.founder_doc)
        ptr = early[0].tolist() if early is not None else []
        result: list[tuple[int, float]] = []
        for i, (ans, (d, sig, _b), ks, h, sl) in enumerate(zip(out, docs, keys, hashes, slots, strict=True)):
            # in order: earlier documents of this batch may have founded templates (raising the
            # boilerplate counts) or founded this very skeleton's template
            got = None
            if len(self.founder_doc) != founders:
                founders, now = len(self.founder_doc), self.least()
            if ans is not None:
                got = self._still(sig, ans[0], start[i], now != least, cells[i], sig32[i])
            if got is None and (k := known.get(h)) is not None and k[2] == now:
                got = self.recheck(sig, k[0], cells[i])
            old: list[int] = []
            if got is None and i in looked:
                if bound[i + 1] > bound[i]:
                    got = self._earliest(pt[bound[i]:bound[i + 1]], first.get(i), now != least, cells[i], sig32[i])
            elif got is None:  # a known answer that no longer holds: its candidates are looked up again
                old = self.buckets.lookup(ks)
            if got is None:
                # then this batch's founders, as `assign` would
                if early is not None:
                    mine = founded_at[early[1][ptr[i]:ptr[i + 1]]] if ptr[i + 1] > ptr[i] else founded_at[:0]
                    recent = mine[mine >= 0].tolist()  # earlier rows: their founders ascending
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
