"""REST API: tokens (never the session cookie), the error shape, decisions, labels export, OpenAPI."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient

from adtrace import errors
from adtrace.app import accounts
from adtrace.scoring.labels import read_labels
from tests.app.conftest import PASSWORD, post_login


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
    assert bad.status_code == 401 and set(bad.json()["error"]) == {"code", "message", "hint", "detail"}
    auth = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me", headers=auth).json() == {"username": "analyst", "role": "analyst", "via": "token"}
    missing = client.get("/api/v1/documents/no-such-doc", headers=auth)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == errors.NOT_FOUND
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
    assert client.get("/").status_code == 200
    app.state.adtrace.tokens.ttl = 0  # type: ignore[attr-defined]  # check the database on every request
    assert TestClient(app).get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200  # type: ignore[arg-type]
    accounts.set_active(engine, "reviewer", False)
    assert client.get("/", follow_redirects=False).status_code == 303  # back to the login page
    assert TestClient(app).get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401  # type: ignore[arg-type]


def test_api_refuses_the_session_cookie(login: Callable[[str], TestClient],
                                        api: Callable[[str], dict[str, str]]) -> None:
    """Issue 20 item 1(d): a signed-in browser cannot call /api/* with its cookie (a swapped hx-post or a
    steered htmx GET would otherwise act as the user); an API token still works."""
    client = login("admin")
    me = client.get("/api/v1/me")
    assert me.status_code == 401 and "token" in me.json()["error"]["message"]
    csrf = client.get("/").text.split('data-csrf="', 1)[1].split('"', 1)[0]
    put = client.put("/api/v1/settings", json={"elevated": 99, "high": 100, "retention_days": 1},
                     headers={"X-CSRF-Token": csrf})
    assert put.status_code == 401
    assert client.get("/api/v1/me", headers=api("admin")).json()["via"] == "token"


def test_decisions_leave_queue_and_export_as_labels(app: object, api: Callable[[str], dict[str, str]],
                                                    tmp_path: Path) -> None:
    h = api("analyst")
    client = TestClient(app, headers=h)  # type: ignore[arg-type]
    ids = _queue_ids(client)
    assert len(ids) >= 3
    # Highest risk first.
    scores = [i["risk_score"] for i in client.get("/api/v1/queue").json()["items"]]
    assert scores == sorted(scores, reverse=True)
    assert client.post("/api/v1/decisions", json={"doc_id": ids[0], "decision": "confirm"}, headers=h).status_code == 201
    assert client.post("/api/v1/decisions", json={"doc_id": ids[1], "decision": "dismiss"}, headers=h).status_code == 201
    no_reason = client.post("/api/v1/decisions", json={"doc_id": ids[2], "decision": "escalate"}, headers=h)
    assert no_reason.status_code == 422 and no_reason.json()["error"]["detail"]["field"] == "reason"
    assert client.post("/api/v1/decisions", json={"doc_id": ids[2], "decision": "escalate", "reason": "ages"},
                       headers=h).status_code == 201
    # Without the token (a browser's cookie is not enough) nothing is written.
    assert TestClient(app).post("/api/v1/decisions", json={"doc_id": ids[3], "decision": "confirm"}).status_code == 401  # type: ignore[arg-type]
    left = _queue_ids(client)
    assert not set(ids[:3]) & set(left)
    body = client.get("/api/v1/decisions/labels.csv").text
    rows = list(csv.DictReader(io.StringIO(body)))
    assert {(r["id"], r["label"]) for r in rows} == {(ids[0], "1"), (ids[1], "0")}  # escalations are not labels
    path = tmp_path / "labels.csv"
    path.write_text(body)
    pairs = read_labels(str(path))  # the format `adtrace train --labels` reads
    assert sorted(label for _, label in pairs) == [0, 1]


def test_search_api_with_facets(app: object, api: Callable[[str], dict[str, str]]) -> None:
    client = TestClient(app, headers=api("analyst"))  # type: ignore[arg-type]
    r = client.get("/api/v1/search", params={"risk_level": "high", "facet": ["source", "city"]})
    body = r.json()
    assert r.status_code == 200 and body["total"] > 0
    assert all(h["risk_level"] == "high" for h in body["hits"])
    assert sum(body["facets"]["source"].values()) == body["total"]
    bad = client.get("/api/v1/search", params={"q": "x", "facet": "nope"})
    assert bad.status_code == 422 and set(bad.json()["error"]) == {"code", "message", "hint", "detail"}


def test_openapi_served(app: object) -> None:
    spec = TestClient(app).get("/api/v1/openapi.json").json()  # type: ignore[arg-type]
    assert "/api/v1/decisions" in spec["paths"] and "/api/v1/search" in spec["paths"]


def test_login_lockout_and_throttle(app: object) -> None:
    client = TestClient(app)  # type: ignore[arg-type]
    for _ in range(accounts.MAX_FAILURES):
        r = post_login(client, "auditor", "wrong-password")
        assert r.status_code == 401
    # Locked: even the right password is refused now.
    r = post_login(client, "auditor", PASSWORD)
    assert r.status_code == 423 and "locked" in r.text
    engine = app.state.adtrace.engine  # type: ignore[attr-defined]
    accounts.reset_password(engine, "auditor", PASSWORD)
    r = post_login(client, "auditor", PASSWORD)
    assert r.status_code == 303
    throttle = app.state.adtrace.throttle  # type: ignore[attr-defined]
    throttle.limit = 2
    throttle._seen.clear()
    client = TestClient(app)  # type: ignore[arg-type]  # signed out again
    codes = [post_login(client, "x", "y").status_code for _ in range(3)]
    assert codes == [401, 401, 429]


def test_passwords_are_argon2(app: object) -> None:
    engine = app.state.adtrace.engine  # type: ignore[attr-defined]
    with engine.connect() as conn:
        hashes = [r[0] for r in conn.exec_driver_sql("SELECT password_hash FROM users")]
    assert hashes and all(h.startswith("$argon2id$") and PASSWORD not in h for h in hashes)


def test_session_cookie_flags(app: object) -> None:
    client = TestClient(app)  # type: ignore[arg-type]
    r = post_login(client, "admin", PASSWORD)
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
