"""The link walker's pages in a real headless Chromium (Debian's): every page shape an analyst reaches, opened
once, with no console error, no uncaught script error and no Content-Security-Policy violation; the
cluster's graph and the maps drawn with something on them (vendored cytoscape.js and Leaflet).

The pages are the ones tests/app/test_link_walk.py's walk reaches as an analyst (one URL per path shape),
so a new page joins this pass as soon as the app links to it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tests.app.conftest import PASSWORD
from tests.app.test_app_browser import ARGS, CHROMIUM, server  # noqa: F401  (fixtures)
from tests.app.test_link_walk import walk, walked_app  # noqa: F401  (fixture)

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium: apt-get install chromium")

# Recorded by the page before any of its own scripts run (init scripts are not subject to the page's CSP).
CSP_SPY = """window.__csp = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline")));"""
# What must be drawn, per page shape: (selector that says the script finished, selector of a drawn thing).
DRAWN = {"/clusters/{}": [("#graph.ready", "#graph canvas"), ("#map.ready", "#map path.leaflet-interactive")],
         "/map": [("#map.ready", "#map path.leaflet-interactive")],
         "/entities/phone/{}": [("#map.ready", "#map path")]}


def _sign_in(page: object, base: str) -> None:
    page.goto(f"{base}/login")  # type: ignore[attr-defined]
    for field, value in (("username", "analyst"), ("password", PASSWORD)):
        page.fill(f"input[name={field}]", value)  # type: ignore[attr-defined]
    page.click("button[type=submit]")  # type: ignore[attr-defined]
    page.wait_for_selector("nav#mainnav")  # type: ignore[attr-defined]


def test_every_page_draws_without_script_errors(walked_app: object, server: str,  # noqa: F811
                                                login: Callable[[str], TestClient]) -> None:
    shapes: dict[str, str] = {}
    problems, _ = walk(walked_app, login("analyst"), "analyst", shapes)
    pages: dict[str, str] = {}  # one URL per path shape: a page's template, whatever its query
    for shape, url in sorted(shapes.items()):
        pages.setdefault(shape.split("?", 1)[0], url)
    assert not problems, "\n".join(problems)
    assert {"/clusters/{}", "/map", "/documents/{}", "/queue", "/cases/{}"} <= pages.keys(), sorted(pages)
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1360, "height": 900})
        page.add_init_script(CSP_SPY)
        errors: list[str] = []
        here = {"url": ""}
        page.on("console", lambda m: errors.append(f"{here['url']}: console {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(f"{here['url']}: script error {e}"))
        page.on("request", lambda r: errors.append(f"{here['url']}: off-site request {r.url}")
                if not r.url.startswith((server, "data:")) else None)
        _sign_in(page, server)
        drawn: dict[str, int] = {}
        for shape, url in sorted(pages.items()):
            here["url"] = url
            page.goto(server + url, wait_until="load")
            page.wait_for_load_state("networkidle")
            for ready, thing in DRAWN.get(shape, []):
                page.wait_for_selector(ready, timeout=30_000)
                drawn[f"{shape} {thing}"] = page.locator(thing).count()
            if shape == "/queue" and page.locator("li.item").count():
                page.locator("li.item").first.click()  # the preview loads into the page (htmx)
                page.wait_for_selector("#preview .doctext, #preview h2", timeout=30_000)
            errors += [f"{url}: CSP blocked {v}" for v in page.evaluate("window.__csp")]
        browser.close()
    assert all(n >= 1 for n in drawn.values()), drawn
    assert len(pages) >= 18, sorted(pages)  # measured: 19 page shapes on this store (an analyst)
    assert not errors, "\n".join(errors)


def test_map_tooltips_in_the_readers_language(walked_app: object, server: str) -> None:  # noqa: F811
    """The maps' hover labels are written by investigate.js: in Spanish they said "ads", "clusters" and
    "high risk" in English."""
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1360, "height": 900}, locale="es-ES")
        _sign_in(page, server)
        page.goto(f"{server}/map")
        page.wait_for_selector("#map.ready")
        # Each circle and line's label, opened as a mouse would (mouseover on the SVG path Leaflet listens to).
        labels = []
        shapes = page.locator("#map path.leaflet-interactive")
        for i in range(min(shapes.count(), 12)):
            shapes.nth(i).dispatch_event("mouseover")
            labels.append(page.locator(".leaflet-tooltip").last.inner_text())
            shapes.nth(i).dispatch_event("mouseout")
        browser.close()
    assert labels, "no labels on the map"
    english = [s for s in labels if re.search(r"\b(ads?|clusters?|high risk)\b", s)]
    assert not english, english


FOCUS = """() => { const e = document.activeElement;
  return [e.closest('#mainnav') ? e.getAttribute('href') : null, getComputedStyle(e).outlineStyle,
          e.tagName + ' ' + (e.id || e.className || e.textContent.trim().slice(0, 30))]; }"""


def test_menu_and_queue_work_from_the_keyboard(app: object, server: str) -> None:  # noqa: F811
    """From the keyboard alone (WCAG 2.1.1, 2.4.7): Tab from the top of the queue reaches every menu link, each
    element Tab lands on shows a focus outline, and the queue is worked with its keys (j selects a row and
    loads its preview, c confirms it)."""
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1360, "height": 900})
        _sign_in(page, server)
        page.goto(f"{server}/queue")
        menu = page.eval_on_selector_all("#mainnav a", "as => as.map(a => a.getAttribute('href'))")
        reached, unmarked = [], []
        for _ in range(len(menu) + 20):  # the brand, the menu button and the links come first
            page.keyboard.press("Tab")
            href, outline, what = page.evaluate(FOCUS)
            reached += [href] if href else []
            unmarked += [what] if outline == "none" and not what.startswith("BODY") else []  # BODY: Tab left the page
        page.evaluate("document.activeElement.blur()")
        waiting = int(page.inner_text("#waiting-count").replace(",", ""))
        page.keyboard.press("j")
        page.wait_for_selector("li.item.sel")
        page.wait_for_selector("#preview .doctext, #preview h2", timeout=30_000)
        selected = page.eval_on_selector("li.item.sel", "e => getComputedStyle(e).outlineStyle")
        page.keyboard.press("c")
        page.wait_for_function("n => Number(document.getElementById('waiting-count').textContent.replace(/,/g, '')) < n",
                               arg=waiting, timeout=30_000)
        browser.close()
    assert len(menu) >= 8 and not set(menu) - set(reached), (menu, reached)
    assert not unmarked, unmarked
    assert selected != "none"
