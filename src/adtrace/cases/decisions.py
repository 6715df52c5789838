"""Review decisions on flagged documents, the queue they come from, and their export as training labels.

A decision is about whether the *indicators* deserve follow-up, never a verdict on a person:
`confirm` (indicators present, worth acting on), `dismiss` (benign on reading), `escalate` (needs a
senior look; the reason says why). The newest decision on a document is the one that counts. Rows are
only ever added: "undo" adds a `withdrawn` row, which puts the document back in the queue, and a
changed decision is a newer row, so the history of who decided what stays whole.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from adtrace import errors
from adtrace.documents import spreadsheet
from adtrace.storage import db, docsets, reviewlog

DECISIONS = ("confirm", "dismiss", "escalate")
WITHDRAWN = "withdrawn"  # the newest row says "undecided again": back in the queue, no label
# The labels `adtrace train --labels` reads: 1 = look first, 0 = benign. Escalations are undecided.
LABELS = {"confirm": "1", "dismiss": "0"}


@dataclass
class Decision:
    doc_id: str
    decision: str
    reason: str
    actor: str
    at: str

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class QueueItem:
    id: str
    title: str | None
    text: str
    source: str
    posted_at: str | None
    location: str | None
    risk_score: float | None
    risk_level: str | None
    record: str  # JSON, parsed by the page that shows it
    decision: Decision | None = None  # in the escalated inbox: the escalation (reason, who, when)


def decide(conn: sa.Connection, doc_id: str, decision: str, reason: str, actor: str) -> Decision:
    """Store one decision inside the caller's write transaction (the caller audits it alongside)."""
    if decision not in DECISIONS:
        raise errors.InputError.at(errors.BAD_FIELD, f"unknown decision {decision!r}", field_name="decision",
                                   hint=f"Use one of: {', '.join(DECISIONS)}")
    reason = reason.strip()[:2000]
    if decision == "escalate" and not reason:
        raise errors.InputError.at(errors.MISSING_FIELD, "an escalation needs a reason", field_name="reason",
                                   hint="Say what a senior reviewer should look at")
    if not docsets.exists(conn, doc_id):
        raise errors.InputError(message=f"no document {doc_id!r}", code=errors.BAD_FIELD, http_status=404,
                                detail={"field": "doc_id"})
    at = db.now()
    reviewlog.insert(conn, doc_id, decision, reason, actor, at)
    return Decision(doc_id, decision, reason, actor, at)


def queue(conn: sa.Connection, limit: int = 50, offset: int = 0,
          levels: tuple[str, ...] = ("high", "elevated")) -> list[QueueItem]:
    """Flagged documents nobody has decided on (or whose decision was withdrawn), highest risk first."""
    return [QueueItem(*r) for r in reviewlog.waiting_rows(conn, levels, limit, offset)]


def waiting(conn: sa.Connection, levels: tuple[str, ...] = ("high", "elevated")) -> int:
    """How many flagged documents wait for a decision."""
    return reviewlog.waiting_count(conn, levels)


def waiting_scores(conn: sa.Connection, levels: tuple[str, ...] = ("high", "elevated")) -> list[tuple[str, float]]:
    """(id, rule score) of every waiting document, highest first: what a learned order re-ranks."""
    return reviewlog.waiting_scores(conn, levels)


def queue_items(conn: sa.Connection, ids: list[str]) -> list[QueueItem]:
    """The queue rows of `ids`, in that order."""
    by_id = {i: QueueItem(*r) for i, r in reviewlog.queue_rows(conn, ids).items()}
    return [by_id[i] for i in ids if i in by_id]


def escalated(conn: sa.Connection, limit: int = 50, offset: int = 0) -> tuple[int, list[QueueItem]]:
    """Documents whose newest decision is an escalation, oldest escalation first: (count, one page)."""
    total, rows = reviewlog.escalated(conn, limit, offset)
    return total, [QueueItem(*q, decision=Decision(q[0], "escalate", *d)) for q, d in rows]


def current(conn: sa.Connection, doc_id: str) -> Decision | None:
    """The decision that counts for this document, or None (never decided, or withdrawn)."""
    row = reviewlog.newest(conn, doc_id)
    return Decision(*row) if row and row[1] != WITHDRAWN else None


def withdraw(conn: sa.Connection, doc_id: str, actor: str) -> Decision:
    """Undo: the document's decision no longer counts and it goes back to the queue (history kept)."""
    if current(conn, doc_id) is None:
        raise errors.InputError.at(errors.BAD_FIELD, f"document {doc_id!r} has no decision to undo",
                                   field_name="doc_id", hint="Reload the page: someone may have undone it already")
    at = db.now()
    reviewlog.insert(conn, doc_id, WITHDRAWN, "", actor, at)
    return Decision(doc_id, WITHDRAWN, "", actor, at)


def history(conn: sa.Connection, doc_id: str | None = None, limit: int = 1000) -> list[Decision]:
    return [Decision(*r) for r in reviewlog.history(conn, doc_id, limit)]


def export_labels(conn: sa.Connection, with_text: bool = True,
                  mask: Callable[[str, str], str] | None = None) -> str:
    """CSV for `adtrace train --labels`: id,label[,text]; the newest confirm/dismiss per document. `mask(doc_id,
    text)` gives the text as it may leave (the app masks identifiers unless an admin asks otherwise)."""
    out = io.StringIO()
    writer = spreadsheet.writer(out, lineterminator="\n")
    writer.writerow(["id", "label", "text"] if with_text else ["id", "label"])
    for doc_id, decision, body in reviewlog.newest_with_text(conn):
        if decision in LABELS:
            if with_text and mask is not None:
                body = mask(doc_id, body)
            writer.writerow([doc_id, LABELS[decision], body] if with_text else [doc_id, LABELS[decision]])
    return out.getvalue()
