"""The append-only, hash-chained audit log (DESIGN §6).

Each row stores the hash of the row before it and a hash of its own content, so editing a row breaks
its own hash and deleting one breaks the next row's link; `audit_head` holds the newest seq and hash,
so cutting rows off the end is caught too. Someone who can rewrite the whole table and the head can
forge a new chain: keep the head hash that `adtrace audit verify` prints somewhere else.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy import text

from adtrace.storage.db import now, read, write

GENESIS = "0" * 64

# What is audited (issue 7): views of personal data, searches, exports, image reveals, logins, settings.
ACTIONS = ("login", "login_failed", "logout", "view_document", "view_entity", "view_cluster", "search",
           "export", "reveal_image", "decision", "user_add", "user_disable", "user_reset", "token_add",
           "setting", "view_case", "case", "watchlist", "alert_ack", "purge", "purge_dry_run", "token_revoke",
           "audit_checkpoint", "legal_hold", "screen_store", "screen_watchlist", "user_role", "password_change",
           "import", "link", "tip", "view_tips", "tip_decision", "tip_rule", "tip_handoff", "tip_handoff_copy",
           "tip_import", "view_list", "exchange_import", "search_photo", "link_override")


def row_hash(prev_hash: str, seq: int, at: str, actor: str, action: str, target: str, detail: str) -> str:
    body = orjson.dumps([prev_hash, seq, at, actor, action, target, detail])
    return hashlib.sha256(body).hexdigest()


def append(engine: sa.Engine, actor: str, action: str, target: str = "", detail: dict[str, Any] | None = None,
           conn: sa.Connection | None = None) -> int:
    """Add one entry; returns its seq. Pass `conn` to append inside a caller's write transaction."""
    if conn is None:
        with write(engine) as c:
            return _append(c, actor, action, target, detail or {})
    return _append(conn, actor, action, target, detail or {})


def _append(conn: sa.Connection, actor: str, action: str, target: str, detail: dict[str, Any]) -> int:
    lock = " FOR UPDATE" if conn.dialect.name == "postgresql" else ""
    head = conn.execute(text(f"SELECT seq, hash FROM audit_head WHERE id = 1{lock}")).first()
    seq, prev = (int(head.seq) + 1, str(head.hash)) if head else (1, GENESIS)
    at, body = now(), orjson.dumps(detail, option=orjson.OPT_SORT_KEYS).decode()
    h = row_hash(prev, seq, at, actor, action, target, body)
    conn.execute(text("INSERT INTO audit_log (seq, at, actor, action, target, detail, prev_hash, hash) "
                      "VALUES (:seq, :at, :actor, :action, :target, :detail, :prev, :hash)"),
                 {"seq": seq, "at": at, "actor": actor, "action": action, "target": target, "detail": body,
                  "prev": prev, "hash": h})
    if head is None:
        conn.execute(text("INSERT INTO audit_head (id, seq, hash) VALUES (1, :seq, :hash)"), {"seq": seq, "hash": h})
    else:
        conn.execute(text("UPDATE audit_head SET seq = :seq, hash = :hash WHERE id = 1"), {"seq": seq, "hash": h})
    return seq


def head(conn: sa.Connection) -> tuple[int, str] | None:
    """(seq, hash) of the newest entry; None while the log is empty."""
    row = conn.execute(text("SELECT seq, hash FROM audit_head WHERE id = 1")).first()
    return None if row is None else (int(row.seq), str(row.hash))


def hash_at(conn: sa.Connection, seq: int) -> str | None:
    """The stored hash of entry `seq`; None when that entry is gone."""
    row = conn.execute(text("SELECT hash FROM audit_log WHERE seq = :s"), {"s": seq}).first()
    return None if row is None else str(row.hash)


def holds_hash(conn: sa.Connection, entry_hash: str) -> bool:
    """True when some entry has this hash."""
    return conn.execute(text("SELECT 1 FROM audit_log WHERE hash = :h"), {"h": entry_hash}).first() is not None


@dataclass
class Verdict:
    ok: bool
    rows: int
    head_seq: int
    head_hash: str
    problems: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def verify(engine: sa.Engine, max_problems: int = 50) -> Verdict:
    """Walk the chain in order; report every broken link, altered row, gap and a missing tail."""
    problems: list[str] = []
    prev, expected, n = GENESIS, 1, 0
    with read(engine) as conn:
        head = conn.execute(text("SELECT seq, hash FROM audit_head WHERE id = 1")).first()
        rows = conn.execute(text("SELECT seq, at, actor, action, target, detail, prev_hash, hash FROM audit_log "
                                 "ORDER BY seq"))
        for r in rows:
            n += 1
            seq = int(r.seq)
            if seq != expected:
                problems.append(f"rows {expected}..{seq - 1} are missing (deleted)")
            if r.prev_hash != prev:
                problems.append(f"row {seq}: its link to the row before does not match (a row before it was "
                                "edited or deleted)")
            if row_hash(r.prev_hash, seq, r.at, r.actor, r.action, r.target, r.detail) != r.hash:
                problems.append(f"row {seq}: its content does not match its hash (edited)")
            prev, expected = r.hash, seq + 1
    last_seq = expected - 1
    if head is None:
        if n:
            problems.append("the audit head is missing")
    else:
        if int(head.seq) != last_seq or head.hash != prev:
            problems.append(f"the log ends at row {last_seq} but the head records row {int(head.seq)} "
                            "(rows at the end were deleted, or the head was altered)")
    return Verdict(not problems, n, int(head.seq) if head else 0, str(head.hash) if head else GENESIS,
                   problems[:max_problems])


@dataclass
class Entry:
    seq: int
    at: str
    actor: str
    action: str
    target: str
    detail: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def entries(engine: sa.Engine, *, actor: str | None = None, action: str | None = None,
            target: str | None = None, date_from: str | None = None, date_to: str | None = None,
            limit: int = 100, before: int | None = None) -> list[Entry]:
    """Newest first, filtered; `before` pages back by seq."""
    where: list[str] = []
    params: dict[str, Any] = {"limit": max(1, min(limit, 1000))}
    for name, value in (("actor", actor), ("action", action), ("target", target)):
        if value:
            where.append(f"{name} = :{name}")
            params[name] = value
    if date_from:
        where.append("at >= :date_from")
        params["date_from"] = date_from
    if date_to:
        where.append("at < :date_to")
        params["date_to"] = date_to + ("T99" if len(date_to) == 10 else "")  # a bare date includes its day
    if before:
        where.append("seq < :before")
        params["before"] = before
    sql = "SELECT seq, at, actor, action, target, detail FROM audit_log"
    if where:
        sql += " WHERE " + " AND ".join(where)
    with read(engine) as conn:
        rows = conn.execute(text(sql + " ORDER BY seq DESC LIMIT :limit"), params).all()
    return [Entry(int(r.seq), r.at, r.actor, r.action, r.target, orjson.loads(r.detail)) for r in rows]
