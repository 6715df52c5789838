"""Keyboard focus after an image reveal, in Debian's Chromium: pressing Enter on "Reveal image 1" swaps the
button for the picture (htmx); focus must land on the revealed picture, named by its alt text, not fall back
to the page's body, so a keyboard or screen-reader user goes on from where they were (WCAG 2.4.3)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.app.test_analyst_day_browser import signed_in
from tests.app.test_app_browser import CHROMIUM, server  # noqa: F401  (fixture)

pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium: apt-get install chromium")


def _focused_name(page: Any) -> str:
    """The accessible name Chromium's accessibility tree gives the focused element (what a screen reader says)."""
    cdp = page.context.new_cdp_session(page)
    obj = cdp.send("Runtime.evaluate", {"expression": "document.activeElement"})["result"]["objectId"]
    backend = cdp.send("DOM.describeNode", {"objectId": obj})["node"]["backendNodeId"]
    nodes = cdp.send("Accessibility.getPartialAXTree", {"backendNodeId": backend, "fetchRelatives": False})["nodes"]
    return str(nodes[0].get("name", {}).get("value", ""))


def test_enter_on_reveal_moves_focus_to_the_revealed_picture(app: object, server: str) -> None:  # noqa: F811
    store = app.state.adtrace.store  # type: ignore[attr-defined]
    doc_id = next(d for d in store.iter_ids() if (doc := store.get_document(d)) and doc.images)
    with signed_in(server) as (page, errors):
        page.goto(f"{server}/documents/{doc_id}")
        box = page.locator(".imgbox").first
        box_id = box.get_attribute("id")
        box.locator("button.reveal").focus()
        page.keyboard.press("Enter")
        page.wait_for_selector(f"#{box_id} figure.revealed img")
        page.wait_for_function("() => document.activeElement !== document.body", timeout=5000)
        focused = page.evaluate("() => { const a = document.activeElement;"
                                " return [a.tagName, a.closest('.imgbox') ? a.closest('.imgbox').id : null]; }")
        assert focused == ["IMG", box_id]
        assert _focused_name(page) == "image 1 of the document"
        # Reached by keyboard, so Chromium draws its focus ring (2.4.7): the page's CSS must not take it away.
        assert page.evaluate("() => { const a = document.activeElement;"
                             " return a.matches(':focus-visible') && getComputedStyle(a).outlineStyle !== 'none'; }")
    assert not errors, errors
