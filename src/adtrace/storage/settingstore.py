"""The app's own key-value table (`app_settings`): admin settings, the cookie-signing key, import jobs.

Values are text (JSON where the caller wants structure); writes take the caller's connection, so a
setting and its audit entry are one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy import bindparam, text

_MANY = text("SELECT key, value FROM app_settings WHERE key IN :keys").bindparams(bindparam("keys", expanding=True))


def get(conn: sa.Connection, key: str) -> str | None:
    value = conn.execute(text("SELECT value FROM app_settings WHERE key = :k"), {"k": key}).scalar()
    return None if value is None else str(value)


def get_many(conn: sa.Connection, keys: Sequence[str]) -> dict[str, str]:
    """key -> value of those of `keys` that are set."""
    return {str(k): str(v) for k, v in conn.execute(_MANY, {"keys": list(keys)})}


def with_prefix(conn: sa.Connection, prefix: str) -> list[str]:
    """Values of every key LIKE `prefix` + "%" (so an "_" in `prefix` matches any one character)."""
    return [str(r[0]) for r in conn.execute(text("SELECT value FROM app_settings WHERE key LIKE :k"),
                                            {"k": prefix + "%"})]


def put(conn: sa.Connection, key: str, value: str) -> None:
    """Set `key` (replacing its value)."""
    delete(conn, key)
    conn.execute(text("INSERT INTO app_settings (key, value) VALUES (:k, :v)"), {"k": key, "v": value})


def delete(conn: sa.Connection, key: str) -> None:
    conn.execute(text("DELETE FROM app_settings WHERE key = :k"), {"k": key})
