"""PostgreSQL backend: the team server. tsvector + GIN for text, pg_trgm for partial lookups."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import text

from adtrace.storage import cjk
from adtrace.storage import search as s
from adtrace.storage.base import Query
from adtrace.storage.sql import SQLStore

# Any constant: every adtrace writer takes this transaction-scoped lock, so there is one writer at a time.
_WRITE_LOCK = 0x616474726163


class PostgresStore(SQLStore):
    def _begin_write(self, conn: sa.Connection) -> None:
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _WRITE_LOCK})

    def _plan(self, q: Query, terms: list[s.Term]) -> s.Plan:
        if not terms:
            return s.browse_plan(q)
        plain, runs = s.split_cjk(terms)
        where, params = s.filters(q, "d.seq")
        if runs:  # CJK runs: the bigram side index (migration 0013)
            params["cjk"] = " & ".join(cjk.tsquery_run(r) for r in runs)
            where.insert(0, "d.seq IN (SELECT seq FROM documents_cjk WHERE tsv @@ to_tsquery('simple', :cjk))")
        if plain:
            params["fts"] = s.tsquery(plain)
            where.insert(0, "d.tsv @@ to_tsquery('simple', :fts)")
        cond = " AND ".join(where)
        matches = f"SELECT d.seq FROM documents d WHERE {cond}"
        plan = s.Plan(matches, f"{matches} ORDER BY d.seq DESC", "", "", params)
        if q.sort != "relevance" or not plain:
            return s.sorted_plan(plan, "newest" if q.sort == "relevance" else q.sort)
        plan.hits = (f"SELECT d.seq, ts_rank(d.tsv, to_tsquery('simple', :fts)) AS score FROM documents d "
                     f"WHERE {cond} ORDER BY score DESC, d.id LIMIT :limit OFFSET :offset")
        plan.order = "h.score DESC, d.id"
        return plan

    def size_bytes(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(text("SELECT pg_database_size(current_database())")).scalar() or 0)
