"""The dashboard's "Start here": the signed-in analyst's own open cases (storage.casebook.open_cases_of)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from adtrace.cases import cases as cs


def _todo_cases(client: TestClient) -> str:
    page = client.get("/").text
    return page.split('class="todo-cases"', 1)[1].split("</li></ul>", 1)[0] if 'class="todo-cases"' in page else ""


def test_start_here_lists_my_open_cases_only(app: Any, login: Callable[[str], TestClient]) -> None:
    store = app.state.adtrace.store
    mine = cs.create(store, "Opened by me, nobody assigned", "analyst")
    given = cs.create(store, "Assigned to me by the admin", "admin", assignee="analyst")
    closed = cs.create(store, "Mine but closed", "analyst")
    cs.update(store, closed.id, status="closed")
    other = cs.create(store, "The admin's own case", "admin")
    cs.add_item(store, given.id, "document", next(iter(store.iter_ids())), "admin")
    shown = _todo_cases(login("analyst"))
    assert f"/cases/{mine.id}" in shown and f"/cases/{given.id}" in shown
    assert f"/cases/{closed.id}" not in shown and f"/cases/{other.id}" not in shown
    assert "1 item" in shown  # the assigned case's one item, counted by the same query


def test_reviewed_counts_a_decision_at_once(app: Any, login: Callable[[str], TestClient]) -> None:
    """Found reading the dashboard after three decisions: "11 flagged ads waiting" (live) beside "0 reviewed"
    (the minute-long aggregate cache). The reviewed count is live like the queue's."""
    import re

    import sqlalchemy as sa

    from tests.app.conftest import csrf_of

    client = login("analyst")

    def reviewed() -> int:
        return int(re.search(r'<span class="num">([\d,]+)</span><span>reviewed</span>', client.get("/").text)
                   .group(1).replace(",", ""))  # type: ignore[union-attr]

    before = reviewed()  # fills the cache
    with app.state.adtrace.engine.connect() as conn:
        doc = conn.execute(sa.text("SELECT doc_id FROM records WHERE risk_level = 'high' LIMIT 1")).scalar_one()
    r = client.post("/queue/decide", data={"doc_id": doc, "decision": "confirm", "reason": ""},
                    headers={"X-CSRF-Token": csrf_of(client)})
    assert r.status_code == 200
    assert reviewed() == before + 1
