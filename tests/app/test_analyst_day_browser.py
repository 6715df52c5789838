"""The analyst's day in a real headless Chromium (Debian's): identifier search, "Add to case" from any
ad, an entity's postings per week, error pages with navigation, a phone-sized screen (issue 19).
Triage (decisions, alerts, dashboard) is in test_analyst_triage_browser.py.

Screenshots go to $ADTRACE_SCREENS or the test's tmp dir.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.app.conftest import PASSWORD
from tests.app.test_app_browser import ARGS, CHROMIUM, screens, server  # noqa: F401  (fixtures)

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium: apt-get install chromium")


@contextmanager
def signed_in(base: str, role: str = "analyst", locale: str = "en-US") -> Iterator[tuple[Any, list[str]]]:
    """A page signed in as `role`, and the console errors and off-site requests it saw."""
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1360, "height": 900}, locale=locale)
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("request", lambda r: errors.append(f"off-site request {r.url}") if not r.url.startswith(base)
                else None)
        page.goto(f"{base}/login")
        page.fill("input[name=username]", role)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("header.top")
        yield page, errors
        browser.close()


def _busiest(engine: sa.Engine, kind: str) -> tuple[str, int]:
    with engine.connect() as conn:
        row = conn.execute(sa.text("SELECT value, count(*) AS n FROM entities WHERE kind = :k GROUP BY value "
                                   "ORDER BY n DESC, value LIMIT 1"), {"k": kind}).one()
    return str(row.value), int(row.n)


def _search(page: Any, text: str) -> None:
    page.fill("form.searchbar input[name=q]", text)
    page.press("form.searchbar input[name=q]", "Enter")


def _newest(engine: sa.Engine, doc_id: str) -> str | None:
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT decision FROM review_decisions WHERE doc_id = :d ORDER BY id DESC LIMIT 1"),
                            {"d": doc_id}).scalar()


def test_search_box_recognises_identifiers_in_any_form(app: object, server: str, screens: Path) -> None:  # noqa: F811
    engine: sa.Engine = app.state.adtrace.engine  # type: ignore[attr-defined]
    phone, n_phone = _busiest(engine, "phone")
    assert phone.startswith("+1") and len(phone) == 12, "the synthetic store's busiest phone is a US number"
    d = phone[2:]
    email, n_email = _busiest(engine, "email")
    user, _, domain = email.partition("@")
    spoken = f"{user} at {domain.replace('.', ' dot ')}"
    with signed_in(server) as (page, errors):
        for typed in (phone, f"+1 {d[:3]} {d[3:6]} {d[6:]}", f"({d[:3]}) {d[3:6]}-{d[6:]}", f"{d[:3]}.{d[3:6]}.{d[6:]}",
                      f"call {d}"):
            page.goto(f"{server}/search")
            _search(page, typed)
            page.wait_for_url("**/entities/phone/**")
            page.wait_for_selector("#recognised")
            assert typed in page.inner_text("#recognised")
            assert f"{n_phone} document" in page.inner_text("main"), typed
        page.screenshot(path=str(screens / "20-search-phone.png"), full_page=True)
        page.goto(f"{server}/search")
        _search(page, spoken)
        page.wait_for_url("**/entities/email/**")
        assert email in page.inner_text("h1") and f"{n_email} document" in page.inner_text("main")
    assert not errors, errors


def test_empty_search_swaps_in_the_hint_not_a_second_page(app: object, server: str, screens: Path) -> None:  # noqa: F811
    with signed_in(server) as (page, errors):
        # Words are still a text search; an empty search swaps in the hint, not a second page.
        page.goto(f"{server}/search")
        _search(page, "new")
        page.wait_for_selector("ol.hits li")
        _search(page, "")
        page.wait_for_function("() => !document.querySelector('ol.hits')")
        assert page.locator("header.top").count() == 1 and page.locator("footer").count() == 1
        assert page.locator("form.searchbar").count() == 1
        page.screenshot(path=str(screens / "21-search-empty.png"), full_page=True)
    assert not errors, errors


def test_payment_tag_becomes_a_visible_filter(login: Callable[[str], Any], app: object) -> None:
    """No entity page for payment tags: the box applies the filter and says so."""
    engine: sa.Engine = app.state.adtrace.engine  # type: ignore[attr-defined]
    with engine.connect() as conn:
        row = conn.execute(sa.text("SELECT value, count(*) AS n FROM entities WHERE kind = 'payment' "
                                   "GROUP BY value ORDER BY n DESC LIMIT 1")).first()
    if row is None:
        pytest.skip("no payment tag in this synthetic store")
    client = login("analyst")
    page = client.get("/search", params={"q": f"cashapp ${row.value}"})
    assert page.status_code == 200 and 'id="recognised"' in page.text
    assert f"payment: {row.value}" in page.text and f"{int(row.n)} documents" in page.text


def _items(engine: sa.Engine, case_id: int) -> set[tuple[str, str]]:
    with engine.connect() as conn:
        return {(r.kind, r.ref) for r in conn.execute(sa.text("SELECT kind, ref FROM case_items WHERE case_id = :c"),
                                                      {"c": case_id})}


def test_add_to_case_from_document_queue_and_search(app: object, server: str, screens: Path) -> None:  # noqa: F811
    from adtrace.cases import cases as cs

    engine: sa.Engine = app.state.adtrace.engine  # type: ignore[attr-defined]
    store = app.state.adtrace.store  # type: ignore[attr-defined]
    first = cs.create(store, "Circuit along I-10", "analyst")
    doc_id = sorted(store.iter_ids())[5]
    doc = store.get_document(doc_id)
    with signed_in(server) as (page, errors):
        # The document page: pick the case, add.
        page.goto(f"{server}/documents/{doc_id}")
        page.select_option("#addcase select[name=case_id]", str(first.id))
        page.click("#addcase button.addcase-btn")
        page.wait_for_selector("#addcase .added >> text=Added to")
        assert ("document", doc_id) in _items(engine, first.id)

        # The queue preview: a new case, made on the spot.
        page.goto(f"{server}/queue")
        page.keyboard.press("j")
        page.wait_for_selector("#preview form.casepick")
        queued = page.get_attribute("li.item.sel", "data-id")
        page.select_option("#preview select[name=case_id]", "new")
        page.fill("#preview input[name=new_title]", "From the queue")
        page.click("#preview button.addcase-btn")
        page.wait_for_selector("#preview .added >> text=From the queue")
        second = max(c["id"] for c in cs.list_cases(store))
        assert _items(engine, second) == {("document", queued)}

        # Search hits: one picker above the hits, a button on each.
        page.goto(f"{server}/search?q=new")
        page.select_option("#hitcase-id", str(first.id))
        hit = page.locator("ol.hits li").first
        hit_id = hit.locator("a").first.get_attribute("href").rsplit("/", 1)[1]
        hit.locator("button.addhit").click()
        hit.locator(".added >> text=Added to").wait_for()
        assert ("document", hit_id) in _items(engine, first.id)
        page.screenshot(path=str(screens / "40-search-addcase.png"), full_page=True)

        # The case lists its items by title, each with Remove; a wrong id is an error beside the field.
        page.goto(f"{server}/cases/{first.id}")
        assert doc is not None and (doc.title or doc_id) in page.inner_text("table.items")
        page.fill("#additem input[name=ref]", "no-such-ad-42")
        page.click("#additem button")
        page.wait_for_selector("#additem-error")
        assert "no-such-ad-42" in page.inner_text("#additem-error")
        assert page.input_value("#additem input[name=ref]") == "no-such-ad-42"
        assert page.locator("header.top nav").count() == 1 and "Case " in page.inner_text("h1")
        page.screenshot(path=str(screens / "41-case-inline-error.png"), full_page=True)
        # The page answers 422 (the form was wrong), which Chromium logs; nothing else may be logged.
        errors[:] = [e for e in errors if "status of 422" not in e]
        page.goto(f"{server}/cases/{first.id}")
        row = page.locator("table.items tr", has=page.locator(f"a[href='/documents/{doc_id}']"))
        row.locator("button.remove-item").click()
        page.wait_for_load_state()
        assert ("document", doc_id) not in _items(engine, first.id)
        assert ("document", hit_id) in _items(engine, first.id) or hit_id == doc_id
    assert not errors, errors


def test_weeks_fill_the_gaps_so_the_axis_is_time() -> None:
    from adtrace.app.data.network import _weeks

    docs = [{"posted_at": p} for p in ("2024-01-02T10:00:00Z", "2024-01-03T10:00:00Z", "2024-01-24T09:00:00Z", None)]
    assert _weeks(docs) == [("2024-01-01", 2), ("2024-01-08", 0), ("2024-01-15", 0), ("2024-01-22", 1)]
    assert _weeks([{"posted_at": None}]) == []


def test_entity_page_draws_postings_per_week(app: object, server: str, screens: Path) -> None:  # noqa: F811
    from datetime import date, timedelta

    engine: sa.Engine = app.state.adtrace.engine  # type: ignore[attr-defined]
    phone, _n = _busiest(engine, "phone")
    with engine.connect() as conn:
        days = [date.fromisoformat(str(r[0])[:10]) for r in conn.execute(sa.text(
            "SELECT d.posted_at FROM documents d JOIN entities e ON e.doc_id = d.id "
            "WHERE e.kind = 'phone' AND e.value = :v AND d.posted_at IS NOT NULL"), {"v": phone})]
    mondays = [d - timedelta(days=d.weekday()) for d in days]
    expected = (max(mondays) - min(mondays)).days // 7 + 1
    with signed_in(server) as (page, errors):
        page.goto(f"{server}/entities/phone/{phone.replace('+', '%2B')}")
        assert "No dated postings" not in page.inner_text("main")
        bars = page.locator("svg.chart.weeks rect")
        assert bars.count() == expected
        heights = [float(bars.nth(i).get_attribute("height") or 0) for i in range(bars.count())]
        assert sum(1 for h in heights if h > 0) == len(set(mondays))  # one bar per week with postings
        page.screenshot(path=str(screens / "50-entity-weeks.png"), full_page=True)
    assert not errors, errors


def test_403_and_404_keep_the_navigation(app: object, server: str, screens: Path) -> None:  # noqa: F811
    with signed_in(server, "reviewer") as (page, errors):
        for path, title in (("/cases", "Not allowed"), ("/no-such-page", "Not found"),
                            ("/documents/no-such-ad", "Not found")):
            response = page.goto(f"{server}{path}")
            assert response is not None and response.status in (403, 404)
            assert title in page.inner_text("h1")
            nav = page.locator("header.top nav")
            assert nav.count() == 1 and "Review queue" in nav.inner_text(), path
            assert "Cases" not in nav.inner_text()  # the nav is the reviewer's own
        page.screenshot(path=str(screens / "80-404-with-nav.png"), full_page=True)
    # Chromium logs each 403/404 answer as a failed resource; nothing else may be logged.
    assert not [e for e in errors if "status of 403" not in e and "status of 404" not in e], errors


def test_phone_width_stacks_columns_and_decides_by_touch(app: object, server: str, screens: Path) -> None:  # noqa: F811
    engine: sa.Engine = app.state.adtrace.engine  # type: ignore[attr-defined]
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
        page.goto(f"{server}/login")
        page.fill("input[name=username]", "reviewer")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("header.top")
        for path in ("/", "/queue", "/search?q=new"):
            page.goto(f"{server}{path}")
            wide = page.evaluate("() => document.documentElement.scrollWidth")
            assert wide <= 390, (path, wide)  # nothing runs off the side of the screen
        page.goto(f"{server}/queue")
        row = page.locator("li.item").first
        doc_id = row.get_attribute("data-id")
        row.tap()
        page.wait_for_selector("#preview article.preview")
        confirm = page.locator("#decide button[data-decision=confirm]")
        assert (confirm.bounding_box() or {}).get("height", 0) >= 44  # a finger-sized target
        confirm.tap()
        page.wait_for_selector(f"li.item.done[data-id='{doc_id}']")
        assert _newest(engine, str(doc_id)) == "confirm"
        page.screenshot(path=str(screens / "90-queue-390px.png"), full_page=True)
        browser.close()
