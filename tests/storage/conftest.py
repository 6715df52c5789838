"""Fixtures: every contract test runs on SQLite and on a throwaway PostgreSQL cluster.

The cluster comes from Debian's binaries (/usr/lib/postgresql/*/bin): initdb into a temp dir, start on
a free loopback port as an unprivileged user (root may not run postgres), stop at session end.
Without the binaries the PostgreSQL half is skipped locally and fails in CI (CI=true).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from adtrace.storage import Store, init_db, open_store


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """A base URL (no database name) of a running throwaway PostgreSQL server."""
    bindir = _pg_bin()
    if bindir is None:
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL binaries are missing in CI: .ci/run must install Debian's postgresql")
        pytest.skip("PostgreSQL binaries not installed (apt-get install postgresql)")
    tmp = Path(tempfile.mkdtemp(prefix="adtrace-pg-"))
    data, sock = tmp / "data", tmp / "sock"
    sock.mkdir()
    prefix: list[str] = []
    if os.geteuid() == 0:
        user = "postgres" if _has_user("postgres") else "nobody"
        shutil.chown(tmp, user)
        shutil.chown(sock, user)
        prefix = ["runuser", "-u", user, "--"]
    port = _free_port()
    subprocess.run([*prefix, str(bindir / "initdb"), "-D", str(data), "-U", "adtrace", "--auth=trust",
                    "-E", "UTF8", "--no-sync"], check=True, capture_output=True)
    opts = f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off"
    subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-o", opts, "-l", str(tmp / "log"),
                    "-w", "start"], check=True, capture_output=True)
    try:
        yield f"postgresql://adtrace@127.0.0.1:{port}"
    finally:
        subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)


def _has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def new_pg_database(base: str) -> str:
    name = "t_" + uuid.uuid4().hex[:12]
    engine = sa.create_engine(base.replace("postgresql://", "postgresql+psycopg://") + "/postgres",
                              isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    engine.dispose()
    return f"{base}/{name}"


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "adtrace.db")
    return new_pg_database(request.getfixturevalue("pg_server"))


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    init_db(db_url)
    s = open_store(db_url)
    try:
        yield s
    finally:
        s.close()
