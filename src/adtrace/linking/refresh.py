"""Cluster rows and summaries for the clusters a run changed, written set by set, not cluster by cluster.

Members' Records are fetched for many clusters per query (multi-document clusters only: a
singleton's row needs just the stored risk columns), summarised, their risk re-scored with the
cluster's indicators, and all rows written in bulk.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from multiprocessing.pool import Pool
from operator import itemgetter
from typing import Any

import orjson
import sqlalchemy as sa

from adtrace.linking.parallel import ordered
from adtrace.linking.signals import kind_of, of_key
from adtrace.linking.summary import Member, edge_list, risk_of, summarize
from adtrace.scoring.network import network_value
from adtrace.storage import clusterstore, corpus
from adtrace.storage.bulk import indexes_deferred

FETCH = 5000  # member Records held at once
AHEAD = 2  # fetched batches in flight in worker processes
MAX_EDGES = 200

# doc id -> [(key name, detail)] of that document (every key, hubs included)
KeysOf = Callable[[str], Sequence[tuple[str, int | None]]]
# one cluster to summarise: (id, [(member, posted_at, Record JSON, its keys)], hub keys, photo/template founders)
# (link_clusters rows, link_summaries rows)
Summarised = tuple[list[tuple[str, str, float | None, str | None]],
                   list[tuple[str, int, float | None, float | None, str]]]
Payload = tuple[str, list[tuple[str, str | None, str, list[tuple[str, int | None]]]], list[str], dict[str, str]]


def refresh(conn: sa.Connection, clusters: Mapping[str, Sequence[str]], keys_of: KeysOf, is_hub: Callable[[str], bool],
            founders: Mapping[str, str], *, drop: Iterable[str] = (), everything: bool = False,
            pool: Pool | None = None, posted: Mapping[str, str | None] | None = None,
            records_at: str | None = None, idle: Iterator[None] | None = None) -> int:
    """Rewrite link_clusters rows and summaries of `clusters` (cluster id -> members in link order).

    `drop`: cluster ids whose summaries go (clusters that merged away or split); `everything`: the
    clusters are all there is (a rebuild), so the old rows go wholesale; `pool`: worker processes
    that summarise while this one reads Records and writes rows; `posted`: every member's posted_at,
    when the caller has read them (then only `records` is read: posted_at sits behind the document's
    text in its row, so fetching it costs SQLite an overflow-page walk per member); `records_at`: the
    SQLite file the workers may read Records from themselves (with `pool` and `posted`; the caller's
    transaction must not change Records), so this process neither reads them nor sends them over a pipe;
    `idle`: other writes of the caller's, a step at a time, done while the workers summarise (see `ordered`).
    Returns summaries written."""
    if everything:
        clusterstore.clear(conn)
    else:
        clusterstore.delete_members(conn, [d for ms in clusters.values() for d in ms])
        clusterstore.delete_summaries(conn, set(drop) | set(clusters))
    singles = {ms[0]: cid for cid, ms in clusters.items() if len(ms) == 1}
    rows: list[tuple[str, str, float | None, str | None]] = []
    for doc_id, score, level in corpus.risks(conn, list(singles)):
        rows.append((str(doc_id), singles[str(doc_id)], score, level))
    work: Iterator[Any]
    fn: Callable[[Any], Summarised]
    if records_at is not None and pool is not None and posted is not None:
        work, fn = ((records_at, b) for b in _batches(clusters, keys_of, is_hub, founders, posted)), fetch_and_summarize
    else:
        work, fn = _payloads(conn, clusters, keys_of, is_hub, founders, posted), summarize_batch
    written = 0
    # a rebuild writes every row: indexes are built once at the end, not updated row by row
    with indexes_deferred(conn, clusterstore.TABLES if everything else ()):
        for members, summaries in ordered(pool, fn, work, ahead=AHEAD, idle=idle):
            rows += members
            clusterstore.add_summaries(conn, summaries)
            written += len(summaries)
        # in doc id order, the order of the table's primary key: SQLite then appends to its index rather than
        # inserting all over it (a third of the CPU for 400,000 shuffled ids on a scratch file)
        rows.sort(key=itemgetter(0))
        clusterstore.add_members(conn, rows)
    return written


def _payloads(conn: sa.Connection, clusters: Mapping[str, Sequence[str]], keys_of: KeysOf,
              is_hub: Callable[[str], bool], founders: Mapping[str, str],
              posted: Mapping[str, str | None] | None) -> Iterator[list[Payload]]:
    """Multi-document clusters with their members' raw Records and keys, about FETCH members a batch."""
    batch: list[tuple[str, Sequence[str]]] = []
    size = 0
    for cid, members in clusters.items():
        if len(members) < 2:
            continue
        batch.append((cid, members))
        size += len(members)
        if size >= FETCH:
            yield _fetch(conn, batch, keys_of, is_hub, founders, posted)
            batch, size = [], 0
    if batch:
        yield _fetch(conn, batch, keys_of, is_hub, founders, posted)


