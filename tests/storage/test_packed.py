"""Integer rows inserted packed (`adtrace.storage.packed`) come out as they went in, NULLs and all, on SQLite
(packed into one integer a row, or as tuples when a row needs over 63 bits) and on PostgreSQL (COPY)."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from sqlalchemy import text

from adtrace.storage import Store
from adtrace.storage.db import engine_of
from adtrace.storage.packed import NULL, _fields, insert_ints_steps


def _roundtrip(store: Store, columns: list[np.ndarray], batch: int = 3) -> list[tuple[int, int, int | None]]:
    with engine_of(store).begin() as conn:
        conn.execute(text("DELETE FROM link_postings"))
        for _ in insert_ints_steps(conn, "link_postings", ("k", "d", "detail"), columns, batch=batch):
            pass
        return [tuple(r) for r in conn.execute(text("SELECT k, d, detail FROM link_postings ORDER BY k, d"))]


def _expected(columns: list[np.ndarray]) -> list[tuple[int, int, int | None]]:
    rows = zip(*(c.tolist() for c in columns), strict=True)
    return sorted((k, d, None if x == NULL else x) for k, d, x in rows)


@pytest.fixture
def columns() -> Iterator[list[np.ndarray]]:
    rng = np.random.default_rng(7)
    ks = np.sort(rng.integers(0, 5000, 200))
    ds = rng.permutation(10_000)[:200].astype(np.int64)
    detail = np.where(rng.random(200) < 0.5, rng.integers(-1, 101, 200), NULL)
    detail[0], detail[1] = -1, 100  # the edges of the range
    yield [ks.astype(np.int64), ds, detail]


def test_packed_rows_equal_the_rows_given(store: Store, columns: list[np.ndarray]) -> None:
    assert _fields(columns) is not None  # they fit in one integer a row: the packed path on SQLite
    assert _roundtrip(store, columns) == _expected(columns)


def test_wide_rows_go_as_tuples(store: Store, columns: list[np.ndarray]) -> None:
    ks, ds = columns[0].copy(), columns[1].copy()
    ks[-1], ds[0] = 2**40, 2**30  # ranges of 41 and 31 bits (+ 7 for the detail): over 63 together
    wide = [ks, ds, columns[2]]
    assert _fields(wide) is None
    assert _roundtrip(store, wide) == _expected(wide)


def test_a_column_without_nulls_or_with_only_nulls(store: Store, columns: list[np.ndarray]) -> None:
    for detail in (np.full(200, 7, dtype=np.int64), np.full(200, NULL, dtype=np.int64)):
        cols = [columns[0], columns[1], detail]
        assert _roundtrip(store, cols, batch=1000) == _expected(cols)


def test_no_rows(store: Store) -> None:
    empty = np.zeros(0, dtype=np.int64)
    assert _roundtrip(store, [empty, empty, empty]) == []


def test_ranges_of_exactly_a_power_of_two(store: Store) -> None:
    """A column's top value needs the bit above its range's (the off-by-one a packing gets wrong)."""
    ks = np.arange(0, 1025, dtype=np.int64)  # 0..1024: 11 bits
    ds = (ks % 257) + 3  # 3..259: a range of 256
    detail = np.where(ks % 3 == 0, NULL, (ks % 64) - 1)  # NULL and -1..62: 64 values + NULL
    assert _roundtrip(store, [ks, ds, detail], batch=500) == _expected([ks, ds, detail])
