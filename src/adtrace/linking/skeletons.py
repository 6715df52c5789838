"""Template skeletons of many documents at once: their word-3-gram hashes in one numpy pass.

`templates.skeleton_hashes` joins each 3-gram into a string and takes its CRC-32, about 70 Python
string operations and calls an ad; this module computes the very same CRC-32 values (so the same
signatures, founders and clusters) from each distinct *word's* CRC. CRC-32 is linear over GF(2): for
strings A and B, crc(A + B) = shift(crc(A), len(B)) ^ crc(B), where shift is multiplication by
x^(8 len(B)) modulo the CRC polynomial (zlib's `crc32_combine`). Shifting by n bytes is a fixed linear
map of the 32-bit value, so it is four 256-entry table look-ups, one per byte; the tables for
n = 0..`MAX_SHIFT` are built once from zlib itself. A 3-gram "a b c" is then
shift(shift(crc("a "), len("b ")) ^ crc("b "), len("c")) ^ crc("c") over whole arrays, and only the
rare 3-gram with a word longer than `MAX_SHIFT` bytes is hashed the slow way.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

import numpy as np

from adtrace.linking import templates as tp

MAX_SHIFT = 64  # bytes: longer words (rare) take the string path
_PROBE = 8  # 3-grams looked at for the quick "at least MIN_SHINGLES distinct" test


@cache
def _tables() -> np.ndarray:
    """(MAX_SHIFT + 1) * 4 * 256 uint32: entry [n, j, v] is shift_n(v << 8j)."""
    out = np.zeros((MAX_SHIFT + 1, 4, 256), dtype=np.uint32)
    vals = [v << (8 * j) for j in range(4) for v in range(256)]
    for n in range(MAX_SHIFT + 1):
        zeros = bytes(n)
        base = zlib.crc32(zeros)
        # crc(A + zeros) = shift_n(crc(A)) ^ crc(zeros), and zlib.crc32(zeros, c) continues from crc c
        out[n] = np.asarray([zlib.crc32(zeros, c) ^ base for c in vals], dtype=np.uint32).reshape(4, 256)
    return out.reshape(-1)


def _shift(crc: np.ndarray, n: np.ndarray) -> np.ndarray:
    """crc * x^(8n) mod P, element-wise (0 <= n <= MAX_SHIFT)."""
    t = _tables()
    base = n.astype(np.int64) * 1024
    out: np.ndarray = (t[base + (crc & 0xFF)] ^ t[base + 256 + ((crc >> 8) & 0xFF)]
                       ^ t[base + 512 + ((crc >> 16) & 0xFF)] ^ t[base + 768 + (crc >> 24)])
    return out


def skeleton_hashes_many(docs: Sequence[tuple[str, Mapping[str, Any]]]) -> list[np.ndarray | None]:
    """`templates.skeleton_hashes` of many (text, Record): equal values (a 3-gram repeated in one
    document may appear more than once here, which changes no MinHash minimum)."""
    toks = [tp.tokens(tp.mask(text, record)) for text, record in docs]
    counts = np.fromiter(map(len, toks), dtype=np.int64, count=len(toks))
    windows = np.maximum(counts - (tp.SHINGLE - 1), 0)
    out: list[np.ndarray | None] = [None] * len(docs)
    if not windows.any():
        return out
    flat = [w for ts in toks for w in ts]
    vocab = dict(zip(dict.fromkeys(flat), range(len(flat)), strict=False))  # word -> number, first seen first
    ids = np.fromiter(map(vocab.__getitem__, flat), dtype=np.int64, count=len(flat))
    words = [w.encode() for w in vocab]
    spaced = np.fromiter((zlib.crc32(b + b" ") for b in words), dtype=np.uint32, count=len(words))
    bare = np.fromiter((zlib.crc32(b) for b in words), dtype=np.uint32, count=len(words))
    length = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
    # window w of document d starts at token first[d] + w, for w < windows[d]
    first = np.cumsum(counts) - counts
    doc_of = np.repeat(np.arange(len(docs)), windows)
    at = np.arange(int(windows.sum())) - np.repeat(np.cumsum(windows) - windows, windows) + first[doc_of]
    a, b, c = ids[at], ids[at + 1], ids[at + 2]
    lb, lc = length[b] + 1, length[c]
    long = (lb > MAX_SHIFT) | (lc > MAX_SHIFT)
    h = _shift(_shift(spaced[a], np.minimum(lb, MAX_SHIFT)) ^ spaced[b], np.minimum(lc, MAX_SHIFT)) ^ bare[c]
    for p in np.flatnonzero(long).tolist():
        h[p] = zlib.crc32(b" ".join((words[a[p]], words[b[p]], words[c[p]])))
    ends = np.cumsum(windows)
    starts = ends - windows
    # Distinct hashes are distinct 3-grams: a document whose first _PROBE 3-grams hash to MIN_SHINGLES
    # values or more has enough; only a repetitive one is counted exactly, as `shingles` does.
    enough = np.flatnonzero(windows >= tp.MIN_SHINGLES)
    probe = np.sort(h[starts[enough, None] + np.minimum(np.arange(_PROBE), windows[enough, None] - 1)], axis=1)
    distinct = 1 + np.count_nonzero(probe[:, 1:] != probe[:, :-1], axis=1)
    for d, n in zip(enough.tolist(), distinct.tolist(), strict=True):
        if n >= tp.MIN_SHINGLES or len(tp.shingles(toks[d])) >= tp.MIN_SHINGLES:
            out[d] = h[starts[d]:ends[d]]
    return out


@cache
def _byte_table() -> np.ndarray:
    """The CRC-32 byte table (zlib's polynomial, reflected), from zlib: entry v is crc of byte v from state 0."""
    # crc32(b, c) for one byte b steps the state: c' = T[(c ^ b) & 0xFF] ^ (c >> 8), with zlib's ~ on the way
    # in and out; T[v] is that step from state v with byte 0, undone of the ~s.
    return np.asarray([zlib.crc32(b"\0", v ^ 0xFFFFFFFF) ^ 0xFFFFFFFF for v in range(256)], dtype=np.uint32)


def bands_many(sigs: np.ndarray) -> np.ndarray:
    """`templates.bands` of many signatures (rows): one (len(sigs), BANDS) uint32 array of equal values.

    A band's bucket is zlib.crc32 of its ROWS uint32 values (little-endian bytes) started from the band's
    number; here every band of every signature steps through its bytes at once."""
    raw = np.ascontiguousarray(np.asarray(sigs).astype("<u4")).view(np.uint8).reshape(len(sigs), tp.BANDS, -1)
    t = _byte_table()
    crc = np.broadcast_to(np.arange(tp.BANDS, dtype=np.uint32) ^ np.uint32(0xFFFFFFFF), raw.shape[:2]).copy()
    for k in range(raw.shape[2]):
        crc = t[(crc ^ raw[:, :, k]) & 0xFF] ^ (crc >> np.uint32(8))
    out: np.ndarray = crc ^ np.uint32(0xFFFFFFFF)
    return out