def _fetch(conn: sa.Connection, batch: list[tuple[str, Sequence[str]]], keys_of: KeysOf,
           is_hub: Callable[[str], bool], founders: Mapping[str, str],
           posted: Mapping[str, str | None] | None) -> list[Payload]:
    ids = [d for _c, ms in batch for d in ms]
    found: dict[str, tuple[str | None, str]] = {}
    if posted is None:
        for doc_id, posted_at, record in corpus.posted_records(conn, ids):
            found[str(doc_id)] = (posted_at, record if isinstance(record, str) else bytes(record).decode())
    else:
        for doc_id, record in corpus.record_json(conn, ids):
            found[doc_id] = (posted[doc_id], record)
    out: list[Payload] = []
    for cid, members in batch:
        present = [(d, *found[d], list(keys_of(d))) for d in members if d in found]
        names = {n for m in present for n, _v in m[3]}
        out.append((cid, present, sorted(n for n in names if is_hub(n)),
                    {n: founders[n] for n in names if (sig := of_key(n)) is not None and sig.founded}))
    return out


# one cluster for a worker that reads its Records: (id, [(member, posted_at, its keys)], hub keys among
# the members' keys, founders of the members' photo/template keys)
Unfetched = tuple[str, list[tuple[str, str | None, list[tuple[str, int | None]]]], list[str], dict[str, str]]


def _batches(clusters: Mapping[str, Sequence[str]], keys_of: KeysOf, is_hub: Callable[[str], bool],
             founders: Mapping[str, str], posted: Mapping[str, str | None]) -> Iterator[list[Unfetched]]:
    """`_payloads` without the Records: multi-document clusters, about FETCH members a batch."""
    batch: list[Unfetched] = []
    size = 0
    for cid, members in clusters.items():
        if len(members) < 2:
            continue
        present = [(d, posted.get(d), list(keys_of(d))) for d in members]
        names = {n for m in present for n, _v in m[2]}
        batch.append((cid, present, sorted(n for n in names if is_hub(n)),
                      {n: founders[n] for n in names if (sig := of_key(n)) is not None and sig.founded}))
        size += len(members)
        if size >= FETCH:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def fetch_and_summarize(work: tuple[str, list[Unfetched]]) -> Summarised:
    """`summarize_batch` of clusters whose Records this process reads from the SQLite file itself (a worker).
    The same payloads as `_fetch`: members without a stored Record are left out, and with them their keys."""
    path, batch = work
    found = dict(corpus.record_json_at(path, [d for _c, ms, _h, _f in batch for d, _at, _k in ms]))
    out: list[Payload] = []
    for cid, members, hubs, founders in batch:
        present = [(d, at, found[d], keys) for d, at, keys in members if d in found]
        if len(present) < len(members):  # a member's Record is gone: its keys do not count
            names = {n for m in present for n, _v in m[3]}
            hubs, founders = [n for n in hubs if n in names], {n: f for n, f in founders.items() if n in names}
        out.append((cid, present, hubs, founders))
    return summarize_batch(out)


def summarize_batch(batch: list[Payload]) -> Summarised:
    """(link_clusters rows, link_summaries rows) of fetched clusters: pure, so it can run in a worker."""
    rows: list[tuple[str, str, float | None, str | None]] = []
    out: list[tuple[str, int, float | None, float | None, str]] = []
    for cid, present, hubs, founders in batch:
        hub = set(hubs)
        records = {d: orjson.loads(raw) for d, _at, raw, _k in present}
        by_key: dict[str, list[tuple[str, int | None]]] = {}
        tkeys: dict[str, list[str]] = {}
        for d, _at, _raw, keys in present:
            for name, detail in keys:
                by_key.setdefault(name, []).append((d, detail))
            tkeys[d] = sorted(n for n, _v in keys if kind_of(n) == "template" and n not in hub)
        summ = summarize(cid, [Member(d, at, records[d]) for d, at, _raw, _k in present], tkeys)
        context = summ["cluster_indicators"]
        for d, _at, _raw, _k in present:
            rec = records[d]
            if context:
                rows.append((d, cid, *risk_of(rec, context)))
            else:
                risk = rec.get("risk") or {}
                rows.append((d, cid, risk.get("score"), risk.get("level")))
        summ["edges"] = edge_list(by_key, [n for n in by_key if n in hub], founders)[:MAX_EDGES]
        out.append(clusterstore.summary_row(summ))
    return rows, out


def fill_network_scores(conn: sa.Connection) -> int:
    """Give summaries written before migration 0024 their network score (the clusters list orders by it).

    From what each summary already holds (its cluster indicators) and its members' Records, as `summarize`
    computes it: an incremental run fills them once, so an upgraded store needs no rebuild for its list.
    Returns the summaries filled."""
    todo = clusterstore.unscored(conn)
    filled = 0
    for at in range(0, len(todo), FETCH // 4):
        ids = todo[at:at + FETCH // 4]
        members = clusterstore.members_of(conn, ids)
        records = dict(corpus.record_json(conn, [d for ms in members.values() for d in ms]))
        rows = []
        for cid, summ in clusterstore.summaries_of(conn, ids).items():
            recs = [orjson.loads(records[d]) for d in members.get(cid, ()) if d in records]
            summ["network_score"], median = network_value(summ.get("cluster_indicators") or [], recs)
            summ["median_member_evidence"] = round(median, 3)
            rows.append((cid, summ["network_score"], summ))
        clusterstore.set_network_scores(conn, rows)
        filled += len(rows)
    return filled
