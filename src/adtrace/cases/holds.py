"""Legal holds: a case, cluster or document placed under hold is never purged by retention.

A hold records who placed it, when and why (and, once released, who released it, when and why); both
are audited. A case or cluster hold covers the documents it holds now *and* those it held when the hold
was placed (kept in the row), so removing an item from the case or relinking cannot shrink what is
preserved. (The US REPORT Act, 2024, requires preserving material reported to NCMEC's CyberTipline for
one year; a hold is how an organisation makes sure retention respects that and any court order.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from adtrace import errors
from adtrace.cases import cases as cs
from adtrace.i18n import _
from adtrace.storage import Store, audit, casebook, docsets
from adtrace.storage.db import engine_of, now, read, write

KINDS = ("case", "cluster", "document")
AUDIT_ACTION = "legal_hold"


@dataclass
class Hold:
    id: int
    kind: str
    ref: str
    reason: str
    placed_by: str
    placed_at: str
    released_by: str | None = None
    released_at: str | None = None
    release_reason: str | None = None

    @property
    def active(self) -> bool:
        return self.released_at is None

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "active": self.active}


def _case_docs(conn: sa.Connection, case_id: int) -> set[str]:
    """What `cases.document_ids` counts, read on the caller's connection (inside its transaction)."""
    return cs.items_docs(conn, casebook.item_refs(conn, case_id))


def _members(conn: sa.Connection, kind: str, ref: str) -> list[str]:
    """The documents a case, cluster or document holds now; an unknown case is a 404 error."""
    if kind == "case":
        try:
            case_id = int(ref)
        except ValueError:
            raise errors.InputError.at(errors.BAD_FIELD, _("a case id is a number, not %(ref)r") % {"ref": ref},
                                       field_name="ref") from None
        if not casebook.case_exists(conn, case_id):
            raise cs._not_found(case_id)
        return sorted(_case_docs(conn, case_id))
    if kind == "cluster":
        return sorted(docsets.cluster_docs(conn, [ref]))
    return [ref] if docsets.exists(conn, ref) else []


def place(store: Store | sa.Engine, kind: str, ref: str, actor: str, reason: str) -> Hold:
    """Put a case, cluster (id or any member's document id) or document under hold; audited."""
    if kind not in KINDS:
        raise errors.InputError.at(errors.BAD_FIELD, _("unknown hold kind %(kind)r") % {"kind": kind},
                                   field_name="kind", hint=_("Use one of: %(list)s") % {"list": ", ".join(KINDS)})
    reason = reason.strip()
    if not reason:
        raise errors.InputError.at(errors.MISSING_FIELD, _("a hold needs a reason"), field_name="reason",
                                   hint=_("e.g. 'CyberTipline report 123 (REPORT Act, one year)' or a court order"))
    engine = engine_of(store)
    ref = ref.strip()
    with write(engine) as conn:
        if kind == "cluster":
            ref = docsets.cluster_of(conn, ref) or ref
        docs = _members(conn, kind, ref)
        if not docs and kind != "case":
            raise errors.InputError(message=_("no %(kind)s %(ref)r") % {"kind": kind, "ref": ref}, code=errors.NOT_FOUND,
                                    http_status=404,
                                    detail={"field": "ref"})
        hold_id = casebook.insert_hold(conn, kind, ref, reason[:2000], actor, now(), docs)
        audit.append(engine, actor, AUDIT_ACTION, f"{kind}:{ref}",
                     {"op": "place", "hold": hold_id, "reason": reason[:2000], "documents": len(docs)}, conn=conn)
    return get(engine, hold_id)


def release(store: Store | sa.Engine, hold_id: int, actor: str, reason: str) -> Hold:
    """End a hold (the row stays, with who released it, when and why); audited."""
    reason = reason.strip()
    if not reason:
        raise errors.InputError.at(errors.MISSING_FIELD, _("releasing a hold needs a reason"),
                                   field_name="reason")
    engine = engine_of(store)
    hold = get(engine, hold_id)
    if not hold.active:
        raise errors.InputError.at(errors.BAD_FIELD, _("hold %(id)s was already released on %(at)s")
                                   % {"id": hold_id, "at": hold.released_at},
                                   field_name="hold")
    with write(engine) as conn:
        casebook.release_hold(conn, hold_id, actor, now(), reason[:2000])
        audit.append(engine, actor, AUDIT_ACTION, f"{hold.kind}:{hold.ref}",
                     {"op": "release", "hold": hold_id, "reason": reason[:2000]}, conn=conn)
    return get(engine, hold_id)


def get(store: Store | sa.Engine, hold_id: int) -> Hold:
    with read(store) as conn:
        row = casebook.hold_row(conn, hold_id)
    if row is None:
        raise errors.InputError(message=_("no hold %(id)s") % {"id": hold_id}, code=errors.NOT_FOUND,
                                http_status=404, detail={"field": "hold"},
                                cli_hint=_("list them with `adtrace hold list`"))
    return Hold(**row)


def list_holds(store: Store | sa.Engine, *, active_only: bool = True, kind: str | None = None,
               ref: str | None = None) -> list[Hold]:
    """Holds, newest first; `kind` and `ref` narrow to one item (what a page shows for its item)."""
    with read(store) as conn:
        return [Hold(**r) for r in casebook.hold_rows(conn, active_only=active_only, kind=kind, ref=ref)]


def held_ids(conn: sa.Connection) -> set[str]:
    """Documents under an active hold: held directly, or by a held case or cluster (then or now)."""
    rows = casebook.active_holds(conn)
    out: set[str] = set()
    for kind, ref, docs in rows:
        out.update(docs)
        if kind == "document":
            out.add(ref)
        elif kind == "case":
            out |= _case_docs(conn, int(ref))
    out |= docsets.cluster_docs(conn, [r for k, r, _d in rows if k == "cluster"])
    return out


def covering(store: Store | sa.Engine, doc_id: str) -> list[Hold]:
    """Active case and cluster holds that keep this document (held then or now): what its page shows
    besides holds placed on the document itself."""
    out = []
    with read(store) as conn:
        for row, docs in casebook.active_group_holds(conn):
            hold = Hold(**row)
            if doc_id in docs or doc_id in _current(conn, hold):
                out.append(hold)
    return out


def _current(conn: sa.Connection, hold: Hold) -> set[str]:
    if hold.kind == "case":
        return _case_docs(conn, int(hold.ref))
    return docsets.cluster_docs(conn, [hold.ref])
