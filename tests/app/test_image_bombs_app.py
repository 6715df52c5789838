"""The app decodes images in two places: an analyst's photo-search upload and the blurred thumbnail of a
document's photo. A decompression bomb in either is refused before it is decoded, and an upload is hashed
off the event loop, so one big photo cannot stall every other request (docs/security.md)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from adtrace.app.server import create_app
from tests.app.conftest import PASSWORD, TEST_HOSTS, csrf_of, post_login
from tests.documents.test_image_bombs import bomb_png

pytest.importorskip("pdqhash")


def test_a_bomb_uploaded_to_photo_search_is_refused_off_the_event_loop(
        app: Any, login: Callable[[str], TestClient], monkeypatch: pytest.MonkeyPatch) -> None:
    from adtrace.app.pages import photos

    on_loop: list[bool] = []
    hash_bytes = photos._hash_bytes

    def watched(raw: bytes) -> bytes:
        try:
            asyncio.get_running_loop()
            on_loop.append(True)
        except RuntimeError:  # no loop in this thread: a worker thread
            on_loop.append(False)
        return hash_bytes(raw)

    monkeypatch.setattr(photos, "_hash_bytes", watched)
    client = login("analyst")
    r = client.post("/photos", data={"distance": "31", "csrf": csrf_of(client)},
                    files={"photo": ("big.png", bomb_png(), "image/png")})
    assert r.status_code == 422 and "not an image adtrace can read" in r.text
    assert on_loop == [False]


def test_the_blurred_thumbnail_of_a_bomb_is_the_grey_tile(db_path: Path, tmp_path: Path) -> None:
    web = create_app(str(db_path), image_roots=(tmp_path,), secure_cookies=False, allowed_hosts=TEST_HOSTS)
    try:
        store = web.state.adtrace.store
        doc = next(d for d in (store.get_document(i) for i in store.iter_ids()) if d and d.images)
        name = Path(str(doc.images[0]["path"])).name
        (tmp_path / name).write_bytes(bomb_png())
        client = TestClient(web)
        assert post_login(client, "analyst", PASSWORD).status_code == 303
        r = client.get(f"/documents/{doc.id}/images/0/blurred")
        assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")
    finally:
        web.state.adtrace.store.close()
