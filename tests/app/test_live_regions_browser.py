"""What a screen reader is told when htmx or the queue's script changes a page (WCAG 4.1.3), in Debian's
Chromium: a recorder installed before the page's scripts notes every change inside a live region (aria-live
polite/assertive, role status/alert/log), as a screen reader would be told it; Chromium's accessibility tree
(over CDP) must expose each region as live. Search results, an import's progress and the queue's decisions."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from adtrace.synth import write_corpus
from tests.app.conftest import PASSWORD
from tests.app.test_app_browser import ARGS, CHROMIUM, server  # noqa: F401  (fixture)

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium: apt-get install chromium")

LIVE = "[aria-live=polite], [aria-live=assertive], [role=status], [role=alert], [role=log]"
# Runs before the page's own scripts: [region id, its words] each time a live region is changed (even to the
# same words: a screen reader may say them again), and each role=alert put into the page (said on insertion);
# from the end of parsing (what the page opens with is read as the page, not announced).
RECORDER = """window.__said = [];
let __open = false;
document.addEventListener("DOMContentLoaded", function () { __open = true; });
new MutationObserver(function (changes) {
  if (!__open) return;
  const changed = new Set();
  changes.forEach(function (m) {
    const at = m.target.nodeType === 1 ? m.target : m.target.parentElement;
    const region = at && at.closest(LIVE);
    if (region) changed.add(region);
    m.addedNodes.forEach(function (n) {
      if (n.nodeType !== 1) return;
      if (n.matches("[role=alert]")) changed.add(n);
      n.querySelectorAll("[role=alert]").forEach(function (a) { changed.add(a); });
    });
  });
  changed.forEach(function (region) {
    const words = region.textContent.replace(/\\s+/g, " ").trim();
    if (words) window.__said.push([region.id, words]);
  });
}).observe(document, { subtree: true, childList: true, characterData: true });""".replace("LIVE", json.dumps(LIVE))


@pytest.fixture
def page(server: str) -> Iterator[Any]:  # noqa: F811
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1360, "height": 900})
        page.add_init_script(RECORDER)
        page.goto(f"{server}/login")
        page.fill("input[name=username]", "analyst")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("nav#mainnav")
        yield page
        browser.close()


def _said(page: Any, region: str) -> list[str]:
    return [words for at, words in page.evaluate("window.__said") if at == region]


def _live_in_chromium(page: Any, region: str) -> str:
    """The `live` property Chromium's accessibility tree gives the region (what screen readers read)."""
    cdp = page.context.new_cdp_session(page)
    backend = cdp.send("DOM.describeNode", {"objectId": cdp.send("Runtime.evaluate", {
        "expression": f"document.getElementById({region!r})"})["result"]["objectId"]})["node"]["backendNodeId"]
    nodes = cdp.send("Accessibility.getPartialAXTree", {"backendNodeId": backend, "fetchRelatives": False})["nodes"]
    props = {p["name"]: p["value"].get("value") for n in nodes for p in n.get("properties", [])}
    return str(props.get("live", "off"))


def test_search_results_are_announced(page: Any, server: str) -> None:  # noqa: F811
    page.goto(f"{server}/search")
    page.fill("#q", "tonight")
    page.press("#q", "Enter")  # htmx swaps #results; the page stays
    page.wait_for_function("() => document.getElementById('results-live').textContent.length > 0", timeout=30_000)
    count = page.inner_text("[data-live=results-live]").strip()
    assert count.endswith("documents"), count
    assert _said(page, "results-live") == [count]
    assert _live_in_chromium(page, "results-live") == "polite"
    page.fill("#q", "tonight OR hello")
    page.press("#q", "Enter")
    page.wait_for_function("n => window.__said.filter(s => s[0] === 'results-live').length > n", arg=1,
                           timeout=30_000)
    assert _said(page, "results-live")[-1] == page.inner_text("[data-live=results-live]").strip()


def test_an_import_says_each_state_once(page: Any, server: str, tmp_path: Path) -> None:  # noqa: F811
    feed = tmp_path / "feed.jsonl"
    with feed.open("wb") as fh:
        write_corpus(400, 11, fh)  # enough that the job page opens before the job ends (polled every 1 s)
    page.goto(f"{server}/import")
    page.set_input_files("#upload input[name=file]", str(feed))
    page.click("#upload button")
    page.wait_for_selector("#job")
    opened = page.get_attribute("#job", "data-state")
    page.wait_for_selector("#job[data-state=done]", timeout=120_000)
    said = _said(page, "job-live")
    assert opened != "done", "the job ended before its page opened: nothing to announce; use a bigger feed"
    # One announcement per change of state, whatever the number of polls; the last is the end.
    assert said and said[-1] == page.inner_text("#job h2").strip(), said
    assert len(said) == len(set(said)) <= 4, said
    assert _live_in_chromium(page, "job-live") == "polite"


def test_queue_decisions_and_counts_are_announced(page: Any, server: str) -> None:  # noqa: F811
    page.goto(f"{server}/queue")
    waiting = int(page.inner_text("#waiting-count").replace(",", ""))
    page.keyboard.press("j")
    page.wait_for_selector("#preview .doctext, #preview h2", timeout=30_000)
    title = page.inner_text("li.item.sel .t").strip()[:50]
    page.keyboard.press("c")
    page.wait_for_function("() => document.getElementById('lastdecision').textContent.length > 0", timeout=30_000)
    # A decision that is not saved (the server fails) is said at once (role=alert).
    page.route("**/queue/decide", lambda route: route.fulfill(status=503, body=""))
    page.wait_for_selector("li.item.sel")
    page.keyboard.press("c")
    page.wait_for_function("() => document.getElementById('decision-error').textContent.length > 0", timeout=30_000)
    assert _said(page, "waiting") == [f"{waiting - 1:,} waiting"]
    assert _said(page, "lastdecision") == [f"confirmed: {title}"]  # the state, not the button's verb
    assert _said(page, "decision-error") == [f"not saved: {page.inner_text('li.item.sel .t').strip()[:50]}"]
    assert [_live_in_chromium(page, r) for r in ("waiting", "lastdecision", "decision-error")] == [
        "polite", "polite", "assertive"]
