"""What the third usability round found that only a browser shows (docs/app.md, "Read as an analyst"), in
Debian's headless Chromium: the Map with every plotted place on screen, the busiest named without a hover and no
two names on top of each other; a decided queue row's state in Spanish."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
import sqlalchemy as sa

from tests.app.test_analyst_day_browser import signed_in
from tests.app.test_app_browser import CHROMIUM, screens, server  # noqa: F401  (fixtures)

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium: apt-get install chromium")

# Far from the synthetic corpus's North American flows: on the demo these were off screen.
FAR = (("far-syd", "Sydney, NSW"), ("far-mtl", "Montréal, QC"), ("far-syd2", "Sydney, NSW"))


def _period(app: object, tmp_path: Path) -> tuple[str, str]:
    """Adds ads in far cities inside the corpus's period and links the store; the period's first and last day."""
    from adtrace.linking.run import link_store
    from adtrace.storage.ingest import IngestOptions, ingest

    engine: sa.Engine = app.state.adtrace.engine  # type: ignore[attr-defined]
    with engine.connect() as conn:
        first, last = conn.execute(sa.text("SELECT min(posted_at), max(posted_at) FROM documents")).one()
    path = tmp_path / "far.jsonl"
    path.write_bytes(b"".join(orjson.dumps({"id": i, "source": "test", "kind": "ad", "posted_at": last,
                                            "location": where, "text": f"Sweet and discreet, visiting {where}"})
                              + b"\n" for i, where in FAR))
    ingest(app.state.adtrace.store, [str(path)], IngestOptions(workers=1))  # type: ignore[attr-defined]
    link_store(engine)
    return str(first)[:10], str(last)[:10]


def _inside(box: dict[str, float], r: dict[str, float]) -> bool:
    return box["left"] <= r["x"] and r["x"] <= box["right"] and box["top"] <= r["y"] <= box["bottom"]


def test_the_map_opens_on_every_place_and_names_the_busiest(app: object, server: str, screens: Path,  # noqa: F811
                                                            tmp_path: Path) -> None:
    """The Map framed the high-risk flows only, so cities with ads lay off screen (Sydney, Montréal), and its
    circles carried no names until hovered. It opens fitted to every plotted place and names the busiest,
    hiding a name that would overlap a busier one's."""
    first, last = _period(app, tmp_path)
    with signed_in(server, "analyst") as (page, errors):
        page.goto(f"{server}/map?date_from={first}&date_to={last}&min_risk=0")
        page.wait_for_selector("#map.ready")
        data: dict[str, Any] = orjson.loads(page.locator("#page-data").text_content() or "{}")
        assert data["flows"], "no flows to frame: the test needs moves between cities"
        assert any(c["city"].startswith("Sydney") for c in data["cities"])
        page.screenshot(path=str(screens / "map-opened.png"), full_page=True)
        box = page.evaluate("() => { const r = document.getElementById('map').getBoundingClientRect();"
                            " return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; }")
        # Each city circle's centre (filled paths; flow lines are drawn without fill) lies inside the map.
        centres = page.evaluate("() => [...document.querySelectorAll('#map path.leaflet-interactive:not([fill=none])')]"
                                ".map((p) => { const r = p.getBoundingClientRect();"
                                " return {x: r.left + r.width / 2, y: r.top + r.height / 2}; })")
        assert len(centres) == len(data["cities"])
        outside = [c for c in centres if not _inside(box, c)]
        assert not outside, f"{len(outside)} of {len(centres)} places off screen"
        # The busiest places are named without a hover, and no two names overlap.
        labels = page.evaluate("() => [...document.querySelectorAll('#map .map-label')].map((el) => {"
                               " const r = el.getBoundingClientRect(); return {text: el.textContent,"
                               " shown: getComputedStyle(el).display !== 'none', left: r.left, right: r.right,"
                               " top: r.top, bottom: r.bottom}; })")
        shown = [lb for lb in labels if lb["shown"]]
        busiest = data["cities"][0]["city"].split(",")[0]
        assert shown and shown[0]["text"] == busiest, labels
        assert len(labels) <= 8 and len(labels) <= len(data["cities"])
        for i, a in enumerate(shown):
            for b in shown[i + 1:]:
                assert not (a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"]
                            and b["top"] < a["bottom"]), (a, b)
        # The threshold names its score: the highest single ad score of a cluster, not the network score.
        assert "highest ad score" in page.locator("form.row").inner_text()
    assert not errors, errors


def test_a_decided_queue_row_reads_singular_in_spanish(server: str) -> None:  # noqa: F811
    """Spanish read "confirmados" on a decided queue row (the msgid of a column of counts). The page script
    looks the state up in its context and says "confirmado", on the row and in the announcement."""
    with signed_in(server, "analyst", locale="es-ES") as (page, errors):
        page.goto(f"{server}/queue")
        page.keyboard.press("j")
        page.wait_for_selector("#preview .doctext, #preview h2", timeout=30_000)
        page.keyboard.press("c")
        page.wait_for_selector("li.item.done .status.dec-confirm")
        assert page.inner_text("li.item.done .status.dec-confirm").strip() == "confirmado"
        assert page.inner_text("#lastdecision").startswith("confirmado: ")
    assert not errors, errors
