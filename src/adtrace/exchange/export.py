"""What we share: keyed-hash signals of identifiers in documents an analyst confirmed (or above a risk
level), with first/last seen dates. Raw identifiers never leave; notes are checked for identifiers.
"""

from __future__ import annotations

from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy import text

from adtrace import errors
from adtrace.documents import Document
from adtrace.exchange.bundles import Signal
from adtrace.exchange.signals import identifiers, keyed_hash

LEVELS = ("low", "elevated", "high")


def check_note(note: str) -> str:
    """A note travels in the clear: refuse one that holds a phone, email, handle, payment handle or URL."""
    from adtrace.pipeline import Pipeline

    note = note.strip()
    if not note:
        return ""
    found = Pipeline().extract(Document(id="note", text=note))
    if any(found.get(k) for k in ("phones", "emails", "handles", "payments", "urls")):
        raise errors.InputError.at(errors.BAD_FIELD, "the note contains an identifier (phone, email, handle, "
                                   "payment handle or URL)", field_name="note",
                                   hint="Notes travel in the clear: describe the pattern, never name anyone")
    return note


def _where(since: str | None, decision: str | None, min_level: str | None) -> tuple[str, dict[str, Any]]:
    where: list[str] = []
    params: dict[str, Any] = {}
    if since:
        where.append("d.ingested_at >= :since")
        params["since"] = since
    if decision:
        where.append("(SELECT x.decision FROM review_decisions x WHERE x.doc_id = d.id ORDER BY x.id DESC "
                     "LIMIT 1) = :decision")
        params["decision"] = decision
    if min_level:
        if min_level not in LEVELS:
            raise errors.InputError.at(errors.BAD_FIELD, f"unknown level {min_level!r}", field_name="min-level",
                                       hint=f"Use one of: {', '.join(LEVELS)}")
        where.append("r.risk_level IN :levels")
        params["levels"] = list(LEVELS[LEVELS.index(min_level):])
    return ("WHERE " + " AND ".join(where)) if where else "", params


def case_documents(engine: sa.Engine, case: str | int) -> set[str]:
    """Every document a case holds (directly, through its clusters and its entities), from the store."""
    from adtrace.cases import cases  # loaded only when a case is asked for

    try:
        case_id = int(case)
    except (TypeError, ValueError):
        raise errors.InputError.at(errors.BAD_FIELD, f"a case id is a number, not {case!r}", field_name="case",
                                   hint="List cases with the Cases page or GET /api/v1/cases") from None
    return set(cases.document_ids(engine, cases.get(engine, case_id)))


def collect(engine: sa.Engine, key: bytes, *, since: str | None = None, decision: str | None = "confirm",
            min_level: str | None = None, case: str | None = None, category: str = "indicators_present",
            confidence: float = 0.8, note: str = "", region: str = "US") -> list[Signal]:
    """Signals from the selected documents: one per distinct identifier, dated by the documents holding it."""
    note = check_note(note)
    where, params = _where(since, decision, min_level)
    sql = text(f"SELECT d.id, d.posted_at, d.ingested_at, r.record FROM documents d JOIN records r "
               f"ON r.doc_id = d.id {where} ORDER BY d.seq")
    if "levels" in params:
        sql = sql.bindparams(sa.bindparam("levels", expanding=True))
    ids = case_documents(engine, case) if case is not None else None
    with engine.connect() as conn:
        rows = conn.execute(sql, params).all()
    seen: dict[tuple[str, str], list[str]] = {}
    for doc_id, posted_at, ingested_at, record in rows:
        if ids is not None and doc_id not in ids:
            continue
        when = str(posted_at or ingested_at)
        for ident in identifiers(orjson.loads(record), region):
            h = ident.value if ident.type == "pdq" else keyed_hash(key, ident.type, ident.value)
            dates = seen.setdefault((ident.type, h), [when, when])
            dates[0], dates[1] = min(dates[0], when), max(dates[1], when)
    return [Signal(t, h, category, confidence, first, last, note) for (t, h), (first, last) in sorted(seen.items())]
