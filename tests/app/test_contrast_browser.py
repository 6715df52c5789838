"""Colour contrast as Chromium draws the pages (WCAG 2.1 AA 1.4.3): a cross-check of the style-sheet reading
(tests/app/contrast.py) on real pages, where the nesting is the templates' own. Every element with words of
its own: its computed colour, faded by the opacity of it and its ancestors, on the first opaque background
colour found from it outwards (the page's if none), 4.5:1, or 3:1 for large text (24 px, 18.66 px bold).
Skipped: what nobody sees (display none, visibility hidden, clipped to 1 px), disabled controls, and the
graph and map boxes (drawn by cytoscape and Leaflet, not by our style sheets)."""

from __future__ import annotations

from typing import Any

import pytest
from coloraide import Color

from tests.app.conftest import PASSWORD
from tests.app.test_app_browser import ARGS, CHROMIUM, server  # noqa: F401  (fixture)

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium: apt-get install chromium")

# Per element with its own words: [what, colour, background, opacity, px, weight].
TEXTS = """() => {
  const out = [];
  const skip = (e) => e.closest("#graph, #map, svg, [hidden], .hp, .sr-only") || e.disabled;
  for (const e of document.body.querySelectorAll("*")) {
    const own = Array.from(e.childNodes).some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own || skip(e)) continue;
    const s = getComputedStyle(e);
    const box = e.getBoundingClientRect();
    if (s.visibility === "hidden" || s.display === "none" || box.width <= 1 || box.height <= 1) continue;
    let bg = null, alpha = 1;
    for (let a = e; a; a = a.parentElement) {
      const st = getComputedStyle(a);
      alpha *= Number(st.opacity);
      const c = st.backgroundColor;
      if (!bg && c !== "rgba(0, 0, 0, 0)" && c !== "transparent") bg = c;
    }
    const what = e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className && typeof e.className === "string"
      ? "." + e.className.trim().split(/\\s+/).join(".") : "");
    out.push([what + " «" + e.textContent.trim().slice(0, 30) + "»", s.color, bg || "rgb(255, 255, 255)", alpha,
              parseFloat(s.fontSize), Number(s.fontWeight)]);
  }
  return out;
}"""


def _below(page: Any) -> list[str]:
    out = []
    for what, fg, bg, alpha, px, weight in page.evaluate(TEXTS):
        # A faded group (opacity) fades its text and its background together over what lies behind (white).
        drawn = Color.layer([bg, "white"], space="srgb")
        seen = Color.layer([Color.layer([fg, drawn], space="srgb").set("alpha", alpha), "white"], space="srgb")
        back = Color.layer([drawn.clone().set("alpha", alpha), "white"], space="srgb")
        ratio = seen.contrast(back, method="wcag21")
        needed = 3.0 if px >= 24 or (weight >= 700 and px >= 18.66) else 4.5
        if ratio < needed - 1e-9:
            out.append(f"{page.url}: {what} {seen.to_string(hex=True)} on {back.to_string(hex=True)} "
                       f"{ratio:.2f} < {needed}")
    return out


def test_pages_as_drawn_meet_wcag_aa(server: str) -> None:  # noqa: F811
    found: list[str] = []
    counted = 0
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1360, "height": 900})
        page.goto(f"{server}/login")
        found += _below(page)
        page.fill("input[name=username]", "analyst")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("nav#mainnav")
        page.goto(f"{server}/queue")
        page.keyboard.press("j")
        page.wait_for_selector("#preview .doctext, #preview h2", timeout=30_000)
        page.keyboard.press("c")  # a decided row, greyed
        page.wait_for_selector("li.item.done")
        page.wait_for_selector("#preview .doctext, #preview h2", timeout=30_000)
        found += _below(page)
        doc = page.get_attribute("li.item.sel", "data-id")
        for path in ("/", "/search?q=tonight", f"/documents/{doc}", "/watchlists", "/alerts?kind=all", "/cases",
                     "/clusters", "/import", "/account", "/photos"):
            page.goto(f"{server}{path}")
            counted += len(page.evaluate(TEXTS))
            found += _below(page)
        browser.close()
    print(f"{counted} elements with words on 10 pages")
    assert counted > 500, counted  # 662 on the conftest store (measured): far fewer means pages lost their words
    assert not found, "\n".join(found)
