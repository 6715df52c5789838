"""Users, sessions and API tokens: Argon2 password hashes, lockout, tokens hashed at rest.

Session and API tokens are 32 random bytes, so a plain SHA-256 of them is safe to store (there is
nothing to enumerate); passwords are chosen by people, so they get Argon2id.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import text

from adtrace import errors
from adtrace.app import audit
from adtrace.app.db import now, read, write

ROLES = ("admin", "analyst", "reviewer", "auditor", "partner")
MAX_FAILURES = 5  # wrong passwords in a row before the account locks
LOCKOUT = timedelta(minutes=15)
SESSION_TTL = timedelta(hours=12)
MIN_PASSWORD = 10

# Stable auth codes (AT3xx).
BAD_LOGIN = "AT301"
LOCKED = "AT302"
NOT_LOGGED_IN = "AT303"
FORBIDDEN = "AT304"
BAD_CSRF = "AT305"
RATE_LIMITED = "AT306"
NO_SUCH_USER = "AT307"
BAD_ACCOUNT = "AT308"

_hasher = PasswordHasher()


def auth_error(code: str, message: str, status: int = 401, **detail: object) -> errors.AuthError:
    return errors.AuthError(message=message, detail=dict(detail), code=code, http_status=status)


def _sha(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class User:
    id: int
    username: str
    role: str
    active: bool


def _user(row: sa.Row[object] | None) -> User | None:
    return None if row is None else User(int(row.id), row.username, row.role, bool(row.active))


def random_password() -> str:
    return secrets.token_urlsafe(12)


def _check_new(username: str, role: str, password: str) -> None:
    if role not in ROLES:
        raise auth_error(BAD_ACCOUNT, f"unknown role {role!r}; use one of: {', '.join(ROLES)}", 422)
    if not username or len(username) > 64 or not username.replace("-", "").replace("_", "").replace(".", "").isalnum():
        raise auth_error(BAD_ACCOUNT, "a username is 1-64 letters, digits, '.', '-' or '_'", 422)
    if len(password) < MIN_PASSWORD:
        raise auth_error(BAD_ACCOUNT, f"a password needs at least {MIN_PASSWORD} characters", 422)


def add_user(engine: sa.Engine, username: str, role: str, password: str, actor: str = "cli") -> User:
    _check_new(username, role, password)
    with write(engine) as conn:
        if conn.execute(text("SELECT 1 FROM users WHERE username = :u"), {"u": username}).first():
            raise auth_error(BAD_ACCOUNT, f"user {username!r} exists; use: adtrace user reset {username}", 409)
        conn.execute(text("INSERT INTO users (username, role, password_hash, active, failed_logins, created_at) "
                          "VALUES (:u, :r, :h, :a, 0, :now)"),
                     {"u": username, "r": role, "h": _hasher.hash(password), "a": True, "now": now()})
        audit.append(engine, actor, "user_add", username, {"role": role}, conn=conn)
        row = conn.execute(text("SELECT * FROM users WHERE username = :u"), {"u": username}).first()
    user = _user(row)
    assert user is not None
    return user


def set_active(engine: sa.Engine, username: str, active: bool, actor: str = "cli") -> None:
    with write(engine) as conn:
        n = conn.execute(text("UPDATE users SET active = :a WHERE username = :u"), {"a": active, "u": username})
        if not n.rowcount:
            raise auth_error(NO_SUCH_USER, f"no user {username!r}; list them with: adtrace user list", 404)
        if not active:  # a disabled account loses its sessions and tokens at once
            uid = conn.execute(text("SELECT id FROM users WHERE username = :u"), {"u": username}).scalar()
            conn.execute(text("DELETE FROM sessions WHERE user_id = :id"), {"id": uid})
            conn.execute(text("UPDATE api_tokens SET revoked = :t WHERE user_id = :id"), {"t": True, "id": uid})
        audit.append(engine, actor, "user_disable" if not active else "setting", username,
                     {"active": active}, conn=conn)


def reset_password(engine: sa.Engine, username: str, password: str, actor: str = "cli") -> None:
    if len(password) < MIN_PASSWORD:
        raise auth_error(BAD_ACCOUNT, f"a password needs at least {MIN_PASSWORD} characters", 422)
    with write(engine) as conn:
        n = conn.execute(text("UPDATE users SET password_hash = :h, failed_logins = 0, locked_until = NULL, "
                              "active = :a WHERE username = :u"),
                         {"h": _hasher.hash(password), "u": username, "a": True})
        if not n.rowcount:
            raise auth_error(NO_SUCH_USER, f"no user {username!r}; add one with: adtrace user add", 404)
        conn.execute(text("DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE username = :u)"),
                     {"u": username})
        audit.append(engine, actor, "user_reset", username, {}, conn=conn)


def list_users(engine: sa.Engine) -> list[tuple[User, int, str | None]]:
    with read(engine) as conn:
        rows = conn.execute(text("SELECT * FROM users ORDER BY username")).all()
    return [(u, int(r.failed_logins), r.locked_until) for r in rows if (u := _user(r)) is not None]


def authenticate(engine: sa.Engine, username: str, password: str, client: str = "") -> User:
    """Check a password; count failures, lock after MAX_FAILURES, audit both outcomes."""
    at = datetime.now(UTC)
    with write(engine) as conn:
        row = conn.execute(text("SELECT * FROM users WHERE username = :u"), {"u": username}).first()
        if row is not None and row.locked_until and row.locked_until > at.isoformat(timespec="seconds"):
            audit.append(engine, username, "login_failed", username, {"why": "locked", "client": client}, conn=conn)
            locked = auth_error(LOCKED, "this account is locked after too many wrong passwords; try again in "
                                "15 minutes or ask an admin to reset it", 423)
        else:
            locked = None
    if locked is not None:
        raise locked
    ok = False
    if row is not None and row.active:
        try:
            ok = _hasher.verify(row.password_hash, password)
        except (VerificationError, InvalidHashError):
            ok = False
    else:
        _hasher.hash(password)  # same work for unknown users: no timing hint that a name exists
    with write(engine) as conn:
        if ok and row is not None:
            conn.execute(text("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = :id"),
                         {"id": row.id})
            audit.append(engine, username, "login", username, {"client": client}, conn=conn)
        else:
            if row is not None:
                fails = int(row.failed_logins) + 1
                until = (at + LOCKOUT).isoformat(timespec="seconds") if fails >= MAX_FAILURES else None
                conn.execute(text("UPDATE users SET failed_logins = :f, locked_until = :l WHERE id = :id"),
                             {"f": 0 if until else fails, "l": until, "id": row.id})
            audit.append(engine, username[:64], "login_failed", username[:64], {"client": client}, conn=conn)
    if not ok:
        raise auth_error(BAD_LOGIN, "wrong username or password (or the account is disabled)")
    user = _user(row)
    assert user is not None
    return user


def new_session(engine: sa.Engine, user: User) -> tuple[str, str]:
    """A session token (for the signed cookie) and its CSRF token."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    at = datetime.now(UTC)
    with write(engine) as conn:
        conn.execute(text("DELETE FROM sessions WHERE expires_at < :now"), {"now": at.isoformat(timespec="seconds")})
        conn.execute(text("INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) "
                          "VALUES (:h, :u, :c, :now, :exp)"),
                     {"h": _sha(token), "u": user.id, "c": csrf, "now": at.isoformat(timespec="seconds"),
                      "exp": (at + SESSION_TTL).isoformat(timespec="seconds")})
    return token, csrf


