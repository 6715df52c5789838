"""One `adtrace link` run over a store: link new documents (or all, on rebuild), then refresh the
summaries, cluster indicators and cluster-aware risk of every cluster that changed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from adtrace.linking import store as ls
from adtrace.linking.linker import BatchReport, Linker, prepare
from adtrace.linking.summary import Member, rescore, summarize


@dataclass
class RunReport:
    linked: int = 0
    total_documents: int = 0
    clusters_refreshed: int = 0
    multi_doc_clusters: int = 0
    hub_keys: int = 0
    new_hubs: list[str] = field(default_factory=list)  # the first 20, sorted; counts below
    released_hubs: list[str] = field(default_factory=list)
    new_hubs_count: int = 0
    released_hubs_count: int = 0
    rebuild: bool = False

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def link_store(engine: sa.Engine, *, rebuild: bool = False, batch: int = 10000,
               on_progress: Callable[[int], None] | None = None) -> RunReport:
    linker, last_seq = (None, 0) if rebuild else ls.load(engine)
    if linker is None:
        linker, last_seq, rebuild = Linker(), 0, True
        linker.overrides.update(ls.overrides(engine))
    report = RunReport(rebuild=rebuild)
    wanted = ls.overrides(engine)
    for key in set(wanted) | set(linker.overrides):  # apply overrides set since the last run
        if wanted.get(key) != linker.overrides.get(key):
            br0 = linker.set_override(key, wanted.get(key))
            report.new_hubs += br0.new_hubs
            report.released_hubs += br0.released_hubs
    touched_docs: list[str] = []
    for rows in ls.new_documents(engine, last_seq, batch):
        items = [prepare(r["id"], r["record"], r["text"], author=r["author"], source=r["source"]) for r in rows]
        br: BatchReport = linker.add(items)
        report.new_hubs += br.new_hubs
        report.released_hubs += br.released_hubs
        touched_docs += [r["id"] for r in rows]
        last_seq = rows[-1]["seq"]
        report.linked += br.added
        if on_progress:
            on_progress(len(rows))
    report.total_documents = len(linker.doc_ids)
    report.hub_keys = len(linker.hubs)
    labels = linker.labels()
    groups: dict[str, list[str]] = {}
    for doc_id, cid in labels.items():
        groups.setdefault(cid, []).append(doc_id)
    report.multi_doc_clusters = sum(1 for g in groups.values() if len(g) > 1)
    if rebuild or report.new_hubs or report.released_hubs:
        changed = set(groups)  # hub changes can split or join clusters anywhere they reach
    else:
        changed = {labels[d] for d in touched_docs}
    rows_out: list[tuple[str, str, float | None, str | None]] = []
    summaries = []
    for cid in changed:
        ids = groups.get(cid, [])
        found = ls.members(engine, ids)
        tkeys = {d: [k for k in linker.key_names_of(d) if k.startswith("tpl:") and not linker.is_hub_name(k)]
                 for d in ids}
        summ = summarize(cid, [Member(d, p, r) for d, p, r in found], tkeys) if len(ids) > 1 else None
        context = summ["cluster_indicators"] if summ else []
        for d, _p, rec in found:
            risk = rescore(rec, context) if context else rec.get("risk") or {}
            rows_out.append((d, cid, risk.get("score"), risk.get("level")))
        if summ is not None:
            summ["edges"] = linker.edges(ids)[:200]
            summaries.append(summ)
    report.clusters_refreshed = len(summaries)
    report.new_hubs_count, report.released_hubs_count = len(report.new_hubs), len(report.released_hubs)
    report.new_hubs, report.released_hubs = sorted(report.new_hubs)[:20], sorted(report.released_hubs)[:20]
    # A full rewrite drops clusters that vanished when a hub split them.
    full = rebuild or bool(report.new_hubs_count or report.released_hubs_count)
    ls.save(engine, linker, last_seq, rebuild=full, rows=rows_out, summaries=summaries)
    return report
