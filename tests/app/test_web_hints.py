"""Errors whose fix is a shell command reach the browser and the API with a web hint, never the command
(adtrace.errors, "What an error says"; the CLI side is tests/cli/test_cli_hints.py)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.app.conftest import csrf_of
from tests.test_error_hints import COMMAND


def test_a_bad_pdq_hash_on_the_watchlists_form_gets_the_web_hint(login: Callable[[str], TestClient]) -> None:
    client = login("analyst")
    r = client.post("/watchlists", data={"kind": "pdq", "value": "not-a-hash", "name": "Op Lantern",
                                         "csrf": csrf_of(client)}, follow_redirects=False)
    assert r.status_code == 422
    assert "a PDQ hash is 64 hex characters" in r.text
    assert not COMMAND.search(r.text) and "adtrace link" not in r.text
    assert "Search by photo shows a photo&#39;s hash" in r.text  # what a browser user can do instead


def test_the_error_page_shows_the_web_hint_not_the_command(login: Callable[[str], TestClient]) -> None:
    client = login("analyst")
    r = client.post("/watchlists/987654/remove", data={"csrf": csrf_of(client)}, follow_redirects=False)
    assert r.status_code == 404
    assert "no watchlist entry 987654" in r.text
    assert not COMMAND.search(r.text) and "adtrace watchlist" not in r.text
    assert 'id="error-hint">The Watchlists page lists the active entries<' in r.text


def test_the_api_answers_the_web_hint(app: object) -> None:
    r = TestClient(app).get("/api/v1/cases", headers={"Authorization": "Bearer not-a-token"})  # type: ignore[arg-type]
    assert r.status_code == 401
    error = r.json()["error"]
    assert "adtrace user" not in r.text
    assert error["message"] == "this API token is unknown or revoked"
    assert error["hint"] == "Ask an admin for a new one (Users page)"
