""""New case…" in an Add-to-case picker makes one case, in Debian's Chromium: after the first Add makes
it, every picker on the page lists it and has it chosen, so the next Add (another search hit, or the
same button again) goes to that case instead of making another case of the same title."""

from __future__ import annotations

import pytest

from adtrace.cases import cases as cs
from tests.app.test_analyst_day_browser import signed_in
from tests.app.test_app_browser import CHROMIUM, server  # noqa: F401  (fixture)

pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium: apt-get install chromium")


def _titled(app: object, title: str) -> list[cs.Case]:
    store = app.state.adtrace.store  # type: ignore[attr-defined]
    return [cs.get(store, c["id"]) for c in cs.list_cases(store) if c["title"] == title]


def test_new_case_from_search_hits_is_made_once(app: object, server: str) -> None:  # noqa: F811
    with signed_in(server) as (page, errors):
        page.goto(f"{server}/search?q=new")
        assert page.locator("ol.hits > li button.addhit").count() >= 2
        page.select_option("#hitcase-id", "new")
        page.fill("#hitcase-title", "One case of hits")
        for n in (1, 2):
            page.click(f"ol.hits > li:nth-child({n}) button.addhit")
            page.wait_for_function(f"() => document.querySelector('ol.hits > li:nth-child({n}) .added')"
                                   ".textContent.includes('One case of hits')", timeout=30_000)
        [case] = _titled(app, "One case of hits")
        assert len(case.items) == 2
        assert page.eval_on_selector("#hitcase-id", "s => s.value") == str(case.id)
    assert not errors, errors


def test_new_case_from_the_document_page_is_made_once(app: object, server: str) -> None:  # noqa: F811
    with signed_in(server) as (page, errors):
        page.goto(f"{server}/search?q=new")
        page.click("ol.hits > li:nth-child(1) a")
        page.wait_for_selector("form.casepick")
        page.select_option("form.casepick select[name=case_id]", "new")
        page.fill("form.casepick input[name=new_title]", "One case from a page")
        for _ in range(2):  # a second press of the same button
            page.click("form.casepick button.addcase-btn")
            page.wait_for_function("() => document.querySelector('form.casepick .added')"
                                   ".textContent.includes('One case from a page')", timeout=30_000)
            page.evaluate("() => { document.querySelector('form.casepick .added').textContent = ''; }")
        [case] = _titled(app, "One case from a page")
        assert page.eval_on_selector("form.casepick select[name=case_id]", "s => s.value") == str(case.id)
    assert not errors, errors
