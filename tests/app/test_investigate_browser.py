"""Investigation pages in a real headless Chromium (Debian's): from a high-risk ad to its cluster, graph and route,
into a case, out as a PDF; then a watched phone, a new matching ad and its alert.

Screenshots go to $ADTRACE_SCREENS or the test's tmp dir.
"""

from __future__ import annotations

import io
from pathlib import Path

import orjson
import pytest
import sqlalchemy as sa

from tests.app.conftest import PASSWORD
from tests.app.test_app_browser import ARGS, CHROMIUM, screens, server  # noqa: F401  (fixtures)

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium: apt-get install chromium")


def _linked(app: object) -> str:
    """Link the store; return a high-risk document in the cluster with the longest route."""
    from adtrace.linking.run import link_store

    engine: sa.Engine = app.state.adtrace.engine  # type: ignore[attr-defined]
    link_store(engine)
    best: tuple[int, str] | None = None
    with engine.connect() as conn:
        for cid, raw in conn.execute(sa.text("SELECT cluster_id, summary FROM link_summaries")):
            stops = len(orjson.loads(raw)["movement"]["stops"])
            doc = conn.execute(sa.text("SELECT c.doc_id FROM link_clusters c JOIN records r ON r.doc_id = c.doc_id "
                                       "WHERE c.cluster_id = :c AND r.risk_level = 'high' LIMIT 1"), {"c": cid}).first()
            if doc and stops >= 2 and (best is None or stops > best[0]):
                best = (stops, str(doc[0]))
    assert best, "the synthetic store has no high-risk cluster with a route"
    return best[1]


def test_cluster_case_pdf_watchlist_alert(app: object, server: str, screens: Path, tmp_path: Path) -> None:  # noqa: F811
    from pypdf import PdfReader

    from adtrace.cases import alerts
    from adtrace.storage.ingest import IngestOptions, ingest

    doc_id = _linked(app)
    store = app.state.adtrace.store  # type: ignore[attr-defined]
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1360, "height": 900}, accept_downloads=True)
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("request", lambda r: errors.append(f"off-site request {r.url}") if not r.url.startswith(server)
                else None)
        page.goto(f"{server}/login")
        page.fill("input[name=username]", "analyst")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("text=Newest high-risk documents")

        # From the high-risk ad to its cluster: graph drawn, route on the map.
        page.goto(f"{server}/documents/{doc_id}")
        page.click("#cluster-link")
        page.wait_for_selector("#graph.ready")
        page.wait_for_selector("#map.ready")
        assert page.locator("#graph canvas").count() > 0
        n_nodes = page.evaluate("() => JSON.parse(document.getElementById('page-data').textContent).graph.nodes.length")
        assert n_nodes >= 3
        assert page.locator("#map path.leaflet-interactive").count() >= 2  # the route line and stop circles
        assert page.locator("#map path").count() > 50  # state and country outlines (no tiles)
        # The route is drawn in the sheet's colour and opacity (--map-line, checked 3:1 by test_colour_contrast.py).
        line = page.evaluate("() => { const css = getComputedStyle(document.documentElement);"
                             " const p = document.querySelector('#map path.leaflet-interactive[fill=none]');"
                             " return [p.getAttribute('stroke'), css.getPropertyValue('--map-line').trim(),"
                             " p.getAttribute('stroke-opacity'), css.getPropertyValue('--map-line-opacity').trim()]; }")
        assert line[0] == line[1] and float(line[2]) == float(line[3]), line
        # And the country and state outlines in --map-outline (the base's paths: not interactive).
        outlines = page.evaluate("() => [[...new Set([...document.querySelectorAll('#map path:not(.leaflet-interactive)')]"
                                 ".map((p) => p.getAttribute('stroke')))],"
                                 " getComputedStyle(document.documentElement).getPropertyValue('--map-outline').trim()]")
        assert outlines[0] == [outlines[1]], outlines
        page.screenshot(path=str(screens / "p2-01-cluster.png"), full_page=True)
        stops = int(page.get_attribute("#time", "max") or 0)
        page.fill("#time", "1")
        page.dispatch_event("#time", "input")
        assert page.inner_text("#time-out") == "1"
        page.fill("#time", str(stops))
        page.dispatch_event("#time", "input")
        cluster_id = page.url.rsplit("/", 1)[1]

        # Into a new case, then the PDF.
        page.fill("input[name=title]", "Circuit lead from browser test")
        page.click("#newcase-btn")
        page.wait_for_selector("text=Case 1:")
        assert cluster_id in page.inner_text("table.items")
        page.fill("textarea[name=text]", "Opened from a high-risk ad; route reviewed on the map.")
        page.click("text=Add note")
        page.screenshot(path=str(screens / "p2-02-case.png"), full_page=True)
        with page.expect_download(timeout=120_000) as dl:  # a PDF/export is built on request; slow on a loaded machine
            page.click("#export-pdf", no_wait_after=True)
        pdf_path = tmp_path / "case.pdf"
        dl.value.save_as(pdf_path)
        reader = PdfReader(io.BytesIO(pdf_path.read_bytes()))
        body = "\n".join(p.extract_text() for p in reader.pages)
        assert "Case 1: Circuit lead from browser test" in body
        assert "Evidence" in body and doc_id in body and "Indicators present" in body
        assert "1-888-373-7888" in body
        phone = next(iter(store.get_record(doc_id).get("phones") or [{"value": ""}]))["value"]
        if phone:
            assert phone[2:] not in body.replace(" ", "")  # masked by default

        # Watch a phone, ingest a new ad carrying it, see the alert (app and dashboard), acknowledge it.
        page.goto(f"{server}/watchlists")
        page.select_option("#watch-form select[name=kind]", "phone")
        page.fill("#watch-form input[name=value]", "(702) 555-0187")
        page.fill("#watch-form input[name=name]", "browser test")
        page.click("#watch-form button")
        page.wait_for_selector("table.watch >> text=+17025550187")
        new = tmp_path / "new.jsonl"
        new.write_bytes(orjson.dumps({"id": "new-ad-1", "source": "testboard", "kind": "ad",
                                      "title": "New in town", "text": "Sweet and new, call 702 555 0187 tonight",
                                      "posted_at": "2024-12-30T10:00:00Z", "location": "Las Vegas, NV"}) + b"\n")
        ingest(store, [str(new)], IngestOptions(workers=1))
        raised = alerts.evaluate(store, ["new-ad-1"])  # what ingest/crawl/screening call for new documents
        assert any(a.kind == "watchlist" for a in raised)
        page.goto(f"{server}/")
        page.wait_for_selector("li.dash-alert[data-doc='new-ad-1'] >> text=New in town")  # titles, not ids
        page.goto(f"{server}/alerts")
        item = page.locator("li.alert[data-doc='new-ad-1']").filter(has_text="watchlist").first
        assert "browser test" in item.inner_text()
        page.screenshot(path=str(screens / "p2-03-alerts.png"), full_page=True)
        item.locator("button.ack").click()
        page.wait_for_load_state()
        assert page.locator("li.alert[data-doc='new-ad-1']").filter(has_text="watchlist").count() == 0

        page.goto(f"{server}/map?date_from=2024-01-01&date_to=2025-12-31")
        page.wait_for_selector("#map.ready")
        page.screenshot(path=str(screens / "p2-04-map.png"), full_page=True)
        page.goto(f"{server}/entities/phone/{phone or '+17025550187'}")
        page.wait_for_selector("#map.ready")
        page.screenshot(path=str(screens / "p2-05-entity.png"), full_page=True)
        browser.close()
    assert not errors, errors
