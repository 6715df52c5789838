"""Which documents a graph covers (a case, a cluster, an entity's neighbourhood) and the graph itself."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import networkx as nx
import orjson
import sqlalchemy as sa

from adtrace import errors
from adtrace.cases import cases
from adtrace.cases.redaction import Masker
from adtrace.linking import signals as link_signals
from adtrace.linking import store as link_store
from adtrace.storage import Store, clusterstore, docsets
from adtrace.storage.db import engine_of, read
from adtrace.storage.prepare import normalise_lookup

IDENTIFIER_KINDS = ("phone", "email", "handle", "payment")
MAX_DOCS = 5000  # Gephi and i2 stay usable well below this; the graph says when it was cut


@dataclass
class Selection:
    """What was asked for (`case:3`, `cluster:ad17`, `entity:phone:+1...`) and the documents it covers."""

    what: str
    doc_ids: list[str]


def select(store: Store | sa.Engine, *, case: int | None = None, cluster: str | None = None,
           entity: str | None = None) -> Selection:
    """Exactly one of case id, cluster id (or any member's document id), or `kind:value` entity."""
    if sum(x is not None for x in (case, cluster, entity)) != 1:
        raise errors.InputError.at(errors.MISSING_FIELD, "name exactly one of a case, a cluster or an entity",
                                   cli_hint="e.g. `--case 3`, `--cluster ad17` or `--entity phone:+17025550123`")
    engine = engine_of(store)
    if case is not None:
        return Selection(f"case:{case}", cases.document_ids(engine, cases.get(engine, case)))
    with read(engine) as conn:
        if cluster is not None:
            cid = cases.resolve_cluster(conn, cluster, "cluster")
            return Selection(f"cluster:{cid}", sorted(docsets.cluster_docs(conn, [cid])))
        kind, _, value = str(entity).partition(":")
        if kind not in IDENTIFIER_KINDS or not value.strip():
            raise errors.InputError.at(errors.BAD_FIELD, f"not an entity: {entity!r}", field_name="entity",
                                       hint=f"Write kind:value with kind one of {', '.join(IDENTIFIER_KINDS)}")
        ids = sorted(docsets.entity_docs(conn, [f"{kind}:{normalise_lookup(kind, value)}"]))
        return Selection(f"entity:{kind}", ids)  # the value itself is not repeated: it may be masked


def _doc_attrs(row: Any, masker: Masker, cluster: str | None) -> dict[str, Any]:
    doc_id, source, posted_at, url, title, raw = row
    rec = orjson.loads(raw)
    risk = rec.get("risk") or {}
    masker.learn(rec, title or "")
    if masker.enabled and url:
        url = f"{urlsplit(url).scheme}://{urlsplit(url).netloc}/…"  # the path often names the person
    attrs: dict[str, Any] = {
        "type": "document", "label": str(doc_id), "source": source or "", "posted_at": posted_at or "",
        "url": url or "", "title": masker.record_fields(rec, title, "")[0], "cluster": cluster or "",
        "risk_level": risk.get("level") or "",
        "indicators": " ".join(sorted(str(h.get("id")) for h in rec.get("indicators") or [] if isinstance(h, dict))),
    }
    if risk.get("score") is not None:
        attrs["risk_score"] = float(risk["score"])
    return attrs


def _linking_edges(engine: sa.Engine, clusters: set[str], present: set[str]) -> list[tuple[str, str, str]]:
    """Document-to-document edges the linker found: reused ad text and reused photos (identifiers are nodes)."""
    out = []
    for cid in sorted(clusters):
        for edge in (link_store.summary(engine, cid) or {}).get("edges") or []:
            founder = edge.get("founder")
            signal = link_signals.of_kind(str(edge.get("kind")))
            if signal is None or signal.detail is None or founder not in present:
                continue  # identifiers are nodes; only founder-matched signals join documents directly
            for d in edge.get("docs") or []:
                if d == founder or d not in present:
                    continue
                detail = edge.get(signal.detail, {}).get(d, signal.detail_default)
                out.append((f"doc:{founder}", f"doc:{d}", signal.explain(edge["kind"], detail)))
    return out


def build(store: Store | sa.Engine, selection: Selection, *, redact: bool = True) -> nx.Graph:
    """Documents and identifiers as nodes; `holds phone` and linker edges, each with a `reason`."""
    engine = engine_of(store)
    masker = Masker(enabled=redact)
    ids = selection.doc_ids[:MAX_DOCS]
    graph = nx.Graph(selection=selection.what, redacted=redact, truncated=len(selection.doc_ids) > MAX_DOCS,
                     notice="Edges mean shared identifiers or reused text/photos: indicators, never a verdict.")
    with read(engine) as conn:
        cluster_of = clusterstore.clusters_of(conn, ids)
        docs = docsets.records_of(conn, ids)
        held = docsets.identifiers_of(conn, ids, IDENTIFIER_KINDS)
    for kind, value in sorted({(str(r[1]), str(r[2])) for r in held}):
        masker.mask(kind, value)  # register every identifier first, so titles quoting them are masked
    for row in sorted(docs, key=lambda r: str(r[0])):
        graph.add_node(f"doc:{row[0]}", **_doc_attrs(row, masker, cluster_of.get(str(row[0]))))
    for doc_id, kind, value in sorted((str(r[0]), str(r[1]), str(r[2])) for r in held):
        shown = masker.mask(str(kind), str(value))
        node = f"{kind}:{shown}"
        if node not in graph:
            graph.add_node(node, type="identifier", kind=str(kind), label=shown, documents=0)
        graph.nodes[node]["documents"] += 1
        graph.add_edge(f"doc:{doc_id}", node, reason=f"holds {kind}")
    for a, b, reason in _linking_edges(engine, set(cluster_of.values()), {str(r[0]) for r in docs}):
        if graph.has_edge(a, b):
            graph.edges[a, b]["reason"] += f"; {reason}"
        else:
            graph.add_edge(a, b, reason=reason)
    return graph
