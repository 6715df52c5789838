"""The case tables: cases with their items and notes, legal holds, and what retention may delete.

Rules (who may add what, which status is valid, what a hold covers) stay in `adtrace.cases`; these
functions only read and write rows, on the caller's connection so a check and its write share one
transaction. Rows come back as plain dicts keyed by column, a hold's documents as a list.
"""

from __future__ import annotations

from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy import bindparam, text

from adtrace.storage.bulk import chunks

CASE_FIELDS = ("title", "status", "assignee", "updated_at")  # what `update_case` may set
_CASE_COLS = "id, title, status, assignee, created_by, created_at, updated_at"
_HOLD_COLS = "id, kind, ref, reason, placed_by, placed_at, released_by, released_at, release_reason"
_HOLD_NAMES = tuple(c.strip() for c in _HOLD_COLS.split(","))
_DELETE_DOCS = text("DELETE FROM documents WHERE id IN :ids").bindparams(bindparam("ids", expanding=True))
_REVIEWED = text(
    "SELECT doc_id FROM review_decisions UNION SELECT doc_id FROM records WHERE risk_level IN ('high', 'elevated')")


# --- cases, items, notes -----------------------------------------------------------------------

def insert_case(conn: sa.Connection, title: str, assignee: str | None, actor: str, at: str) -> int:
    result = conn.execute(text("INSERT INTO cases (title, status, assignee, created_by, created_at, updated_at) "
                               "VALUES (:t, 'open', :a, :by, :at, :at)"),
                          {"t": title, "a": assignee, "by": actor, "at": at})
    case_id = result.lastrowid
    if case_id is None:  # PostgreSQL drivers give no lastrowid for a plain INSERT
        case_id = conn.execute(text("SELECT max(id) FROM cases WHERE created_by = :by AND created_at = :at"),
                               {"by": actor, "at": at}).scalar()
    return int(case_id)


def case_exists(conn: sa.Connection, case_id: int) -> bool:
    return conn.execute(text("SELECT 1 FROM cases WHERE id = :id"), {"id": case_id}).first() is not None


def case_row(conn: sa.Connection, case_id: int) -> dict[str, Any] | None:
    row = conn.execute(text(f"SELECT {_CASE_COLS} FROM cases WHERE id = :id"), {"id": case_id}).first()
    return None if row is None else {**row._mapping, "id": int(row[0])}


def case_items(conn: sa.Connection, case_id: int) -> list[dict[str, Any]]:
    """(kind, ref, note, added_by, added_at) of each item, oldest first."""
    return [dict(r._mapping) for r in conn.execute(text(
        "SELECT kind, ref, note, added_by, added_at FROM case_items WHERE case_id = :id ORDER BY added_at, kind, ref"),
        {"id": case_id})]


def case_notes(conn: sa.Connection, case_id: int) -> list[dict[str, Any]]:
    return [{**r._mapping, "id": int(r[0])} for r in conn.execute(text(
        "SELECT id, author, at, text FROM case_notes WHERE case_id = :id ORDER BY id"), {"id": case_id})]


def case_summaries(conn: sa.Connection, status: str | None = None) -> list[dict[str, Any]]:
    """id, title, status, assignee, updated_at and the number of items of each case, newest change first."""
    sql = ("SELECT c.id, c.title, c.status, c.assignee, c.updated_at, count(i.ref) AS items FROM cases c "
           "LEFT JOIN case_items i ON i.case_id = c.id")
    params: dict[str, Any] = {}
    if status:
        sql += " WHERE c.status = :s"
        params["s"] = status
    sql += " GROUP BY c.id, c.title, c.status, c.assignee, c.updated_at ORDER BY c.updated_at DESC, c.id DESC"
    return [dict(r._mapping) for r in conn.execute(text(sql), params)]


