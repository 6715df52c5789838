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

import orjson
import sqlalchemy as sa
from sqlalchemy import text

from adtrace import errors
from adtrace.cases import cases as cs
from adtrace.i18n import _
from adtrace.storage import Store, audit
from adtrace.storage.db import engine_of, now, write

KINDS = ("case", "cluster", "document")
AUDIT_ACTION = "legal_hold"
_COLS = "id, kind, ref, reason, placed_by, placed_at, released_by, released_at, release_reason"


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
    items = conn.execute(text("SELECT kind, ref FROM case_items WHERE case_id = :c"), {"c": case_id}).all()
    return ({str(r) for k, r in items if k == "document"}
            | cs.cluster_docs(conn, [str(r) for k, r in items if k == "cluster"])
            | cs.entity_docs(conn, [str(r) for k, r in items if k == "entity"]))


def _members(conn: sa.Connection, kind: str, ref: str) -> list[str]:
    """The documents a case, cluster or document holds now; an unknown case is a 404 error."""
    if kind == "case":
        try:
            case_id = int(ref)
        except ValueError:
            raise errors.InputError.at(errors.BAD_FIELD, _("a case id is a number, not %(ref)r") % {"ref": ref},
                                       field_name="ref") from None
        if conn.execute(text("SELECT 1 FROM cases WHERE id = :id"), {"id": case_id}).first() is None:
            raise cs._not_found(case_id)
        return sorted(_case_docs(conn, case_id))
    if kind == "cluster":
        return sorted(str(r[0]) for r in conn.execute(text("SELECT doc_id FROM link_clusters WHERE cluster_id = :c"),
                                                      {"c": ref}))
    found = conn.execute(text("SELECT 1 FROM documents WHERE id = :d"), {"d": ref}).first()
    return [ref] if found else []


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
            row = conn.execute(text("SELECT cluster_id FROM link_clusters WHERE cluster_id = :r OR doc_id = :r "
                                    "LIMIT 1"), {"r": ref}).first()
            ref = str(row[0]) if row else ref
        docs = _members(conn, kind, ref)
        if not docs and kind != "case":
            raise errors.InputError(message=_("no %(kind)s %(ref)r") % {"kind": kind, "ref": ref}, code=errors.NOT_FOUND,
                                    http_status=404,
                                    detail={"field": "ref"})
        at = now()
        conn.execute(text("INSERT INTO legal_holds (kind, ref, reason, placed_by, placed_at, doc_ids) "
                          "VALUES (:k, :r, :why, :by, :at, :docs)"),
                     {"k": kind, "r": ref, "why": reason[:2000], "by": actor, "at": at,
                      "docs": orjson.dumps(docs).decode()})
        hold_id = int(conn.execute(text("SELECT max(id) FROM legal_holds WHERE kind = :k AND ref = :r AND "
                                        "placed_at = :at"), {"k": kind, "r": ref, "at": at}).scalar_one())
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
        conn.execute(text("UPDATE legal_holds SET released_by = :by, released_at = :at, release_reason = :why "
                          "WHERE id = :id"), {"by": actor, "at": now(), "why": reason[:2000], "id": hold_id})
        audit.append(engine, actor, AUDIT_ACTION, f"{hold.kind}:{hold.ref}",
                     {"op": "release", "hold": hold_id, "reason": reason[:2000]}, conn=conn)
    return get(engine, hold_id)


def get(store: Store | sa.Engine, hold_id: int) -> Hold:
    with engine_of(store).connect() as conn:
        row = conn.execute(text(f"SELECT {_COLS} FROM legal_holds WHERE id = :id"), {"id": hold_id}).first()
    if row is None:
        raise errors.InputError(message=_("no hold %(id)s; list them with adtrace hold list") % {"id": hold_id},
                                code=errors.NOT_FOUND,
                                http_status=404, detail={"field": "hold"})
    return Hold(int(row[0]), *row[1:])


def list_holds(store: Store | sa.Engine, *, active_only: bool = True, kind: str | None = None,
               ref: str | None = None) -> list[Hold]:
    """Holds, newest first; `kind` and `ref` narrow to one item (what a page shows for its item)."""
    sql = f"SELECT {_COLS} FROM legal_holds WHERE 1 = 1"
    params: dict[str, Any] = {}
    if active_only:
        sql += " AND released_at IS NULL"
    if kind:
        sql += " AND kind = :k"
        params["k"] = kind
    if ref:
        sql += " AND ref = :r"
        params["r"] = ref
    with engine_of(store).connect() as conn:
        return [Hold(int(r[0]), *r[1:]) for r in conn.execute(text(sql + " ORDER BY id DESC"), params)]


def held_ids(conn: sa.Connection) -> set[str]:
    """Documents under an active hold: held directly, or by a held case or cluster (then or now)."""
    rows = conn.execute(text("SELECT kind, ref, doc_ids FROM legal_holds WHERE released_at IS NULL")).all()
    out: set[str] = set()
    for kind, ref, docs in rows:
        out.update(str(d) for d in orjson.loads(docs or "[]"))
        if kind == "document":
            out.add(str(ref))
        elif kind == "case":
            out |= _case_docs(conn, int(ref))
    out |= cs.cluster_docs(conn, [str(r) for k, r, _d in rows if k == "cluster"])
    return out


def covering(store: Store | sa.Engine, doc_id: str) -> list[Hold]:
    """Active case and cluster holds that keep this document (held then or now): what its page shows
    besides holds placed on the document itself."""
    engine = engine_of(store)
    out = []
    with engine.connect() as conn:
        rows = conn.execute(text(f"SELECT {_COLS}, doc_ids FROM legal_holds WHERE released_at IS NULL "
                                 "AND kind IN ('case', 'cluster') ORDER BY id DESC")).all()
        for row in rows:
            hold = Hold(int(row[0]), *row[1:-1])
            if doc_id in orjson.loads(row[-1] or "[]") or doc_id in _current(conn, hold):
                out.append(hold)
    return out


def _current(conn: sa.Connection, hold: Hold) -> set[str]:
    if hold.kind == "case":
        return _case_docs(conn, int(hold.ref))
    return cs.cluster_docs(conn, [hold.ref])
