"""Database URLs, engines and migrations: `adtrace init` and `open_store` start here.

The kinds of database a store runs on are a registry (`STORES`, keyed by the URL's backend name:
`sqlite`, `postgresql`); a plugin adds one through the "adtrace.stores" entry points with a `Backend`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from adtrace.i18n import _
from adtrace.registry import Registry
from adtrace.storage.base import DB_NOT_INITIALISED, DB_OUTDATED, DB_UNREACHABLE, Store, storage_error

ENV_VAR = "ADTRACE_DB"


@dataclass(frozen=True)
class Backend:
    """One kind of database: how to make its engine from a URL, and the Store on an initialised one.

    Migrations run through SQLAlchemy, so a backend's engine must be one Alembic can upgrade."""

    engine: Callable[[str], sa.Engine]
    store: Callable[[sa.Engine, str], Store]  # (engine, URL shown in messages) -> Store


def _sqlite_engine(url: str) -> sa.Engine:
    from adtrace.storage.sqlite import sqlite_engine

    return sqlite_engine(url)


def _sqlite_store(engine: sa.Engine, shown: str) -> Store:
    from adtrace.storage.sqlite import SQLiteStore

    return SQLiteStore(engine, shown)


def _postgres_store(engine: sa.Engine, shown: str) -> Store:
    from adtrace.storage.postgres import PostgresStore

    return PostgresStore(engine, shown)


STORES: Registry[Backend] = Registry("store", "adtrace.stores")
STORES.register("sqlite", Backend(_sqlite_engine, _sqlite_store))
STORES.register("postgresql", Backend(lambda url: sa.create_engine(url, pool_pre_ping=True, future=True),
                                      _postgres_store))


def default_url() -> str:
    """`ADTRACE_DB`, else a SQLite file in the user's data directory."""
    if env := os.environ.get(ENV_VAR):
        return env
    from platformdirs import user_data_dir

    return f"sqlite:///{Path(user_data_dir('adtrace', appauthor=False)) / 'adtrace.db'}"


def resolve_url(url: str | None) -> str:
    """A SQLAlchemy URL from what a user types: a path, sqlite:///..., or postgresql://..."""
    url = url or default_url()
    if url.startswith(("postgres://", "postgresql://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if url.startswith(("sqlite:", "postgresql+")):
        return url
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme and scheme.split("+", 1)[0] in STORES.load():  # a plugin's kind of database
        return url
    return f"sqlite:///{Path(url).expanduser().absolute()}"


def backend(url: str) -> Backend:
    """The registered kind of database a (resolved) URL names."""
    return STORES.provider(sa.make_url(url).get_backend_name())


def make_engine(url: str) -> sa.Engine:
    url = resolve_url(url)
    return backend(url).engine(url)


def _alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("adtrace.storage") / "migrations"))
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: sa.Engine) -> str | None:
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    except sa.exc.OperationalError as exc:
        raise storage_error(DB_UNREACHABLE, f"cannot reach the database ({_first_line(exc)}). Check the URL, "
                            "that the server runs and that you may log in", url=_safe(str(engine.url))) from None


def init_db(url: str | None = None) -> tuple[str | None, str]:
    """Create or upgrade a database to the newest schema. Returns (revision before, revision after)."""
    resolved = resolve_url(url)
    if resolved.startswith("sqlite:///"):
        Path(resolved.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(resolved)
    try:
        before = current_revision(engine)
        cfg = _alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
        return before, head_revision()
    finally:
        engine.dispose()


def open_store(url: str | None = None) -> Store:
    """Open an initialised store; say how to initialise or upgrade it when it is not."""
    resolved = resolve_url(url)
    shown = _safe(resolved)
    if resolved.startswith("sqlite:///") and not Path(resolved.removeprefix("sqlite:///")).exists():
        raise storage_error(DB_NOT_INITIALISED, f"no database at {shown}", url=shown,
                            cli_hint=f"create it with `adtrace init --db {shown}`", web_hint=_("Ask an administrator to initialise or upgrade the database"))
    engine = make_engine(resolved)
    rev = current_revision(engine)
    if rev is None:
        engine.dispose()
        raise storage_error(DB_NOT_INITIALISED, f"the database at {shown} has no adtrace schema", url=shown,
                            cli_hint=f"create it with `adtrace init --db {shown}`", web_hint=_("Ask an administrator to initialise or upgrade the database"))
    if rev != head_revision():
        engine.dispose()
        raise storage_error(DB_OUTDATED, f"the database at {shown} is at schema {rev}, this adtrace needs "
                            f"{head_revision()}", url=shown, cli_hint=f"upgrade it with `adtrace init --db {shown}`",
                            web_hint=_("Ask an administrator to initialise or upgrade the database"))
    return backend(resolved).store(engine, shown)


def _safe(url: str) -> str:
    """A URL without its password, for messages."""
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return url


def _first_line(exc: BaseException) -> str:
    return str(getattr(exc, "orig", exc)).strip().splitlines()[0][:200] if str(exc) else type(exc).__name__
