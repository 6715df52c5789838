"""PostgreSQL backend: the team server. tsvector + GIN for text, pg_trgm for partial lookups."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy import text

from adtrace.storage import cjk
from adtrace.storage import search as s
from adtrace.storage.base import FACETS, Query
from adtrace.storage.facets import SINGLE
from adtrace.storage.sql import SQLStore

# Any constant: every adtrace writer takes this transaction-scoped lock, so there is one writer at a time.
_WRITE_LOCK = 0x616474726163


def _grouped(combos: str, single: Sequence[str], total: bool) -> tuple[list[str], list[str]]:
    """CTEs and SELECTs (facet, value, n) of the single-valued facets, and the total if asked.

    `combos` is a SELECT combo, count(*) AS n over the matches: each match's row in search_docs holds the
    number of its (source, kind, risk level) combination (migration 0023). The matches are grouped once by
    that integer (a few dozen groups), then each facet is summed over the combinations.
    """
    ctes = [f"c AS MATERIALIZED ({combos})"]
    parts = ["SELECT '' AS facet, NULL AS value, sum(n) AS n FROM c"] if total else []
    if single:
        cols = ", ".join(f"k.{f}" for f in single)  # column names from a fixed list, never user text
        ctes.append(f"g AS MATERIALIZED (SELECT {cols}, sum(c.n) AS n FROM c JOIN facet_combos k "
                    f"ON k.combo = c.combo GROUP BY {cols})")
        parts += [f"SELECT '{f}' AS facet, {f} AS value, sum(n) AS n FROM g WHERE {f} IS NOT NULL GROUP BY {f}" for f in single]
    return ctes, parts


class PostgresStore(SQLStore):
    def _begin_write(self, conn: sa.Connection) -> None:
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _WRITE_LOCK})

    def _plan(self, q: Query, terms: list[s.Term]) -> s.Plan:
        if not terms:
            return s.browse_plan(q)
        # Matches come from the narrow search_docs rows (migration 0021: ~80 bytes, their words out of line)
        # through the GIN index on `words`, never the wide documents rows; only the page of hits joins
        # documents. `words` has no positions: it is asked for every word (a superset, which the index
        # answers without reading `words`), and a quoted phrase is then checked in search_positions.
        plain, runs = s.split_cjk(terms)
        where, params = s.filters(q, "x.seq")
        if runs:  # CJK runs: the bigram side index (migration 0013)
            params["cjk"] = " & ".join(cjk.tsquery_run(r) for r in runs)
            where.insert(0, "x.seq IN (SELECT seq FROM documents_cjk WHERE tsv @@ to_tsquery('simple', :cjk))")
        if plain:
            params["fts"] = s.tsquery(plain)
            if any(len(t.words) > 1 for t in plain):
                where.insert(0, "EXISTS (SELECT 1 FROM search_positions p WHERE p.seq = x.seq "
                                "AND p.tsv @@ to_tsquery('simple', :fts))")
            params["words"] = s.tsquery([s.Term((w,), t.prefix and i == len(t.words) - 1)
                                         for t in plain for i, w in enumerate(t.words)])
            where.insert(0, "x.words @@ to_tsquery('simple', :words)")
        cond = " AND ".join(where)
        matches = f"SELECT x.seq FROM search_docs x WHERE {cond}"
        # Newest first through a fence (OFFSET 0): the matches come from the GIN index, then are sorted.
        # Unfenced, the planner walked the key backwards testing each row's `words`, which it costs as
        # cheap but is a read of the out-of-line value per row (200k ads, two words: 813 ms, not ~60).
        newest = f"SELECT seq FROM ({matches} OFFSET 0) n ORDER BY seq DESC"
        plan = s.Plan(matches, newest, "", "", params, f"search_docs x WHERE {cond}")
        if plain:  # for the same reason, never a scan of search_docs that tests every row's `words`
            plan.setup = "SET LOCAL enable_seqscan = off"
        if q.sort != "relevance" or not plain:
            return s.sorted_plan(plan, "newest" if q.sort == "relevance" else q.sort)
        # Rank only the newest s.RANK_WINDOW matches (all of them below that): ts_rank reads each ranked
        # document's tsvector, and reading every match's cost most of a broad query.
        params["window"] = s.RANK_WINDOW
        # The window sorts seqs alone; each windowed document's positions are read by key afterwards.
        plan.hits = (f"SELECT w.seq, ts_rank(t.tsv, to_tsquery('simple', :fts)) AS score FROM "
                     f"({newest} LIMIT greatest(:window, :limit + :offset)) w "
                     f"JOIN search_positions t ON t.seq = w.seq "
                     f"ORDER BY score DESC, w.seq DESC LIMIT :limit OFFSET :offset")
        plan.order = "h.score DESC, h.seq DESC"
        return plan

    def _capped_counts(self, query: Query, plan: s.Plan, count_cap: int,
                       facet_cap: int) -> tuple[int, bool, dict[str, dict[str, int]]]:
        """Both caps (the app's search page): one pass over the matches, not a count and then a facet pass.

        The newest `bound` matches, with their facet combinations, come from one scan of search_docs; the
        total is how many there are (at most `bound`), the facets count the newest `facet_cap` of them.
        """
        bound = max(count_cap, facet_cap) + 1  # one past the larger cap: enough to say "more than"
        single = [f for f in SINGLE if f in query.facets]
        multi = ", ".join(f"'{f}'" for f in query.facets if f in FACETS and f not in SINGLE)
        ctes, parts = _grouped("SELECT combo, count(*) AS n FROM f GROUP BY combo", single, total=False)
        parts.insert(0, "SELECT '' AS facet, NULL AS value, count(*) AS n FROM m")
        if multi:
            parts.append(f"SELECT v.facet, v.value, count(*) FROM f JOIN facet_values v ON v.seq = f.seq "
                         f"WHERE v.facet IN ({multi}) GROUP BY v.facet, v.value")
        sql = (f"WITH m AS MATERIALIZED (SELECT * FROM (SELECT x.seq, x.combo FROM {plan.narrow} OFFSET 0) n "
               f"ORDER BY seq DESC LIMIT {bound}), "
               f"f AS MATERIALIZED (SELECT * FROM m ORDER BY seq DESC LIMIT {int(facet_cap)}), "
               + ", ".join(ctes) + " " + " UNION ALL ".join(parts))
        with self.engine.connect() as conn:
            if plan.setup:
                conn.exec_driver_sql(plan.setup)
            found = conn.execute(text(sql), plan.params).all()
        seen = sum(int(r.n) for r in found if r.facet == "")
        rows = [(r.facet, r.value, int(r.n)) for r in found if r.facet != ""]
        return seen, seen > facet_cap, s.top_values(rows, query.facets) if seen else {f: {} for f in query.facets}

    def _count_and_facets(self, query: Query, plan: s.Plan) -> tuple[int, bool, dict[str, dict[str, int]]]:
        if plan.narrow is not None and query.count_cap is not None and query.facet_cap is not None:
            return self._capped_counts(query, plan, query.count_cap, query.facet_cap)
        if plan.narrow is None or query.count_cap is not None or query.facet_cap is not None:
            return super()._count_and_facets(query, plan)
        # Exact: the total and the single-valued facets in one pass over the matching search_docs rows,
        # grouped by their facet combination; the multi-valued ones from facet_values.
        single = [f for f in SINGLE if f in query.facets]
        multi = [f for f in query.facets if f not in SINGLE]
        facets: dict[str, dict[str, int]] = {f: {} for f in query.facets}
        rows: list[tuple[str, str, int]] = []
        with self.engine.connect() as conn:
            if plan.setup:
                conn.exec_driver_sql(plan.setup)
            if not single:
                total = int(conn.execute(text(f"SELECT count(*) FROM {plan.narrow}"), plan.params).scalar() or 0)
            else:
                ctes, parts = _grouped(f"SELECT x.combo, count(*) AS n FROM {plan.narrow} GROUP BY x.combo",
                                       single, total=True)
                found = conn.execute(text(f"WITH {', '.join(ctes)} {' UNION ALL '.join(parts)}"), plan.params).all()
                total = sum(int(r.n or 0) for r in found if r.facet == "")
                rows = [(r.facet, r.value, int(r.n)) for r in found if r.facet != ""]
            if total and multi:
                names = ", ".join(f"'{f}'" for f in multi if f in FACETS)  # validated names, never user text
                found = conn.execute(text(f"SELECT v.facet, v.value, count(*) AS n FROM ({plan.matches}) m "
                                          f"JOIN facet_values v ON v.seq = m.seq WHERE v.facet IN ({names}) "
                                          "GROUP BY v.facet, v.value"), plan.params).all()
                rows += [(r.facet, r.value, int(r.n)) for r in found]
        if total:
            facets = s.top_values(rows, query.facets)
        return total, False, facets

    def _facets_sql(self, plan: s.Plan, names: Sequence[str], cap: int | None) -> str:
        # Single-valued facets: the matches' search_docs rows grouped by their facet combination;
        # multi-valued ones (indicator, city) come from facet_values.
        sample = plan.matches if cap is None else f"{plan.newest} LIMIT {int(cap)}"
        single = [f for f in SINGLE if f in names]
        multi = ", ".join(f"'{f}'" for f in names if f in FACETS and f not in SINGLE)
        ctes = [f"m AS MATERIALIZED ({sample})"]
        parts: list[str] = []
        if single:
            more, parts = _grouped("SELECT x.combo, count(*) AS n FROM search_docs x WHERE x.seq IN (SELECT seq FROM m) "
                                   "GROUP BY x.combo", single, total=False)
            ctes += more
        if multi:
            parts.append(f"SELECT v.facet AS facet, v.value AS value, count(*) AS n FROM m JOIN facet_values v "
                         f"ON v.seq = m.seq WHERE v.facet IN ({multi}) GROUP BY v.facet, v.value")
        return f"WITH {', '.join(ctes)} {' UNION ALL '.join(parts)}"

    def size_bytes(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(text("SELECT pg_database_size(current_database())")).scalar() or 0)
