"""LSH buckets of template founders in two flat numpy arrays, not a dict of Python lists.

Each founder puts its 16 band keys (`templates.bands`, 32-bit CRCs) in the index. At a million realistic
ads some 750,000 ads found a template: as a dict of lists that was ~12M lists and ~12M int objects (an
estimated ~2 GB, and millions of objects for the garbage collector to walk again and again); here it is
the sorted key array and the founder of each entry, 8 bytes an entry. A batch's new founders wait in a
small dict (later documents of the same batch must find them) until `flush` merges them into the arrays
in one step. A whole batch's candidates are looked up at once (`pairs`): one `searchsorted`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

FLUSH_AT = 1 << 18  # pending entries after which `add` merges them (callers outside a batch)


def _distinct(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values: `np.unique`, which on numpy 2.4 took 20x as long as sorting (4.3 s against
    0.2 s for 3M int64)."""
    out = np.sort(values)
    return out[np.r_[True, out[1:] != out[:-1]]] if len(out) else out


class Buckets:
    """band key -> founders holding it (ascending), as `dict[int, list[int]]` answered it."""

    def __init__(self) -> None:
        self.keys = np.zeros(0, dtype=np.uint32)  # sorted; equal keys in founder order
        self.ts = np.zeros(0, dtype=np.int32)
        self._new: dict[int, list[int]] = {}  # added since the last flush (founders later than all above)
        self._pending = 0

    def __len__(self) -> int:
        return len(self.keys) + self._pending

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
        order = np.lexsort((ts, keys))  # by key, a key's founders ascending
        keys, ts = keys[order], ts[order]
        at = np.searchsorted(self.keys, keys, side="right")  # after the earlier founders of the key
        self.keys = np.insert(self.keys, at, keys)
        self.ts = np.insert(self.ts, at, ts)

    def lookup(self, keys: Sequence[int]) -> list[int]:
        """Distinct founders holding any of `keys`, ascending."""
        out: set[int] = set()
        if len(self.keys):
            q = np.asarray(keys, dtype=np.uint32)
            lo = np.searchsorted(self.keys, q, side="left")
            hi = np.searchsorted(self.keys, q, side="right")
            for a, b in zip(lo.tolist(), hi.tolist(), strict=True):
                if b > a:
                    out.update(self.ts[a:b].tolist())
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
        if keys.size == 0 or len(self.keys) == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        flat = keys.reshape(-1)
        lo = np.searchsorted(self.keys, flat, side="left")
        hi = np.searchsorted(self.keys, flat, side="right")
        counts = hi - lo
        total = int(counts.sum())
        if total == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        hit = np.flatnonzero(counts)
        counts, lo = counts[hit], lo[hit]
        starts = np.cumsum(counts) - counts
        at = np.repeat(lo - starts, counts) + np.arange(total)
        rows = np.repeat(hit // keys.shape[1], counts).astype(np.int64)
        pair = _distinct((rows << np.int64(32)) | self.ts[at].astype(np.int64))
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
        kr = _distinct((keys.reshape(-1).astype(np.int64) << np.int64(32)) | rows)  # (key, row), distinct
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
        pair = _distinct((r[at] << np.int64(32)) | r[back])  # (row, earlier row), distinct, sorted
        later, before = pair >> np.int64(32), pair & np.int64(0xFFFFFFFF)
        ptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(later, minlength=n), out=ptr[1:])
        return ptr, before

    def rows(self) -> tuple[np.ndarray, np.ndarray]:
        """Every (band key, founder) entry, as two arrays (flushes first)."""
        self.flush()
        return self.keys, self.ts

    def as_dict(self) -> dict[int, list[int]]:
        """The buckets as the dict of lists they replace (tests)."""
        out: dict[int, list[int]] = {}
        for key, t in zip(*(a.tolist() for a in self.rows()), strict=True):
            out.setdefault(key, []).append(t)
        return out
