"""What we share: keyed-hash signals of identifiers in documents an analyst confirmed (or above a risk
level), with first/last seen dates. Raw identifiers never leave; notes are checked for identifiers.
"""

from __future__ import annotations

import orjson
import sqlalchemy as sa

from adtrace import errors
from adtrace.documents import Document
from adtrace.exchange.bundles import Signal
from adtrace.exchange.signals import identifiers, keyed_hash
from adtrace.storage import corpus
from adtrace.storage.db import read

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


def _levels(min_level: str | None) -> list[str] | None:
    if not min_level:
        return None
    if min_level not in LEVELS:
        raise errors.InputError.at(errors.BAD_FIELD, f"unknown level {min_level!r}", field_name="min-level",
                                   hint=f"Use one of: {', '.join(LEVELS)}")
    return list(LEVELS[LEVELS.index(min_level):])


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
    levels = _levels(min_level)
    ids = case_documents(engine, case) if case is not None else None
    with read(engine) as conn:
        rows = corpus.selected_records(conn, since=since, decision=decision, levels=levels)
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
