"""PostgreSQL backend: the team server. tsvector + GIN for text, pg_trgm for partial lookups."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import text

from adtrace.storage import search as s
from adtrace.storage.base import Query
from adtrace.storage.sql import SQLStore

# Any constant: every adtrace writer takes this transaction-scoped lock, so there is one writer at a time.
_WRITE_LOCK = 0x616474726163


class PostgresStore(SQLStore):
    def _begin_write(self, conn: sa.Connection) -> None:
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _WRITE_LOCK})

    def _plan(self, q: Query, terms: list[s.Term]) -> s.Plan:
        where, params = s.filters(q)
        if terms:
            where.insert(0, "d.tsv @@ to_tsquery('simple', :fts)")
            params["fts"] = s.tsquery(terms)
            return s.Plan("documents d", where, params,
                          "ts_rank(d.tsv, to_tsquery('simple', :fts)) DESC, d.id")
        return s.Plan("documents d", where, params, "d.posted_at DESC NULLS LAST, d.id")

    def size_bytes(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(text("SELECT pg_database_size(current_database())")).scalar() or 0)
