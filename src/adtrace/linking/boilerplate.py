"""Boilerplate is not a link: wording many unrelated templates share stops counting as shared wording.

Site disclaimers ("no law enforcement"), common rate tables and stock phrases sit in the ads of many
posters. Two unrelated ads that both carry a long disclaimer overlap a lot, and the template linker
would join them the way a shared agency number would. So the overlap of two skeletons is measured
without their boilerplate.

A MinHash signature holds, per permutation, the smallest hash of the ad's shingles; when two ads agree
at a position, they share that shingle. The document frequency of a (position, value) pair — how many
template *founders* (distinct templates, not reposts) hold it — says whether that shingle is common
wording: held by `min_count` founders or more (3, or 0.2 % of the founders so far when that is more:
a bigger corpus repeats more), it is boilerplate. The overlap of an ad with a founder is
then the share of agreeing positions among the positions that are not boilerplate agreements:

    J' = (agree - agree_on_boilerplate) / (NUM_PERM - agree_on_boilerplate)

which is never above the plain estimate. An ad whose agreement is almost all boilerplate (fewer than
`MIN_INFORMATIVE` positions left) matches nothing.

The frequencies are counted in ingest order, founder by founder (an ad is compared with the counts of
the founders before it), so an incremental run and a rebuild in the same order give the same answer.
They are kept in a fixed-size count sketch (`CELLS` one-byte counters, saturating, one cell per
hashed (position, value) pair) rather than one row per pair, which at a million ads would be tens of
millions of rows; the sketch is stored as `CHUNK`-cell rows of `link_template_df` (migration 0017).
A collision can only raise a count: at 1M ads (~25M founder values) about 5 % of one-founder values
share a cell with two others, which lowers J' by a little for the ads agreeing on them.

Chosen on the real dev ads (bench/link.py --real; templates only; measured 2026-12-06, one-off
comparisons of 12 settings, then of the share): DF_MIN 3, MIN_INFORMATIVE 8, threshold 0.65 gave pair
precision 0.9166 at recall 0.3025 (B-cubed F1 0.890) against 0.9034 at 0.3017 (0.889) without the rule
(threshold 0.7). A fixed 3 cut template recall on the synthetic corpus (20,000 ads, where founders are
7x as many: templates-only pairs 18,644 -> 1,022); scaling with the founders (DF_SHARE 0.002, among
0.001-0.01 tried) keeps more of it (7,745 pairs) and gives 0.9176 at 0.3068 (0.8915) on the real ads.
"""

from __future__ import annotations

import numpy as np

DF_MIN = 3  # founders holding a (position, value) for it to be boilerplate, at least
DF_SHARE = 0.002  # ... or this share of all founders so far, when more (a bigger corpus repeats more)
MIN_INFORMATIVE = 8  # positions that must remain once boilerplate agreements are set aside
CELL_BITS = 26
CELLS = 1 << CELL_BITS  # 64 MB of uint8; numpy's zeros are not touched until written
CHUNK = 1 << 16  # cells per stored row
SATURATE = 255
_SALT = np.arange(64, dtype=np.uint32) * np.uint32(0x9E3779B1)  # one per position (NUM_PERM = 64)


def min_count(founders: int) -> int:
    """Founders that must hold a (position, value) for it to be boilerplate, with `founders` so far."""
    return max(DF_MIN, min(SATURATE, int(DF_SHARE * founders)))  # counts saturate at SATURATE


def new_counts() -> np.ndarray:
    return np.zeros(CELLS, dtype=np.uint8)


def cells(sig: np.ndarray) -> np.ndarray:
    """The sketch cell of each (position, value) of a signature (or of a matrix of them, row-wise)."""
    v = np.asarray(sig).astype(np.uint32) ^ _SALT[: np.asarray(sig).shape[-1]]
    v = v ^ (v >> np.uint32(16))
    v = v * np.uint32(0x85EBCA6B)
    v = v ^ (v >> np.uint32(13))
    v = v * np.uint32(0xC2B2AE35)
    v = v ^ (v >> np.uint32(16))
    out: np.ndarray = (v >> np.uint32(32 - CELL_BITS)).astype(np.int64)
    return out


