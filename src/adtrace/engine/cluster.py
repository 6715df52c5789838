"""Clusters from the edge buckets: connected components on the driver, or label propagation on the engine.

Both give each document the smallest seq in its connected component (the linker's rule: a cluster
is named after its earliest document), so the two methods agree exactly and a test holds them to it.
On the driver, the linker's own components (`adtrace.linking.components`) read every non-hub edge into
its memory: fine while the edge list fits.
Label propagation keeps only one int64 label per document on the driver (in a shared .npy file);
each round, every key bucket's task takes the minimum label over each key's documents.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.compute as pc
import pyarrow.parquet as pq

from adtrace.linking.components import smallest_members

DEFAULT_MAX_DRIVER_EDGES = 20_000_000
MAX_ROUNDS = 200

Mapper = Callable[[Callable[[Any], Any], Sequence[Any]], list[Any]]


def _pairs(edge_file: Path) -> tuple[np.ndarray, np.ndarray]:
    """(key number, seq) of the non-hub edges of one bucket, sorted by key then seq."""
    t = pq.read_table(edge_file, columns=["key", "hub", "seq"])
    t = t.filter(pc.invert(t.column("hub")))
    if t.num_rows == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    codes = np.asarray(pc.dictionary_encode(t.column("key")).combine_chunks().indices, dtype=np.int64)
    seqs = t.column("seq").to_numpy()
    order = np.lexsort((seqs, codes))
    return codes[order], seqs[order]


def union_find(edge_files: list[Path], n_docs: int) -> np.ndarray:
    """Each document's smallest seq in its component: every edge joins a document to its key's first."""
    a, b = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
    for f in edge_files:
        codes, seqs = _pairs(f)
        if not len(codes):
            continue
        starts = np.r_[0, np.nonzero(np.diff(codes))[0] + 1]
        a.append(seqs)
        b.append(np.repeat(seqs[starts], np.diff(np.r_[starts, len(codes)])))
    return smallest_members(n_docs, np.concatenate(a), np.concatenate(b))


@dataclass(frozen=True)
class PropagateTask:
    edge_file: str
    labels_file: str


def propagate_bucket(task: PropagateTask) -> tuple[np.ndarray, np.ndarray]:
    """Worker: for each key, the minimum label over its documents, proposed to each of them."""
    codes, seqs = _pairs(Path(task.edge_file))
    if not len(codes):
        return seqs, seqs
    labels = np.load(task.labels_file, mmap_mode="r")
    starts = np.r_[0, np.nonzero(np.diff(codes))[0] + 1]
    mins = np.minimum.reduceat(np.asarray(labels[seqs]), starts)
    proposal = np.repeat(mins, np.diff(np.r_[starts, len(codes)]))
    # One proposal per document: its smallest across the keys of this bucket.
    order = np.lexsort((proposal, seqs))
    seqs, proposal = seqs[order], proposal[order]
    first = np.r_[True, seqs[1:] != seqs[:-1]]
    return seqs[first], proposal[first]


def label_propagation(edge_files: list[Path], n_docs: int, work: Path, mapper: Mapper) -> tuple[np.ndarray, int]:
    """Rounds of min-label propagation with pointer jumping, until no label changes."""
    labels = np.arange(n_docs, dtype=np.int64)
    path = work / "labels.npy"
    tasks = [PropagateTask(str(f), str(path)) for f in edge_files]
    for rounds in range(1, MAX_ROUNDS + 1):
        np.save(path, labels)
        new = labels.copy()
        for seqs, proposal in mapper(propagate_bucket, tasks):
            np.minimum.at(new, seqs, proposal)
        while True:  # pointer jumping: a label's own label is in the same component and no larger
            jumped = new[new]
            if np.array_equal(jumped, new):
                break
            new = jumped
        if np.array_equal(new, labels):
            return labels, rounds
        labels = new
    raise RuntimeError(f"label propagation did not settle in {MAX_ROUNDS} rounds")
