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
from adtrace.i18n import gettext
from adtrace.storage import audit
from adtrace.storage.db import now, read, write

ROLES = ("admin", "analyst", "reviewer", "auditor", "partner")
MAX_FAILURES = 5  # wrong passwords in a row before the account locks
LOCKOUT = timedelta(minutes=15)
SESSION_TTL = timedelta(hours=12)
MIN_PASSWORD = 10
MIN_STRENGTH = 3  # zxcvbn score 0-4; 3 = "safely unguessable"; "password123" 0, "Password2024!" 2 (measured)

# Stable auth codes (AT3xx).
BAD_LOGIN = errors.BAD_LOGIN
LOCKED = errors.LOCKED
NOT_LOGGED_IN = errors.NOT_LOGGED_IN
FORBIDDEN = errors.FORBIDDEN
BAD_CSRF = errors.BAD_CSRF
RATE_LIMITED = errors.RATE_LIMITED
NO_SUCH_USER = errors.NO_SUCH_USER
BAD_ACCOUNT = errors.BAD_ACCOUNT
WEAK_PASSWORD = errors.WEAK_PASSWORD
NO_SUCH_TOKEN = errors.NO_SUCH_TOKEN

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
    language: str | None = None  # the app's language for this account (adtrace.i18n); None: the browser's


def _user(row: sa.Row[object] | None) -> User | None:
    if row is None:
        return None
    return User(int(row.id), row.username, row.role, bool(row.active), row._mapping.get("language"))


def random_password() -> str:
    return secrets.token_urlsafe(12)


def check_password(password: str, username: str = "") -> None:
    """At least MIN_PASSWORD characters and not guessable: zxcvbn (its lists of common passwords, words,
    names and keyboard patterns; imported here only: 36-53 ms once, measured; never on the login path)."""
    if len(password) < MIN_PASSWORD:
        raise auth_error(BAD_ACCOUNT, gettext("a password needs at least %(n)s characters") % {"n": MIN_PASSWORD}, 422,
                         field="password")
    from zxcvbn import zxcvbn

    result = zxcvbn(password[:100], user_inputs=[username, "adtrace"])
    if int(result["score"]) < MIN_STRENGTH:
        why = (result.get("feedback") or {}).get("warning") or gettext("it is too easy to guess")
        raise auth_error(WEAK_PASSWORD, gettext("this password is too common or guessable (%(why)s); use a longer "
                                                "passphrase of unrelated words, or a random password")
                         % {"why": why.rstrip(".")}, 422, field="password")


def _check_new(username: str, role: str, password: str) -> None:
    if role not in ROLES:
        raise auth_error(BAD_ACCOUNT, f"unknown role {role!r}; use one of: {', '.join(ROLES)}", 422, field="role")
    if not username or len(username) > 64 or not username.replace("-", "").replace("_", "").replace(".", "").isalnum():
        raise auth_error(BAD_ACCOUNT, "a username is 1-64 letters, digits, '.', '-' or '_'", 422, field="username")
    check_password(password, username)


def add_user(engine: sa.Engine, username: str, role: str, password: str, actor: str = "cli") -> User:
    _check_new(username, role, password)
    with write(engine) as conn:
        if conn.execute(text("SELECT 1 FROM users WHERE username = :u"), {"u": username}).first():
            raise auth_error(BAD_ACCOUNT, f"user {username!r} exists; reset its password instead", 409,
                             field="username")
        conn.execute(text("INSERT INTO users (username, role, password_hash, active, failed_logins, created_at) "
                          "VALUES (:u, :r, :h, :a, 0, :now)"),
                     {"u": username, "r": role, "h": _hasher.hash(password), "a": True, "now": now()})
        audit.append(engine, actor, "user_add", username, {"role": role}, conn=conn)
        row = conn.execute(text("SELECT * FROM users WHERE username = :u"), {"u": username}).first()
    user = _user(row)
    assert user is not None
    return user