def add(counts: np.ndarray, sig: np.ndarray, sig_cells: np.ndarray | None = None) -> np.ndarray:
    """Count one new founder (`sig_cells`: its `cells`, when known); returns the cells it touched."""
    c = cells(sig) if sig_cells is None else sig_cells
    v = counts[c]
    # a founder adds one to a cell at most: a cell twice in `c` reads the same v and writes the same v + 1
    # (no sort and dedupe per founder: they cost more than the counting)
    counts[c] = v + (v < SATURATE)
    return c


def add_reaching(counts: np.ndarray, sig_cells: np.ndarray, least: int) -> np.ndarray:
    """`add` one founder by its cells; returns the cells whose count it brought up to `least` (from below).

    Only those change whether an agreement there is boilerplate at `least`: a cell already at `least` or
    above (255, saturated, once `least` is 255 at about 128,000 founders) stays boilerplate."""
    v = counts[sig_cells]
    counts[sig_cells] = v + (v < SATURATE)
    out: np.ndarray = sig_cells[v == least - 1]
    return out


def add_many(counts: np.ndarray, matrix: np.ndarray) -> None:
    """Count many founders at once (rebuilding the sketch from stored founders)."""
    if len(matrix) == 0:
        return
    cs = cells(matrix)
    cs.sort(axis=1)
    keep = np.ones(cs.shape, dtype=bool)
    keep[:, 1:] = cs[:, 1:] != cs[:, :-1]  # as `add`: once per founder
    idx, n = np.unique(cs[keep], return_counts=True)
    counts[idx] = np.minimum(counts[idx].astype(np.int64) + n, SATURATE).astype(np.uint8)


def overlap_rows(sigs: np.ndarray, founders: np.ndarray, sig_cells: np.ndarray, counts: np.ndarray,
                 least: int = DF_MIN) -> np.ndarray:
    """`overlap` row by row (uint32 signatures, their `cells`, the founders' rows), in one numpy step."""
    eq = founders == sigs
    boiler = np.count_nonzero(eq & (counts[sig_cells] >= least), axis=1)
    agree = np.count_nonzero(eq, axis=1)
    left = eq.shape[1] - boiler
    out: np.ndarray = np.where(left >= MIN_INFORMATIVE, (agree - boiler) / np.maximum(left, 1), 0.0)
    return out


def overlap(sig: np.ndarray, founder: np.ndarray, counts: np.ndarray, sig_cells: np.ndarray | None = None,
            least: int = DF_MIN) -> float:
    """J' of an ad's signature with a founder's, boilerplate agreements set aside (`sig_cells`: its `cells`;
    `least`: `min_count` of the founders so far)."""
    eq = np.asarray(founder, dtype=np.uint32) == np.asarray(sig, dtype=np.uint32)
    agree = int(np.count_nonzero(eq))
    if not agree:
        return 0.0
    boiler = int(np.count_nonzero(counts[(cells(sig) if sig_cells is None else sig_cells)[eq]] >= least))
    left = len(eq) - boiler
    return (agree - boiler) / left if left >= MIN_INFORMATIVE else 0.0


def chunks(counts: np.ndarray, which: np.ndarray | None = None) -> list[tuple[int, bytes]]:
    """(chunk number, bytes) rows: the non-empty chunks, or those holding cells `which`."""
    if which is None:
        nz = np.flatnonzero(counts.reshape(-1, CHUNK).any(axis=1))
    else:
        nz = np.unique(np.asarray(which) // CHUNK)
    return [(int(c), counts[int(c) * CHUNK:(int(c) + 1) * CHUNK].tobytes()) for c in nz]


def from_chunks(rows: list[tuple[int, bytes]]) -> np.ndarray:
    counts = new_counts()
    for c, raw in rows:
        counts[c * CHUNK:(c + 1) * CHUNK] = np.frombuffer(raw, dtype=np.uint8)
    return counts
