"""In a real headless Chromium: a synthetic 500-ad cluster's graph is drawn collapsed (ads behind the keys
they share, with counts), with a legend; link kinds filter, collapsing toggles, hover shows a label
and one ad's links can be highlighted. The drawing time is printed (bench/app.py reports it too)."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
import sqlalchemy as sa

from tests.app.conftest import PASSWORD
from tests.app.test_app_browser import ARGS, CHROMIUM, screens, server  # noqa: F401  (fixtures)

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium: apt-get install chromium")

# Written for this test: one operator's 500 ads over 12 phones and 5 e-mail addresses.
NAMES = ["Ann", "Bea", "Cat", "Dee", "Eve"]
WORDS = ["sweet", "fun", "classy", "petite", "friendly", "new", "discreet", "upscale", "relaxing", "playful"]


def _rgb(hex_colour: str) -> str:
    """A CSS hex colour as cytoscape reports a style colour (`rgb(r,g,b)`)."""
    h = hex_colour.strip().lstrip("#")
    h = "".join(c * 2 for c in h) if len(h) == 3 else h
    return "rgb({},{},{})".format(*(int(h[i:i + 2], 16) for i in (0, 2, 4)))


def _ads(n: int = 500) -> list[dict[str, object]]:
    out = []
    for i in range(n):
        phone = f"702 555 01{i % 12:02d}"
        email = f"{NAMES[i % 5].lower()}.bookings{i % 5}@example.com"
        words = " ".join(WORDS[(i * 7 + k) % 10] for k in range(6))
        out.append({"id": f"g{i:03d}", "source": "test", "posted_at": f"2026-{1 + i % 12:02d}-{1 + i % 27:02d}T10:00:00",
                    "title": f"{NAMES[i % 5]} {words.split()[0]} {i}",
                    "text": f"Hi, {words} company number {i}. Text {phone} or write to {email} for details."})
    return out


def test_500_ad_cluster_graph_collapses_filters_and_highlights(app: object, server: str, screens: Path,  # noqa: F811
                                                                tmp_path: Path) -> None:
    from adtrace.linking.run import link_store
    from adtrace.storage.ingest import IngestOptions, ingest

    path = tmp_path / "big.jsonl"
    path.write_bytes(b"".join(orjson.dumps(d) + b"\n" for d in _ads()))
    ingest(app.state.adtrace.store, [str(path)], IngestOptions(workers=1))  # type: ignore[attr-defined]
    engine: sa.Engine = app.state.adtrace.engine  # type: ignore[attr-defined]
    link_store(engine)
    with engine.connect() as conn:
        cluster, size = conn.execute(sa.text("SELECT cluster_id, documents FROM link_summaries s WHERE cluster_id = "
                                             "(SELECT cluster_id FROM link_clusters WHERE doc_id = 'g000')")).one()
    assert size >= 500
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1360, "height": 900})
        page.goto(f"{server}/login")
        page.fill("input[name=username]", "analyst")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("text=Newest high-risk documents")
        page.goto(f"{server}/clusters/{cluster}")
        page.wait_for_selector("#graph.ready", timeout=60000)
        box = page.locator("#graph")
        print(f"500-ad cluster graph drawn in {box.get_attribute('data-rendered')} ms "
              f"({box.get_attribute('data-nodes')} nodes; layout {box.get_attribute('data-layout')} ms)")
        nodes = int(box.get_attribute("data-nodes") or 0)
        groups = int(box.get_attribute("data-groups") or 0)
        keys = orjson.loads(box.get_attribute("data-keys") or "{}")
        assert keys.get("phone") == 12 and keys.get("email") == 5
        assert groups >= 1 and nodes < 150  # 500 ads behind 60 phone/e-mail pairs, not 500 circles
        legend = page.inner_text("#graph-legend")
        assert "high" in legend and "N ads" in legend
        assert page.locator("#graph-filters input[data-kind=phone]").count() == 1
        page.screenshot(path=str(screens / "cluster-graph-collapsed.png"), clip={"x": 0, "y": 0, "width": 1360, "height": 1000})

        page.uncheck("#graph-filters input[data-kind=phone]")  # e-mails only: five groups of 100
        page.wait_for_function("() => !('phone' in JSON.parse(document.getElementById('graph').dataset.keys))")
        assert orjson.loads(box.get_attribute("data-keys") or "{}").get("email") == 5
        page.check("#graph-filters input[data-kind=phone]")

        page.uncheck("#graph-collapse")  # every ad its own circle
        page.wait_for_function("() => Number(document.getElementById('graph').dataset.nodes) >= 500")
        page.check("#graph-collapse")
        page.wait_for_function(f"() => Number(document.getElementById('graph').dataset.nodes) === {nodes}")

        page.fill("#graph-find", "g007")  # one ad's links: its group to its phone, its e-mail (and wording)
        page.dispatch_event("#graph-find", "change")
        page.wait_for_function("() => document.getElementById('graph').dataset.highlighted")
        held = page.evaluate("() => JSON.parse(document.getElementById('page-data').textContent).graph.edges"
                             ".filter(e => e.data.source === 'd:g007').length")
        assert held >= 2 and int(box.get_attribute("data-highlighted-links") or 0) == held  # phone, e-mail, ...
        assert "g007" in page.inner_text("#graph-info")

        label = page.evaluate("() => { const cy = document.getElementById('graph').cy;"
                              " const n = cy.nodes('[type = \"key\"]')[0]; n.emit('mouseover');"
                              " return [n.data('label'), document.getElementById('graph-tip').textContent,"
                              " document.getElementById('graph-tip').hidden]; }")
        assert label[0] == label[1] and " ads" in label[1] and label[2] is False
        # The drawing's colours are the sheet's (--graph-*, checked 3:1 by test_colour_contrast.py).
        drawn = page.evaluate("() => { const cy = document.getElementById('graph').cy; cy.elements().removeClass('lit faded');"
                              " const css = getComputedStyle(document.documentElement);"
                              " const key = cy.nodes('[kind = \"phone\"]')[0]; const e = cy.edges('[!hub]')[0];"
                              " return [key.style('background-color'), css.getPropertyValue('--graph-phone'),"
                              " e.style('line-color'), css.getPropertyValue('--graph-edge'), e.style('opacity')]; }")
        assert drawn[0] == _rgb(drawn[1]) and drawn[2] == _rgb(drawn[3]) and float(drawn[4]) < 1, drawn
        page.screenshot(path=str(screens / "cluster-graph-highlight.png"), clip={"x": 0, "y": 0, "width": 1360, "height": 1000})
        browser.close()
