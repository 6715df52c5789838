"""In a real headless Chromium: a cluster joined only by wording shows its template, slots highlighted,
each ad's slot values and why it joined (wording overlap, the template explains it)."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
import sqlalchemy as sa

from tests.app.conftest import PASSWORD
from tests.app.test_app_browser import ARGS, CHROMIUM, screens, server  # noqa: F401  (fixtures)

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium: apt-get install chromium")

BODY = ("Hi gentlemen, my name is Ann. Sweet and discreet, visiting {c} this week only. Upscale incall, "
        "no rush, private and clean place, {x}ask for an appointment today")


def test_wording_only_cluster_shows_template_with_slots(app: object, server: str, screens: Path,  # noqa: F811
                                                        tmp_path: Path) -> None:
    from adtrace.linking.run import link_store
    from adtrace.storage.ingest import IngestOptions, ingest

    ads = [("tplA", "Phoenix", ""), ("tplB", "Reno", "new pictures, "), ("tplC", "Austin", "")]
    path = tmp_path / "tpl.jsonl"
    path.write_bytes(b"".join(orjson.dumps({"id": i, "source": "test", "text": BODY.format(c=c, x=x)}) + b"\n"
                              for i, c, x in ads))
    store = app.state.adtrace.store  # type: ignore[attr-defined]
    ingest(store, [str(path)], IngestOptions(workers=1))
    engine: sa.Engine = app.state.adtrace.engine  # type: ignore[attr-defined]
    link_store(engine)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT doc_id, cluster_id FROM link_clusters WHERE doc_id IN ('tplA', 'tplB', "
                                    "'tplC')")).all()
    assert len({c for _d, c in rows}) == 1, "the three ads share no identifier; their wording must join them"
    cluster = rows[0][1]
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1360, "height": 900})
        page.goto(f"{server}/login")
        page.fill("input[name=username]", "analyst")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("text=Newest high-risk documents")
        page.goto(f"{server}/clusters/{cluster}")
        page.wait_for_selector("#consensus")
        consensus = page.inner_text("#consensus")
        assert "my name is" in consensus and "this week only" in consensus
        assert "Phoenix" not in consensus and "Reno" not in consensus  # slot values are not template text
        kinds = page.eval_on_selector_all("#consensus mark.slot", "els => els.map(e => e.dataset.kind)")
        assert "place" in kinds and "text" in kinds  # the city, and the words one ad adds
        table = page.inner_text("#slot-values")
        for _i, c, _x in ads:
            assert c in table
        assert "new pictures" in table
        assert table.count("yes (") == 3  # each ad's reason: overlap and the template explains it
        page.screenshot(path=str(screens / "cluster-template.png"), full_page=True)
        browser.close()