def _keep_an_admin(conn: sa.Connection, username: str) -> None:
    """Refuse to disable or demote the last active admin: nobody could manage users or settings after."""
    others = conn.execute(text("SELECT count(*) FROM users WHERE role = 'admin' AND active = :t AND username <> :u"),
                          {"t": True, "u": username}).scalar()
    if not others:
        raise auth_error(errors.LAST_ADMIN, f"{username!r} is the last active admin; make another admin first",
                         409, field="username")


def set_active(engine: sa.Engine, username: str, active: bool, actor: str = "cli") -> None:
    with write(engine) as conn:
        if not active and conn.execute(text("SELECT role FROM users WHERE username = :u"),
                                       {"u": username}).scalar() == "admin":
            _keep_an_admin(conn, username)
        n = conn.execute(text("UPDATE users SET active = :a WHERE username = :u"), {"a": active, "u": username})
        if not n.rowcount:
            raise auth_error(NO_SUCH_USER, f"no user {username!r}", 404, field="username")
        if not active:  # a disabled account loses its sessions and tokens at once
            uid = conn.execute(text("SELECT id FROM users WHERE username = :u"), {"u": username}).scalar()
            conn.execute(text("DELETE FROM sessions WHERE user_id = :id"), {"id": uid})
            conn.execute(text("UPDATE api_tokens SET revoked = :t WHERE user_id = :id"), {"t": True, "id": uid})
        audit.append(engine, actor, "user_disable" if not active else "setting", username,
                     {"active": active}, conn=conn)


def reset_password(engine: sa.Engine, username: str, password: str, actor: str = "cli") -> None:
    check_password(password, username)
    with write(engine) as conn:
        n = conn.execute(text("UPDATE users SET password_hash = :h, failed_logins = 0, locked_until = NULL, "
                              "active = :a WHERE username = :u"),
                         {"h": _hasher.hash(password), "u": username, "a": True})
        if not n.rowcount:
            raise auth_error(NO_SUCH_USER, f"no user {username!r}", 404, field="username")
        conn.execute(text("DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE username = :u)"),
                     {"u": username})
        audit.append(engine, actor, "user_reset", username, {}, conn=conn)


def set_role(engine: sa.Engine, username: str, role: str, actor: str = "cli") -> None:
    """Give an account another role (audited). Its sessions end, so pages and permissions follow at once."""
    if role not in ROLES:
        raise auth_error(BAD_ACCOUNT, f"unknown role {role!r}; use one of: {', '.join(ROLES)}", 422, field="role")
    with write(engine) as conn:
        old = conn.execute(text("SELECT role FROM users WHERE username = :u"), {"u": username}).scalar()
        if old is None:
            raise auth_error(NO_SUCH_USER, f"no user {username!r}", 404, field="username")
        if old == role:
            return
        if old == "admin":
            _keep_an_admin(conn, username)
        conn.execute(text("UPDATE users SET role = :r WHERE username = :u"), {"r": role, "u": username})
        conn.execute(text("DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE username = :u)"),
                     {"u": username})
        audit.append(engine, actor, "user_role", username, {"old": old, "new": role}, conn=conn)


def change_password(engine: sa.Engine, user: User, current: str, new: str, client: str = "",
                    keep_session: str = "") -> None:
    """A signed-in user changes their own password: the current one first (a wrong one counts toward the
    lockout), then the same strength check as `adtrace user add`. Other sessions of the account end."""
    confirm_password(engine, user, current, client)
    check_password(new, user.username)
    with write(engine) as conn:
        conn.execute(text("UPDATE users SET password_hash = :h WHERE id = :id"),
                     {"h": _hasher.hash(new), "id": user.id})
        conn.execute(text("DELETE FROM sessions WHERE user_id = :id AND token_hash <> :keep"),
                     {"id": user.id, "keep": _sha(keep_session) if keep_session else ""})
        audit.append(engine, user.username, "password_change", user.username, {"client": client}, conn=conn)