def open_cases_of(conn: sa.Connection, user: str, limit: int = 10) -> list[dict[str, Any]]:
    """id, title, updated_at and item count `n` of the user's open cases (assigned to them, or opened by
    them and assigned to nobody), newest change first."""
    return [dict(r._mapping) for r in conn.execute(text(
        "SELECT c.id, c.title, c.updated_at, count(i.ref) AS n FROM cases c "
        "LEFT JOIN case_items i ON i.case_id = c.id WHERE c.status = 'open' AND (c.assignee = :me OR "
        "((c.assignee IS NULL OR c.assignee = '') AND c.created_by = :me)) "
        "GROUP BY c.id, c.title, c.updated_at ORDER BY c.updated_at DESC LIMIT :n"), {"me": user, "n": limit})]


def update_case(conn: sa.Connection, case_id: int, changes: dict[str, Any]) -> bool:
    """Set the given CASE_FIELDS of a case; False when there is no such case."""
    unknown = set(changes) - set(CASE_FIELDS)
    if unknown:
        raise ValueError(f"not a case field: {sorted(unknown)}")
    sets = ", ".join(f"{name} = :{name}" for name in changes)
    return bool(conn.execute(text(f"UPDATE cases SET {sets} WHERE id = :id"), {**changes, "id": case_id}).rowcount)


def touch_case(conn: sa.Connection, case_id: int, at: str) -> None:
    conn.execute(text("UPDATE cases SET updated_at = :at WHERE id = :c"), {"at": at, "c": case_id})


def has_item(conn: sa.Connection, case_id: int, kind: str, ref: str) -> bool:
    return conn.execute(text("SELECT 1 FROM case_items WHERE case_id = :c AND kind = :k AND ref = :r"),
                        {"c": case_id, "k": kind, "r": ref}).first() is not None


def insert_item(conn: sa.Connection, case_id: int, kind: str, ref: str, note: str, actor: str, at: str) -> None:
    conn.execute(text("INSERT INTO case_items (case_id, kind, ref, note, added_by, added_at) "
                      "VALUES (:c, :k, :r, :n, :by, :at)"),
                 {"c": case_id, "k": kind, "r": ref, "n": note, "by": actor, "at": at})


def delete_item(conn: sa.Connection, case_id: int, kind: str, ref: str) -> None:
    conn.execute(text("DELETE FROM case_items WHERE case_id = :c AND kind = :k AND ref = :r"),
                 {"c": case_id, "k": kind, "r": ref})


def insert_note(conn: sa.Connection, case_id: int, author: str, body: str, at: str) -> None:
    conn.execute(text("INSERT INTO case_notes (case_id, author, at, text) VALUES (:c, :a, :at, :t)"),
                 {"c": case_id, "a": author, "at": at, "t": body})


def cases_holding(conn: sa.Connection, kind: str, ref: str) -> list[int]:
    return [int(r[0]) for r in conn.execute(text("SELECT case_id FROM case_items WHERE kind = :k AND ref = :r"),
                                            {"k": kind, "r": ref})]


def item_refs(conn: sa.Connection, case_id: int | None = None) -> list[tuple[str, str]]:
    """(kind, ref) of one case's items, or of every case's items when `case_id` is None."""
    if case_id is None:
        rows = conn.execute(text("SELECT kind, ref FROM case_items")).all()
    else:
        rows = conn.execute(text("SELECT kind, ref FROM case_items WHERE case_id = :c"), {"c": case_id}).all()
    return [(str(k), str(r)) for k, r in rows]


def case_cluster_members(conn: sa.Connection, case_id: int) -> dict[str, str]:
    """Document id -> cluster id, for the members of the clusters a case holds."""
    return {str(d): str(c) for d, c in conn.execute(text(
        "SELECT doc_id, cluster_id FROM link_clusters WHERE cluster_id IN (SELECT ref FROM case_items"
        " WHERE case_id = :c AND kind = 'cluster')"), {"c": case_id})}


# --- legal holds ---------------------------------------------------------------------------------

