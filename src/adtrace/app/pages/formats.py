"""Legal holds and the field's formats in the browser: the hold block on case, cluster and document
pages (who placed it, when, why; place and release for admins and analysts), and downloads of graph
(GraphML, GEXF, i2 CSV), STIX 2.1 and report-draft exports from case and cluster pages.

Every download is masked unless an admin asks `full=1`, and every one is audited with its SHA-256 (the
CLI also writes signed evidence manifests; a browser download is hashed in the audit log instead).
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from adtrace import errors, graphs
from adtrace.app.auth import Ctx, require
from adtrace.app.data.cases import check_unmasked
from adtrace.app.downloads import attachment
from adtrace.app.pages.render import path_segment, templates
from adtrace.cases import drafts, holds
from adtrace.exchange import stix
from adtrace.storage import audit

router = APIRouter()
GRAPH_TYPES = {"graphml": ("application/graphml+xml", "graphml"), "gexf": ("application/gexf+xml", "gexf"),
               "i2csv": ("text/csv; charset=utf-8", "csv")}
_PAGES = {"case": "/cases/", "cluster": "/clusters/", "document": "/documents/"}


def holds_for(request: Request, kind: str, ref: object) -> list[dict[str, Any]]:
    """Active holds on one item, for its page (a Jinja global: pages call it from `_holds.html`)."""
    return [h.to_dict() for h in holds.list_holds(request.app.state.adtrace.engine, kind=kind, ref=str(ref))]


def holds_covering(request: Request, doc_id: object) -> list[dict[str, Any]]:
    """Case and cluster holds that keep a document (shown on the document's page)."""
    return [h.to_dict() for h in holds.covering(request.app.state.adtrace.engine, str(doc_id))]


templates.env.globals["holds_for"] = holds_for
templates.env.globals["holds_covering"] = holds_covering


def _back(kind: str, ref: str) -> str:
    return f"{_PAGES[kind]}{path_segment(ref)}#holds"


@router.post("/holds")
def place_hold(request: Request, kind: str = Form(...), ref: str = Form(...), reason: str = Form(""),
               ctx: Ctx = Depends(require("cases"))) -> Response:
    """Place a hold (audited by `holds.place`); back to the item's page."""
    hold = holds.place(request.app.state.adtrace.store, kind, ref, ctx.user.username, reason)
    return RedirectResponse(_back(hold.kind, ref if kind != "cluster" else hold.ref), status_code=303)


@router.post("/holds/{hold_id}/release")
def release_hold(request: Request, hold_id: int, reason: str = Form(""),
                 ctx: Ctx = Depends(require("cases"))) -> Response:
    hold = holds.release(request.app.state.adtrace.store, hold_id, ctx.user.username, reason)
    return RedirectResponse(_back(hold.kind, hold.ref), status_code=303)


def _graph(request: Request, ctx: Ctx, selection: graphs.Selection, fmt: str, full: bool, stem: str) -> Response:
    if fmt not in GRAPH_TYPES:
        raise errors.InputError.at(errors.BAD_FIELD, f"unknown graph format {fmt!r}", field_name="fmt",
                                   hint=f"Use one of: {', '.join(GRAPH_TYPES)}")
    check_unmasked(ctx, full)
    state = request.app.state.adtrace
    graph = graphs.build(state.store, selection, redact=not full)
    with tempfile.TemporaryDirectory() as tmp:  # networkx writes files; the download is read back from one
        path = Path(tmp) / f"g.{GRAPH_TYPES[fmt][1]}"
        graphs.write(graph, path, fmt)
        body = path.read_bytes()
    audit.append(state.engine, ctx.user.username, "export", selection.what,
                 {"format": fmt, "redacted": not full, "nodes": graph.number_of_nodes(),
                  "edges": graph.number_of_edges(), "kind": "graph", "via": "web",
                  "sha256": hashlib.sha256(body).hexdigest()})
    return attachment(body, GRAPH_TYPES[fmt][0], f"{stem}{'-FULL' if full else ''}.{GRAPH_TYPES[fmt][1]}")


@router.get("/cases/{case_id}/graph.{graph_format}")
def case_graph(request: Request, case_id: int, graph_format: str, full: bool = False,
               ctx: Ctx = Depends(require("cases"))) -> Response:
    return _graph(request, ctx, graphs.select(request.app.state.adtrace.store, case=case_id), graph_format, full,
                  f"case-{case_id}")


@router.get("/clusters/{cluster_id}/graph.{graph_format}")
def cluster_graph(request: Request, cluster_id: str, graph_format: str, full: bool = False,
                  ctx: Ctx = Depends(require("cases"))) -> Response:
    selection = graphs.select(request.app.state.adtrace.store, cluster=cluster_id)
    return _graph(request, ctx, selection, graph_format, full, selection.what.replace(":", "-"))


def _stix(request: Request, ctx: Ctx, full: bool, stem: str, **which: Any) -> Response:
    check_unmasked(ctx, full)
    body, _what, _seq = stix.export(request.app.state.adtrace.store, redact=not full, actor=ctx.user.username,
                                    **which)
    return attachment(body, "application/stix+json;version=2.1", f"{stem}{'-FULL' if full else ''}.stix.json")


@router.get("/cases/{case_id}/stix.json")
def case_stix(request: Request, case_id: int, full: bool = False, ctx: Ctx = Depends(require("cases"))) -> Response:
    return _stix(request, ctx, full, f"case-{case_id}", case=case_id)


@router.get("/clusters/{cluster_id}/stix.json")
def cluster_stix(request: Request, cluster_id: str, full: bool = False,
                 ctx: Ctx = Depends(require("cases"))) -> Response:
    return _stix(request, ctx, full, "cluster", cluster=cluster_id)


@router.get("/cases/{case_id}/draft.{draft_kind}.json")
def case_draft(request: Request, case_id: int, draft_kind: str, status: str | None = None, full: bool = False,
               ctx: Ctx = Depends(require("cases"))) -> Response:
    """A report draft (never sent); `status=possible` is set by whoever downloads it, named in the draft."""
    import orjson

    check_unmasked(ctx, full)
    body, _seq = drafts.export(request.app.state.adtrace.store, case_id, draft_kind, actor=ctx.user.username,
                               redact=not full, status=status or None, set_by=ctx.user.username)
    return attachment(orjson.dumps(body, option=orjson.OPT_INDENT_2), "application/json",
                     f"case-{case_id}-draft-{draft_kind}{'-FULL' if full else ''}.json")
