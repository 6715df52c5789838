"""Investigation REST API: OpenAPI, watchlist -> alert -> ack, cases and exports (masked; full for admins, audited),
audited views of entities and clusters, settings with false-positive rates from review decisions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import orjson
from fastapi.testclient import TestClient

from adtrace.app import accounts
from adtrace.storage import audit


def _api(app: object, role: str) -> TestClient:
    """A client with an API token for that role (the API takes tokens only, never the session cookie)."""
    token = accounts.add_token(app.state.adtrace.engine, role, "test")  # type: ignore[attr-defined]
    return TestClient(app, headers={"Authorization": f"Bearer {token}"})  # type: ignore[arg-type]


def _link(app: object) -> None:
    from adtrace.linking.run import link_store

    link_store(app.state.adtrace.engine)  # type: ignore[attr-defined]


def test_openapi_lists_the_investigation_routes(login: Callable[[str], TestClient]) -> None:
    paths = login("analyst").get("/api/v1/openapi.json").json()["paths"]
    for p in ("/api/v1/entities/{kind}/{value}", "/api/v1/clusters/{cluster_id}", "/api/v1/map", "/api/v1/watchlists",
              "/api/v1/alerts", "/api/v1/cases", "/api/v1/cases/{case_id}/export.{fmt}", "/api/v1/settings",
              "/api/v1/retention/purge"):
        assert p in paths, p


def test_watchlist_alert_ack(app: object, login: Callable[[str], TestClient], tmp_path: Path) -> None:
    from adtrace.cases import alerts
    from adtrace.storage.ingest import IngestOptions, ingest

    client = _api(app, "analyst")
    h: dict[str, str] = {}
    r = client.post("/api/v1/watchlists", json={"kind": "phone", "value": "702 555 0177", "name": "api"}, headers=h)
    assert r.status_code == 201 and r.json()["value"] == "+17025550177"
    f = tmp_path / "n.jsonl"
    f.write_bytes(orjson.dumps({"id": "n1", "source": "t", "kind": "ad", "text": "call 702-555-0177"}) + b"\n")
    store = app.state.adtrace.store  # type: ignore[attr-defined]
    ingest(store, [str(f)], IngestOptions(workers=1))
    alerts.evaluate(store, ["n1"])
    listed = client.get("/api/v1/alerts").json()["alerts"]
    hit = next(a for a in listed if a["doc_id"] == "n1" and a["kind"] == "watchlist")
    assert client.post(f"/api/v1/alerts/{hit['id']}/ack", json={"note": "seen"}, headers=h).json()["acked_by"] == "analyst"
    assert all(a["id"] != hit["id"] for a in client.get("/api/v1/alerts").json()["alerts"])


def test_case_export_masked_full_admin_only(app: object, login: Callable[[str], TestClient]) -> None:
    _link(app)
    engine = app.state.adtrace.engine  # type: ignore[attr-defined]
    store = app.state.adtrace.store  # type: ignore[attr-defined]
    doc_id = next(d for d in store.iter_ids() if (store.get_record(d) or {}).get("phones"))
    phone = store.get_record(doc_id)["phones"][0]["value"]
    analyst = _api(app, "analyst")
    h: dict[str, str] = {}
    case = analyst.post("/api/v1/cases", json={"title": "api case"}, headers=h).json()
    r = analyst.post(f"/api/v1/cases/{case['id']}/items", json={"kind": "document", "ref": doc_id}, headers=h)
    assert r.status_code == 201
    body = analyst.get(f"/api/v1/cases/{case['id']}/export.json")
    assert body.status_code == 200 and body.json()["redacted"] is True and phone not in body.text
    assert analyst.get(f"/api/v1/cases/{case['id']}/export.json?full=1").status_code == 403
    admin = _api(app, "admin")
    full = admin.get(f"/api/v1/cases/{case['id']}/export.json?full=1")
    assert full.status_code == 200 and phone in full.text
    exports = audit.entries(engine, action="export")
    assert [(e.actor, e.detail["redacted"]) for e in exports[:2]] == [("admin", False), ("analyst", True)]
    assert analyst.get(f"/api/v1/cases/{case['id']}/export.xml").status_code == 422


def test_views_are_audited(app: object, login: Callable[[str], TestClient]) -> None:
    _link(app)
    engine = app.state.adtrace.engine  # type: ignore[attr-defined]
    store = app.state.adtrace.store  # type: ignore[attr-defined]
    doc_id = next(d for d in store.iter_ids() if (store.get_record(d) or {}).get("phones"))
    phone = store.get_record(doc_id)["phones"][0]["value"]
    client, pages = _api(app, "reviewer"), login("reviewer")  # the API takes the token, pages the session
    ent = client.get(f"/api/v1/entities/phone/{phone}").json()
    assert doc_id in [d["id"] for d in ent["documents"]]
    assert pages.get(f"/entities/phone/{phone}", follow_redirects=False).status_code == 200
    cluster = client.get(f"/api/v1/clusters/{doc_id}").json()
    assert doc_id in [m["id"] for m in cluster["members"]]
    assert pages.get(f"/clusters/{doc_id}", follow_redirects=False).status_code == 200
    assert len(audit.entries(engine, action="view_entity", target=f"phone:{phone}")) == 2
    assert len(audit.entries(engine, action="view_cluster", actor="reviewer")) == 2
    assert client.get("/api/v1/clusters/nope").status_code == 404


def test_settings_fp_rate_from_review_decisions(app: object, login: Callable[[str], TestClient]) -> None:
    admin = _api(app, "admin")
    h: dict[str, str] = {}
    assert admin.get("/api/v1/settings").json()["false_positives"]["benign_documents"] == 0
    queue = admin.get("/api/v1/queue?limit=3").json()["items"]
    for item in queue:
        admin.post("/api/v1/decisions", json={"doc_id": item["id"], "decision": "dismiss"}, headers=h)
    fp = admin.get("/api/v1/settings").json()["false_positives"]
    assert fp["benign_documents"] == len(queue) and fp["source"].startswith("review decisions")
    # Was: "elevated": 1.0, i.e. "FP 100 %" from 3 documents. Below 50 benign documents there is no rate.
    assert not fp["enough"] and fp["at_thresholds"]["elevated"] is None and fp["minimum"] == 50
    assert f"{len(queue)} of 50" in fp["note"] and all(c["fp_rate"] is None for c in fp["candidates"])
    page = login("admin").get("/settings").text
    assert f"not enough benign documents yet ({len(queue)} of 50)" in page and "FP 100.0%" not in page
    from adtrace.app.data.settings import false_positive_rates

    # With enough of them (a minimum of 3 here): queue items are flagged, so every dismissed one is a
    # false positive at 'elevated', with its 95 % Wilson interval.
    small = false_positive_rates(app.state.adtrace.engine, {"elevated": 40.0, "high": 75.0}, minimum=3)  # type: ignore[attr-defined]
    assert small["enough"] and small["at_thresholds"]["elevated"] == 1.0
    low, high = small["intervals_95"]["elevated"]
    assert 0.3 < low < 1.0 and high == 1.0
    r = admin.put("/api/v1/settings", json={"elevated": 50, "high": 40, "retention_days": 30}, headers=h)
    assert r.status_code == 422
    r = admin.put("/api/v1/settings", json={"elevated": 30, "high": 70, "retention_days": 30}, headers=h)
    assert r.json()["thresholds"] == {"elevated": 30, "high": 70} and r.json()["retention_days"] == 30
    assert audit.entries(app.state.adtrace.engine, action="setting")  # type: ignore[attr-defined]
    dry = admin.post("/api/v1/retention/purge", json={"dry_run": True}, headers=h).json()
    assert dry["dry_run"] is True and dry["deleted"] == 0
