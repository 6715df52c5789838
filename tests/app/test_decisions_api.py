"""The API undoes a decision like the queue does, and says how many documents wait (issue 19, item 7)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.app.conftest import csrf_of


def test_api_undo_and_waiting_count(login: Callable[[str], TestClient]) -> None:
    client = login("reviewer")
    headers = {"X-CSRF-Token": csrf_of(client)}
    first = client.get("/api/v1/queue?limit=1").json()
    doc_id, before = first["items"][0]["id"], first["waiting"]
    assert client.post("/api/v1/decisions", json={"doc_id": doc_id, "decision": "dismiss"},
                       headers=headers).status_code == 201
    assert client.get("/api/v1/queue?limit=1").json()["waiting"] == before - 1
    r = client.post("/api/v1/decisions", json={"doc_id": doc_id, "decision": "withdraw"}, headers=headers)
    assert r.status_code == 201 and r.json()["decision"] == "withdrawn"
    assert client.get("/api/v1/queue?limit=1").json()["waiting"] == before
    again = client.post("/api/v1/decisions", json={"doc_id": doc_id, "decision": "withdraw"}, headers=headers)
    assert again.status_code == 422 and again.json()["error"]["detail"]["field"] == "doc_id"
