"""A small store with synthetic ads whose identifiers we know, two organisations' keys, and the app."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from adtrace import errors
from adtrace.app import accounts, create_app
from adtrace.documents import Document
from adtrace.exchange import keys as xk
from adtrace.pipeline import Pipeline
from adtrace.storage import init_db, open_store
from adtrace.storage.prepare import prepare

PDQ_A = "0f" * 32
ADS = [
    {"id": "ad1", "text": "New in town, call me 213-473-0188, ig: @Sweet_Jane", "images": [{"url": "a.jpg", "pdq": PDQ_A}]},
    {"id": "ad2", "text": "Weekend only. Text (213) 473 0188 for rates, cashapp $janeD"},
    {"id": "ad3", "text": "Selling a blue bicycle, email bike.seller@example.org"},
]
CONSORTIUM = bytes(range(32))


def docs() -> list[Document]:
    return [Document.from_dict(a) for a in ADS]


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = str(tmp_path / "x.db")
    init_db(url)
    pipe = Pipeline()
    with open_store(url) as store:
        store.put_batch([prepare(d, pipe.process(d)) for d in docs()])
    return url


@pytest.fixture
def engine(db: str) -> Iterator[object]:
    store = open_store(db)
    yield store.engine  # type: ignore[attr-defined]
    store.close()


def org_keys(tmp_path: Path, name: str) -> Path:
    d = tmp_path / f"keys-{name}"
    xk.generate(name, d)
    xk.set_consortium_key(CONSORTIUM, d)
    return d


@pytest.fixture
def ours(tmp_path: Path) -> Path:
    return org_keys(tmp_path, "ngo-a")


@pytest.fixture
def partner(tmp_path: Path) -> Path:
    return org_keys(tmp_path, "platform-b")


@pytest.fixture
def app(db: str, ours: Path) -> Iterator[object]:
    from adtrace.app.api.exchange import configure

    web = create_app(db, allowed_hosts=("testserver",))  # the host TestClient sends
    configure(web, keys_dir=str(ours), rate=1000, burst=1000, refresh_seconds=0)
    yield web
    web.state.adtrace.store.close()


@pytest.fixture
def client_for(app: object) -> Callable[[str], TestClient]:
    """A client sending an API token of a user with that role (the username equals the role)."""
    engine = app.state.adtrace.engine  # type: ignore[attr-defined]

    def make(role: str) -> TestClient:
        with contextlib.suppress(errors.AdtraceError):  # already there
            accounts.add_user(engine, role, role, "correct-horse-battery")
        token = accounts.add_token(engine, role, f"t-{role}")
        return TestClient(app, headers={"Authorization": f"Bearer {token}"})  # type: ignore[arg-type]

    return make
