"""A tip waits in the tips queue only: the ordinary review queue (its rows, its count, the learned order's
candidates and the /queue page) never shows documents of kind `tip`, however high they score."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from adtrace.cases import decisions
from adtrace.tips import intake
from adtrace.tips import store as ts

# Written for this test: a tip quoting an ad with many indicators, so that it scores like a flagged ad.
TEXT = ("I saw this ad and I am worried: 'New young girl just arrived, 16, fresh and sweet, no English, "
        "incall only, 24/7, cash only, her manager keeps her passport, she works every day and cannot leave, "
        "call 702 555 0148'. The girl looked very young and scared.")


def test_a_flagged_tip_is_in_the_tips_queue_not_the_review_queue(app: Any, login: Callable[[str], Any]) -> None:
    store, engine = app.state.adtrace.store, app.state.adtrace.engine
    with engine.connect() as conn:
        before = decisions.waiting(conn)
    tip = intake.submit(store, intake.TipForm(TEXT), link=False)
    with engine.connect() as conn:
        level = conn.execute(sa.text("SELECT risk_level FROM records WHERE doc_id = :d"), {"d": tip.doc_id}).scalar()
        kind = conn.execute(sa.text("SELECT kind FROM documents WHERE id = :d"), {"d": tip.doc_id}).scalar()
        assert kind == "tip" and level in ("high", "elevated")  # an ad like this would be queued
        assert decisions.waiting(conn) == before
        assert tip.doc_id not in {i.id for i in decisions.queue(conn, limit=100_000)}
        assert tip.doc_id not in {d for d, _ in decisions.waiting_scores(conn)}
        assert before > 0 and len(decisions.queue(conn, limit=before)) == before  # ads still queue as before
    assert tip.tip_id in {t["id"] for t in ts.queue(engine)}
    client = login("analyst")
    assert tip.doc_id not in client.get("/queue").text
    assert tip.doc_id in client.get("/tips").text or str(tip.tip_id) in client.get("/tips").text
