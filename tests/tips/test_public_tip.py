"""The public tip form: anonymous, CSRF-safe, stored as a document of kind `tip` linked to the ads that
share its phone, a receipt that only adds; and abuse: rate limit with Retry-After (injected clock), a
10 MB tip refused before it is read, the honeypot, and nothing stored from any refused request."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient

from adtrace.app.pages.publictip import configure
from adtrace.tips.limits import ClientLimiter, TipLimits
from tests.tips.conftest import ad_phone, form_token, rows


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def _spanish(phone: str) -> str:
    national = phone[2:5] + "-" + phone[5:8] + "-" + phone[8:]
    return (f"Vi un anuncio de trabajo en un restaurante; a las chicas les quitan el pasaporte y no pueden "
            f"salir. Llamar al {national}. Niña de 16 años, ¿qué hago? — 请帮忙")


def _post(client: TestClient, text: str, **extra: str) -> Any:
    data = {"csrf": form_token(client), "text": text, "country": "US", "about": "labour", "lang": "es", **extra}
    return client.post("/public/tip", data=data)


def test_a_tip_in_spanish_becomes_a_tip_document_linked_to_the_ads_with_its_phone(app: Any) -> None:
    state = app.state.adtrace
    phone, ads = ad_phone(app)
    client = TestClient(app)
    r = _post(client, _spanish(phone))
    assert r.status_code == 200, r.text
    receipt = r.text.split('id="receipt">', 1)[1].split("<", 1)[0]
    assert len(receipt) >= 20
    with state.engine.connect() as conn:
        tip = conn.execute(sa.text("SELECT * FROM tips")).one()._mapping
        assert set(tip) == {"id", "doc_id", "receipt_hash", "status", "country", "about", "lang", "additions",
                            "created_at", "updated_at", "partner", "handed_off_at", "handoff_id",
                            "handoff_chars", "sent_additions", "withdrawn_at"}  # no address
        assert receipt not in str(dict(tip)) and "testclient" not in str(dict(tip))
        actor, action = conn.execute(sa.text("SELECT actor, action FROM audit_log ORDER BY seq DESC")).first()
    assert (actor, action) == ("public", "tip")
    doc = state.store.get_document(tip["doc_id"])
    assert doc.kind == "tip" and doc.lang == "es" and "pasaporte" in doc.text and "请帮忙" in doc.text
    record = state.store.get_record(doc.id)
    assert phone in [p["value"] for p in record["phones"]]
    assert record["risk"]["score"] > 0 and record["indicators"]  # scored like an ad
    # Linked like an ad: same phone -> the tip and the ads are in one cluster.
    assert doc.id in state.store.lookup("phone", phone)
    with state.engine.connect() as conn:
        clusters = {str(c) for d, c in conn.execute(sa.text("SELECT doc_id, cluster_id FROM link_clusters"))
                    if d in (doc.id, ads[0])}
    assert len(clusters) == 1


def test_the_tips_queue_shows_the_tip_and_audits_the_view(app: Any, login: Any) -> None:
    client = TestClient(app)
    assert _post(client, "Una casa donde encierran a mujeres.").status_code == 200
    page = login("reviewer").get("/tips")
    assert page.status_code == 200 and "encierran" in page.text
    with app.state.adtrace.engine.connect() as conn:
        actor, target = conn.execute(sa.text("SELECT actor, target FROM audit_log WHERE action = 'view_tips'")).one()
    assert (actor, target) == ("reviewer", "new")


def test_the_receipt_only_adds_never_reads(app: Any) -> None:
    state = app.state.adtrace
    client = TestClient(app)
    r = _post(client, "Tengo información sobre un taller de costura donde no pagan a nadie.")
    receipt = r.text.split('id="receipt">', 1)[1].split("<", 1)[0]
    page = client.get(f"/public/tip/{receipt}")
    assert page.status_code == 200 and "taller" not in page.text  # the tip is never shown back
    token = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    r = client.post(f"/public/tip/{receipt}", data={"csrf": token, "text": "También trabajan de noche."})
    assert r.status_code == 200 and "taller" not in r.text
    with state.engine.connect() as conn:
        doc_id, additions = conn.execute(sa.text("SELECT doc_id, additions FROM tips")).one()
    assert additions == 1 and "de noche" in state.store.get_document(doc_id).text
    assert client.get("/public/tip/not-a-receipt").status_code == 404
    r = client.post("/public/tip/not-a-receipt", data={"csrf": token, "text": "x"})
    assert r.status_code == 404 and "not known" in r.text


def test_no_account_needed_but_the_form_token_is(app: Any) -> None:
    before = rows(app.state.adtrace.engine)
    client = TestClient(app)
    assert client.get("/public/tip").status_code == 200
    r = client.post("/public/tip", data={"csrf": "forged", "text": "hola"})
    assert r.status_code == 403 and "expired" in r.text
    fresh = TestClient(app)  # a cross-site post carries no SameSite=Strict cookie
    assert fresh.post("/public/tip", data={"csrf": "x", "text": "hola"}).status_code == 403
    assert rows(app.state.adtrace.engine) == before


def test_empty_overlong_and_unknown_fields_are_refused_and_not_stored(app: Any) -> None:
    before = rows(app.state.adtrace.engine)
    client = TestClient(app)
    assert _post(client, "   ").status_code == 422
    assert _post(client, "x" * 10_001).status_code == 422
    r = _post(client, "hola", where="y" * 201)
    assert r.status_code == 422 and "too long" in r.text
    assert _post(client, "hola", about="other").status_code == 422
    assert _post(client, "hola", country="Atlantis").status_code == 422
    assert rows(app.state.adtrace.engine) == before


def test_honeypot_filled_submissions_look_accepted_but_are_not_stored(app: Any) -> None:
    before = rows(app.state.adtrace.engine)
    r = _post(TestClient(app), "buy cheap watches", website="http://spam.example")
    assert r.status_code == 200 and 'id="receipt"' in r.text
    assert rows(app.state.adtrace.engine) == before


def test_a_thousand_tips_in_a_minute_from_one_client_are_throttled(app: Any) -> None:
    clock = Clock()
    configure(app, TipLimits(rate=5, window=600), clock=clock, link=False)
    engine = app.state.adtrace.engine
    before = rows(engine)
    client = TestClient(app)
    token = form_token(client)
    statuses: list[int] = []
    waits: list[int] = []
    for n in range(1000):  # 1,000 posts over 60 seconds of the injected clock
        clock.t = 1000.0 + n * 0.06
        r = client.post("/public/tip", data={"csrf": token, "text": f"tip number {n}", "about": "sex"})
        statuses.append(r.status_code)
        if r.status_code == 429:
            waits.append(int(r.headers["retry-after"]))
    assert statuses.count(200) == 5 and statuses.count(429) == 995
    assert all(540 <= w <= 600 for w in waits)  # until the first counted tip leaves the 10-minute window
    after = rows(engine)
    assert after["tips"] - before["tips"] == 5 and after["documents"] - before["documents"] == 5
    clock.t += 600  # a window later the client may send again
    assert client.post("/public/tip", data={"csrf": token, "text": "again"}).status_code == 200
    # Another client has its own budget all along.
    other = TestClient(app, client=("203.0.113.9", 50000))
    assert other.post("/public/tip", data={"csrf": form_token(other), "text": "otro"}).status_code == 200


def test_a_10_mb_tip_is_refused_with_a_clear_message_before_it_is_read(app: Any) -> None:
    engine = app.state.adtrace.engine
    before = rows(engine)
    client = TestClient(app)
    token = form_token(client)
    body = f"csrf={token}&text=".encode() + b"a" * (10 * 1024 * 1024)
    r = client.post("/public/tip", content=body, headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 413 and "too large" in r.text and "receipt code" in r.text

    def chunks() -> Iterator[bytes]:  # no Content-Length: refused while reading (read_bounded)
        for _ in range(160):
            yield b"a" * 65536

    r = client.post("/public/tip", content=chunks(), headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 413 and "too large" in r.text
    assert rows(engine) == before


def test_the_limiter_keeps_no_address_and_forgets() -> None:
    clock = Clock()
    lim = ClientLimiter(2, 60, clock, max_clients=3)
    lim.hit("198.51.100.7")
    key = lim.client_key("198.51.100.7")
    assert "198.51.100.7" not in repr(lim._seen) and len(key) == 32
    assert ClientLimiter(2, 60, clock).client_key("198.51.100.7") != key  # a per-process key
    for a in ("a", "b", "c", "d"):
        lim.hit(a)
    assert len(lim) == 3  # bounded
    clock.t += 61
    lim.hit("e")
    assert len(lim) <= 3