def set_language(engine: sa.Engine, user: User, language: str | None) -> None:
    """The account's language for the app (None: follow the browser's Accept-Language); audited."""
    from adtrace import i18n

    if language is not None and language not in i18n.LOCALES:
        raise auth_error(BAD_ACCOUNT, f"unknown language {language!r}; use one of: {', '.join(i18n.LOCALES)}",
                         422, field="language")
    with write(engine) as conn:
        conn.execute(text("UPDATE users SET language = :l WHERE id = :id"), {"l": language, "id": user.id})
        audit.append(engine, user.username, "setting", user.username, {"language": language}, conn=conn)


def list_users(engine: sa.Engine) -> list[tuple[User, int, str | None]]:
    with read(engine) as conn:
        rows = conn.execute(text("SELECT * FROM users ORDER BY username")).all()
    return [(u, int(r.failed_logins), r.locked_until) for r in rows if (u := _user(r)) is not None]


def audit_name(username: str, known: bool) -> str:
    """How a login attempt's name goes into the audit log: as typed when it names an account, else only a
    short hash (people type their password into the name field; the log must never hold it)."""
    return username[:64] if known else "unknown:" + _sha(username)[:12]


def _count_failure(conn: sa.Connection, user_id: int, at: datetime) -> bool:
    """One wrong password, counted atomically (UPDATE ... SET n = n + 1 RETURNING n: parallel attempts
    cannot all read the same count); locks the account at MAX_FAILURES. True when it is now locked."""
    fails = conn.execute(text("UPDATE users SET failed_logins = failed_logins + 1 WHERE id = :id "
                              "RETURNING failed_logins"), {"id": user_id}).scalar()
    if fails is None or int(fails) < MAX_FAILURES:
        return False
    conn.execute(text("UPDATE users SET failed_logins = 0, locked_until = :l WHERE id = :id"),
                 {"l": (at + LOCKOUT).isoformat(timespec="seconds"), "id": user_id})
    return True


def _locked(row: sa.Row[object] | None, at: datetime) -> bool:
    return bool(row is not None and row.locked_until and row.locked_until > at.isoformat(timespec="seconds"))


def _locked_error() -> errors.AuthError:
    return auth_error(LOCKED, gettext("this account is locked after too many wrong passwords; try again in 15 "
                                      "minutes or ask an admin to reset it"), 423)


def authenticate(engine: sa.Engine, username: str, password: str, client: str = "") -> User:
    """Check a password; count failures, lock after MAX_FAILURES, audit both outcomes."""
    at = datetime.now(UTC)
    with read(engine) as conn:
        row = conn.execute(text("SELECT * FROM users WHERE username = :u"), {"u": username}).first()
    name = audit_name(username, row is not None)
    if _locked(row, at):
        audit.append(engine, name, "login_failed", name, {"why": "locked", "client": client})
        raise _locked_error()
    ok = False
    if row is not None and row.active:
        try:
            ok = _hasher.verify(row.password_hash, password)
        except (VerificationError, InvalidHashError):
            ok = False
    else:
        _hasher.hash(password)  # same work for unknown users: no timing hint that a name exists
    raced = False  # the right password, but parallel wrong ones locked the account meanwhile
    with write(engine) as conn:
        if ok and row is not None:
            # Re-read under the write lock: parallel wrong passwords may have locked it meanwhile.
            now_row = conn.execute(text("SELECT locked_until FROM users WHERE id = :id"), {"id": row.id}).first()
            raced = _locked(now_row, at)
        if ok and not raced and row is not None:
            conn.execute(text("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = :id"),
                         {"id": row.id})
            audit.append(engine, name, "login", name, {"client": client}, conn=conn)
        elif raced:
            audit.append(engine, name, "login_failed", name, {"why": "locked", "client": client}, conn=conn)
        else:
            locked = row is not None and _count_failure(conn, int(row.id), at)
            audit.append(engine, name, "login_failed", name,
                         {"client": client, **({"locked": True} if locked else {})}, conn=conn)
    if raced:
        raise _locked_error()
    if not ok:
        raise auth_error(BAD_LOGIN, gettext("wrong username or password (or the account is disabled)"))
    user = _user(row)
    assert user is not None
    return user


