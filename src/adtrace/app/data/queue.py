"""The review queue's order (the rule level's, or the learned one once a model is trained) and its labels CSV."""

from __future__ import annotations

from fastapi import Request

from adtrace.app.auth import Ctx
from adtrace.app.data.cases import check_unmasked
from adtrace.cases import QueueItem, export_labels, queue, waiting
from adtrace.cases.decisions import queue_items, waiting_scores
from adtrace.cases.redaction import Masker
from adtrace.scoring.ranking import Ranked
from adtrace.storage import audit
from adtrace.storage.db import read

PAGE = 50


def ranked_page(request: Request, offset: int, limit: int = PAGE) -> tuple[int, list[QueueItem], dict[str, Ranked]]:
    """(waiting, one page of items, how each was placed): rule order, or the learned order once a model is
    trained (adtrace.app.learning). Membership is the rule level's either way."""
    learner = request.app.state.adtrace.learner
    learner.check()
    with read(request.app.state.adtrace.engine) as conn:
        if learner.model is None:
            total = waiting(conn)
            items = queue(conn, limit=limit, offset=offset)
            return total, items, {}
        scores = waiting_scores(conn)
        ranked = learner.rank(conn, scores)[offset:offset + limit]
        return len(scores), queue_items(conn, [r.id for r in ranked]), {r.id: r for r in ranked}


def labels_csv(request: Request, ctx: Ctx, full: bool = False, **detail: str) -> str:
    """The labels CSV for `adtrace train --labels` (cases.export_labels), its export audited. The ads' texts
    have their identifiers masked as in case exports (the model learns wording, not numbers) unless an
    admin asks for them in full."""
    check_unmasked(ctx, full)
    state = request.app.state.adtrace
    masker = Masker(not full)

    def masked(doc_id: str, text: str) -> str:
        doc, record = state.store.get_document(doc_id), state.store.get_record(doc_id) or {}
        if doc is None or doc.text != text:
            return masker.field(text)  # no record to cut by: known identifiers and given names only
        return masker.document(record, doc)[1]

    with read(state.engine) as conn:
        body = export_labels(conn, mask=None if full else masked)
    audit.append(state.engine, ctx.user.username, "export", "labels.csv",
                 {"rows": body.count("\n") - 1, "redacted": not full, **detail})
    return body
