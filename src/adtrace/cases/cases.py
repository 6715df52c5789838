"""Cases: documents, clusters and entities an analyst collects, with notes, a status and an assignee.

A case is the unit that leaves the building (PDF, CSV, JSON bundle: adtrace.cases.exports) and the
unit retention respects: nothing a case holds, directly or through a cluster or an entity, is purged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy import bindparam, text

from adtrace import errors
from adtrace.i18n import _
from adtrace.storage import Store
from adtrace.storage.db import engine_of, now, write
from adtrace.storage.prepare import normalise_lookup

STATUSES = ("open", "referred", "closed")
ITEM_KINDS = ("document", "cluster", "entity")
ENTITY_KINDS = ("phone", "email", "handle")


@dataclass
class Item:
    kind: str
    ref: str
    note: str
    added_by: str
    added_at: str

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class Note:
    id: int
    author: str
    at: str
    text: str

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class Case:
    id: int
    title: str
    status: str
    assignee: str | None
    created_by: str
    created_at: str
    updated_at: str
    items: list[Item] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)

    def refs(self, kind: str) -> list[str]:
        return [i.ref for i in self.items if i.kind == kind]

    def to_dict(self) -> dict[str, Any]:
        out = {k: v for k, v in self.__dict__.items() if k not in ("items", "notes")}
        out["items"] = [i.to_dict() for i in self.items]
        out["notes"] = [n.to_dict() for n in self.notes]
        return out


def _not_found(case_id: int) -> errors.InputError:
    return errors.InputError(message=_("no case %(id)s; list cases on the Cases page or GET /api/v1/cases")
                             % {"id": case_id},
                             code=errors.NOT_FOUND, http_status=404, detail={"field": "case_id"})


def _check_status(status: str) -> None:
    if status not in STATUSES:
        raise errors.InputError.at(errors.BAD_FIELD, _("unknown case status %(status)r") % {"status": status},
                                   field_name="status", hint=_("Use one of: %(list)s") % {"list": ", ".join(STATUSES)})


def entity_ref(kind: str, value: str) -> str:
    """An entity as a case stores it: kind:normalised value (phone:+17025550123)."""
    if kind not in ENTITY_KINDS:
        raise errors.InputError.at(errors.BAD_FIELD, _("unknown entity kind %(kind)r") % {"kind": kind},
                                   field_name="kind",
                                   hint=_("Use one of: %(list)s") % {"list": ", ".join(ENTITY_KINDS)})
    norm = normalise_lookup(kind, value)
    if not norm:
        raise errors.InputError.at(errors.BAD_FIELD, _("an empty identifier cannot go in a case"),
                                   field_name="ref")
    return f"{kind}:{norm}"


def create(store: Store | sa.Engine, title: str, actor: str, assignee: str | None = None) -> Case:
    title = title.strip()
    if not title:
        raise errors.InputError.at(errors.MISSING_FIELD, _("a case needs a title"), field_name="title",
                                   hint=_("e.g. 'Florida circuit, phone ending 2507'"))
    at = now()
    with write(store) as conn:
        result = conn.execute(text("INSERT INTO cases (title, status, assignee, created_by, created_at, updated_at) "
                                   "VALUES (:t, 'open', :a, :by, :at, :at)"),
                              {"t": title[:300], "a": (assignee or "").strip() or None, "by": actor, "at": at})
        case_id = result.lastrowid
        if case_id is None:  # PostgreSQL drivers give no lastrowid for a plain INSERT
            case_id = conn.execute(text("SELECT max(id) FROM cases WHERE created_by = :by AND created_at = :at"),
                                   {"by": actor, "at": at}).scalar()
    return get(store, int(case_id))


def get(store: Store | sa.Engine, case_id: int) -> Case:
    with engine_of(store).connect() as conn:
        row = conn.execute(text("SELECT id, title, status, assignee, created_by, created_at, updated_at FROM cases "
                                "WHERE id = :id"), {"id": case_id}).first()
        if row is None:
            raise _not_found(case_id)
        case = Case(int(row[0]), row[1], row[2], row[3], row[4], row[5], row[6])
        case.items = [Item(*r) for r in conn.execute(text(
            "SELECT kind, ref, note, added_by, added_at FROM case_items WHERE case_id = :id ORDER BY added_at, kind, ref"),
            {"id": case_id})]
        case.notes = [Note(int(r[0]), r[1], r[2], r[3]) for r in conn.execute(text(
            "SELECT id, author, at, text FROM case_notes WHERE case_id = :id ORDER BY id"), {"id": case_id})]
    return case


def list_cases(store: Store | sa.Engine, status: str | None = None) -> list[dict[str, Any]]:
    sql = ("SELECT c.id, c.title, c.status, c.assignee, c.updated_at, count(i.ref) AS items FROM cases c "
           "LEFT JOIN case_items i ON i.case_id = c.id")
    params: dict[str, Any] = {}
    if status:
        _check_status(status)
        sql += " WHERE c.status = :s"
        params["s"] = status
    sql += " GROUP BY c.id, c.title, c.status, c.assignee, c.updated_at ORDER BY c.updated_at DESC, c.id DESC"
    with engine_of(store).connect() as conn:
        return [dict(r._mapping) for r in conn.execute(text(sql), params)]


def update(store: Store | sa.Engine, case_id: int, *, status: str | None = None, assignee: str | None = None,
           title: str | None = None) -> Case:
    sets, params = ["updated_at = :at"], {"at": now(), "id": case_id}
    if status is not None:
        _check_status(status)
        sets.append("status = :s")
        params["s"] = status
    if assignee is not None:
        sets.append("assignee = :a")
        params["a"] = assignee.strip() or None
    if title is not None and title.strip():
        sets.append("title = :t")
        params["t"] = title.strip()[:300]
    with write(store) as conn:
        if conn.execute(text(f"UPDATE cases SET {', '.join(sets)} WHERE id = :id"), params).rowcount == 0:
            raise _not_found(case_id)
    return get(store, case_id)


def add_item(store: Store | sa.Engine, case_id: int, kind: str, ref: str, actor: str, note: str = "") -> Case:
    """Add a document, cluster or entity; adding it again keeps the first entry (and its note)."""
    if kind not in ITEM_KINDS:
        raise errors.InputError.at(errors.BAD_FIELD, _("unknown case item kind %(kind)r") % {"kind": kind},
                                   field_name="kind",
                                   hint=_("Use one of: %(list)s") % {"list": ", ".join(ITEM_KINDS)})
    ref = ref.strip()
    if kind == "entity":
        ekind, _sep, value = ref.partition(":")
        ref = entity_ref(ekind, value)
    with write(store) as conn:
        if conn.execute(text("SELECT 1 FROM cases WHERE id = :id"), {"id": case_id}).first() is None:
            raise _not_found(case_id)
        if kind == "document" and conn.execute(text("SELECT 1 FROM documents WHERE id = :r"), {"r": ref}).first() is None:
            raise errors.InputError(message=_("no document %(id)r") % {"id": ref}, code=errors.NOT_FOUND,
                                    http_status=404,
                                    detail={"field": "ref"})
        if kind == "cluster":
            ref = resolve_cluster(conn, ref, "ref")
        exists = conn.execute(text("SELECT 1 FROM case_items WHERE case_id = :c AND kind = :k AND ref = :r"),
                              {"c": case_id, "k": kind, "r": ref}).first()
        if exists is None:
            conn.execute(text("INSERT INTO case_items (case_id, kind, ref, note, added_by, added_at) "
                              "VALUES (:c, :k, :r, :n, :by, :at)"),
                         {"c": case_id, "k": kind, "r": ref, "n": note.strip()[:2000], "by": actor, "at": now()})
            conn.execute(text("UPDATE cases SET updated_at = :at WHERE id = :c"), {"at": now(), "c": case_id})
    return get(store, case_id)


def remove_item(store: Store | sa.Engine, case_id: int, kind: str, ref: str) -> Case:
    with write(store) as conn:
        conn.execute(text("DELETE FROM case_items WHERE case_id = :c AND kind = :k AND ref = :r"),
                     {"c": case_id, "k": kind, "r": ref})
    return get(store, case_id)


def add_note(store: Store | sa.Engine, case_id: int, author: str, body: str) -> Case:
    body = body.strip()
    if not body:
        raise errors.InputError.at(errors.MISSING_FIELD, _("an empty note was not saved"), field_name="text")
    with write(store) as conn:
        if conn.execute(text("SELECT 1 FROM cases WHERE id = :id"), {"id": case_id}).first() is None:
            raise _not_found(case_id)
        conn.execute(text("INSERT INTO case_notes (case_id, author, at, text) VALUES (:c, :a, :at, :t)"),
                     {"c": case_id, "a": author, "at": now(), "t": body[:10000]})
        conn.execute(text("UPDATE cases SET updated_at = :at WHERE id = :c"), {"at": now(), "c": case_id})
    return get(store, case_id)


def cases_holding(store: Store | sa.Engine, kind: str, ref: str) -> list[int]:
    with engine_of(store).connect() as conn:
        return [int(r[0]) for r in conn.execute(text("SELECT case_id FROM case_items WHERE kind = :k AND ref = :r"),
                                                {"k": kind, "r": ref})]


def resolve_cluster(conn: sa.Connection, ref: str, field_name: str) -> str:
    """The cluster id of `ref`, a cluster id or any member's document id; 404 naming `field_name` if none."""
    found = conn.execute(text("SELECT cluster_id FROM link_clusters WHERE doc_id = :r OR cluster_id = :r "
                              "LIMIT 1"), {"r": ref}).first()
    if found is None:
        raise errors.InputError(message=_("no cluster %(id)r; link the store first (Import page: Link now)") % {"id": ref},
                                code=errors.NOT_FOUND,
                                http_status=404, detail={"field": field_name})
    return str(found[0])


