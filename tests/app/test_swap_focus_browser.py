"""Keyboard focus after htmx swaps other than a reveal, in Debian's Chromium (WCAG 2.4.3, 4.1.3).

- Add to case: focus stays on the button that acted (the form is not replaced, only its answer), and the
  answer is said by its polite live region; nothing else takes focus.
- Add to case from a search hit: the same, on that hit's button (the answer goes beside it, the hits stay).
- The review queue: j/k move focus to the row they select, so a screen reader reads the ad that is now
  shown, and the preview never takes focus by itself (it would be read at every step). A keyboard user who
  was in the preview (its Add to case button) is not dropped onto the page's body when j swaps the preview
  away: focus goes to the new row.
"""

from __future__ import annotations

import pytest

from tests.app.test_analyst_day_browser import signed_in
from tests.app.test_app_browser import CHROMIUM, server  # noqa: F401  (fixture)

pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium: apt-get install chromium")

FOCUSED = ("() => { const a = document.activeElement; return [a.tagName, a.className,"
           " a.closest('li.item') ? a.closest('li.item').dataset.id : null, !!a.closest('#preview')]; }")


def test_add_to_case_keeps_focus_on_its_button_and_j_k_focus_the_row(app: object, server: str) -> None:  # noqa: F811
    with signed_in(server) as (page, errors):
        page.goto(f"{server}/queue")
        page.keyboard.press("j")
        page.wait_for_selector("#preview form.casepick", timeout=30_000)
        first = page.get_attribute("li.item.sel", "data-id")
        assert page.evaluate(FOCUSED) == ["LI", "item sel", first, False]
        page.keyboard.press("j")
        page.wait_for_function(f"() => document.querySelector('li.item.sel').dataset.id !== {first!r}")
        page.wait_for_selector("#preview form.casepick", timeout=30_000)
        second = page.get_attribute("li.item.sel", "data-id")
        assert second != first and page.evaluate(FOCUSED) == ["LI", "item sel", second, False]

        # Add to case from the preview, by keyboard: focus stays on the button, the answer is polite.
        page.fill("#preview input[name=new_title]", "Focus test case")
        page.focus("#preview button.addcase-btn")
        page.keyboard.press("Enter")
        page.wait_for_function("() => document.getElementById('preview').textContent.includes('Focus test case')",
                               timeout=30_000)
        assert page.evaluate(FOCUSED) == ["BUTTON", "addcase-btn", None, True]
        assert page.get_attribute("#preview .added", "aria-live") == "polite"
        assert "Focus test case" in page.inner_text("#preview .added")

        # j from inside the preview: the preview is swapped away; focus goes to the row, not to the body.
        page.keyboard.press("j")
        page.wait_for_function(f"() => document.querySelector('li.item.sel').dataset.id !== {second!r}")
        page.wait_for_selector("#preview form.casepick", timeout=30_000)
        third = page.get_attribute("li.item.sel", "data-id")
        assert page.evaluate(FOCUSED) == ["LI", "item sel", third, False]
    assert not errors, errors


HIT_FOCUSED = ("() => { const a = document.activeElement, li = a.closest('ol.hits > li');"
               " return [a.tagName, a.className, li ? [...li.parentNode.children].indexOf(li) : null]; }")


def test_add_to_case_from_a_search_hit_keeps_focus_on_its_button(app: object, server: str) -> None:  # noqa: F811
    with signed_in(server) as (page, errors):
        page.goto(f"{server}/search?q=new")
        assert page.locator("ol.hits > li button.addhit").count() >= 2
        page.select_option("#hitcase-id", "new")
        page.fill("#hitcase-title", "Hit focus case")
        # The second hit, by keyboard: focus stays on its button, its polite line says the answer.
        page.focus("ol.hits > li:nth-child(2) button.addhit")
        page.keyboard.press("Enter")
        page.wait_for_function("() => document.querySelector('ol.hits > li:nth-child(2)').textContent"
                               ".includes('Hit focus case')", timeout=30_000)
        added = "ol.hits > li:nth-child(2) .added"
        assert page.evaluate(HIT_FOCUSED) == ["BUTTON", "addhit", 1]
        assert page.get_attribute(added, "aria-live") == "polite"
        assert page.inner_text("ol.hits > li:nth-child(1) .added") == ""
    assert not errors, errors
