"""Every route × every role: allowed roles get through, the others get 403, nobody signed in gets 401."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from adtrace.app.accounts import ROLES
from adtrace.app.server import ROUTERS
from tests.app.conftest import csrf_of

ALL = set(ROLES)
READERS = {"admin", "analyst", "reviewer"}
# The expected table, written out here on purpose (not read from auth.PERMS): a route whose
# permission drifts, or a new route missing from this table, fails the test.
EXPECTED: dict[tuple[str, str], set[str]] = {
    ("GET", "/"): ALL,
    ("POST", "/logout"): ALL,
    ("GET", "/queue"): READERS,
    ("GET", "/queue/preview/{doc_id}"): READERS,
    ("POST", "/queue/decide"): READERS,
    ("GET", "/queue/labels.csv"): {"admin", "analyst"},
    ("GET", "/search"): READERS,
    ("GET", "/documents/{doc_id}"): READERS,
    ("GET", "/documents/{doc_id}/images/{n}/blurred"): READERS,
    ("POST", "/documents/{doc_id}/images/{n}/reveal"): READERS,
    ("GET", "/documents/{doc_id}/images/{n}"): READERS,
    ("GET", "/audit"): {"admin", "auditor"},
    ("GET", "/audit/verify"): {"admin", "auditor"},
    ("GET", "/api/v1/me"): ALL,
    ("GET", "/api/v1/documents/{doc_id}"): READERS,
    ("GET", "/api/v1/search"): READERS,
    ("GET", "/api/v1/queue"): READERS,
    ("POST", "/api/v1/decisions"): READERS,
    ("GET", "/api/v1/decisions"): READERS,
    ("GET", "/api/v1/decisions/labels.csv"): {"admin", "analyst"},
    ("GET", "/api/v1/audit"): {"admin", "auditor"},
    ("GET", "/api/v1/audit/verify"): {"admin", "auditor"},
}
PUBLIC = {("GET", "/login"), ("POST", "/login")}


def _api_routes() -> list[APIRoute]:
    # Every router the app mounts (server.ROUTERS), so a new page group is covered automatically.
    return [r for name in ROUTERS for r in import_module(f"adtrace.app.{name}").router.routes
            if isinstance(r, APIRoute)]


def test_every_route_is_in_the_table_and_declares_a_permission() -> None:
    routes = {(m, r.path) for r in _api_routes() for m in r.methods}
    assert routes - PUBLIC == set(EXPECTED), "update EXPECTED when adding a route"
    for r in _api_routes():
        if (next(iter(r.methods)), r.path) not in PUBLIC:
            perms = [getattr(d.call, "perm", None) for d in r.dependant.dependencies]
            assert any(perms), f"{r.path} has no require(...)"


def _request(client: TestClient, method: str, path: str, doc_id: str, csrf: str) -> int:
    url = path.replace("{doc_id}", doc_id).replace("{n}", "0")
    headers = {"X-CSRF-Token": csrf}
    if method == "GET":
        return client.get(url, headers=headers, follow_redirects=False).status_code
    if path == "/queue/decide":
        data = {"doc_id": doc_id, "decision": "escalate", "reason": "rbac test"}
        return client.post(url, data=data, headers=headers, follow_redirects=False).status_code
    if path == "/api/v1/decisions":
        body = {"doc_id": doc_id, "decision": "escalate", "reason": "rbac test"}
        return client.post(url, json=body, headers=headers, follow_redirects=False).status_code
    return client.post(url, headers=headers, follow_redirects=False).status_code


def _doc_with_image(app: object) -> str:
    store = app.state.adtrace.store  # type: ignore[attr-defined]
    for doc_id in store.iter_ids():
        doc = store.get_document(doc_id)
        if doc and doc.images:
            return str(doc_id)
    raise AssertionError("the synthetic store has no images")


@pytest.mark.parametrize("role", ROLES)
def test_route_role_table(app: object, login: Callable[[str], TestClient], role: str) -> None:
    doc_id = _doc_with_image(app)
    client = login(role)
    csrf = csrf_of(client)
    # The clear image needs a reveal key; readers get 403 without one, like everyone else, so the
    # table is checked on the reveal POST and the key path is checked in the document tests.
    for (method, path), allowed in sorted(EXPECTED.items()):
        if path == "/logout":
            continue  # would end the session mid-test; checked below
        status = _request(client, method, path, doc_id, csrf)
        if path == "/documents/{doc_id}/images/{n}":
            assert status == 403, (role, path, status)
        elif role in allowed:
            assert status in (200, 201, 303), (role, method, path, status)
        else:
            assert status == 403, (role, method, path, status)
    assert client.post("/logout", headers={"X-CSRF-Token": csrf}, follow_redirects=False).status_code == 303
    assert client.get("/api/v1/me").status_code == 401


def test_anonymous_is_refused_everywhere(app: object) -> None:
    client = TestClient(app)  # type: ignore[arg-type]
    for (method, path) in EXPECTED:
        url = path.replace("{doc_id}", "x").replace("{n}", "0")
        r = client.request(method, url, follow_redirects=False)
        if path.startswith("/api/"):
            assert r.status_code == 401 and r.json()["error"]["code"] == "AT303", path
        else:
            assert r.status_code == 303 and r.headers["location"].startswith("/login"), path
