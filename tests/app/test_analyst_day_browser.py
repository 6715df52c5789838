"""The analyst's day in a real headless Chromium (Debian's): identifier search, decisions with undo,
"Add to case" from any ad, an entity's postings per week (issue 19).

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
def signed_in(base: str, role: str = "analyst") -> Iterator[tuple[Any, list[str]]]:
    """A page signed in as `role`, and the console errors and off-site requests it saw."""
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1360, "height": 900})
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
