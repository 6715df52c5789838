"""LSH buckets of template founders in two flat numpy arrays, not a dict of Python lists.

Each founder puts its 16 band keys (`templates.bands`, 32-bit CRCs) in the index. At a million realistic
ads some 750,000 ads found a template: as a dict of lists that was ~12M lists and ~12M int objects (an
estimated ~2 GB, and millions of objects for the garbage collector to walk again and again); here it is
the sorted key array and the founder of each entry, 8 bytes an entry. A batch's new founders wait in a
small dict (later documents of the same batch must find them) until `flush` merges them into a sorted
*tail* (two more arrays, searched too); the tail is merged into the main arrays only once it holds more
than `TAIL_FRACTION` of them. Merging every batch into the main arrays copied both (16M entries at 1M
ads) once a batch; with the tail a batch copies the tail, and the main arrays are copied a few dozen
times over a whole rebuild (amortised). A whole batch's candidates are looked up at once (`pairs`): one
`searchsorted` in each part.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

FLUSH_AT = 1 << 18  # pending entries after which `add` merges them (callers outside a batch)
TAIL_FRACTION = 0.25  # the tail is merged into the main arrays when it holds more than this share of them
TAIL_MIN = 1 << 18  # ... and more entries than this (small indexes: one part is enough)


def distinct(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values: `np.unique`, which on numpy 2.4 took 20x as long as sorting (4.3 s against
    0.2 s for 3M int64)."""
    out = np.sort(values)
    return out[np.r_[True, out[1:] != out[:-1]]] if len(out) else out


