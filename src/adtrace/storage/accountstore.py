"""Who may sign in (migration 0002 and later): accounts with their password hash and lockout counters,
browser sessions and API tokens (both stored as hashes of the token).

The app decides (password strength, Argon2, lockout, roles); these functions only read and write rows,
on the caller's connection, so a decision and its audit entry stay one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import text

from adtrace.storage.db import now

_ACCOUNT = ("SELECT id, username, role, active, language, password_hash, failed_logins, locked_until "
            "FROM users")


@dataclass(frozen=True)
class Account:
    id: int
    username: str
    role: str
    active: bool
    language: str | None
    password_hash: str = ""
    failed_logins: int = 0
    locked_until: str | None = None


def _account(row: Any) -> Account | None:
    if row is None:
        return None
    m = row._mapping
    return Account(int(m["id"]), str(m["username"]), str(m["role"]), bool(m["active"]), m.get("language"),
                   str(m.get("password_hash") or ""), int(m.get("failed_logins") or 0), m.get("locked_until"))


# --- accounts --------------------------------------------------------------------------------------
def by_name(conn: sa.Connection, username: str) -> Account | None:
    return _account(conn.execute(text(f"{_ACCOUNT} WHERE username = :u"), {"u": username}).first())


def by_id(conn: sa.Connection, user_id: int) -> Account | None:
    return _account(conn.execute(text(f"{_ACCOUNT} WHERE id = :id"), {"id": user_id}).first())


def all_accounts(conn: sa.Connection) -> list[Account]:
    return [a for r in conn.execute(text(f"{_ACCOUNT} ORDER BY username")) if (a := _account(r)) is not None]


def exists(conn: sa.Connection, username: str) -> bool:
    return conn.execute(text("SELECT 1 FROM users WHERE username = :u"), {"u": username}).first() is not None


def user_id(conn: sa.Connection, username: str) -> int | None:
    uid = conn.execute(text("SELECT id FROM users WHERE username = :u"), {"u": username}).scalar()
    return None if uid is None else int(uid)


def role_of(conn: sa.Connection, username: str) -> str | None:
    role = conn.execute(text("SELECT role FROM users WHERE username = :u"), {"u": username}).scalar()
    return None if role is None else str(role)


def other_active_admins(conn: sa.Connection, username: str) -> int:
    return int(conn.execute(text("SELECT count(*) FROM users WHERE role = 'admin' AND active = :t AND username <> :u"),
                            {"t": True, "u": username}).scalar() or 0)


def add(conn: sa.Connection, username: str, role: str, password_hash: str) -> None:
    conn.execute(text("INSERT INTO users (username, role, password_hash, active, failed_logins, created_at) "
                      "VALUES (:u, :r, :h, :a, 0, :now)"),
                 {"u": username, "r": role, "h": password_hash, "a": True, "now": now()})


def set_active(conn: sa.Connection, username: str, active: bool) -> bool:
    """False when there is no such account."""
    return bool(conn.execute(text("UPDATE users SET active = :a WHERE username = :u"),
                             {"a": active, "u": username}).rowcount)


def reset(conn: sa.Connection, username: str, password_hash: str) -> bool:
    """A new password, the lockout cleared and the account active again; False when there is no such account."""
    return bool(conn.execute(text("UPDATE users SET password_hash = :h, failed_logins = 0, locked_until = NULL, "
                                  "active = :a WHERE username = :u"),
                             {"h": password_hash, "u": username, "a": True}).rowcount)


def set_role(conn: sa.Connection, username: str, role: str) -> None:
    conn.execute(text("UPDATE users SET role = :r WHERE username = :u"), {"r": role, "u": username})


def set_password_hash(conn: sa.Connection, uid: int, password_hash: str) -> None:
    conn.execute(text("UPDATE users SET password_hash = :h WHERE id = :id"), {"h": password_hash, "id": uid})


def set_language(conn: sa.Connection, uid: int, language: str | None) -> None:
    conn.execute(text("UPDATE users SET language = :l WHERE id = :id"), {"l": language, "id": uid})


def count_failure(conn: sa.Connection, uid: int) -> int | None:
    """One more wrong password, counted atomically (UPDATE ... RETURNING: parallel attempts cannot all read
    the same count); the count now, None when there is no such account."""
    fails = conn.execute(text("UPDATE users SET failed_logins = failed_logins + 1 WHERE id = :id "
                              "RETURNING failed_logins"), {"id": uid}).scalar()
    return None if fails is None else int(fails)


def lock(conn: sa.Connection, uid: int, until: str) -> None:
    conn.execute(text("UPDATE users SET failed_logins = 0, locked_until = :l WHERE id = :id"), {"l": until, "id": uid})


def clear_failures(conn: sa.Connection, uid: int) -> None:
    conn.execute(text("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = :id"), {"id": uid})


# --- sessions --------------------------------------------------------------------------------------
def add_session(conn: sa.Connection, token_hash: str, uid: int, csrf: str, at: str, expires: str) -> None:
    """A new session; sessions expired by `at` go."""
    conn.execute(text("DELETE FROM sessions WHERE expires_at < :now"), {"now": at})
    conn.execute(text("INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) "
                      "VALUES (:h, :u, :c, :now, :exp)"),
                 {"h": token_hash, "u": uid, "c": csrf, "now": at, "exp": expires})


def session(conn: sa.Connection, token_hash: str) -> tuple[Account, str] | None:
    """The account of an unexpired session and the session's CSRF token."""
    row = conn.execute(text("SELECT u.id, u.username, u.role, u.active, u.language, s.csrf FROM sessions s "
                            "JOIN users u ON u.id = s.user_id WHERE s.token_hash = :h AND s.expires_at > :now"),
                       {"h": token_hash, "now": now()}).first()
    account = _account(row)
    return None if account is None or row is None else (account, str(row.csrf))