def _hold(row: Any) -> dict[str, Any]:
    return {**dict(zip(_HOLD_NAMES, row[:len(_HOLD_NAMES)], strict=True)), "id": int(row[0])}


def insert_hold(conn: sa.Connection, kind: str, ref: str, reason: str, actor: str, at: str,
                doc_ids: list[str]) -> int:
    """Store a hold with the documents it covers now; returns its id."""
    conn.execute(text("INSERT INTO legal_holds (kind, ref, reason, placed_by, placed_at, doc_ids) "
                      "VALUES (:k, :r, :why, :by, :at, :docs)"),
                 {"k": kind, "r": ref, "why": reason, "by": actor, "at": at, "docs": orjson.dumps(doc_ids).decode()})
    return int(conn.execute(text("SELECT max(id) FROM legal_holds WHERE kind = :k AND ref = :r AND "
                                 "placed_at = :at"), {"k": kind, "r": ref, "at": at}).scalar_one())


def release_hold(conn: sa.Connection, hold_id: int, actor: str, at: str, reason: str) -> None:
    conn.execute(text("UPDATE legal_holds SET released_by = :by, released_at = :at, release_reason = :why "
                      "WHERE id = :id"), {"by": actor, "at": at, "why": reason, "id": hold_id})


def hold_row(conn: sa.Connection, hold_id: int) -> dict[str, Any] | None:
    row = conn.execute(text(f"SELECT {_HOLD_COLS} FROM legal_holds WHERE id = :id"), {"id": hold_id}).first()
    return None if row is None else _hold(row)


def hold_rows(conn: sa.Connection, *, active_only: bool = True, kind: str | None = None,
              ref: str | None = None) -> list[dict[str, Any]]:
    """Holds, newest first; `kind` and `ref` narrow to one item."""
    params = {c: v for c, v in (("kind", kind), ("ref", ref)) if v}
    where = (" AND released_at IS NULL" if active_only else "") + "".join(f" AND {c} = :{c}" for c in params)
    return [_hold(r) for r in conn.execute(text(f"SELECT {_HOLD_COLS} FROM legal_holds WHERE 1 = 1{where} "
                                                "ORDER BY id DESC"), params)]


def active_holds(conn: sa.Connection) -> list[tuple[str, str, list[str]]]:
    """(kind, ref, documents covered when placed) of every active hold."""
    rows = conn.execute(text("SELECT kind, ref, doc_ids FROM legal_holds WHERE released_at IS NULL")).all()
    return [(str(k), str(r), [str(d) for d in orjson.loads(docs or "[]")]) for k, r, docs in rows]


def active_group_holds(conn: sa.Connection) -> list[tuple[dict[str, Any], list[str]]]:
    """Active case and cluster holds, newest first, each with the documents it covered when placed."""
    rows = conn.execute(text(f"SELECT {_HOLD_COLS}, doc_ids FROM legal_holds WHERE released_at IS NULL "
                             "AND kind IN ('case', 'cluster') ORDER BY id DESC")).all()
    return [(_hold(r), [str(d) for d in orjson.loads(r[-1] or "[]")]) for r in rows]


# --- retention -----------------------------------------------------------------------------------

def documents_before(conn: sa.Connection, cutoff: str) -> list[str]:
    """Ids of documents posted (or, without a date, ingested) before `cutoff`, in id order."""
    return [str(r[0]) for r in conn.execute(text(
        "SELECT id FROM documents WHERE COALESCE(posted_at, ingested_at) < :cut ORDER BY id"), {"cut": cutoff})]


def reviewed_ids(conn: sa.Connection) -> set[str]:
    """Documents with a review decision or waiting in the review queue (flagged)."""
    return {str(r[0]) for r in conn.execute(_REVIEWED)}


def delete_documents(conn: sa.Connection, ids: list[str]) -> None:
    """Delete documents with their records, entities, hits, memberships and alerts (ON DELETE CASCADE)."""
    for chunk in chunks(ids):
        conn.execute(_DELETE_DOCS, {"ids": chunk})