class Buckets:
    """band key -> founders holding it (ascending), as `dict[int, list[int]]` answered it."""

    def __init__(self) -> None:
        self.keys = np.zeros(0, dtype=np.uint32)  # sorted; equal keys in founder order
        self.ts = np.zeros(0, dtype=np.int32)
        self.tail_keys = np.zeros(0, dtype=np.uint32)  # the same for founders later than all in the main arrays
        self.tail_ts = np.zeros(0, dtype=np.int32)
        self._new: dict[int, list[int]] = {}  # added since the last flush (founders later than all above)
        self._pending = 0

    def __len__(self) -> int:
        return len(self.keys) + len(self.tail_keys) + self._pending

    def _parts(self) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
        """The sorted (keys, founders) parts, earlier founders first."""
        if len(self.tail_keys):
            return (self.keys, self.ts), (self.tail_keys, self.tail_ts)
        return ((self.keys, self.ts),)

    def add(self, t: int, keys: Iterable[int]) -> None:
        """Founder `t` (later than every founder added before) holds `keys`."""
        new = self._new
        for key in keys:
            hit = new.get(key)
            if hit is None:
                new[key] = [t]
            else:
                hit.append(t)
            self._pending += 1

    def add_many(self, ts: np.ndarray, keys: np.ndarray) -> None:
        """Founders `ts` (ascending, later than every founder added before) hold the rows of `keys`."""
        self.flush()
        self._merge(np.asarray(keys, dtype=np.uint32).reshape(-1),
                    np.repeat(np.asarray(ts, dtype=np.int32), np.asarray(keys).shape[1] if len(ts) else 0))

    def flush(self) -> None:
        """Merge the pending founders into the arrays (they are later than all there: they go last in a key)."""
        if not self._new:
            return
        n = self._pending
        keys = np.empty(n, dtype=np.uint32)
        ts = np.empty(n, dtype=np.int32)
        i = 0
        for key, hit in self._new.items():
            keys[i:i + len(hit)] = key
            ts[i:i + len(hit)] = hit
            i += len(hit)
        self._new.clear()
        self._pending = 0
        self._merge(keys, ts)

    def _merge(self, keys: np.ndarray, ts: np.ndarray) -> None:
        """Founders later than all indexed go into the tail; the tail into the main arrays when it is big."""
        # by key, a key's founders ascending: one sort of (key << 32 | founder), quicker than `np.lexsort`
        code = np.sort((keys.astype(np.uint64) << np.uint64(32)) | ts.astype(np.uint64))  # (founders >= 0)
        keys, ts = (code >> np.uint64(32)).astype(np.uint32), (code & np.uint64(0xFFFFFFFF)).astype(np.int32)
        self.tail_keys, self.tail_ts = _insert(self.tail_keys, self.tail_ts, keys, ts)
        if len(self.tail_keys) > max(TAIL_MIN, TAIL_FRACTION * len(self.keys)):
            self.compact()

    def compact(self) -> None:
        """Merge the tail into the main arrays (the answers do not change)."""
        if len(self.tail_keys):
            self.keys, self.ts = _insert(self.keys, self.ts, self.tail_keys, self.tail_ts)
            self.tail_keys, self.tail_ts = self.tail_keys[:0], self.tail_ts[:0]

    def lookup(self, keys: Sequence[int]) -> list[int]:
        """Distinct founders holding any of `keys`, ascending."""
        out: set[int] = set()
        for karr, tarr in self._parts():
            if len(karr):
                q = np.asarray(keys, dtype=np.uint32)
                lo = np.searchsorted(karr, q, side="left")
                hi = np.searchsorted(karr, q, side="right")
                for a, b in zip(lo.tolist(), hi.tolist(), strict=True):
                    if b > a:
                        out.update(tarr[a:b].tolist())
        out.update(self.recent(keys))
        return sorted(out)

    def recent(self, keys: Iterable[int]) -> set[int]:
        """Founders added since the last flush holding any of `keys`."""
        out: set[int] = set()
        new = self._new
        if new:
            for key in keys:
                hit = new.get(key)
                if hit:
                    out.update(hit)
        return out

    def pairs(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(row, founder) pairs, distinct, sorted by row then founder, for a (rows x bands) key matrix:
        every flushed founder sharing a key with the row (call `flush` first for all of them)."""
        keys = np.asarray(keys, dtype=np.uint32)
        parts = [part for part in self._parts() if len(part[0])]
        if not parts or not keys.size:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        # the batch's distinct keys, sorted once for every part: numpy's binary search starts from the last
        # answer, so sorted needles walk the big array one way (cache-friendly); np.sort is far quicker than
        # the argsort this replaced (a stable argsort of 160,000 uint32 took ~25x as long)
        flat = keys.reshape(-1)
        needles = distinct(flat)
        which = np.searchsorted(needles, flat)
        found = [p for karr, tarr in parts for p in [_pairs(karr, tarr, needles, which, keys.shape[1])] if len(p)]
        if not found:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        # (a founder is in one part only: the parts' pairs never repeat each other)
        pair = np.sort(np.concatenate(found)) if len(found) > 1 else found[0]
        return pair >> np.int64(32), pair & np.int64(0xFFFFFFFF)

    @staticmethod
    def earlier(keys: np.ndarray, limit: int = 1 << 24) -> tuple[np.ndarray, np.ndarray] | None:
        """For a (rows x bands) key matrix: (ptr, before) with before[ptr[i]:ptr[i + 1]] the earlier rows
        sharing a key with row i, ascending (CSR); None when there would be more than `limit` pairs."""
        keys = np.asarray(keys, dtype=np.uint32)
        n = keys.shape[0]
        empty = np.zeros(n + 1, dtype=np.int64), np.zeros(0, dtype=np.int64)
        if n < 2:
            return empty
        rows = np.repeat(np.arange(n, dtype=np.int64), keys.shape[1])
        kr = distinct((keys.reshape(-1).astype(np.int64) << np.int64(32)) | rows)  # (key, row), distinct
        k, r = kr >> np.int64(32), kr & np.int64(0xFFFFFFFF)
        new_run = np.r_[True, k[1:] != k[:-1]]
        run_start = np.maximum.accumulate(np.where(new_run, np.arange(len(k)), 0))
        offset = np.arange(len(k)) - run_start  # earlier rows of the same key before this entry
        total = int(offset.sum())
        if total > limit:
            return None
        if total == 0:
            return empty
        at = np.repeat(np.arange(len(k)), offset)
        back = np.repeat(run_start, offset) + (np.arange(total) - np.repeat(np.cumsum(offset) - offset, offset))
        pair = distinct((r[at] << np.int64(32)) | r[back])  # (row, earlier row), distinct, sorted
        later, before = pair >> np.int64(32), pair & np.int64(0xFFFFFFFF)
        ptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(later, minlength=n), out=ptr[1:])
        return ptr, before

    def rows(self) -> tuple[np.ndarray, np.ndarray]:
        """Every (band key, founder) entry, as two arrays sorted by key (flushes and compacts first)."""
        self.flush()
        self.compact()
        return self.keys, self.ts

    def as_dict(self) -> dict[int, list[int]]:
        """The buckets as the dict of lists they replace (tests)."""
        out: dict[int, list[int]] = {}
        for key, t in zip(*(a.tolist() for a in self.rows()), strict=True):
            out.setdefault(key, []).append(t)
        return out


def _insert(keys: np.ndarray, ts: np.ndarray, new_keys: np.ndarray, new_ts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted (keys, ts) with sorted entries of later founders merged in (after a key's earlier founders)."""
    at = np.searchsorted(keys, new_keys, side="right")
    return np.insert(keys, at, new_keys), np.insert(ts, at, new_ts)


def _pairs(karr: np.ndarray, tarr: np.ndarray, needles: np.ndarray, which: np.ndarray, width: int) -> np.ndarray:
    """Distinct (row << 32 | founder), sorted, of the rows of a (rows x `width`) key matrix, given as its sorted
    distinct keys `needles` and each entry's index `which` in them, and the founders of one sorted part."""
    lo = np.searchsorted(karr, needles, side="left")[which]
    hi = np.searchsorted(karr, needles, side="right")[which]
    counts = hi - lo
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    hit = np.flatnonzero(counts)
    counts, lo = counts[hit], lo[hit]
    starts = np.cumsum(counts) - counts
    at = np.repeat(lo - starts, counts) + np.arange(total)
    rows = np.repeat(hit // width, counts).astype(np.int64)
    return distinct((rows << np.int64(32)) | tarr[at].astype(np.int64))
