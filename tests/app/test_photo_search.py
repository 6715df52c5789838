"""Search by photo refuses bad input beside the field (422), never with a traceback, and audits searches."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from fastapi.testclient import TestClient

from tests.app.conftest import csrf_of


def test_bad_hash_bad_upload_and_bad_distance_answer_on_the_page(app: object,
                                                                 login: Callable[[str], TestClient]) -> None:
    client = login("analyst")
    csrf = csrf_of(client)
    r = client.post("/photos", data={"pdq": "zz12", "distance": "31", "csrf": csrf})
    assert r.status_code == 422 and "64 hexadecimal characters" in r.text and 'id="photo-error"' in r.text
    r = client.post("/photos", data={"distance": "31", "csrf": csrf},
                    files={"photo": ("tip.jpg", b"not an image at all", "image/jpeg")})
    assert r.status_code == 422 and "not an image adtrace can read" in r.text
    r = client.post("/photos", data={"pdq": "0" * 64, "distance": "400", "csrf": csrf})
    assert r.status_code == 422 and "0 to 128" in r.text
    r = client.post("/photos", data={"distance": "31", "csrf": csrf})
    assert r.status_code == 422 and "choose a photo or paste a PDQ hash" in r.text
    r = client.post("/photos", data={"pdq": "0" * 64, "distance": "31", "csrf": csrf})
    assert r.status_code == 200 and 'id="photo-results"' in r.text
    engine: sa.Engine = app.state.adtrace.engine  # type: ignore[attr-defined]
    with engine.connect() as conn:
        n = conn.execute(sa.text("SELECT count(*) FROM audit_log WHERE action = 'search_photo'")).scalar_one()
    assert n == 1  # refused searches ran nothing; the one search is audited
