"""Triage in a real headless Chromium (Debian's): decisions by button with undo, change and the
escalated inbox, alerts apart from risk with bulk acknowledge, and a dashboard that says what to do
first (issue 19, items 7, 11, 16). Screenshots go to $ADTRACE_SCREENS or the test's tmp dir.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.app.test_analyst_day_browser import _newest, _search, signed_in
from tests.app.test_app_browser import CHROMIUM, screens, server  # noqa: F401  (fixtures)

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium: apt-get install chromium")


def _waiting(page: Any) -> int:
    return int(page.inner_text("#waiting-count").replace(",", ""))


def test_decisions_by_button_with_undo_change_inbox_and_paging(app: object, server: str, screens: Path) -> None:  # noqa: F811
    engine: sa.Engine = app.state.adtrace.engine  # type: ignore[attr-defined]
    with engine.begin() as conn:  # every ad flagged: 120 wait, so the queue needs paging past 50
        conn.execute(sa.text("UPDATE records SET risk_level = 'elevated' WHERE risk_level = 'low'"))
    with signed_in(server, "reviewer") as (page, errors):
        page.goto(f"{server}/queue")
        assert _waiting(page) == 120 and page.locator("li.item").count() == 50
        assert page.locator("#escalated-link").count() == 0  # the inbox is for analysts and admins
        page.click("#next-page")
        page.wait_for_url("**/queue?page=2")
        assert "page 2 of 3" in page.inner_text("nav.pager")
        second = page.eval_on_selector_all("li.item", "els => els.map(e => e.dataset.id)")
        page.goto(f"{server}/queue")
        first = page.eval_on_selector_all("li.item", "els => els.map(e => e.dataset.id)")
        assert not set(first) & set(second)

        # Buttons beside the keys: nothing selected, nothing to press.
        assert page.locator("#decide button[data-decision=confirm]").is_disabled()
        page.click(f"li.item[data-id='{first[0]}']")
        page.wait_for_selector("#preview article.preview")
        page.click("#decide button[data-decision=confirm]")
        page.wait_for_selector(f"li.item.done[data-id='{first[0]}']")
        assert _waiting(page) == 119 and _newest(engine, first[0]) == "confirm"
        page.click("#decide button[data-decision=dismiss]")  # the next one was selected for us
        page.wait_for_selector(f"li.item.done[data-id='{first[1]}']")
        assert _newest(engine, first[1]) == "dismiss"
        page.screenshot(path=str(screens / "30-queue-buttons.png"))
        # Undo walks back the last decision: the ad is back in the queue.
        page.click("#undo")
        page.wait_for_selector(f"li.item.sel[data-id='{first[1]}']:not(.done)")
        assert _newest(engine, first[1]) == "withdrawn" and _waiting(page) == 119
        # Change a decision: click the decided row, press another button.
        page.click(f"li.item[data-id='{first[0]}']")
        page.click("#decide button[data-decision=escalate]")
        page.fill("#reasontext", "age wording unclear")
        page.keyboard.press("Enter")
        page.wait_for_function(f"() => document.querySelector(\"li.item[data-id='{first[0]}'] .status\")"
                               ".textContent === 'escalated'")
        assert _newest(engine, first[0]) == "escalate" and _waiting(page) == 119
        page.reload()
        assert _waiting(page) == 119 and first[0] not in page.eval_on_selector_all(
            "li.item", "els => els.map(e => e.dataset.id)")
    assert not errors, errors

    with signed_in(server, "analyst") as (page, errors):
        page.goto(f"{server}/queue")
        assert page.inner_text("#escalated-link").startswith("1")
        page.click("#escalated-link")
        page.wait_for_url("**/queue/escalated")
        row = page.locator("li.item").first
        assert row.get_attribute("data-id") == first[0] and "age wording unclear" in row.inner_text()
        assert "reviewer" in row.inner_text()
        page.screenshot(path=str(screens / "31-escalated.png"))
        row.click()
        page.click("#decide button[data-decision=dismiss]")
        page.wait_for_selector("li.item.done")
        assert _newest(engine, first[0]) == "dismiss"
        # The document page changes a decision too, and can send the ad back to the queue.
        page.goto(f"{server}/documents/{first[0]}")
        assert "dismiss" in page.inner_text("#decision")
        page.click("#decision button[value=confirm]")
        page.wait_for_url(f"**/documents/{first[0]}#decision")
        assert _newest(engine, first[0]) == "confirm"
        page.click("#decision button[value=withdraw]")
        page.wait_for_selector("#decision >> text=Not decided")
        assert _newest(engine, first[0]) == "withdrawn"
        page.goto(f"{server}/queue")
        assert _waiting(page) == 120
    assert not errors, errors


def test_alerts_apart_from_risk_with_titles_filters_and_bulk_acknowledge(
        app: object, server: str, screens: Path) -> None:  # noqa: F811
    from adtrace.cases import alerts, watchlists

    engine: sa.Engine = app.state.adtrace.engine  # type: ignore[attr-defined]
    store = app.state.adtrace.store  # type: ignore[attr-defined]
    with engine.connect() as conn:
        phones = [str(r[0]) for r in conn.execute(sa.text(
            "SELECT value FROM entities WHERE kind = 'phone' GROUP BY value ORDER BY count(*) DESC, value LIMIT 2"))]
    watchlists.add(store, "phone", phones[0], name="Vegas ring", owner="analyst")
    watchlists.add(store, "phone", phones[1], name="Reno ring", owner="analyst")
    raised = alerts.evaluate(store, list(store.iter_ids()))
    hits = [a for a in raised if a.kind == "watchlist"]
    risk = [a for a in raised if a.kind == "risk"]
    vegas = [a for a in hits if any(r.get("watchlist") == "Vegas ring" for r in a.reasons)]
    assert hits and risk and 0 < len(vegas) < len(hits)
    with signed_in(server) as (page, errors):
        page.goto(f"{server}/alerts")
        shown = page.locator("li.alert")
        assert shown.count() == len(hits)  # risk alerts wait on their own tab (the queue holds them too)
        assert f"{len(risk)}" in page.inner_text("#alert-tabs a[data-kind=risk]")
        first = shown.first
        doc = store.get_document(first.get_attribute("data-doc"))
        assert doc is not None and first.locator("a.alert-doc").inner_text() == (doc.title or doc.id)
        page.select_option("#alert-filters select[name=watchlist]", "Vegas ring")
        page.click("#alert-filters button")
        page.wait_for_url("**watchlist=Vegas+ring**")
        assert page.locator("li.alert").count() == len(vegas)
        page.screenshot(path=str(screens / "60-alerts-filtered.png"), full_page=True)
        page.check("#ack-all-toggle")
        page.fill("#bulk-ack input[name=note]", "seen, in case 1")
        page.click("#ack-selected")
        page.wait_for_load_state()
        assert page.locator("li.alert").count() == 0
        open_ids = {a.id for a in alerts.list_alerts(store, open_only=True, limit=1000)}
        assert not open_ids & {a.id for a in vegas} and {a.id for a in risk} <= open_ids
        assert len(open_ids & {a.id for a in hits}) == len(hits) - len(vegas)
    assert not errors, errors


def test_dashboard_says_what_to_do_first_in_the_readers_locale(
        app: object, server: str, screens: Path) -> None:  # noqa: F811
    from adtrace.cases import cases as cs
    from adtrace.cases import decide, queue, waiting

    engine: sa.Engine = app.state.adtrace.engine  # type: ignore[attr-defined]
    store = app.state.adtrace.store  # type: ignore[attr-defined]
    with engine.begin() as conn:
        first = queue(conn, limit=1)[0].id
        decide(conn, first, "escalate", "senior look", "reviewer")
        left = waiting(conn)
    mine = cs.create(store, "Coastal circuit", "analyst")
    cs.create(store, "Someone else's", "admin")
    with signed_in(server, locale="de-DE") as (page, errors):
        page.goto(f"{server}/")
        todo = page.inner_text("#start-here")
        assert f"{left} flagged ads waiting" in todo and "1 escalated" in todo
        assert f"#{mine.id} Coastal circuit" in todo and "Someone else" not in todo
        stamp = page.locator("#start-here time").first
        assert stamp.get_attribute("title") == mine.updated_at and "T" not in stamp.inner_text()
        assert "." in stamp.inner_text()  # de-DE writes 6. Dez. 2026 / 06.12.2026, not ISO
        page.screenshot(path=str(screens / "70-dashboard.png"), full_page=True)
        page.click("#start-reviewing")
        page.wait_for_url("**/queue")
        # Results htmx swaps in later are in the reader's locale too.
        page.goto(f"{server}/search")
        _search(page, "new")
        page.wait_for_selector("ol.hits time")
        page.wait_for_function("() => !document.querySelector('ol.hits time').textContent.includes('-')")
        assert "." in page.inner_text("ol.hits time >> nth=0")
    with signed_in(server, "reviewer") as (page, errors2):
        page.goto(f"{server}/")
        todo = page.inner_text("#start-here")
        assert "waiting" in todo and "escalated" not in todo and "cases" not in todo.lower()
    assert not errors and not errors2, errors + errors2
