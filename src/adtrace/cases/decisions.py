"""Review decisions on flagged documents, the queue they come from, and their export as training labels.

A decision is about whether the *indicators* deserve follow-up, never a verdict on a person:
`confirm` (indicators present, worth acting on), `dismiss` (benign on reading), `escalate` (needs a
senior look; the reason says why). The newest decision on a document is the one that counts. Rows are
only ever added: "undo" adds a `withdrawn` row, which puts the document back in the queue, and a
changed decision is a newer row, so the history of who decided what stays whole.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import text

from adtrace import errors
from adtrace.documents import spreadsheet
from adtrace.storage import db

DECISIONS = ("confirm", "dismiss", "escalate")
WITHDRAWN = "withdrawn"  # the newest row says "undecided again": back in the queue, no label
# The document's newest decision, or 'withdrawn' when it has none (SQL over `r.doc_id`).
NEWEST_SQL = ("COALESCE((SELECT x.decision FROM review_decisions x WHERE x.doc_id = r.doc_id "
           "ORDER BY x.id DESC LIMIT 1), 'withdrawn')")
# Tips (documents of kind `tip`) have their own queue and decisions (adtrace.tips): never in this one.
QUEUED_SQL = "JOIN documents d ON d.id = r.doc_id AND d.kind <> 'tip'"
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
    if conn.execute(text("SELECT 1 FROM documents WHERE id = :id"), {"id": doc_id}).first() is None:
        raise errors.InputError(message=f"no document {doc_id!r}", code=errors.BAD_FIELD, http_status=404,
                                detail={"field": "doc_id"})
    at = db.now()
    conn.execute(text("INSERT INTO review_decisions (doc_id, decision, reason, actor, at) "
                      "VALUES (:d, :dec, :r, :a, :at)"),
                 {"d": doc_id, "dec": decision, "r": reason, "a": actor, "at": at})
    return Decision(doc_id, decision, reason, actor, at)


def _levels(levels: tuple[str, ...]) -> tuple[str, dict[str, Any]]:
    return ", ".join(f":l{i}" for i in range(len(levels))), {f"l{i}": lv for i, lv in enumerate(levels)}


def queue(conn: sa.Connection, limit: int = 50, offset: int = 0,
          levels: tuple[str, ...] = ("high", "elevated")) -> list[QueueItem]:
    """Flagged documents nobody has decided on (or whose decision was withdrawn), highest risk first."""
    marks, params = _levels(levels)
    rows = conn.execute(text(
        "SELECT d.id, d.title, d.text, d.source, d.posted_at, d.location, r.risk_score, r.risk_level, r.record "
        f"FROM records r {QUEUED_SQL} WHERE r.risk_level IN ({marks}) "
        f"AND {NEWEST_SQL} = 'withdrawn' ORDER BY r.risk_score DESC, d.id LIMIT :limit OFFSET :offset"),
        {**params, "limit": limit, "offset": offset}).all()
    return [QueueItem(*r) for r in rows]


def waiting(conn: sa.Connection, levels: tuple[str, ...] = ("high", "elevated")) -> int:
    """How many flagged documents wait for a decision."""
    marks, params = _levels(levels)
    return int(conn.execute(text(f"SELECT count(*) FROM records r {QUEUED_SQL} WHERE r.risk_level IN ({marks}) "
                                 f"AND {NEWEST_SQL} = 'withdrawn'"), params).scalar() or 0)


def waiting_scores(conn: sa.Connection, levels: tuple[str, ...] = ("high", "elevated")) -> list[tuple[str, float]]:
    """(id, rule score) of every waiting document, highest first: what a learned order re-ranks."""
    marks, params = _levels(levels)
    return [(str(i), float(s or 0)) for i, s in conn.execute(text(
        f"SELECT r.doc_id, r.risk_score FROM records r {QUEUED_SQL} WHERE r.risk_level IN ({marks}) "
        f"AND {NEWEST_SQL} = 'withdrawn' ORDER BY r.risk_score DESC, r.doc_id"), params)]


def queue_items(conn: sa.Connection, ids: list[str]) -> list[QueueItem]:
    """The queue rows of `ids`, in that order."""
    if not ids:
        return []
    rows = conn.execute(text(
        "SELECT d.id, d.title, d.text, d.source, d.posted_at, d.location, r.risk_score, r.risk_level, r.record "
        "FROM records r JOIN documents d ON d.id = r.doc_id WHERE d.id IN :ids").bindparams(
        sa.bindparam("ids", expanding=True)), {"ids": ids}).all()
    by_id = {r.id: QueueItem(*r) for r in rows}
    return [by_id[i] for i in ids if i in by_id]


def escalated(conn: sa.Connection, limit: int = 50, offset: int = 0) -> tuple[int, list[QueueItem]]:
    """Documents whose newest decision is an escalation, oldest escalation first: (count, one page)."""
    where = ("FROM review_decisions x JOIN records r ON r.doc_id = x.doc_id JOIN documents d ON d.id = x.doc_id "
             "WHERE x.decision = 'escalate' AND x.id = (SELECT max(y.id) FROM review_decisions y "
             "WHERE y.doc_id = x.doc_id)")
    total = int(conn.execute(text(f"SELECT count(*) {where}")).scalar() or 0)
    rows = conn.execute(text(
        "SELECT d.id, d.title, d.text, d.source, d.posted_at, d.location, r.risk_score, r.risk_level, r.record, "
        f"x.reason, x.actor, x.at {where} ORDER BY x.id LIMIT :limit OFFSET :offset"),
        {"limit": limit, "offset": offset}).all()
    return total, [QueueItem(r.id, r.title, r.text, r.source, r.posted_at, r.location, r.risk_score, r.risk_level,
                             r.record, Decision(r.id, "escalate", r.reason, r.actor, r.at)) for r in rows]


def current(conn: sa.Connection, doc_id: str) -> Decision | None:
    """The decision that counts for this document, or None (never decided, or withdrawn)."""
    row = conn.execute(text("SELECT doc_id, decision, reason, actor, at FROM review_decisions WHERE doc_id = :d "
                            "ORDER BY id DESC LIMIT 1"), {"d": doc_id}).first()
    return Decision(*row) if row and row[1] != WITHDRAWN else None


def withdraw(conn: sa.Connection, doc_id: str, actor: str) -> Decision:
    """Undo: the document's decision no longer counts and it goes back to the queue (history kept)."""
    if current(conn, doc_id) is None:
        raise errors.InputError.at(errors.BAD_FIELD, f"document {doc_id!r} has no decision to undo",
                                   field_name="doc_id", hint="Reload the page: someone may have undone it already")
    at = db.now()
    conn.execute(text("INSERT INTO review_decisions (doc_id, decision, reason, actor, at) "
                      "VALUES (:d, :dec, '', :a, :at)"), {"d": doc_id, "dec": WITHDRAWN, "a": actor, "at": at})
    return Decision(doc_id, WITHDRAWN, "", actor, at)


