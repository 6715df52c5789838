"""The analyst's day without a browser: the API undoes decisions and counts what waits; forms answer wrong
values beside the field (issue 19, items 7 and 14)."""

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


def test_a_wrong_watchlist_value_is_an_error_beside_the_field(login: Callable[[str], TestClient]) -> None:
    client = login("analyst")
    r = client.post("/watchlists", data={"kind": "regex", "value": "(unclosed", "name": "Op Lantern",
                                         "csrf": csrf_of(client)}, follow_redirects=False)
    assert r.status_code == 422
    assert 'id="watch-error"' in r.text and "not a regular expression" in r.text
    assert 'value="(unclosed"' in r.text and 'value="Op Lantern"' in r.text  # what was typed is kept
    assert '<header class="top">' in r.text  # the whole page, navigation included
