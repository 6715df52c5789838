"""Connected components of the document--key graph: the one union-find every linker path uses.

A cluster is named after its earliest document, so every root here is the smallest member of its set.
`UnionFind` joins documents one pair at a time (the in-memory linker while it links batch by batch, the
incremental run over the tables); `smallest_members` does a whole edge list at once with scipy's
connected components (a rebuild's deferred unions, the engine's clustering on its driver).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components


class UnionFind:
    """Disjoint sets of ints, each rooted at its smallest member.

    `sparse=True` keeps the parents in a dict, for a few members with large numbers (the incremental
    run re-links some clusters of a big store); otherwise members are 0..n-1 in a list."""

    def __init__(self, members: Iterable[int] = (), *, sparse: bool = False) -> None:
        self.parent: list[int] | dict[int, int] = {} if sparse else []
        for x in members:
            self.add(x)

    def add(self, x: int) -> None:
        """A new singleton set; in the list form `x` must be the next number."""
        if isinstance(self.parent, dict):
            self.parent[x] = x
        else:
            assert x == len(self.parent), "members of the list form are added in order"
            self.parent.append(x)

    def grow(self, n: int) -> None:
        """Singletons for the members not yet added below `n` (the list form)."""
        assert isinstance(self.parent, list), "the list form grows in order"
        self.parent.extend(range(len(self.parent), n))

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]  # path halving
            x = parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:  # the smaller becomes the root: the root is the earliest document
            if ra < rb:
                self.parent[rb] = ra
            else:
                self.parent[ra] = rb

    def reset(self, members: Iterable[int]) -> None:
        """Make each of `members` a singleton again (the caller re-joins them)."""
        for x in members:
            self.parent[x] = x

    def set_roots(self, roots: np.ndarray) -> None:
        """Replace the list form by flat sets: member i rooted at roots[i] (each root its set's smallest)."""
        self.parent = roots.tolist()


def smallest_members(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """For members 0..n-1 joined by the edges a[i]--b[i]: each member's smallest member of its component."""
    if n == 0:
        return np.zeros(0, np.int64)
    graph = coo_matrix((np.ones(len(a), np.int8), (np.asarray(a, np.int64), np.asarray(b, np.int64))), shape=(n, n))
    _count, label = connected_components(graph, directed=True, connection="weak")
    least = np.full(int(label.max()) + 1, n, dtype=np.int64)
    np.minimum.at(least, label, np.arange(n, dtype=np.int64))
    return np.asarray(least[label], dtype=np.int64)
