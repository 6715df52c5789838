"""Clusters as the linker leaves them (migration 0003): each linked document's cluster and risk
(`link_clusters`), each cluster's summary (`link_summaries`, JSON) and the analysts' hub overrides.

Written by linking (a rebuild wholesale, an incremental run the clusters it changed); read by the app,
exports and graphs. The linker's own state (keys, postings, founders) is `adtrace.storage.linkstate`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy import bindparam, text

from adtrace.storage.bulk import chunks, execute_in, select_in
from adtrace.storage.db import now
from adtrace.storage.sql import bulk_insert

_OF_DOCS = text("SELECT doc_id, cluster_id FROM link_clusters WHERE doc_id IN :ids").bindparams(
    bindparam("ids", expanding=True))
_SIZES = text("SELECT cluster_id, documents FROM link_summaries WHERE cluster_id IN :ids").bindparams(
    bindparam("ids", expanding=True))
MEMBER_COLS = ("doc_id", "cluster_id", "risk_score", "risk_level")
SUMMARY_COLS = ("cluster_id", "documents", "risk_max", "network_score", "summary")
TABLES = ("link_clusters", "link_summaries")


# --- writes (linking) ------------------------------------------------------------------------------
def clear(conn: sa.Connection) -> None:
    """Every cluster row and summary (a rebuild writes them all again)."""
    conn.execute(text("DELETE FROM link_clusters"))
    conn.execute(text("DELETE FROM link_summaries"))


def delete_members(conn: sa.Connection, doc_ids: Iterable[str]) -> None:
    execute_in(conn, "DELETE FROM link_clusters WHERE doc_id IN :ids", doc_ids)


def delete_summaries(conn: sa.Connection, cluster_ids: Iterable[str]) -> None:
    execute_in(conn, "DELETE FROM link_summaries WHERE cluster_id IN :ids", cluster_ids)


def add_members(conn: sa.Connection, rows: Iterable[Sequence[Any]]) -> None:
    """(doc id, cluster id, risk score, risk level) rows, in bulk."""
    bulk_insert(conn, "link_clusters", MEMBER_COLS, rows)


def summary_row(summary: Mapping[str, Any]) -> tuple[str, int, float | None, float | None, str]:
    """The link_summaries row (SUMMARY_COLS) of a cluster summary: its JSON, and the columns lists order by."""
    return (summary["cluster"], summary["documents"], summary.get("risk_max"), summary.get("network_score"),
            orjson.dumps(summary).decode())


def add_summaries(conn: sa.Connection, rows: Iterable[Sequence[Any]]) -> None:
    """(cluster id, documents, risk max, network score, summary JSON) rows, in bulk."""
    bulk_insert(conn, "link_summaries", SUMMARY_COLS, rows)


def unscored(conn: sa.Connection) -> list[str]:
    """Clusters whose summary has no network score: written before migration 0024."""
    return [str(c) for (c,) in conn.execute(text("SELECT cluster_id FROM link_summaries WHERE network_score IS NULL"))]


def set_network_scores(conn: sa.Connection, rows: Iterable[tuple[str, float, Mapping[str, Any]]]) -> None:
    """(cluster id, network score, summary holding it) rows: the column the list orders by and the JSON."""
    params = [{"c": c, "s": score, "j": orjson.dumps(summ).decode()} for c, score, summ in rows]
    if params:
        conn.execute(text("UPDATE link_summaries SET network_score = :s, summary = :j WHERE cluster_id = :c"), params)


def overrides(conn: sa.Connection) -> dict[str, bool]:
    """Key -> hub (True) or never a hub (False), as analysts set them."""
    return {str(k): bool(h) for k, h in conn.execute(text("SELECT key, hub FROM link_hub_overrides"))}


def set_override(conn: sa.Connection, key: str, hub: bool | None, note: str = "") -> None:
    """Set (or with `hub` None, drop) an analyst's hub override of one key."""
    conn.execute(text("DELETE FROM link_hub_overrides WHERE key = :key"), {"key": key})
    if hub is not None:
        conn.execute(text("INSERT INTO link_hub_overrides (key, hub, note, created_at) "
                          "VALUES (:key, :hub, :note, :now)"), {"key": key, "hub": hub, "note": note, "now": now()})


