"""The review decisions table and the queue read from it.

Rows are only ever added; the newest row per document is the decision that counts (`withdrawn` when
none counts). Which decisions exist and what they mean is `adtrace.cases.decisions`'s; these functions
read and write on the caller's connection, so a decision and its audit entry share a transaction.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import bindparam, text

# The document's newest decision, or 'withdrawn' when it has none (SQL over `r.doc_id`).
NEWEST_SQL = ("COALESCE((SELECT x.decision FROM review_decisions x WHERE x.doc_id = r.doc_id "
              "ORDER BY x.id DESC LIMIT 1), 'withdrawn')")
# (id, title, text, source, posted_at, location, risk_score, risk_level, record JSON) of a queued document.
QUEUE_COLS = "d.id, d.title, d.text, d.source, d.posted_at, d.location, r.risk_score, r.risk_level, r.record"
# Tips (documents of kind `tip`) have their own queue and decisions (adtrace.tips): never in this one.
QUEUED_SQL = "JOIN documents d ON d.id = r.doc_id AND d.kind <> 'tip'"
QueueRow = tuple[str, str | None, str, str, str | None, str | None, float | None, str | None, str]
# (doc_id, decision, reason, actor, at)
DecisionRow = tuple[str, str, str, str, str]
_DECISION_COLS = "doc_id, decision, reason, actor, at"
_ESCALATED = ("FROM review_decisions x JOIN records r ON r.doc_id = x.doc_id JOIN documents d ON d.id = x.doc_id "
              "WHERE x.decision = 'escalate' AND x.id = (SELECT max(y.id) FROM review_decisions y "
              "WHERE y.doc_id = x.doc_id)")


def _levels(levels: tuple[str, ...]) -> tuple[str, dict[str, Any]]:
    return ", ".join(f":l{i}" for i in range(len(levels))), {f"l{i}": lv for i, lv in enumerate(levels)}


def insert(conn: sa.Connection, doc_id: str, decision: str, reason: str, actor: str, at: str) -> None:
    conn.execute(text(f"INSERT INTO review_decisions ({_DECISION_COLS}) VALUES (:d, :dec, :r, :a, :at)"),
                 {"d": doc_id, "dec": decision, "r": reason, "a": actor, "at": at})


def _queue_row(r: Any) -> QueueRow:
    return (r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8])


def waiting_rows(conn: sa.Connection, levels: tuple[str, ...], limit: int, offset: int) -> list[QueueRow]:
    """QUEUE_COLS of flagged documents with no decision that counts, highest risk first."""
    marks, params = _levels(levels)
    rows = conn.execute(text(
        f"SELECT {QUEUE_COLS} FROM records r {QUEUED_SQL} WHERE r.risk_level IN ({marks}) "
        f"AND {NEWEST_SQL} = 'withdrawn' ORDER BY r.risk_score DESC, d.id LIMIT :limit OFFSET :offset"),
        {**params, "limit": limit, "offset": offset}).all()
    return [_queue_row(r) for r in rows]


def waiting_count(conn: sa.Connection, levels: tuple[str, ...]) -> int:
    marks, params = _levels(levels)
    return int(conn.execute(text(f"SELECT count(*) FROM records r {QUEUED_SQL} WHERE r.risk_level IN ({marks}) "
                                 f"AND {NEWEST_SQL} = 'withdrawn'"), params).scalar() or 0)


def waiting_scores(conn: sa.Connection, levels: tuple[str, ...]) -> list[tuple[str, float]]:
    """(id, rule score) of every waiting document, highest first."""
    marks, params = _levels(levels)
    return [(str(i), float(s or 0)) for i, s in conn.execute(text(
        f"SELECT r.doc_id, r.risk_score FROM records r {QUEUED_SQL} WHERE r.risk_level IN ({marks}) "
        f"AND {NEWEST_SQL} = 'withdrawn' ORDER BY r.risk_score DESC, r.doc_id"), params)]


def queue_rows(conn: sa.Connection, ids: list[str]) -> dict[str, QueueRow]:
    """Document id -> QUEUE_COLS, for the documents of `ids` that have a Record."""
    if not ids:
        return {}
    rows = conn.execute(text(
        f"SELECT {QUEUE_COLS} FROM records r JOIN documents d ON d.id = r.doc_id WHERE d.id IN :ids").bindparams(
        bindparam("ids", expanding=True)), {"ids": ids}).all()
    return {r.id: _queue_row(r) for r in rows}


def escalated(conn: sa.Connection, limit: int, offset: int) -> tuple[int, list[tuple[QueueRow, tuple[str, str, str]]]]:
    """(how many, one page of (QUEUE_COLS, the escalation's (reason, actor, at))) of documents whose newest
    decision is an escalation, oldest escalation first."""
    total = int(conn.execute(text(f"SELECT count(*) {_ESCALATED}")).scalar() or 0)
    rows = conn.execute(text(f"SELECT {QUEUE_COLS}, x.reason, x.actor, x.at {_ESCALATED} ORDER BY x.id "
                             "LIMIT :limit OFFSET :offset"), {"limit": limit, "offset": offset}).all()
    return total, [(_queue_row(r), (r[9], r[10], r[11])) for r in rows]


def newest(conn: sa.Connection, doc_id: str) -> DecisionRow | None:
    """The document's newest row (a withdrawal included), or None when it was never decided."""
    row = conn.execute(text(f"SELECT {_DECISION_COLS} FROM review_decisions WHERE doc_id = :d "
                            "ORDER BY id DESC LIMIT 1"), {"d": doc_id}).first()
    return None if row is None else (row[0], row[1], row[2], row[3], row[4])


def history(conn: sa.Connection, doc_id: str | None, limit: int) -> list[DecisionRow]:
    """Rows, newest first: one document's, or everyone's when `doc_id` is None."""
    where = "WHERE doc_id = :d " if doc_id else ""
    rows = conn.execute(text(f"SELECT {_DECISION_COLS} FROM review_decisions {where}"
                             "ORDER BY id DESC LIMIT :limit"), {"d": doc_id, "limit": limit}).all()
    return [(r[0], r[1], r[2], r[3], r[4]) for r in rows]


def newest_with_text(conn: sa.Connection) -> list[tuple[str, str, str]]:
    """(doc_id, newest decision, document text) of every decided document, by id."""
    return [(r[0], r[1], r[2]) for r in conn.execute(text(
        "SELECT x.doc_id, x.decision, d.text FROM review_decisions x JOIN documents d ON d.id = x.doc_id "
        "WHERE x.id = (SELECT max(y.id) FROM review_decisions y WHERE y.doc_id = x.doc_id) ORDER BY x.doc_id"))]


# The newest decision per document when it is a label (confirm or dismiss); over `x` (review_decisions).
_NEWEST_LABEL = ("x.id = (SELECT max(y.id) FROM review_decisions y WHERE y.doc_id = x.doc_id) "
                 "AND x.decision IN ('confirm', 'dismiss')")


def label_counts(conn: sa.Connection) -> tuple[int, int]:
    """(documents labelled, of them confirmed): newest decisions that are confirm or dismiss."""
    n, pos = conn.execute(text(f"SELECT count(*), sum(CASE WHEN x.decision = 'confirm' THEN 1 ELSE 0 END) "
                               f"FROM review_decisions x WHERE {_NEWEST_LABEL}")).one()
    return int(n or 0), int(pos or 0)


def newest_labels(conn: sa.Connection, limit: int) -> list[tuple[str | None, str | None, str]]:
    """(title, text, decision) of the `limit` newest labelled documents, newest label first."""
    return [(r[0], r[1], r[2]) for r in conn.execute(text(
        f"SELECT d.title, d.text, x.decision FROM review_decisions x JOIN documents d ON d.id = x.doc_id "
        f"WHERE {_NEWEST_LABEL} ORDER BY x.id DESC LIMIT :n"), {"n": limit})]


def decided_count(conn: sa.Connection) -> int:
    """Documents whose newest decision counts (an undone one, `withdrawn`, is no review)."""
    return int(conn.execute(text(
        "SELECT count(*) FROM review_decisions x WHERE x.decision <> 'withdrawn' AND x.id = "
        "(SELECT max(y.id) FROM review_decisions y WHERE y.doc_id = x.doc_id)")).scalar() or 0)


def dismissed_scores(conn: sa.Connection) -> list[float]:
    """Risk scores of the documents whose newest decision is a dismissal (benign on reading)."""
    return [float(r[0] or 0) for r in conn.execute(text(
        "SELECT r.risk_score FROM review_decisions d JOIN records r ON r.doc_id = d.doc_id "
        "WHERE d.decision = 'dismiss' AND d.id = (SELECT max(id) FROM review_decisions x WHERE x.doc_id = d.doc_id)"))]


def labels_per_level(conn: sa.Connection) -> dict[str, tuple[int, int]]:
    """Risk level (high, elevated) -> (labelled documents, of them dismissed), by the level they have now."""
    return {str(level): (int(n), int(fp or 0)) for level, n, fp in conn.execute(text(
        "SELECT r.risk_level, count(*) AS n, sum(CASE WHEN x.decision = 'dismiss' THEN 1 ELSE 0 END) AS fp "
        f"FROM review_decisions x JOIN records r ON r.doc_id = x.doc_id WHERE {_NEWEST_LABEL} "
        "AND r.risk_level IN ('high', 'elevated') GROUP BY r.risk_level"))}


def alert_documents(conn: sa.Connection, ids: list[str]) -> dict[str, Any]:
    """Document id -> row (id, title, location, posted_at, level now, newest decision) for the scored documents
    of `ids` (the level is today's: a saved threshold may have moved it since the alert)."""
    if not ids:
        return {}
    stmt = text(f"SELECT d.id, d.title, d.location, d.posted_at, r.risk_level AS level, {NEWEST_SQL} AS decision "
                "FROM documents d "
                "JOIN records r ON r.doc_id = d.id WHERE d.id IN :ids").bindparams(bindparam("ids", expanding=True))
    return {str(r.id): r for r in conn.execute(stmt, {"ids": ids})}
