"""Statements over many values at once: `IN (...)` CHUNK values at a time, and SQLite's secondary indexes
dropped while a bulk load runs (built once at the end instead of row by row).

For the modules of this package that keep other packages' tables (the linker's, the clusters'); the
rows go to the driver as they are, with no per-row work here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy import bindparam, text

CHUNK = 900  # values per IN (...): below SQLite's bound-parameter limit


def chunks(values: Sequence[Any], size: int = CHUNK) -> list[list[Any]]:
    """`values` in lists of at most `size`, for statements that bind each value."""
    return [list(values[s:s + size]) for s in range(0, len(values), size)]


def select_in(conn: sa.Connection, sql: str, values: Iterable[Any], **params: Any) -> Iterator[Any]:
    """Rows of `sql` (with `IN :ids`) for many values, CHUNK at a time."""
    stmt = text(sql).bindparams(bindparam("ids", expanding=True))
    vals = list(values)
    for s in range(0, len(vals), CHUNK):
        yield from conn.execute(stmt, {"ids": vals[s:s + CHUNK], **params})


def execute_in(conn: sa.Connection, sql: str, values: Iterable[Any]) -> None:
    """Run `sql` (with `IN :ids`, no result) for many values, CHUNK at a time."""
    stmt = text(sql).bindparams(bindparam("ids", expanding=True))
    vals = list(values)
    for s in range(0, len(vals), CHUNK):
        conn.execute(stmt, {"ids": vals[s:s + CHUNK]})


@contextmanager
def indexes_deferred(conn: sa.Connection, names: Sequence[str]) -> Iterator[None]:
    """On SQLite, drop the secondary indexes of tables `names` and create them again on leaving: building
    an index once from the bulk-inserted rows is cheaper than updating it row by row. Indexes the schema
    implies (primary keys, UNIQUE) stay; PostgreSQL (COPY) is left as it is."""
    if conn.dialect.name != "sqlite" or not names:
        yield
        return
    found = conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND "
                              "tbl_name IN :t").bindparams(bindparam("t", expanding=True)), {"t": list(names)}).all()
    for name, _sql in found:
        conn.execute(text(f'DROP INDEX "{name}"'))
    yield
    for _name, sql in found:
        conn.execute(text(sql))
