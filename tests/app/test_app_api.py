"""REST API: tokens and sessions, the error shape, decisions, labels export, OpenAPI."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient

from adtrace.app import accounts
from adtrace.scoring.labels import read_labels
from tests.app.conftest import PASSWORD, csrf_of


def _queue_ids(client: TestClient, headers: dict[str, str] | None = None) -> list[str]:
    r = client.get("/api/v1/queue", headers=headers or {})
    assert r.status_code == 200
    return [i["id"] for i in r.json()["items"]]


def test_token_auth_and_error_shape(app: object) -> None:
    engine = app.state.adtrace.engine  # type: ignore[attr-defined]
    token = accounts.add_token(engine, "analyst", "test")
    client = TestClient(app)  # type: ignore[arg-type]
    assert client.get("/api/v1/queue").json()["error"]["code"] == accounts.NOT_LOGGED_IN
    bad = client.get("/api/v1/queue", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401 and set(bad.json()["error"]) == {"code", "message", "detail"}
    auth = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me", headers=auth).json() == {"username": "analyst", "role": "analyst", "via": "token"}
    missing = client.get("/api/v1/documents/no-such-doc", headers=auth)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "AT404"
    invalid = client.post("/api/v1/decisions", json={"doc_id": "x"}, headers=auth)
    assert invalid.status_code == 422 and invalid.json()["error"]["detail"]["fields"]
    # Tokens are stored hashed: the raw token appears nowhere in the table.
    with engine.connect() as conn:
        stored = [r[0] for r in conn.exec_driver_sql("SELECT token_hash FROM api_tokens")]
    assert token not in stored and len(stored) == 1


def test_disabled_user_loses_token_and_session(app: object, login: Callable[[str], TestClient]) -> None:
    engine = app.state.adtrace.engine  # type: ignore[attr-defined]
    token = accounts.add_token(engine, "reviewer", "t")
    client = login("reviewer")
    assert client.get("/api/v1/me").status_code == 200
    accounts.set_active(engine, "reviewer", False)
    assert client.get("/api/v1/me").status_code == 401
    assert TestClient(app).get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401  # type: ignore[arg-type]


def test_decisions_leave_queue_and_export_as_labels(app: object, login: Callable[[str], TestClient],
                                                    tmp_path: Path) -> None:
    client = login("analyst")
    csrf = csrf_of(client)
    ids = _queue_ids(client)
    assert len(ids) >= 3
    # Highest risk first.
    scores = [i["risk_score"] for i in client.get("/api/v1/queue").json()["items"]]
    assert scores == sorted(scores, reverse=True)
    h = {"X-CSRF-Token": csrf}
    assert client.post("/api/v1/decisions", json={"doc_id": ids[0], "decision": "confirm"}, headers=h).status_code == 201
    assert client.post("/api/v1/decisions", json={"doc_id": ids[1], "decision": "dismiss"}, headers=h).status_code == 201
    no_reason = client.post("/api/v1/decisions", json={"doc_id": ids[2], "decision": "escalate"}, headers=h)
    assert no_reason.status_code == 422 and no_reason.json()["error"]["detail"]["field"] == "reason"
    assert client.post("/api/v1/decisions", json={"doc_id": ids[2], "decision": "escalate", "reason": "ages"},
                       headers=h).status_code == 201
    # A session without the CSRF header is refused for writes.
    assert client.post("/api/v1/decisions", json={"doc_id": ids[3], "decision": "confirm"}).status_code == 403
    left = _queue_ids(client)
    assert not set(ids[:3]) & set(left)
    body = client.get("/api/v1/decisions/labels.csv").text
    rows = list(csv.DictReader(io.StringIO(body)))
    assert {(r["id"], r["label"]) for r in rows} == {(ids[0], "1"), (ids[1], "0")}  # escalations are not labels
    path = tmp_path / "labels.csv"
    path.write_text(body)
    pairs = read_labels(str(path))  # the format `adtrace train --labels` reads
    assert sorted(label for _, label in pairs) == [0, 1]


def test_search_api_with_facets(login: Callable[[str], TestClient]) -> None:
    client = login("analyst")
    r = client.get("/api/v1/search", params={"risk_level": "high", "facet": ["source", "city"]})
    body = r.json()
    assert r.status_code == 200 and body["total"] > 0
    assert all(h["risk_level"] == "high" for h in body["hits"])
    assert sum(body["facets"]["source"].values()) == body["total"]
    bad = client.get("/api/v1/search", params={"q": "x", "facet": "nope"})
    assert bad.status_code == 503 or bad.status_code == 422
    assert bad.json()["error"]["code"] == "AT204"


def test_openapi_served(app: object) -> None:
    spec = TestClient(app).get("/api/v1/openapi.json").json()  # type: ignore[arg-type]
    assert "/api/v1/decisions" in spec["paths"] and "/api/v1/search" in spec["paths"]


def test_login_lockout_and_throttle(app: object) -> None:
    client = TestClient(app)  # type: ignore[arg-type]
    for _ in range(accounts.MAX_FAILURES):
        r = client.post("/login", data={"username": "auditor", "password": "wrong-password"})
        assert r.status_code == 401
    # Locked: even the right password is refused now.
    r = client.post("/login", data={"username": "auditor", "password": PASSWORD}, follow_redirects=False)
    assert r.status_code == 423 and "locked" in r.text
    engine = app.state.adtrace.engine  # type: ignore[attr-defined]
    accounts.reset_password(engine, "auditor", PASSWORD)
    r = client.post("/login", data={"username": "auditor", "password": PASSWORD}, follow_redirects=False)
    assert r.status_code == 303
    throttle = app.state.adtrace.throttle  # type: ignore[attr-defined]
    throttle.limit = 2
    throttle._seen.clear()
    codes = [client.post("/login", data={"username": "x", "password": "y"}).status_code for _ in range(3)]
    assert codes == [401, 401, 429]


def test_passwords_are_argon2(app: object) -> None:
    engine = app.state.adtrace.engine  # type: ignore[attr-defined]
    with engine.connect() as conn:
        hashes = [r[0] for r in conn.exec_driver_sql("SELECT password_hash FROM users")]
    assert hashes and all(h.startswith("$argon2id$") and PASSWORD not in h for h in hashes)


def test_session_cookie_flags(app: object) -> None:
    client = TestClient(app)  # type: ignore[arg-type]
    r = client.post("/login", data={"username": "admin", "password": PASSWORD}, follow_redirects=False)
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
