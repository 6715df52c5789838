"""The one way other packages reach the store's database: its engine, read and write transactions, a clock.

Cases, exchange, crawl, graphs and the app keep their own tables in the store's database; they open
transactions here rather than each copying the SQLite write-lock rule. SQLite takes its write lock up
front (BEGIN IMMEDIATE, see adtrace.storage.sqlite) so two writers never interleave an audit append;
PostgreSQL serialises appends on the audit_head row instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import sqlalchemy as sa

from adtrace import errors
from adtrace.storage.base import Store


def engine_of(store: Store | sa.Engine) -> sa.Engine:
    """The SQLAlchemy engine behind a store (both shipped backends keep one)."""
    if isinstance(store, sa.Engine):
        return store
    engine = getattr(store, "engine", None)
    if not isinstance(engine, sa.Engine):
        raise errors.StorageError(message=f"this needs an SQL store (SQLite or PostgreSQL); "
                                          f"{type(store).__name__} keeps no database",
                                  code=errors.NEEDS_SQL_STORE, detail={"store": type(store).__name__})
    return engine


@contextmanager
def write(store: Store | sa.Engine) -> Iterator[sa.Connection]:
    """One write transaction: committed when the block ends, rolled back when it raises."""
    engine = engine_of(store)
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            conn.execution_options(adtrace_write=True)  # BEGIN IMMEDIATE (adtrace.storage.sqlite)
        with conn.begin():
            yield conn


@contextmanager
def read(store: Store | sa.Engine) -> Iterator[sa.Connection]:
    with engine_of(store).connect() as conn:
        yield conn


def now() -> str:
    """The store's timestamps: UTC, ISO 8601, to the second (they sort as text)."""
    return stamp(datetime.now(UTC))


def stamp(at: datetime) -> str:
    return at.isoformat(timespec="seconds")
