"""Issue 18 in a real headless Chromium (Debian's): an admin changes a threshold in Settings and a
document's level changes in the queue and in search; reviewers' decisions show up as measured
precision with its sample size. Screenshots go to the test's tmp dir ($ADTRACE_SCREENS)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.app.conftest import PASSWORD
from tests.app.test_analyst_day_browser import signed_in
from tests.app.test_app_browser import CHROMIUM, screens, server  # noqa: F401  (fixtures)

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium: apt-get install chromium")


def _low_doc(engine: sa.Engine) -> tuple[str, int, str]:
    """A document scoring between 25 and 40: low under the shipped thresholds (elevated from 40)."""
    with engine.connect() as conn:
        row = conn.execute(sa.text("SELECT r.doc_id, r.risk_score, d.source FROM records r JOIN documents d "
                                   "ON d.id = r.doc_id WHERE r.risk_score >= 25 AND r.risk_score < 40 "
                                   "ORDER BY r.doc_id LIMIT 1")).one()
    return str(row[0]), int(row[1]), str(row[2])


def _queue_ids(page: Any) -> list[str]:
    return list(page.eval_on_selector_all("li.item", "els => els.map(e => e.dataset.id)"))


def test_threshold_in_settings_changes_levels_in_queue_and_search(app: object, server: str,  # noqa: F811
                                                                  screens: Path) -> None:  # noqa: F811
    engine: sa.Engine = app.state.adtrace.engine  # type: ignore[attr-defined]
    doc_id, score, source = _low_doc(engine)
    with signed_in(server, "admin") as (page, errors):
        page.goto(f"{server}/queue")
        waiting = int(page.inner_text("#waiting-count").replace(",", ""))
        assert doc_id not in _queue_ids(page)
        page.goto(f"{server}/search?risk_level=elevated")
        assert page.locator(f"a[href='/documents/{doc_id}']").count() == 0

        page.goto(f"{server}/settings")
        page.fill("input[name=elevated]", str(score))
        page.fill("form[action='/settings'] input[name=password]", PASSWORD)
        page.click("form[action='/settings'] button")
        page.wait_for_selector("#relevelled")
        assert int(page.inner_text("#relevelled").split()[0]) >= 1
        page.screenshot(path=str(screens / "60-thresholds-saved.png"))

        page.goto(f"{server}/queue")
        assert int(page.inner_text("#waiting-count").replace(",", "")) > waiting
        row = page.locator(f"li.item[data-id='{doc_id}']")
        assert row.count() == 1 and "lvl-elevated" in (row.locator(".score").get_attribute("class") or "")
        page.screenshot(path=str(screens / "61-queue-after-threshold.png"))

        page.goto(f"{server}/search?source={source}")  # every document of its source, with the level facet
        page.click("a[data-facet=risk_level][data-value=elevated]")
        page.wait_for_selector(f"a[href='/documents/{doc_id}']")
        page.screenshot(path=str(screens / "62-search-after-threshold.png"))
        page.goto(f"{server}/documents/{doc_id}")
        assert "Risk level elevated" in page.inner_text("body")
    assert not errors, errors


def test_decisions_show_measured_precision_and_sample_size(app: object, server: str,  # noqa: F811
                                                           screens: Path) -> None:  # noqa: F811
    engine: sa.Engine = app.state.adtrace.engine  # type: ignore[attr-defined]
    with signed_in(server, "reviewer") as (page, errors):
        page.goto(f"{server}/queue")
        high = page.locator("#measured-precision tr[data-level=high]")
        assert "not enough reviewed documents yet (0 of 50)" in high.inner_text()
        ids = [i for i in _queue_ids(page)
               if "lvl-high" in (page.locator(f"li.item[data-id='{i}'] .score").get_attribute("class") or "")][:3]
        for n, doc_id in enumerate(ids):
            page.click(f"li.item[data-id='{doc_id}']")
            page.wait_for_selector("#preview article.preview")
            page.click(f"#decide button[data-decision={'dismiss' if n == 0 else 'confirm'}]")
            page.wait_for_selector(f"li.item.done[data-id='{doc_id}']")
        page.reload()
        high = page.locator("#measured-precision tr[data-level=high]")
        assert high.locator(".reviewed").inner_text() == "3"
        assert f"not enough reviewed documents yet ({len(ids)} of 50)" in high.inner_text()
        page.screenshot(path=str(screens / "63-precision-too-few.png"))

    # Past the minimum sample (50) the page shows the rate, its interval and its sample size. 57 more high
    # documents, reviewed outside the browser: 60 in all, 1 + 11 dismissed.
    with engine.begin() as conn:
        rows = [str(r[0]) for r in conn.execute(sa.text(
            "SELECT doc_id FROM records WHERE doc_id NOT IN (SELECT doc_id FROM review_decisions) "
            "ORDER BY doc_id LIMIT 57"))]
        conn.execute(sa.text("UPDATE records SET risk_level = 'high', risk_score = 95 WHERE doc_id IN :ids")
                     .bindparams(sa.bindparam("ids", expanding=True)), {"ids": rows})
        for n, d in enumerate(rows):
            conn.execute(sa.text("INSERT INTO review_decisions (doc_id, decision, reason, actor, at) VALUES "
                                 "(:d, :x, '', 'reviewer', '2026-01-01')"), {"d": d, "x": "dismiss" if n < 11 else "confirm"})
    with signed_in(server, "admin") as (page, errors2):
        for path in ("/queue", "/settings"):
            page.goto(f"{server}{path}")
            high = page.locator("#measured-precision tr[data-level=high]")
            assert high.locator(".reviewed").inner_text() == "60"
            # 12 dismissed of 60: precision 80 %, Wilson 95 % interval 68-88 %
            assert "80% (95 % interval 68–88%, 48 of 60)" in high.inner_text(), high.inner_text()
        page.screenshot(path=str(screens / "64-precision-measured.png"))
    assert not errors and not errors2, (errors, errors2)
