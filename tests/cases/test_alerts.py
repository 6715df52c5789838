"""Alerts: raised once per document and cause, acknowledged, announced; webhook retries; e-mail."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from adtrace import errors
from adtrace.cases import alerts, notify, watchlists
from adtrace.cases.notify import Notifier, NotifyConfig
from adtrace.crawl.feed import Feeder
from adtrace.documents import Document
from adtrace.storage import Store, init_db, open_store
from tests.crawl.receiver import Receiver


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    init_db(url)
    with open_store(url) as s:
        yield s


def _put(store: Store, *docs: dict[str, Any]) -> list[str]:
    feeder = Feeder(store)
    for d in docs:
        feeder.hold(Document.from_dict({"source": "t", **d}))
    return feeder.flush()


def test_watchlist_alert_once_per_document(store: Store) -> None:
    watchlists.add(store, "email", "boss@example.com", name="Op", owner="a")
    ids = _put(store, {"id": "d1", "text": "write boss@example.com today"}, {"id": "d2", "text": "nothing here"})
    # Feeder.flush already evaluated: the alert exists; evaluating again raises nothing new.
    assert alerts.evaluate(store, ids) == []
    listed = alerts.list_alerts(store)
    assert [(a.doc_id, a.kind) for a in listed] == [("d1", "watchlist")]
    assert listed[0].reasons[0]["watchlist"] == "Op"


def test_high_risk_raises_an_alert(store: Store) -> None:
    from adtrace.pipeline import Pipeline

    text = "Young fresh schoolgirl look, 15, new in town, daddy manages my bookings, cash only"
    record = Pipeline().process(Document.from_dict({"source": "t", "text": text}))
    assert record["risk"]["level"] == "high"  # precondition: the synthetic text is scored high
    _put(store, {"id": "h1", "text": text})
    risk = [a for a in alerts.list_alerts(store) if a.kind == "risk"]
    assert [a.doc_id for a in risk] == ["h1"] and risk[0].severity == "high"


def test_raise_alert_hook_dedups_and_checks_document(store: Store) -> None:
    _put(store, {"id": "p1", "text": "plain ad"})
    seen: list[list[alerts.Alert]] = []
    unsubscribe = alerts.subscribe(seen.append)
    try:
        a = alerts.raise_alert(store, "partner", ["partner signal: phone (confidence 0.9)"], doc_id="p1")
        assert a is not None and a.reasons == [{"kind": "partner", "text": "partner signal: phone (confidence 0.9)"}]
        assert alerts.raise_alert(store, "partner", ["partner signal: phone (confidence 0.9)"], doc_id="p1") is None
        assert len(seen) == 1
    finally:
        unsubscribe()
    with pytest.raises(errors.InputError):
        alerts.raise_alert(store, "partner", ["x"], doc_id="missing")
    with pytest.raises(errors.InputError):
        alerts.raise_alert(store, "partner", [], doc_id="p1")


def test_ack(store: Store) -> None:
    _put(store, {"id": "k1", "text": "plain ad"})
    a = alerts.raise_alert(store, "partner", ["x"], doc_id="k1")
    assert a is not None
    acked = alerts.ack(store, a.id, "ana", "seen, in case 12")
    assert acked.acked_by == "ana" and acked.acked_at
    assert alerts.ack(store, a.id, "bob").acked_by == "ana"  # the first acknowledgement stands
    assert alerts.list_alerts(store) == [] and len(alerts.list_alerts(store, open_only=False)) == 1
    with pytest.raises(errors.InputError):
        alerts.ack(store, 12345, "ana")


def test_webhook_retries_then_delivers() -> None:
    receiver = Receiver(fail_first=2)
    try:
        ok, attempts, _ = notify.post_webhook(receiver.url, {"id": 1}, timeout=5, retries=3, backoff=0.0)
        assert ok and attempts == 3 and receiver.posts[0][1] == {"id": 1}
    finally:
        receiver.close()


def test_webhook_gives_up_on_a_refusal_and_on_a_dead_host() -> None:
    receiver = Receiver(status=400)
    try:
        ok, attempts, error = notify.post_webhook(receiver.url, {}, timeout=5, retries=3, backoff=0.0)
        assert not ok and attempts == 1 and error == "HTTP 400"
    finally:
        receiver.close()
    ok, attempts, _ = notify.post_webhook(receiver.url, {}, timeout=1, retries=2, backoff=0.0)
    assert not ok and attempts == 2


def test_email_is_sent_once_per_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[Any] = []

    class FakeSMTP:
        def __init__(self, host: str, port: int, timeout: float) -> None:
            assert (host, port) == ("mail.test", 2525)

        def __enter__(self) -> FakeSMTP:
            return self

        def __exit__(self, *exc: object) -> None:
            pass

        def starttls(self) -> None:
            pass

        def login(self, user: str, password: str) -> None:
            sent.append(("login", user))

        def send_message(self, msg: Any) -> None:
            sent.append(msg)

    monkeypatch.setattr(notify.smtplib, "SMTP", FakeSMTP)
    config = NotifyConfig.from_env({"ADTRACE_SMTP_HOST": "mail.test", "ADTRACE_SMTP_PORT": "2525",
                                    "ADTRACE_SMTP_USER": "u", "ADTRACE_ALERT_EMAIL_TO": "a@x.test, b@x.test",
                                    "ADTRACE_BASE_URL": "https://app.test/"})
    batch = [alerts.Alert(1, "d1", "watchlist", "high", [{"kind": "watchlist", "text": "phone on watchlist 'Op'",
                                                          "value": "+17025550199"}], "t"),
             alerts.Alert(2, "d2", "risk", "elevated", [{"kind": "risk", "text": "risk level high"}], "t")]
    out = Notifier(config).send(batch)
    assert [(d.channel, d.ok, d.alert_ids) for d in out] == [("email", True, [1, 2])]
    msg = sent[-1]
    body = msg.get_content()
    assert msg["To"] == "a@x.test, b@x.test" and "2 new alerts (1 high)" in msg["Subject"]
    assert "https://app.test/documents/d1" in body and "+17025550199" not in body and "1-888-373-7888" in body