def session_user(engine: sa.Engine, token: str) -> tuple[User, str] | None:
    with read(engine) as conn:
        row = conn.execute(text("SELECT u.id, u.username, u.role, u.active, s.csrf FROM sessions s JOIN users u "
                                "ON u.id = s.user_id WHERE s.token_hash = :h AND s.expires_at > :now"),
                           {"h": _sha(token), "now": now()}).first()
    user = _user(row)
    return None if user is None or not user.active else (user, str(row.csrf))  # type: ignore[union-attr]


def end_session(engine: sa.Engine, token: str) -> None:
    with write(engine) as conn:
        conn.execute(text("DELETE FROM sessions WHERE token_hash = :h"), {"h": _sha(token)})


def add_token(engine: sa.Engine, username: str, name: str, actor: str = "cli") -> str:
    token = "atk_" + secrets.token_urlsafe(32)
    with write(engine) as conn:
        uid = conn.execute(text("SELECT id FROM users WHERE username = :u"), {"u": username}).scalar()
        if uid is None:
            raise auth_error(NO_SUCH_USER, f"no user {username!r}; add one with: adtrace user add", 404)
        conn.execute(text("INSERT INTO api_tokens (token_hash, user_id, name, created_at, revoked) "
                          "VALUES (:h, :u, :n, :now, :r)"),
                     {"h": _sha(token), "u": uid, "n": name, "now": now(), "r": False})
        audit.append(engine, actor, "token_add", username, {"name": name}, conn=conn)
    return token


def token_user(engine: sa.Engine, token: str) -> User | None:
    with read(engine) as conn:
        row = conn.execute(text("SELECT u.id, u.username, u.role, u.active FROM api_tokens t JOIN users u "
                                "ON u.id = t.user_id WHERE t.token_hash = :h AND t.revoked = :f"),
                           {"h": _sha(token), "f": False}).first()
    user = _user(row)
    return user if user is not None and user.active else None


def secret_key(engine: sa.Engine) -> str:
    """The cookie-signing key: made once per database, so sessions survive a restart."""
    with write(engine) as conn:
        key = conn.execute(text("SELECT value FROM app_settings WHERE key = 'secret_key'")).scalar()
        if key is None:
            key = secrets.token_urlsafe(48)
            conn.execute(text("INSERT INTO app_settings (key, value) VALUES ('secret_key', :v)"), {"v": key})
    return str(key)
