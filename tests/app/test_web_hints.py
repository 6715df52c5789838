"""Errors whose fix is a shell command or a command-line flag reach the browser and the API with a web hint,
never the command or the flag (adtrace.errors, "What an error says"; the CLI side is tests/cli/test_cli_hints.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient

from adtrace.app.server import create_app
from tests.app.conftest import PASSWORD, TEST_HOSTS, csrf_of, post_login
from tests.test_error_hints import COMMAND, FLAG


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
    # In the reader's language (the code and the message stay as they are for scripts).
    r = TestClient(app).get("/api/v1/cases", headers={"Authorization": "Bearer not-a-token",  # type: ignore[arg-type]
                                                      "Accept-Language": "es"})
    assert r.json()["error"]["message"] == "this API token is unknown or revoked"
    assert r.json()["error"]["hint"] == "Pida uno nuevo a un administrador (página Usuarios)"


def test_a_regex_re2_cannot_run_gets_words_not_the_kind_flag(login: Callable[[str], TestClient]) -> None:
    client = login("analyst")
    r = client.post("/watchlists", data={"kind": "regex", "value": r"(a)\1", "name": "Op Lantern",
                                         "csrf": csrf_of(client)}, follow_redirects=False)
    assert r.status_code == 422
    assert "not a regular expression RE2 can run" in r.text
    assert not FLAG.search(r.text) and "--kind" not in r.text
    assert "or make it a text phrase to match the words literally" in r.text  # the form's name for the kind


def test_an_image_without_a_folder_asks_an_administrator_not_for_the_images_flag(db_path: Path) -> None:
    web = create_app(str(db_path), secure_cookies=False, allowed_hosts=TEST_HOSTS)  # no image folder given
    try:
        store = web.state.adtrace.store
        doc = next(d for d in (store.get_document(i) for i in store.iter_ids()) if d and d.images)
        client = TestClient(web)
        assert post_login(client, "analyst", PASSWORD).status_code == 303
        r = client.post(f"/documents/{doc.id}/images/0/reveal", data={"csrf": csrf_of(client)})
        assert r.status_code == 404
        assert "this image is not stored locally" in r.text
        assert not FLAG.search(r.text) and "--images" not in r.text
        assert 'id="error-hint">Ask an administrator to give the app the folder of stored images<' in r.text
    finally:
        store.close()
