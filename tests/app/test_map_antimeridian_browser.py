"""The Map across the antimeridian, in a real headless Chromium (Debian's): a map spanning the globe must not
draw straight lines across the world where outlines cross ±180 (the vendored world-atlas stitches Russia's
Chukotka and Wrangel Island, Fiji and Antarctica across it), and a flow between places on either side of it
(Tokyo to Honolulu, Sydney to Los Angeles) takes the short way, over the Pacific, cut at the world's edge.

What is checked is what Leaflet drew: the SVG paths' own pixel coordinates, against the world's width on screen
(the widest outline: Antarctica's, from -180 to 180). Screenshots go to $ADTRACE_SCREENS or the test's tmp dir.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from adtrace.storage import clusterstore
from adtrace.storage.db import write
from tests.app.conftest import PASSWORD
from tests.app.test_app_browser import ARGS, CHROMIUM, screens, server  # noqa: F401  (fixtures)

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium: apt-get install chromium")

TOKYO, HONOLULU = (35.6895, 139.6917), (21.3069, -157.8583)
SYDNEY, LOS_ANGELES = (-33.8679, 151.2073), (34.0522, -118.2437)

# Every segment of every path in the map (outlines, then the flows): [x0, y0, x1, y1] in pixels, per path.
SEGMENTS = """(selector) => [...document.querySelectorAll(selector)].map((p) => {
  const out = [];
  let start = null, last = null;
  for (const m of (p.getAttribute('d') || '').matchAll(/([MLz])\\s*(?:(-?[\\d.]+)[ ,](-?[\\d.]+))?/gi)) {
    if (m[1] === 'z' || m[1] === 'Z') { if (last && start) out.push([...last, ...start]); last = start; continue; }
    const pt = [Number(m[2]), Number(m[3])];
    if (m[1] === 'M') start = pt; else out.push([...last, ...pt]);
    last = pt;
  }
  return { pieces: ((p.getAttribute('d') || '').match(/M/g) || []).length, segments: out };
})"""


def _flows(app: Any) -> None:
    """A high-risk cluster moving Tokyo -> Honolulu and one moving Sydney -> Los Angeles."""
    engine: sa.Engine = app.state.adtrace.engine
    rows = []
    for n, (a, b) in enumerate(((("Tokyo", TOKYO), ("Honolulu", HONOLULU)),
                                (("Sydney", SYDNEY), ("Los Angeles", LOS_ANGELES)))):
        stops = [{"city": name, "lat": ll[0], "lon": ll[1], "first_seen": f"2025-06-0{day}T00:00:00+00:00",
                  "last_seen": f"2025-06-0{day}T00:00:00+00:00", "documents": 1} for day, (name, ll) in enumerate((a, b), 1)]
        rows.append(clusterstore.summary_row({"cluster": f"pacific-{n}", "documents": 2, "risk_max": 100.0,
                                              "movement": {"stops": stops}}))
    with write(engine) as conn:
        clusterstore.add_summaries(conn, rows)


def test_the_map_across_the_antimeridian(app: object, server: str, screens: Path) -> None:  # noqa: F811
    _flows(app)
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1360, "height": 900})
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{server}/login")
        page.fill("input[name=username]", "analyst")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("text=Newest high-risk documents")
        page.goto(f"{server}/map?date_from=2025-01-01&date_to=2025-12-31")
        page.wait_for_selector("#map.ready")
        page.screenshot(path=str(screens / "map-antimeridian.png"), full_page=True)
        outlines = page.evaluate(SEGMENTS, "#map path:not(.leaflet-interactive)")
        flows = page.evaluate(SEGMENTS, "#map path.leaflet-interactive[fill=none]")
        browser.close()
    assert not errors, errors

    segments = [s for p in outlines for s in p["segments"]]
    assert len(outlines) > 200 and segments  # countries and states drawn
    xs, ys = [x for s in segments for x in (s[0], s[2])], [y for s in segments for y in (s[1], s[3])]
    world = max(xs) - min(xs)  # Antarctica spans the world: the whole of it is in view (fitted to every place)
    assert 200 < world < 1360, world
    # A line longer than half the world is one drawn across it. Only Antarctica's southern edge may be: its
    # ring goes round the pole and is closed along the bottom of the map.
    across = [s for s in segments if abs(s[2] - s[0]) > world / 2 and not (abs(s[1] - s[3]) < 1 and s[1] >= max(ys) - 1)]
    assert not across, f"{len(across)} outline lines across the world, e.g. {across[:3]}"

    # Both Pacific flows take the short way: cut in two at the world's edges, no leg across the world.
    assert all(abs(s[2] - s[0]) <= world / 2 for f in flows for s in f["segments"]), flows
    edges = [f for f in flows if f["pieces"] == 2]
    assert len(edges) == 2, [f["pieces"] for f in flows]
    for f in edges:
        ends = sorted(x for s in f["segments"] for x in (s[0], s[2]))
        assert ends[0] == pytest.approx(min(xs), abs=2) and ends[-1] == pytest.approx(max(xs), abs=2), (ends, xs)
