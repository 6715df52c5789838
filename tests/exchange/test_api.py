"""POST /api/v1/screen and /api/v1/exchange/*: auth, stateless mode, batches, rate limits, leads."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from adtrace.app.api.exchange import configure
from adtrace.exchange import bundles as b
from adtrace.exchange import keys as xk
from adtrace.exchange import store as xs
from adtrace.exchange.signals import consortium_key_id, keyed_hash
from tests.exchange.conftest import CONSORTIUM

AD = {"text": "New in town! Call 213-473-0199 now, 100 roses, ig @NewHere"}


def _counts(app: Any) -> dict[str, int]:
    return app.state.adtrace.store.counts()  # type: ignore[no-any-return]


def test_screen_one_document_stateless_stores_nothing(app: Any, client_for: Callable[[str], TestClient]) -> None:
    client = client_for("partner")
    before = _counts(app)
    r = client.post("/api/v1/screen", json={"document": AD})
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["entities"]["phones"][0]["value"] == "+12134730199"
    assert out["risk"]["level"] in ("low", "elevated", "high") and out["stored"] is False
    assert any(i["id"].startswith("movement.") for i in out["indicators"])
    assert out["matches"] == {"watchlists": [], "partner_signals": [], "partner_matching": "on"}
    assert _counts(app) == before


def test_batch_and_partner_match_then_store_mode_makes_a_lead(app: Any, client_for: Callable[[str], TestClient],
                                                              partner: Path) -> None:
    engine = app.state.adtrace.engine
    xs.trust(engine, xk.load(partner).public_info(), "test")
    sig = b.Signal("phone", keyed_hash(CONSORTIUM, "phone", "+12134730199"), "indicators_present", 0.9)
    bundle = b.make_signals([sig], xk.load(partner), consortium_key_id(CONSORTIUM))
    analyst = client_for("analyst")
    r = analyst.post("/api/v1/exchange/bundles", json=bundle)
    assert r.status_code == 200, r.text
    assert r.json()["added"] == 1

    batch = [AD, {"text": "Selling a sofa, barely used"}]
    r = client_for("partner").post("/api/v1/screen", json={"documents": batch})
    results = r.json()["results"]
    assert [len(x["matches"]["partner_signals"]) for x in results] == [1, 0]
    assert results[0]["matches"]["partner_signals"][0]["issuer"] == "platform-b"
    assert xs.leads(engine) == []  # stateless: no lead kept

    r = client_for("partner").post("/api/v1/screen", json={"document": AD, "mode": "store"})
    assert r.json()["stored"] is True and r.json()["new_leads"] == 1
    leads = analyst.get("/api/v1/exchange/leads").json()["leads"]
    assert [(x["doc_id"], x["issuer"]) for x in leads] == [(r.json()["stored_id"], "platform-b")]


def test_an_untrusted_issuer_is_answered_in_the_readers_language(client_for: Callable[[str], TestClient],
                                                                 partner: Path) -> None:
    # The web hint of an exchange error follows Accept-Language like the translated modules' hints; the code,
    # the field names and the (English) message stay as they are for scripts.
    bundle = b.make_signals([], xk.load(partner), consortium_key_id(CONSORTIUM))
    r = client_for("analyst").post("/api/v1/exchange/bundles", json=bundle, headers={"Accept-Language": "es"})
    assert r.status_code == 403
    error = r.json()["error"]
    assert error["code"] == b.UNKNOWN_ISSUER and "is not trusted" in error["message"]
    assert error["hint"].startswith("Pida a un administrador que compruebe la clave pública del emisor")


def test_roles_and_missing_token(app: Any, client_for: Callable[[str], TestClient]) -> None:
    assert TestClient(app).post("/api/v1/screen", json={"document": AD}).status_code == 401
    assert client_for("auditor").post("/api/v1/screen", json={"document": AD}).status_code == 403
    assert client_for("partner").post("/api/v1/exchange/bundles", json={}).status_code == 403
    assert client_for("reviewer").get("/api/v1/exchange/leads").status_code == 200
    assert client_for("reviewer").get("/api/v1/exchange/issuers").status_code == 403


def test_bad_input_is_422_in_the_error_shape(client_for: Callable[[str], TestClient]) -> None:
    client = client_for("partner")
    for body in ({}, {"document": {"text": 5}}, {"document": AD, "documents": [AD]}, {"documents": []},
                 {"documents": [AD] * 1001}, {"document": AD, "mode": "keep"}):
        r = client.post("/api/v1/screen", json=body)
        assert r.status_code == 422, (body, r.text)
        assert set(r.json()["error"]) == {"code", "message", "hint", "detail"}


def test_rate_limit_is_per_token_with_retry_after(app: Any, client_for: Callable[[str], TestClient]) -> None:
    configure(app, rate=0.5, burst=3)
    first, second = client_for("partner"), client_for("partner")
    assert first.post("/api/v1/screen", json={"documents": [AD, AD, AD]}).status_code == 200
    r = first.post("/api/v1/screen", json={"document": AD})
    assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1
    assert second.post("/api/v1/screen", json={"document": AD}).status_code == 200  # another token
    assert first.post("/api/v1/screen", json={"documents": [AD] * 4}).status_code == 422  # above the burst