def confirm_password(engine: sa.Engine, user: User, password: str, client: str = "") -> None:
    """A signed-in user proves it is them again before a destructive change (settings, purge). A wrong
    password counts toward the lockout like a failed login, so the form cannot be used to guess."""
    at = datetime.now(UTC)
    with read(engine) as conn:
        row = conn.execute(text("SELECT * FROM users WHERE id = :id"), {"id": user.id}).first()
    ok = False
    if row is not None and row.active and not _locked(row, at):
        try:
            ok = _hasher.verify(row.password_hash, password)
        except (VerificationError, InvalidHashError):
            ok = False
    if ok:
        return
    with write(engine) as conn:
        if row is not None:
            _count_failure(conn, int(row.id), at)
        audit.append(engine, user.username, "login_failed", user.username, {"why": "confirmation", "client": client},
                     conn=conn)
    raise auth_error(BAD_LOGIN, gettext("your password did not match; the change was not made"), 403)


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
        row = conn.execute(text("SELECT u.id, u.username, u.role, u.active, u.language, s.csrf FROM sessions s JOIN users u "
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
            raise auth_error(NO_SUCH_USER, f"no user {username!r}", 404, field="username")
        conn.execute(text("INSERT INTO api_tokens (token_hash, user_id, name, created_at, revoked) "
                          "VALUES (:h, :u, :n, :now, :r)"),
                     {"h": _sha(token), "u": uid, "n": name, "now": now(), "r": False})
        audit.append(engine, actor, "token_add", username, {"name": name}, conn=conn)
    return token


TOKEN_ID = 12  # a token's id: the first hex digits of its stored SHA-256 (public; the token cannot be derived)


def token_id(token: str) -> str:
    """The id `user tokens` lists for this token (so its holder can find it)."""
    return _sha(token)[:TOKEN_ID]


def list_tokens(engine: sa.Engine, username: str | None = None) -> list[dict[str, object]]:
    """API tokens (never their secrets): id, owner, label, created, revoked."""
    where, params = ("WHERE u.username = :u ", {"u": username}) if username else ("", {})
    with read(engine) as conn:
        rows = conn.execute(text("SELECT t.token_hash, u.username, t.name, t.created_at, t.revoked FROM api_tokens t "
                                 f"JOIN users u ON u.id = t.user_id {where}ORDER BY t.created_at, t.name"),
                            params).all()
    return [{"id": r.token_hash[:TOKEN_ID], "user": r.username, "name": r.name, "created_at": r.created_at,
             "revoked": bool(r.revoked)} for r in rows]


def revoke_token(engine: sa.Engine, ident: str, actor: str = "cli") -> dict[str, object]:
    """Revoke one API token by its id (see list_tokens) or the token itself; audited. Running servers stop
    accepting it within ADTRACE_TOKEN_CACHE_SECONDS (the revoking server at once)."""
    key = token_id(ident) if ident.startswith("atk_") else ident.lower()
    if len(key) != TOKEN_ID or any(c not in "0123456789abcdef" for c in key):
        raise auth_error(NO_SUCH_TOKEN, f"a token id is {TOKEN_ID} hex digits (as the list of tokens shows them)",
                         422)
    with write(engine) as conn:
        rows = conn.execute(text("SELECT t.token_hash, u.username, t.name FROM api_tokens t JOIN users u "
                                 "ON u.id = t.user_id WHERE t.token_hash LIKE :p"), {"p": key + "%"}).all()
        if len(rows) != 1:
            raise auth_error(NO_SUCH_TOKEN, f"no API token {key}", 404)
        row = rows[0]
        conn.execute(text("UPDATE api_tokens SET revoked = :t WHERE token_hash = :h"), {"t": True, "h": row.token_hash})
        audit.append(engine, actor, "token_revoke", row.username, {"token": key, "name": row.name}, conn=conn)
    return {"id": key, "user": row.username, "name": row.name, "revoked": True}


def token_user(engine: sa.Engine, token: str) -> User | None:
    with read(engine) as conn:
        row = conn.execute(text("SELECT u.id, u.username, u.role, u.active, u.language FROM api_tokens t JOIN users u "
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
