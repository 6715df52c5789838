"""Decisions are added, never edited: undo adds `withdrawn`, the newest row counts (issue 19, item 7)."""

from __future__ import annotations

import pytest

from adtrace import errors
from adtrace.cases import current, decide, escalated, export_labels, queue, waiting, withdraw
from adtrace.storage import Store
from tests.cases.linked_fixtures import linked, linked_template  # noqa: F401  (fixtures)


def test_undo_puts_the_document_back_and_keeps_the_history(linked: Store) -> None:  # noqa: F811
    engine = linked.engine  # type: ignore[attr-defined]
    with engine.begin() as conn:
        before = waiting(conn)
        first = queue(conn, limit=1)[0].id
        decide(conn, first, "confirm", "", "rita")
        assert waiting(conn) == before - 1 and first not in {i.id for i in queue(conn, limit=500)}
        assert f"{first},1," in export_labels(conn)
        withdraw(conn, first, "rita")
        assert current(conn, first) is None and waiting(conn) == before
        assert first in {i.id for i in queue(conn, limit=500)}
        assert f"{first},1," not in export_labels(conn)  # a withdrawn decision is no label
        with pytest.raises(errors.InputError):
            withdraw(conn, first, "rita")  # nothing left to undo
        decide(conn, first, "escalate", "ask a senior", "rita")
        total, items = escalated(conn)
        assert total == 1 and items[0].id == first and items[0].decision is not None
        assert items[0].decision.reason == "ask a senior" and items[0].decision.actor == "rita"
        decide(conn, first, "dismiss", "", "sam")  # a supervisor resolves it: out of the inbox
        assert escalated(conn)[0] == 0 and current(conn, first).decision == "dismiss"  # type: ignore[union-attr]
        n = conn.exec_driver_sql("SELECT count(*) FROM review_decisions WHERE doc_id = ?", (first,)).scalar()
        assert n == 4
