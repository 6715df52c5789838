"""What a usability test of the web app as an analyst found that only a browser shows (docs/app.md, "Read as
an analyst"), in Debian's headless Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
import sqlalchemy as sa

from tests.app.test_analyst_day_browser import signed_in
from tests.app.test_app_browser import CHROMIUM, screens, server  # noqa: F401  (fixtures)

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium: apt-get install chromium")

# One wording, many slots: the template table gets a column per slot (the demo's biggest had 18).
BODY = ("Hi gentlemen, my name is Ann. Posted {day} {month} {date} 2026 at {hour}:{minute} in {city}. Sweet and "
        "discreet, visiting this week only. Donations {d1} min, {d2} half hour, {d3} hour, {d4} overnight. "
        "Upscale incall, no rush, private and clean place, ask for an appointment today. Age {age}. "
        "More at https://board.test/{city}/escorts/ann-sweet-discreet-{ref}/")
ADS = [dict(day="Monday", month="June", date=29, hour=11, minute=36, city="Phoenix", d1=80, d2=120, d3=180, d4=600,
            age=24, ref=35560570),
       dict(day="Friday", month="August", date=7, hour=2, minute=42, city="Reno", d1=90, d2=140, d3=200, d4=700,
            age=25, ref=45059815),
       dict(day="Sunday", month="March", date=15, hour=9, minute=5, city="Austin", d1=70, d2=110, d3=160, d4=550,
            age=23, ref=77102934)]


@pytest.fixture
def wide_template(app: object, tmp_path: Path) -> Iterator[str]:
    """A cluster joined by wording alone whose template has a dozen slots; its id."""
    from adtrace.linking.run import link_store
    from adtrace.storage.ingest import IngestOptions, ingest

    path = tmp_path / "tpl.jsonl"
    path.write_bytes(b"".join(orjson.dumps({"id": f"wide{i}", "source": "test", "text": BODY.format(**ad)}) + b"\n"
                              for i, ad in enumerate(ADS)))
    ingest(app.state.adtrace.store, [str(path)], IngestOptions(workers=1))  # type: ignore[attr-defined]
    engine: sa.Engine = app.state.adtrace.engine  # type: ignore[attr-defined]
    link_store(engine)
    with engine.connect() as conn:
        clusters = {c for (c,) in conn.execute(sa.text(
            "SELECT cluster_id FROM link_clusters WHERE doc_id LIKE 'wide%'"))}
    assert len(clusters) == 1, "the three ads share no identifier; their wording must join them"
    yield clusters.pop()


def _page_width(page: Any) -> tuple[int, int]:
    return page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")


def test_a_wide_template_table_scrolls_in_its_card_not_the_page(server: str, screens: Path,  # noqa: F811
                                                                 wide_template: str) -> None:
    """The cluster page's table of slot values (a column per slot) ran out of its card: at 1,360 px the demo's
    biggest cluster page was 1,791 px wide, at 1,024 px 1,751, pushing the side column's edge off screen."""
    with signed_in(server, "analyst") as (page, errors):
        page.set_viewport_size({"width": 1024, "height": 700})
        page.goto(f"{server}/clusters/{wide_template}")
        page.wait_for_selector("#slot-values")
        slots = page.locator("#slot-values thead th").count() - 3
        assert slots >= 10, f"the template has only {slots} slots: not wide enough to test"
        page.screenshot(path=str(screens / "cluster-wide-template.png"), full_page=True)
        scroll, client = _page_width(page)
        assert scroll <= client, f"the page scrolls sideways: {scroll} px in a {client} px window"
        # The table itself is still whole: its box scrolls.
        assert page.evaluate("() => { const t = document.getElementById('slot-values');"
                             " return t.parentElement.scrollWidth > t.parentElement.clientWidth; }")
    assert not errors, errors


def test_the_case_pdf_says_it_is_being_prepared(app: object, server: str, screens: Path) -> None:  # noqa: F811
    """The case PDF is built on request (58 s for a 1,106-ad case, docs/app.md): clicking "PDF report" showed
    nothing until the download began, so an analyst clicked again or left the page. The click now says, in a
    status region, that the PDF is being prepared and how long a large case takes."""
    from adtrace.cases import cases as cs

    engine: sa.Engine = app.state.adtrace.engine  # type: ignore[attr-defined]
    with engine.connect() as conn:
        doc_id = conn.execute(sa.text("SELECT doc_id FROM records ORDER BY risk_score DESC, doc_id LIMIT 1")).scalar_one()
    case_id = cs.create(engine, "PDF wait", "analyst").id
    cs.add_item(engine, case_id, "document", str(doc_id), "analyst")
    with signed_in(server, "analyst") as (page, errors):
        page.goto(f"{server}/cases/{case_id}")
        status = page.locator("#export-status")
        assert status.get_attribute("role") == "status" and status.inner_text() == ""
        with page.expect_download(timeout=120_000) as dl:  # built on request; slow on a loaded machine
            page.click("#export-pdf", no_wait_after=True)
            page.wait_for_function("() => document.getElementById('export-status').textContent.includes('PDF')")
        assert "Preparing the PDF" in status.inner_text()
        page.screenshot(path=str(screens / "case-pdf-preparing.png"))
        assert dl.value.suggested_filename.endswith(".pdf")
    assert not errors, errors