def history(conn: sa.Connection, doc_id: str | None = None, limit: int = 1000) -> list[Decision]:
    where = "WHERE doc_id = :d " if doc_id else ""
    rows = conn.execute(text(f"SELECT doc_id, decision, reason, actor, at FROM review_decisions {where}"
                             "ORDER BY id DESC LIMIT :limit"), {"d": doc_id, "limit": limit}).all()
    return [Decision(*r) for r in rows]


def export_labels(conn: sa.Connection, with_text: bool = True) -> str:
    """CSV for `adtrace train --labels`: id,label[,text]; the newest confirm/dismiss per document."""
    rows = conn.execute(text(
        "SELECT x.doc_id, x.decision, d.text FROM review_decisions x JOIN documents d ON d.id = x.doc_id "
        "WHERE x.id = (SELECT max(y.id) FROM review_decisions y WHERE y.doc_id = x.doc_id) ORDER BY x.doc_id"))
    out = io.StringIO()
    writer = spreadsheet.writer(out, lineterminator="\n")
    writer.writerow(["id", "label", "text"] if with_text else ["id", "label"])
    for doc_id, decision, body in rows:
        if decision in LABELS:
            writer.writerow([doc_id, LABELS[decision], body] if with_text else [doc_id, LABELS[decision]])
    return out.getvalue()
