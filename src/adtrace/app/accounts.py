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

from adtrace import errors
from adtrace.i18n import gettext
from adtrace.storage import accountstore, audit, settingstore
from adtrace.storage.accountstore import Account
from adtrace.storage.db import read, write

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


def auth_error(code: str, message: str, status: int = 401, *, web_hint: str = "", **detail: object) -> errors.AuthError:
    return errors.AuthError(message=message, detail=dict(detail), code=code, http_status=status, web_hint=web_hint)


def _sha(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class User:
    id: int
    username: str
    role: str
    active: bool
    language: str | None = None  # the app's language for this account (adtrace.i18n); None: the browser's


def _user(row: Account | None) -> User | None:
    if row is None:
        return None
    return User(row.id, row.username, row.role, row.active, row.language)


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
        if accountstore.exists(conn, username):
            raise auth_error(BAD_ACCOUNT, f"user {username!r} exists; reset its password instead", 409,
                             field="username")
        accountstore.add(conn, username, role, _hasher.hash(password))
        audit.append(engine, actor, "user_add", username, {"role": role}, conn=conn)
        row = accountstore.by_name(conn, username)
    user = _user(row)
    assert user is not None
    return user


def _keep_an_admin(conn: sa.Connection, username: str) -> None:
    """Refuse to disable or demote the last active admin: nobody could manage users or settings after."""
    if not accountstore.other_active_admins(conn, username):
        raise auth_error(errors.LAST_ADMIN, f"{username!r} is the last active admin; make another admin first",
                         409, field="username")


def set_active(engine: sa.Engine, username: str, active: bool, actor: str = "cli") -> None:
    with write(engine) as conn:
        if not active and accountstore.role_of(conn, username) == "admin":
            _keep_an_admin(conn, username)
        if not accountstore.set_active(conn, username, active):
            raise auth_error(NO_SUCH_USER, f"no user {username!r}", 404, field="username")
        if not active:  # a disabled account loses its sessions and tokens at once
            uid = accountstore.user_id(conn, username)
            assert uid is not None  # the UPDATE above found it
            accountstore.end_sessions(conn, uid=uid)
            accountstore.revoke_tokens(conn, uid)
        audit.append(engine, actor, "user_disable" if not active else "setting", username,
                     {"active": active}, conn=conn)


def reset_password(engine: sa.Engine, username: str, password: str, actor: str = "cli") -> None:
    check_password(password, username)
    with write(engine) as conn:
        if not accountstore.reset(conn, username, _hasher.hash(password)):
            raise auth_error(NO_SUCH_USER, f"no user {username!r}", 404, field="username")
        accountstore.end_sessions(conn, username=username)
        audit.append(engine, actor, "user_reset", username, {}, conn=conn)


def set_role(engine: sa.Engine, username: str, role: str, actor: str = "cli") -> None:
    """Give an account another role (audited). Its sessions end, so pages and permissions follow at once."""
    if role not in ROLES:
        raise auth_error(BAD_ACCOUNT, f"unknown role {role!r}; use one of: {', '.join(ROLES)}", 422, field="role")
    with write(engine) as conn:
        old = accountstore.role_of(conn, username)
        if old is None:
            raise auth_error(NO_SUCH_USER, f"no user {username!r}", 404, field="username")
        if old == role:
            return
        if old == "admin":
            _keep_an_admin(conn, username)
        accountstore.set_role(conn, username, role)
        accountstore.end_sessions(conn, username=username)
        audit.append(engine, actor, "user_role", username, {"old": old, "new": role}, conn=conn)


def change_password(engine: sa.Engine, user: User, current: str, new: str, client: str = "",
                    keep_session: str = "") -> None:
    """A signed-in user changes their own password: the current one first (a wrong one counts toward the
    lockout), then the same strength check as `adtrace user add`. Other sessions of the account end."""
    confirm_password(engine, user, current, client)
    check_password(new, user.username)
    with write(engine) as conn:
        accountstore.set_password_hash(conn, user.id, _hasher.hash(new))
        accountstore.end_sessions(conn, uid=user.id, keep=_sha(keep_session) if keep_session else "")
        audit.append(engine, user.username, "password_change", user.username, {"client": client}, conn=conn)


def set_language(engine: sa.Engine, user: User, language: str | None) -> None:
    """The account's language for the app (None: follow the browser's Accept-Language); audited."""
    from adtrace import i18n

    if language is not None and language not in i18n.LOCALES:
        raise auth_error(BAD_ACCOUNT, f"unknown language {language!r}; use one of: {', '.join(i18n.LOCALES)}",
                         422, field="language")
    with write(engine) as conn:
        accountstore.set_language(conn, user.id, language)
        audit.append(engine, user.username, "setting", user.username, {"language": language}, conn=conn)


def list_users(engine: sa.Engine) -> list[tuple[User, int, str | None]]:
    with read(engine) as conn:
        rows = accountstore.all_accounts(conn)
    return [(u, r.failed_logins, r.locked_until) for r in rows if (u := _user(r)) is not None]


def audit_name(username: str, known: bool) -> str:
    """How a login attempt's name goes into the audit log: as typed when it names an account, else only a
    short hash (people type their password into the name field; the log must never hold it)."""
    return username[:64] if known else "unknown:" + _sha(username)[:12]


def _count_failure(conn: sa.Connection, user_id: int, at: datetime) -> bool:
    """One wrong password, counted atomically (UPDATE ... SET n = n + 1 RETURNING n: parallel attempts
    cannot all read the same count); locks the account at MAX_FAILURES. True when it is now locked."""
    fails = accountstore.count_failure(conn, user_id)
    if fails is None or fails < MAX_FAILURES:
        return False
    accountstore.lock(conn, user_id, (at + LOCKOUT).isoformat(timespec="seconds"))
    return True


def _locked(row: Account | None, at: datetime) -> bool:
    return bool(row is not None and row.locked_until and row.locked_until > at.isoformat(timespec="seconds"))


def _locked_error() -> errors.AuthError:
    return auth_error(LOCKED, gettext("this account is locked after too many wrong passwords; try again in 15 "
                                      "minutes or ask an admin to reset it"), 423)


def authenticate(engine: sa.Engine, username: str, password: str, client: str = "") -> User:
    """Check a password; count failures, lock after MAX_FAILURES, audit both outcomes."""
    at = datetime.now(UTC)
    with read(engine) as conn:
        row = accountstore.by_name(conn, username)
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
            raced = _locked(accountstore.by_id(conn, row.id), at)
        if ok and not raced and row is not None:
            accountstore.clear_failures(conn, row.id)
            audit.append(engine, name, "login", name, {"client": client}, conn=conn)
        elif raced:
            audit.append(engine, name, "login_failed", name, {"why": "locked", "client": client}, conn=conn)
        else:
            locked = row is not None and _count_failure(conn, row.id, at)
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
        row = accountstore.by_id(conn, user.id)
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
            _count_failure(conn, row.id, at)
        audit.append(engine, user.username, "login_failed", user.username, {"why": "confirmation", "client": client},
                     conn=conn)
    raise auth_error(BAD_LOGIN, gettext("your password did not match; the change was not made"), 403)


def new_session(engine: sa.Engine, user: User) -> tuple[str, str]:
    """A session token (for the signed cookie) and its CSRF token."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    at = datetime.now(UTC)
    with write(engine) as conn:
        accountstore.add_session(conn, _sha(token), user.id, csrf, at.isoformat(timespec="seconds"),
                                 (at + SESSION_TTL).isoformat(timespec="seconds"))
    return token, csrf


def session_user(engine: sa.Engine, token: str) -> tuple[User, str] | None:
    with read(engine) as conn:
        found = accountstore.session(conn, _sha(token))
    if found is None:
        return None
    user = _user(found[0])
    return None if user is None or not user.active else (user, found[1])


def end_session(engine: sa.Engine, token: str) -> None:
    with write(engine) as conn:
        accountstore.end_session(conn, _sha(token))


def add_token(engine: sa.Engine, username: str, name: str, actor: str = "cli") -> str:
    token = "atk_" + secrets.token_urlsafe(32)
    with write(engine) as conn:
        uid = accountstore.user_id(conn, username)
        if uid is None:
            raise auth_error(NO_SUCH_USER, f"no user {username!r}", 404, field="username")
        accountstore.add_token(conn, _sha(token), uid, name)
        audit.append(engine, actor, "token_add", username, {"name": name}, conn=conn)
    return token


TOKEN_ID = 12  # a token's id: the first hex digits of its stored SHA-256 (public; the token cannot be derived)


def token_id(token: str) -> str:
    """The id `user tokens` lists for this token (so its holder can find it)."""
    return _sha(token)[:TOKEN_ID]


def list_tokens(engine: sa.Engine, username: str | None = None) -> list[dict[str, object]]:
    """API tokens (never their secrets): id, owner, label, created, revoked."""
    with read(engine) as conn:
        rows = accountstore.tokens(conn, username)
    return [{"id": r["token_hash"][:TOKEN_ID], "user": r["username"], "name": r["name"], "created_at": r["created_at"],
             "revoked": bool(r["revoked"])} for r in rows]


def revoke_token(engine: sa.Engine, ident: str, actor: str = "cli") -> dict[str, object]:
    """Revoke one API token by its id (see list_tokens) or the token itself; audited. Running servers stop
    accepting it within ADTRACE_TOKEN_CACHE_SECONDS (the revoking server at once)."""
    key = token_id(ident) if ident.startswith("atk_") else ident.lower()
    if len(key) != TOKEN_ID or any(c not in "0123456789abcdef" for c in key):
        raise auth_error(NO_SUCH_TOKEN, f"a token id is {TOKEN_ID} hex digits (as the list of tokens shows them)",
                         422)
    with write(engine) as conn:
        rows = accountstore.tokens(conn, prefix=key)
        if len(rows) != 1:
            raise auth_error(NO_SUCH_TOKEN, f"no API token {key}", 404)
        row = rows[0]
        accountstore.revoke_token(conn, row["token_hash"])
        audit.append(engine, actor, "token_revoke", row["username"], {"token": key, "name": row["name"]}, conn=conn)
    return {"id": key, "user": row["username"], "name": row["name"], "revoked": True}


def token_user(engine: sa.Engine, token: str) -> User | None:
    with read(engine) as conn:
        user = _user(accountstore.token_account(conn, _sha(token)))
    return user if user is not None and user.active else None


def secret_key(engine: sa.Engine) -> str:
    """The cookie-signing key: made once per database, so sessions survive a restart."""
    with write(engine) as conn:
        key = settingstore.get(conn, "secret_key")
        if key is None:
            key = secrets.token_urlsafe(48)
            settingstore.put(conn, "secret_key", key)
    return str(key)
