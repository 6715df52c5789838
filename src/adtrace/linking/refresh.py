"""Cluster rows and summaries for the clusters a run changed, written set by set, not cluster by cluster.

Members' Records are fetched for many clusters per query (multi-document clusters only: a
singleton's row needs just the stored risk columns), summarised, their risk re-scored with the
cluster's indicators, and all rows written in bulk.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy import text

from adtrace.linking.linker import edge_list
from adtrace.linking.summary import Member, rescore, summarize
from adtrace.linking.tables import bulk, execute_in, select_in

FETCH = 5000  # member Records held at once
MAX_EDGES = 200

# doc id -> [(key name, detail)] of that document (every key, hubs included)
KeysOf = Callable[[str], Sequence[tuple[str, int | None]]]


def refresh(conn: sa.Connection, clusters: Mapping[str, Sequence[str]], keys_of: KeysOf, is_hub: Callable[[str], bool],
            founders: Mapping[str, str], *, drop: Iterable[str] = (), everything: bool = False) -> int:
    """Rewrite link_clusters rows and summaries of `clusters` (cluster id -> members in link order).

    `drop`: cluster ids whose summaries go (clusters that merged away or split); `everything`: the
    clusters are all there is (a rebuild), so the old rows go wholesale. Returns summaries written."""
    if everything:
        conn.execute(text("DELETE FROM link_clusters"))
        conn.execute(text("DELETE FROM link_summaries"))
    else:
        ids = [d for ms in clusters.values() for d in ms]
        execute_in(conn, "DELETE FROM link_clusters WHERE doc_id IN :ids", ids)
        gone = set(drop) | set(clusters)
        execute_in(conn, "DELETE FROM link_summaries WHERE cluster_id IN :ids", gone)
    singles = {ms[0]: cid for cid, ms in clusters.items() if len(ms) == 1}
    rows: list[tuple[str, str, float | None, str | None]] = []
    for doc_id, score, level in select_in(conn, "SELECT doc_id, risk_score, risk_level FROM records "
                                          "WHERE doc_id IN :ids", list(singles)):
        rows.append((str(doc_id), singles[str(doc_id)], score, level))
    written = 0
    batch: list[tuple[str, Sequence[str]]] = []
    size = 0
    for cid, members in clusters.items():
        if len(members) < 2:
            continue
        batch.append((cid, members))
        size += len(members)
        if size >= FETCH:
            written += _summaries(conn, batch, keys_of, is_hub, founders, rows)
            batch, size = [], 0
    if batch:
        written += _summaries(conn, batch, keys_of, is_hub, founders, rows)
    bulk(conn, "link_clusters", ("doc_id", "cluster_id", "risk_score", "risk_level"), rows)
    return written


def _summaries(conn: sa.Connection, batch: list[tuple[str, Sequence[str]]], keys_of: KeysOf,
               is_hub: Callable[[str], bool], founders: Mapping[str, str],
               rows: list[tuple[str, str, float | None, str | None]]) -> int:
    found: dict[str, tuple[str | None, dict[str, Any]]] = {}
    for doc_id, posted_at, record in select_in(conn, "SELECT d.id, d.posted_at, r.record FROM documents d JOIN "
                                               "records r ON r.doc_id = d.id WHERE d.id IN :ids",
                                               [d for _c, ms in batch for d in ms]):
        found[str(doc_id)] = (posted_at, orjson.loads(record))
    out = []
    for cid, members in batch:
        present = [d for d in members if d in found]
        by_key: dict[str, list[tuple[str, int | None]]] = {}
        tkeys: dict[str, list[str]] = {}
        for d in present:
            for name, detail in keys_of(d):
                by_key.setdefault(name, []).append((d, detail))
            tkeys[d] = sorted(n for n, _v in keys_of(d) if n.startswith("tpl:") and not is_hub(n))
        summ = summarize(cid, [Member(d, found[d][0], found[d][1]) for d in present], tkeys)
        context = summ["cluster_indicators"]
        for d in present:
            rec = found[d][1]
            risk = rescore(rec, context) if context else rec.get("risk") or {}
            rows.append((d, cid, risk.get("score"), risk.get("level")))
        summ["edges"] = edge_list(by_key, [n for n in by_key if is_hub(n)], founders)[:MAX_EDGES]
        out.append((cid, len(present), summ.get("risk_max"), orjson.dumps(summ).decode()))
    bulk(conn, "link_summaries", ("cluster_id", "documents", "risk_max", "summary"), out)
    return len(out)
