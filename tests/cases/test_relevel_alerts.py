"""Alerts after a threshold change, on SQLite and PostgreSQL: a document that saved thresholds lift into
an alerting level raises its risk alert once (deduplicated with the alert it may have raised before);
a document that drops keeps its alerts and shows its new level."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from adtrace.cases import alerts
from adtrace.documents import Document
from adtrace.pipeline import process
from adtrace.storage import Store, init_db, open_store
from adtrace.storage import levels as lv
from adtrace.storage.prepare import prepare
from tests.storage.conftest import new_pg_database, pg_server  # noqa: F401  (the throwaway PostgreSQL)

# Synthetic texts, scored by the shipped catalogue: a stated age under 18 (high), one youth term (elevated,
# score 50), "24/7" + "cash only" (low, score 11).
HIGH = Document.from_dict({"id": "h", "source": "t", "text": "Sweet girl, 16 years old, text 702-555-0142"})
MID = Document.from_dict({"id": "e", "source": "t", "text": "Sweet teen looking for fun tonight"})
LOW = Document.from_dict({"id": "l", "source": "t", "text": "Relaxing massage, open 24/7, cash only"})


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    url = str(tmp_path / "a.db") if request.param == "sqlite" else new_pg_database(request.getfixturevalue("pg_server"))
    init_db(url)
    with open_store(url) as s:
        yield s


def _save(store: Store, elevated: float, high: float, levels: tuple[str, ...] = alerts.ALERT_LEVELS) -> list[alerts.Alert]:
    """What Settings does: re-level in one transaction, then raise the alerts of the documents moved up."""
    value = {"elevated": elevated, "high": high}
    with store.engine.begin() as conn:  # type: ignore[attr-defined]
        moves = lv.relevel_changes(conn, value)
    return alerts.raise_for_new_levels(store, moves, value, levels=levels)


def _level(store: Store, doc_id: str) -> str:
    with store.engine.connect() as conn:  # type: ignore[attr-defined]
        return str(conn.execute(sa.text("SELECT risk_level FROM records WHERE doc_id = :d"), {"d": doc_id}).scalar())


def test_documents_lifted_into_high_alert_once_and_dropped_ones_keep_their_alerts(store: Store) -> None:
    store.put_batch([prepare(d, process(d)) for d in (HIGH, MID, LOW)])
    assert [_level(store, d) for d in "hel"] == ["high", "elevated", "low"]  # precondition: the texts' scores
    arrived = alerts.evaluate(store, ["h", "e", "l"])  # on arrival only the high one alerts
    assert [(a.doc_id, a.severity) for a in arrived] == [("h", "high")]

    seen: list[list[alerts.Alert]] = []
    unsubscribe = alerts.subscribe(seen.append)
    try:
        lifted = _save(store, 5, 10)  # everything is high now
    finally:
        unsubscribe()
    assert sorted((a.doc_id, a.kind, a.severity) for a in lifted) == [("e", "risk", "high"), ("l", "risk", "high")]
    assert all("after the thresholds changed (elevated 5, high 10)" in a.reasons[0]["text"] for a in lifted)
    assert all(len(a.reasons) > 1 for a in lifted)  # the Record's reasons follow, as on arrival
    assert [len(batch) for batch in seen] == [2]  # announced once, to this process's listeners
    assert _save(store, 5, 10) == []  # nothing moves twice

    # Back to the shipped thresholds: the two drop, their alerts stay (sent cannot be unsent).
    assert _save(store, 40, 80) == []
    assert [_level(store, d) for d in "hel"] == ["high", "elevated", "low"]
    risk = [a for a in alerts.list_alerts(store) if a.kind == "risk"]
    assert sorted(a.doc_id or "" for a in risk) == ["e", "h", "l"] and {a.severity for a in risk} == {"high"}

    # Lifted again: each document already has its high alert, so nothing is raised twice.
    assert _save(store, 5, 10) == []
    assert len([a for a in alerts.list_alerts(store, open_only=False) if a.kind == "risk"]) == 3


def test_moving_down_into_an_alerting_level_raises_nothing(store: Store) -> None:
    store.put_batch([prepare(d, process(d)) for d in (HIGH, MID)])
    # With elevated alerting too: the high document dropping to elevated is not news; the elevated one
    # staying elevated does not move at all.
    assert _save(store, 40, 99, levels=("elevated", "high")) == []
    assert _level(store, "h") == "elevated"
    # Lifted from low to elevated it does alert, at that level.
    assert _save(store, 60, 99, levels=("elevated", "high")) == []  # e drops to low
    raised = _save(store, 40, 99, levels=("elevated", "high"))
    assert [(a.doc_id, a.severity) for a in raised] == [("e", "elevated")]
