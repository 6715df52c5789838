"""Issue 20, screening as a hostile partner would use it: overwrites, watchlist leaks, size, identifier floods."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from adtrace.app.api.exchange import Limits, configure
from adtrace.cases import watchlists
from adtrace.documents import Document
from adtrace.exchange import screening
from adtrace.pipeline import Pipeline
from adtrace.storage.prepare import prepare

AD = {"text": "New in town! Call 213-473-0199 now, 100 roses"}


def _audit(app: Any, action: str) -> list[tuple[str, dict[str, Any]]]:
    with app.state.adtrace.engine.connect() as conn:
        rows = conn.execute(text("SELECT target, detail FROM audit_log WHERE action = :a ORDER BY seq"), {"a": action})
        return [(r[0], orjson.loads(r[1])) for r in rows]


def test_partner_store_mode_never_replaces_an_analysts_document(app: Any,
                                                                 client_for: Callable[[str], TestClient]) -> None:
    store = app.state.adtrace.store
    doc = Document.from_dict({"id": "board-7", "source": "cityboard", "url": "https://board.example/7",
                              "text": "New girl in town, young and sweet, call 213-473-0111"})
    store.put_batch([prepare(doc, Pipeline().process(doc))])
    before = {i: store.get_document(i) for i in ("ad1", "board-7")}
    partner = client_for("partner")
    by_id = {"id": "ad1", "text": "Selling a blue sofa, barely used"}
    by_url = {"source": "cityboard", "url": "https://board.example/7", "text": "Selling a red sofa"}
    r = partner.post("/api/v1/screen", json={"documents": [by_id, by_url], "mode": "store"})
    assert r.status_code == 200, r.text
    stored = [x["stored_id"] for x in r.json()["results"]]
    assert {i: store.get_document(i) for i in ("ad1", "board-7")} == before  # neither was touched
    assert all(s.startswith("partner-partner-") for s in stored) and len(set(stored)) == 2
    assert {store.get_document(s).source for s in stored} == {"partner-partner"}
    assert store.get_document(stored[0]).meta["partner"]["id"] == "ad1"
    # Every stored document is audited by its id.
    assert [t for t, _ in _audit(app, "screen_store")] == stored
    # Sending the same id again updates the partner's own copy, still not the analyst's.
    again = partner.post("/api/v1/screen", json={"document": {**by_id, "text": "Sofa sold"}, "mode": "store"})
    assert again.json()["stored_id"] == stored[0] and store.get_document(stored[0]).text == "Sofa sold"
    assert store.get_document("ad1") == before["ad1"]


def test_an_analyst_id_shaped_like_a_partners_is_refused_not_replaced(app: Any,
                                                                     client_for: Callable[[str], TestClient]) -> None:
    store = app.state.adtrace.store
    planted = screening.Partner("partner").adopt(Document.from_dict({"id": "x", "text": "t"})).id
    doc = Document.from_dict({"id": planted, "source": "cityboard", "text": "An analyst's own ad, 213-473-0122"})
    store.put_batch([prepare(doc, Pipeline().process(doc))])
    r = client_for("partner").post("/api/v1/screen", json={"document": {"id": "x", "text": "overwrite"},
                                                           "mode": "store"})
    assert r.status_code == 200 and r.json()["stored"] is False
    assert store.get_document(planted).text == doc.text
    assert _audit(app, "screen_store")[0][1]["status"] == "rejected"


def test_partners_learn_nothing_about_watchlists_and_each_hit_is_audited(app: Any,
                                                                         client_for: Callable[[str], TestClient]) -> None:
    entry = watchlists.add(app.state.adtrace.engine, "phone", "213-473-0199", name="Op Lantern", owner="alice")
    analyst = client_for("analyst").post("/api/v1/screen", json={"document": AD}).json()
    assert analyst["matches"]["watchlists"][0]["watchlist"] == "Op Lantern"  # analysts see everything
    r = client_for("partner").post("/api/v1/screen", json={"document": AD})
    assert r.status_code == 200 and r.json()["matches"]["watchlists"] == []
    for secret in ("Op Lantern", "alice", "entry_id", "watchlist'"):
        assert secret not in r.text
    assert [(d["entries"], d["shown"]) for _, d in _audit(app, "screen_watchlist")] == [([entry.id], "nothing")]
    assert _audit(app, "screen_watchlist")[0][0] == r.json()["id"]

    configure(app, rate=1000, burst=1000, refresh_seconds=0, limits=Limits(watchlist_hint=True))
    r = client_for("partner").post("/api/v1/screen", json={"document": AD})
    assert r.json()["matches"]["watchlists"] == [{"kind": "watchlist", "text": "matched a watchlist"}]
    assert "Op Lantern" not in r.text and "alice" not in r.text
    assert len(_audit(app, "screen_watchlist")) == 2
    # No match, nothing to audit.
    client_for("partner").post("/api/v1/screen", json={"document": {"text": "Bike for sale"}})
    assert len(_audit(app, "screen_watchlist")) == 2


def test_oversized_bodies_and_documents_get_413_in_the_error_shape(app: Any,
                                                                    client_for: Callable[[str], TestClient]) -> None:
    configure(app, rate=1000, burst=1000, limits=Limits(max_body_bytes=20_000, max_chars=3_000))
    client = client_for("partner")
    long_doc = {"text": "call 213-473-0199 " + "word " * 1000}  # ~5,000 characters
    r = client.post("/api/v1/screen", json={"document": long_doc})
    assert r.status_code == 413, r.text
    assert r.json()["error"]["code"] == "AT120" and r.json()["error"]["detail"]["document"] == 0
    big = {"documents": [{"text": "word " * 500} for _ in range(10)]}  # ~25 KB body, each document fits
    r = client.post("/api/v1/screen", json=big)
    assert r.status_code == 413 and r.json()["error"]["code"] == "AT120"
    # A body sent without Content-Length (chunked) is cut off at the limit too.
    r = client.post("/api/v1/screen", content=iter([orjson.dumps(big)[i:i + 4096] for i in range(0, 26_000, 4096)]),
                    headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and r.json()["error"]["code"] == "AT120"
    assert client.post("/api/v1/screen", json={"document": AD}).status_code == 200


def test_long_documents_are_screened_off_the_event_loop(app: Any, client_for: Callable[[str], TestClient],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []  # per screened document: did it run on the event loop's thread?
    shape = screening.result

    def probe(record: dict[str, Any], *args: Any, **kwargs: Any) -> dict[str, Any]:
        seen.append(asyncio.events._get_running_loop() is not None)
        return shape(record, *args, **kwargs)

    monkeypatch.setattr(screening, "result", probe)  # the per-document result, built where screening runs
    client = client_for("partner")
    client.post("/api/v1/screen", json={"document": AD})
    client.post("/api/v1/screen", json={"document": {"text": "call 213-473-0199 " + "word " * 4000}})
    assert seen == [True, False]  # the ordinary ad ran inline; the 20,000-character one in a worker thread


def _phones(n: int) -> str:
    return ", ".join(f"call 2{k // 1000 % 10}3-4{k // 100 % 10}3-01{k % 100:02d}" for k in range(n))


def test_identifier_floods_are_refused_and_count_toward_the_rate_limit(app: Any,
                                                                       client_for: Callable[[str], TestClient]) -> None:
    client = client_for("partner")
    r = client.post("/api/v1/screen", json={"document": {"text": _phones(300)}})
    assert r.status_code == 422 and r.json()["error"]["code"] == "AT121"
    assert "partner_signals" not in r.text
    # 30 identifiers cost 1 + 25 tokens: a burst of 20 cannot pay for them, and the debt holds the caller.
    configure(app, rate=0.5, burst=20)
    r = client.post("/api/v1/screen", json={"document": {"text": _phones(30)}})
    assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1 and "results" not in r.text
    assert client.post("/api/v1/screen", json={"document": AD}).status_code == 429


def test_limits_come_from_the_environment_with_clear_errors(monkeypatch: Any) -> None:
    import pytest

    from adtrace import errors

    monkeypatch.setenv("ADTRACE_SCREEN_MAX_BYTES", "1000")
    monkeypatch.setenv("ADTRACE_SCREEN_WATCHLIST_HINT", "1")
    assert Limits.from_env() == Limits(max_body_bytes=1000, watchlist_hint=True)
    monkeypatch.setenv("ADTRACE_SCREEN_MAX_CHARS", "lots")
    with pytest.raises(errors.ConfigError, match="ADTRACE_SCREEN_MAX_CHARS"):
        Limits.from_env()


def test_the_local_cli_screener_has_no_identifier_cap() -> None:
    out = screening.Screener().screen([Document.from_dict({"text": _phones(60)})])
    assert len(out[0]["entities"]["phones"]) > 50
