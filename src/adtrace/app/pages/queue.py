"""The review queue: flagged documents, highest risk first, triaged from the keyboard.

j/k move, c confirms, d dismisses, e escalates (with a reason); static/app.js sends the decision as
a POST with the CSRF header, and the row leaves the queue. Decisions export as training labels.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from adtrace.app import audit
from adtrace.app.auth import Ctx, require
from adtrace.app.db import read, write
from adtrace.app.pages.documents import load, view_model
from adtrace.app.pages.render import render
from adtrace.cases import decide, export_labels, queue

router = APIRouter()
PAGE = 50


@router.get("/queue")
def queue_page(request: Request, ctx: Ctx = Depends(require("triage"))) -> Response:
    with read(request.app.state.adtrace.engine) as conn:
        items = queue(conn, limit=PAGE)
    return render(request, "queue.html", {"items": items})


@router.get("/queue/preview/{doc_id}")
def preview(request: Request, doc_id: str, ctx: Ctx = Depends(require("triage"))) -> Response:
    doc, record = load(request, doc_id)
    audit.append(request.app.state.adtrace.engine, ctx.user.username, "view_document", doc_id, {"via": "queue"})
    return render(request, "_preview.html", view_model(doc, record))


@router.post("/queue/decide")
def decide_page(request: Request, doc_id: str = Form(...), decision: str = Form(...), reason: str = Form(""),
                ctx: Ctx = Depends(require("triage"))) -> Response:
    engine = request.app.state.adtrace.engine
    with write(engine) as conn:
        d = decide(conn, doc_id, decision, reason, ctx.user.username)
        audit.append(engine, ctx.user.username, "decision", doc_id, {"decision": decision, "reason": d.reason},
                     conn=conn)
    return Response(f'<span class="done">{decision}</span>', media_type="text/html")


@router.get("/queue/labels.csv")
def labels(request: Request, ctx: Ctx = Depends(require("export"))) -> Response:
    engine = request.app.state.adtrace.engine
    with read(engine) as conn:
        body = export_labels(conn)
    audit.append(engine, ctx.user.username, "export", "labels.csv", {"rows": body.count("\n") - 1})
    return Response(body, media_type="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="adtrace-labels.csv"'})