# --- reads -----------------------------------------------------------------------------------------
def summary(conn: sa.Connection, cluster_id: str) -> dict[str, Any] | None:
    """A cluster's summary by its id, or by any member's id."""
    row = conn.execute(text("SELECT summary FROM link_summaries WHERE cluster_id = :c"), {"c": cluster_id}).first()
    if row is None:  # accept any member's id as the cluster's name
        row = conn.execute(text("SELECT s.summary FROM link_clusters c JOIN link_summaries s ON "
                                "s.cluster_id = c.cluster_id WHERE c.doc_id = :c"), {"c": cluster_id}).first()
    result: dict[str, Any] | None = orjson.loads(row[0]) if row else None
    return result


# How a list of clusters is ordered; each order has its index (migrations 0003 and 0024), so "the first 200"
# reads 200 rows of the index, not every summary. A summary written before 0024 has no network score: last.
ORDERS = {
    "size": "documents DESC, cluster_id",
    "network": "network_score DESC NULLS LAST, risk_max DESC NULLS LAST, documents DESC, cluster_id",
    "risk": "risk_max DESC NULLS LAST, network_score DESC NULLS LAST, documents DESC, cluster_id",
}


def summaries(conn: sa.Connection, min_docs: int = 2, limit: int | None = None,
              order: str = "size") -> Iterator[dict[str, Any]]:
    """Summaries of clusters of at least `min_docs` documents, in `order` (a key of ORDERS): largest
    first, highest network score first, or highest ad score first. The limit applies after ordering."""
    sql = f"SELECT summary FROM link_summaries WHERE documents >= :m ORDER BY {ORDERS[order]}"
    if limit:
        sql += f" LIMIT {int(limit)}"
    for (raw,) in conn.execute(text(sql), {"m": min_docs}):
        yield orjson.loads(raw)


def summaries_at_risk(conn: sa.Connection, min_risk: float) -> Iterator[dict[str, Any]]:
    """Summaries of clusters whose highest risk reaches `min_risk`."""
    for (raw,) in conn.execute(text("SELECT summary FROM link_summaries WHERE risk_max >= :r"), {"r": min_risk}):
        yield orjson.loads(raw)


def count_summaries(conn: sa.Connection) -> int:
    return int(conn.execute(text("SELECT count(*) FROM link_summaries")).scalar_one())


def members(conn: sa.Connection, cluster_id: str, limit: int | None = None) -> list[str]:
    """Ids of a cluster's documents (the first `limit` by id, when given)."""
    if limit is None:
        return [str(r[0]) for r in conn.execute(text("SELECT doc_id FROM link_clusters WHERE cluster_id = :c"),
                                                {"c": cluster_id})]
    return [str(r[0]) for r in conn.execute(text("SELECT doc_id FROM link_clusters WHERE cluster_id = :c "
                                                 "ORDER BY doc_id LIMIT :n"), {"c": cluster_id, "n": limit})]


def members_of(conn: sa.Connection, cluster_ids: Sequence[str]) -> dict[str, list[str]]:
    """cluster id -> its documents' ids, for many clusters."""
    out: dict[str, list[str]] = {}
    for d, c in select_in(conn, "SELECT doc_id, cluster_id FROM link_clusters WHERE cluster_id IN :ids", cluster_ids):
        out.setdefault(str(c), []).append(str(d))
    return out


def summaries_of(conn: sa.Connection, cluster_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """cluster id -> its summary, for those of `cluster_ids` with one."""
    return {str(c): orjson.loads(raw) for c, raw in
            select_in(conn, "SELECT cluster_id, summary FROM link_summaries WHERE cluster_id IN :ids", cluster_ids)}


def cluster_of(conn: sa.Connection, doc_id: str) -> dict[str, Any] | None:
    """{cluster_id, documents} of the cluster holding `doc_id`, when it has a summary."""
    row = conn.execute(text("SELECT c.cluster_id, s.documents FROM link_clusters c JOIN link_summaries s "
                            "ON s.cluster_id = c.cluster_id WHERE c.doc_id = :d"), {"d": doc_id}).first()
    return None if row is None else dict(row._mapping)


def clusters_of(conn: sa.Connection, doc_ids: Sequence[str]) -> dict[str, str]:
    """doc id -> cluster id, for those of `doc_ids` that are linked."""
    return {str(d): str(c) for chunk in chunks(doc_ids) for d, c in conn.execute(_OF_DOCS, {"ids": chunk})}


def sizes(conn: sa.Connection, cluster_ids: Sequence[str]) -> dict[str, int]:
    """cluster id -> documents, for those of `cluster_ids` with a summary."""
    return {str(c): int(n) for c, n in conn.execute(_SIZES, {"ids": list(cluster_ids)})} if cluster_ids else {}
