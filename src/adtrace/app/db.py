"""The app's way into the store's database: one engine, reads, and serialised write transactions.

SQLite takes its write lock up front (BEGIN IMMEDIATE, see adtrace.storage.sqlite) so two requests
never interleave an audit append; PostgreSQL serialises appends on the audit_head row instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import sqlalchemy as sa

from adtrace import errors
from adtrace.storage import Store


def engine_of(store: Store) -> sa.Engine:
    engine = getattr(store, "engine", None)
    if not isinstance(engine, sa.Engine):
        raise errors.ConfigError(f"the app needs an SQL store; {type(store).__name__} has no engine")
    return engine


@contextmanager
def write(engine: sa.Engine) -> Iterator[sa.Connection]:
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            conn.execution_options(adtrace_write=True)
        with conn.begin():
            yield conn


@contextmanager
def read(engine: sa.Engine) -> Iterator[sa.Connection]:
    with engine.connect() as conn:
        yield conn


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
