"""A small synthetic store with images, built once per session and copied for each test."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from adtrace.app import accounts, create_app
from adtrace.app.accounts import ROLES
from adtrace.storage import init_db, open_store
from adtrace.storage.ingest import IngestOptions, ingest
from adtrace.synth import write_corpus

PASSWORD = "correct-horse-battery"
# The Host names a test app answers to (adtrace.app.hosts): TestClient sends "testserver", live servers 127.0.0.1.
TEST_HOSTS = ("testserver", "localhost", "127.0.0.1", "::1")


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("appstore")
    images = root / "images"
    corpus = root / "corpus.jsonl"
    with corpus.open("wb") as fh:
        write_corpus(120, 7, fh, images_dir=str(images))
    db = root / "template.db"
    init_db(str(db))
    with open_store(str(db)) as store:
        ingest(store, [str(corpus)], IngestOptions(workers=1))
        engine = store.engine  # type: ignore[attr-defined]
        for role in ROLES:
            accounts.add_user(engine, role, role, PASSWORD)
    return db, images


@pytest.fixture
def db_path(template: tuple[Path, Path], tmp_path: Path) -> Path:
    dst = tmp_path / "app.db"
    shutil.copy(template[0], dst)
    return dst


@pytest.fixture
def app(db_path: Path, template: tuple[Path, Path]) -> Iterator[object]:
    # TestClient talks plain HTTP to "testserver": cookies without Secure (the automatic default is
    # checked in test_security_auth.py).
    web = create_app(str(db_path), image_roots=(template[1],), secure_cookies=False, allowed_hosts=TEST_HOSTS)
    yield web
    web.state.adtrace.store.close()


@pytest.fixture
def login(app: object) -> Callable[[str], TestClient]:
    """A client signed in as the user of that role (the username equals the role)."""

    def make(role: str) -> TestClient:
        client = TestClient(app)  # type: ignore[arg-type]
        r = post_login(client, role, PASSWORD)
        assert r.status_code == 303, r.text
        return client

    return make


def post_login(client: TestClient, username: str, password: str, **kw: object) -> httpx.Response:
    """Sign in as the login form does: GET /login for its CSRF token (and cookie), then POST it."""
    page = client.get("/login").text
    token = page.split('name="csrf" value="', 1)[1].split('"', 1)[0] if 'name="csrf"' in page else ""
    return client.post("/login", data={"username": username, "password": password, "csrf": token},
                       follow_redirects=False, **kw)  # type: ignore[arg-type]


@pytest.fixture
def api(app: object) -> Callable[[str], dict[str, str]]:
    """Authorization headers with a fresh API token for the user of that role (the API takes tokens only)."""

    def make(role: str) -> dict[str, str]:
        token = accounts.add_token(app.state.adtrace.engine, role, "test")  # type: ignore[attr-defined]
        return {"Authorization": f"Bearer {token}"}

    return make


def csrf_of(client: TestClient) -> str:
    page = client.get("/").text
    return page.split('data-csrf="', 1)[1].split('"', 1)[0]