def entity_docs(conn: sa.Connection, refs: Iterable[str]) -> set[str]:
    out: set[str] = set()
    for ref in refs:
        kind, _sep, value = ref.partition(":")
        out.update(str(r[0]) for r in conn.execute(text(
            "SELECT doc_id FROM entities WHERE kind = :k AND value = :v"), {"k": kind, "v": value}))
    return out


def cluster_docs(conn: sa.Connection, cluster_ids: list[str]) -> set[str]:
    if not cluster_ids:
        return set()
    stmt = text("SELECT doc_id FROM link_clusters WHERE cluster_id IN :ids").bindparams(
        bindparam("ids", expanding=True))
    return {str(r[0]) for r in conn.execute(stmt, {"ids": cluster_ids})}


def document_ids(store: Store | sa.Engine, case: Case) -> list[str]:
    """Every document the case holds: itself, through its clusters' members and its entities' documents."""
    with engine_of(store).connect() as conn:
        ids = set(case.refs("document")) | cluster_docs(conn, case.refs("cluster")) \
            | entity_docs(conn, case.refs("entity"))
    return sorted(ids)


def protected_ids(conn: sa.Connection) -> set[str]:
    """Documents in any case (directly, via a cluster or via an entity): retention never deletes them."""
    rows = conn.execute(text("SELECT kind, ref FROM case_items")).all()
    docs = {str(r) for k, r in rows if k == "document"}
    docs |= cluster_docs(conn, [str(r) for k, r in rows if k == "cluster"])
    docs |= entity_docs(conn, [str(r) for k, r in rows if k == "entity"])
    return docs