def end_session(conn: sa.Connection, token_hash: str) -> None:
    conn.execute(text("DELETE FROM sessions WHERE token_hash = :h"), {"h": token_hash})


def end_sessions(conn: sa.Connection, *, username: str | None = None, uid: int | None = None,
                 keep: str = "") -> None:
    """Every session of an account (by name or id), but the one whose hash is `keep`."""
    if username is not None:
        conn.execute(text("DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE username = :u)"),
                     {"u": username})
    elif keep:
        conn.execute(text("DELETE FROM sessions WHERE user_id = :id AND token_hash <> :keep"), {"id": uid, "keep": keep})
    else:
        conn.execute(text("DELETE FROM sessions WHERE user_id = :id"), {"id": uid})


# --- API tokens ------------------------------------------------------------------------------------
def add_token(conn: sa.Connection, token_hash: str, uid: int, name: str) -> None:
    conn.execute(text("INSERT INTO api_tokens (token_hash, user_id, name, created_at, revoked) "
                      "VALUES (:h, :u, :n, :now, :r)"), {"h": token_hash, "u": uid, "n": name, "now": now(), "r": False})


def revoke_tokens(conn: sa.Connection, uid: int) -> None:
    conn.execute(text("UPDATE api_tokens SET revoked = :t WHERE user_id = :id"), {"t": True, "id": uid})


def revoke_token(conn: sa.Connection, token_hash: str) -> None:
    conn.execute(text("UPDATE api_tokens SET revoked = :t WHERE token_hash = :h"), {"t": True, "h": token_hash})


def tokens(conn: sa.Connection, username: str | None = None, prefix: str | None = None) -> list[dict[str, Any]]:
    """{token_hash, username, name, created_at, revoked} of every token (of one account; whose hash starts
    with `prefix`), by creation."""
    where, params = [], {}
    if username:
        where.append("u.username = :u")
        params["u"] = username
    if prefix is not None:
        where.append("t.token_hash LIKE :p")
        params["p"] = prefix + "%"
    rows = conn.execute(text("SELECT t.token_hash, u.username, t.name, t.created_at, t.revoked FROM api_tokens t "
                             "JOIN users u ON u.id = t.user_id "
                             f"{('WHERE ' + ' AND '.join(where) + ' ') if where else ''}ORDER BY t.created_at, t.name"),
                        params).all()
    return [dict(r._mapping) for r in rows]


def token_account(conn: sa.Connection, token_hash: str) -> Account | None:
    """The account of an unrevoked API token."""
    return _account(conn.execute(text("SELECT u.id, u.username, u.role, u.active, u.language FROM api_tokens t "
                                      "JOIN users u ON u.id = t.user_id WHERE t.token_hash = :h AND t.revoked = :f"),
                                 {"h": token_hash, "f": False}).first())
