"""Screening sees the watchlists, and a stored screening raises alerts like any new document."""

from __future__ import annotations

from adtrace.cases import alerts, watchlists
from adtrace.documents import Document
from adtrace.exchange.screening import Screener
from adtrace.storage import open_store


def test_screen_reports_watchlist_and_store_mode_alerts(db: str) -> None:
    with open_store(db) as store:
        watchlists.add(store, "phone", "+1 213 473 0188", name="Op Test", owner="tester")
        screener = Screener(engine=store.engine)  # type: ignore[attr-defined]
        new = Document.from_dict({"id": "s1", "text": "New girls, call 213.473.0188"})
        other = Document.from_dict({"id": "s2", "text": "Bike for sale, 415 555 0190"})
        stateless = screener.screen([new, other])
        assert [m["watchlist"] for m in stateless[0]["matches"]["watchlists"]] == ["Op Test"]
        assert stateless[1]["matches"]["watchlists"] == []
        assert not any(a.doc_id == "s1" for a in alerts.list_alerts(store))  # stateless: nothing kept
        stored = screener.screen([new], store=store)
        assert stored[0]["stored"] is True
        assert any(a.doc_id == "s1" for a in alerts.list_alerts(store))
