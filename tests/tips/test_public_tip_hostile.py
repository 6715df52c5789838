"""A tipster is an anonymous stranger: what they write must reach the analysts' pages as text, never as
markup (stored XSS, htmx attributes), whatever field carries it (docs/security.md, second review)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient

from tests.tips.conftest import form_token

PAYLOADS = ('<script>alert("tip")</script>', '"><img src=x onerror=alert(1)>',
            "<a hx-post=\"/settings/purge\" hx-trigger=\"load\">x</a>", "javascript:alert(1)//")


def test_a_hostile_tip_is_shown_as_text_on_every_analyst_page(app: Any, login: Any) -> None:
    client = TestClient(app)
    text = "Hay chicas encerradas en la casa. " + " ".join(PAYLOADS) + " Llamar al 702-555-0199."
    r = client.post("/public/tip", data={"csrf": form_token(client), "text": text, "where": PAYLOADS[1],
                                         "country": "US", "about": "labour"})
    assert r.status_code == 200, r.text
    with app.state.adtrace.engine.connect() as conn:
        doc_id = str(conn.execute(sa.text("SELECT doc_id FROM tips")).scalar_one())
    admin = login("admin")
    pages = ["/tips", "/tips?status=new", f"/documents/{doc_id}", "/search?q=encerradas", "/queue", "/",
             "/map", "/entities/phone/%2B17025550199"]
    seen = 0
    for path in pages:
        page = admin.get(path)
        if page.status_code != 200:
            continue
        body = page.text
        seen += "encerradas" in body or "onerror" in body
        for payload in PAYLOADS[:3]:
            assert payload not in body, (path, payload)
        assert "<img src=x" not in body and 'hx-post="/settings/purge"' not in body, path
    assert seen >= 3  # the tips queue, the document page and search did show it (escaped)
