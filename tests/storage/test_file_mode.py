"""The SQLite database holds password hashes, the cookie secret and ad text: created 0600 (issue 20)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from adtrace.documents import Document
from adtrace.pipeline import Pipeline
from adtrace.storage import init_db, open_store
from adtrace.storage.prepare import prepare
from adtrace.storage.sqlite import exposed_files


@pytest.fixture
def usual_umask() -> Iterator[None]:
    old = os.umask(0o022)  # what most shells have: new files 0644
    yield
    os.umask(old)


def _mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


def test_database_wal_and_shm_are_created_owner_only(tmp_path: Path, usual_umask: None) -> None:
    path = tmp_path / "new.db"
    init_db(str(path))
    doc = Document.from_dict({"id": "a", "text": "call 213-473-0188"})
    with open_store(str(path)) as store:
        store.put_batch([prepare(doc, Pipeline().process(doc))])
        files = [path, Path(f"{path}-wal"), Path(f"{path}-shm")]
        assert all(f.exists() for f in files)
        assert {f.name: _mode(f) for f in files} == {f.name: 0o600 for f in files}
    assert exposed_files(f"sqlite:///{path}") == []


def test_serve_warns_when_others_may_read_the_database(tmp_path: Path, usual_umask: None,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from adtrace.cli import serve

    path = tmp_path / "old.db"
    path.touch(mode=0o644)
    said: list[str] = []
    monkeypatch.setattr(serve.err_console, "print", lambda msg, **_: said.append(str(msg)))
    serve._warn_if_readable(str(path))
    assert len(said) == 1 and "readable by other users (mode 0644)" in said[0] and "chmod 600" in said[0]
    path.chmod(0o600)
    said.clear()
    serve._warn_if_readable(str(path))
    assert said == []
