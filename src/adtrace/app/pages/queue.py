"""The review queue: flagged documents, highest risk first, triaged by keyboard or by the buttons.

j/k move, c confirms, d dismisses, e escalates (with a reason), u undoes the last decision; the
buttons beside the preview do the same. static/app.js sends each decision as a POST with the CSRF
header and the row leaves the queue. Undo and a changed decision add a newer row (`cases.decisions`):
the history stays whole. Escalations wait in their own inbox for a senior analyst or admin.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import escape

from adtrace.app.auth import Ctx, require
from adtrace.app.data.documents import load
from adtrace.app.data.lists import audit_list
from adtrace.app.data.queue import PAGE, labels_csv, ranked_page
from adtrace.app.downloads import attachment
from adtrace.app.pages import measured
from adtrace.app.pages.cases import open_cases
from adtrace.app.pages.documents import view_model
from adtrace.app.pages.render import render
from adtrace.cases import decide, escalated, waiting, withdraw
from adtrace.storage import audit
from adtrace.storage.db import read, write

router = APIRouter()


def _pages(path: str, page: int, total: int) -> dict[str, str | int | None]:
    last = max(1, -(-total // PAGE))
    return {"page": page, "last": last, "prev": f"{path}?page={page - 1}" if page > 1 else None,
            "next": f"{path}?page={page + 1}" if page < last else None}


@router.get("/queue")
def queue_page(request: Request, page: int = 1, ctx: Ctx = Depends(require("triage"))) -> Response:
    page = max(1, page)
    total, items, placed = ranked_page(request, (page - 1) * PAGE)
    with read(request.app.state.adtrace.engine) as conn:
        n_escalated, _ = escalated(conn, limit=0)
        rates = measured.per_level(conn)
    audit_list(request, ctx, "queue", [i.id for i in items])
    return render(request, "queue.html", {"items": items, "waiting": total, "escalated": n_escalated,
                                          "mode": "queue", "pages": _pages("/queue", page, total),
                                          "placed": placed, "learning": request.app.state.adtrace.learner.status(),
                                          "measured": rates})


@router.get("/queue/escalated")
def escalated_page(request: Request, page: int = 1, ctx: Ctx = Depends(require("cases"))) -> Response:
    """The supervisors' inbox: what reviewers escalated, oldest first, with who asked and why."""
    page = max(1, page)
    with read(request.app.state.adtrace.engine) as conn:
        total, items = escalated(conn, limit=PAGE, offset=(page - 1) * PAGE)
        n_waiting = waiting(conn)
    audit_list(request, ctx, "escalated", [i.id for i in items])
    return render(request, "queue.html", {"items": items, "waiting": n_waiting, "escalated": total,
                                          "mode": "escalated", "pages": _pages("/queue/escalated", page, total)})


@router.get("/queue/preview/{doc_id}")
def preview(request: Request, doc_id: str, ctx: Ctx = Depends(require("triage"))) -> Response:
    doc, record = load(request, doc_id)
    audit.append(request.app.state.adtrace.engine, ctx.user.username, "view_document", doc_id, {"via": "queue"})
    return render(request, "_preview.html", {**view_model(doc, record), "open_cases": open_cases(request, ctx)})


def _decide(request: Request, ctx: Ctx, doc_id: str, decision: str, reason: str) -> str:
    """Store a decision (or "withdraw": undo) and audit it in the same transaction; returns what was stored."""
    engine = request.app.state.adtrace.engine
    with write(engine) as conn:
        d = withdraw(conn, doc_id, ctx.user.username) if decision == "withdraw" else \
            decide(conn, doc_id, decision, reason, ctx.user.username)
        audit.append(engine, ctx.user.username, "decision", doc_id, {"decision": d.decision, "reason": d.reason},
                     conn=conn)
    request.app.state.adtrace.learner.check()  # retrain in the background once enough new labels arrived
    return d.decision


@router.post("/queue/decide")
def decide_page(request: Request, doc_id: str = Form(...), decision: str = Form(...), reason: str = Form(""),
                ctx: Ctx = Depends(require("triage"))) -> Response:
    stored = _decide(request, ctx, doc_id, decision, reason)
    return Response(f'<span class="done">{escape(stored)}</span>', media_type="text/html")


@router.post("/queue/undo")
def undo(request: Request, doc_id: str = Form(...), ctx: Ctx = Depends(require("triage"))) -> Response:
    stored = _decide(request, ctx, doc_id, "withdraw", "")
    return Response(f'<span class="done">{escape(stored)}</span>', media_type="text/html")


@router.post("/documents/{doc_id}/decision")
def change_decision(request: Request, doc_id: str, decision: str = Form(...), reason: str = Form(""),
                    ctx: Ctx = Depends(require("triage"))) -> Response:
    """The document page's "change decision" form (confirm, dismiss, escalate, or withdraw)."""
    _decide(request, ctx, doc_id, decision, reason)
    return RedirectResponse(f"/documents/{doc_id}#decision", status_code=303)


@router.get("/queue/labels.csv")
def labels(request: Request, full: bool = False, ctx: Ctx = Depends(require("export"))) -> Response:
    return attachment(labels_csv(request, ctx, full), "text/csv", "adtrace-labels.csv")
