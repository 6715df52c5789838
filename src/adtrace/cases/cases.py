"""Cases: documents, clusters and entities an analyst collects, with notes, a status and an assignee.

A case is the unit that leaves the building (PDF, CSV, JSON bundle: adtrace.cases.exports) and the
unit retention respects: nothing a case holds, directly or through a cluster or an entity, is purged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from adtrace import errors
from adtrace.i18n import _
from adtrace.storage import Store, casebook, docsets
from adtrace.storage.db import now, read, write
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
    with write(store) as conn:
        case_id = casebook.insert_case(conn, title[:300], (assignee or "").strip() or None, actor, now())
    return get(store, case_id)


def get(store: Store | sa.Engine, case_id: int) -> Case:
    with read(store) as conn:
        row = casebook.case_row(conn, case_id)
        if row is None:
            raise _not_found(case_id)
        case = Case(**row)
        case.items = [Item(**r) for r in casebook.case_items(conn, case_id)]
        case.notes = [Note(**r) for r in casebook.case_notes(conn, case_id)]
    return case


def list_cases(store: Store | sa.Engine, status: str | None = None) -> list[dict[str, Any]]:
    if status:
        _check_status(status)
    with read(store) as conn:
        return casebook.case_summaries(conn, status)


def update(store: Store | sa.Engine, case_id: int, *, status: str | None = None, assignee: str | None = None,
           title: str | None = None) -> Case:
    changes: dict[str, Any] = {"updated_at": now()}
    if status is not None:
        _check_status(status)
        changes["status"] = status
    if assignee is not None:
        changes["assignee"] = assignee.strip() or None
    if title is not None and title.strip():
        changes["title"] = title.strip()[:300]
    with write(store) as conn:
        if not casebook.update_case(conn, case_id, changes):
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
        if not casebook.case_exists(conn, case_id):
            raise _not_found(case_id)
        if kind == "document" and not docsets.exists(conn, ref):
            raise errors.InputError(message=_("no document %(id)r") % {"id": ref}, code=errors.NOT_FOUND,
                                    http_status=404,
                                    detail={"field": "ref"})
        if kind == "cluster":
            ref = resolve_cluster(conn, ref, "ref")
        if not casebook.has_item(conn, case_id, kind, ref):
            casebook.insert_item(conn, case_id, kind, ref, note.strip()[:2000], actor, now())
            casebook.touch_case(conn, case_id, now())
    return get(store, case_id)


def remove_item(store: Store | sa.Engine, case_id: int, kind: str, ref: str) -> Case:
    with write(store) as conn:
        casebook.delete_item(conn, case_id, kind, ref)
    return get(store, case_id)


def add_note(store: Store | sa.Engine, case_id: int, author: str, body: str) -> Case:
    body = body.strip()
    if not body:
        raise errors.InputError.at(errors.MISSING_FIELD, _("an empty note was not saved"), field_name="text")
    with write(store) as conn:
        if not casebook.case_exists(conn, case_id):
            raise _not_found(case_id)
        casebook.insert_note(conn, case_id, author, body[:10000], now())
        casebook.touch_case(conn, case_id, now())
    return get(store, case_id)


def cases_holding(store: Store | sa.Engine, kind: str, ref: str) -> list[int]:
    with read(store) as conn:
        return casebook.cases_holding(conn, kind, ref)


def resolve_cluster(conn: sa.Connection, ref: str, field_name: str) -> str:
    """The cluster id of `ref`, a cluster id or any member's document id; 404 naming `field_name` if none."""
    found = docsets.cluster_of(conn, ref)
    if found is None:
        raise errors.InputError(message=_("no cluster %(id)r; link the store first (Import page: Link now)") % {"id": ref},
                                code=errors.NOT_FOUND,
                                http_status=404, detail={"field": field_name})
    return found


def items_docs(conn: sa.Connection, items: Iterable[tuple[str, str]]) -> set[str]:
    """The documents (kind, ref) items hold: documents themselves, clusters' members, entities' holders."""
    listed = list(items)
    return ({r for k, r in listed if k == "document"}
            | docsets.cluster_docs(conn, [r for k, r in listed if k == "cluster"])
            | docsets.entity_docs(conn, [r for k, r in listed if k == "entity"]))


def document_ids(store: Store | sa.Engine, case: Case) -> list[str]:
    """Every document the case holds: itself, through its clusters' members and its entities' documents."""
    with read(store) as conn:
        ids = items_docs(conn, [(i.kind, i.ref) for i in case.items])
    return sorted(ids)


def protected_ids(conn: sa.Connection) -> set[str]:
    """Documents in any case (directly, via a cluster or via an entity): retention never deletes them."""
    return items_docs(conn, casebook.item_refs(conn))
