"""Legal holds and format downloads in a real headless Chromium (Debian's): an analyst places a hold on a
case from its page, sees who/when/why, downloads the case graph and STIX bundle, and releases the hold;
a reviewer sees the hold on a held document but gets no form.

Screenshots go to $ADTRACE_SCREENS or the test's tmp dir.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import orjson
import pytest

from tests.app.conftest import PASSWORD
from tests.app.test_app_browser import ARGS, CHROMIUM, screens, server  # noqa: F401  (fixtures)
from tests.app.test_formats_pages import _setup

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium: apt-get install chromium")


def _login(page: object, base: str, who: str) -> None:
    page.goto(f"{base}/login")  # type: ignore[attr-defined]
    page.fill("input[name=username]", who)  # type: ignore[attr-defined]
    page.fill("input[name=password]", PASSWORD)  # type: ignore[attr-defined]
    page.click("button[type=submit]")  # type: ignore[attr-defined]
    page.wait_for_load_state()  # type: ignore[attr-defined]


def test_hold_and_downloads_in_the_browser(app: object, server: str, screens: Path, tmp_path: Path) -> None:  # noqa: F811
    from adtrace.cases import holds

    case_id, _cluster, doc = _setup(app)
    engine = app.state.adtrace.engine  # type: ignore[attr-defined]
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1360, "height": 900}, accept_downloads=True)
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        _login(page, server, "analyst")
        page.goto(f"{server}/cases/{case_id}")
        assert "No legal hold." in page.inner_text("#holds")
        page.fill("#holds form.place-hold input[name=reason]", "CyberTipline report 123 (REPORT Act: one year)")
        page.click("#holds .place-hold-btn")
        page.wait_for_selector("#holds .hold")
        held = page.inner_text("#holds .hold")
        assert "Under legal hold" in held and "analyst" in held and "CyberTipline report 123" in held
        assert page.get_attribute("#holds time", "datetime")
        page.screenshot(path=str(screens / "holds-01-case.png"), full_page=True)

        with page.expect_download(timeout=120_000) as dl:  # a PDF/export is built on request; slow on a loaded machine
            page.click("#formats a.dl-graphml", no_wait_after=True)
        graph = nx.read_graphml(dl.value.path())
        assert any(str(n).startswith("doc:") for n in graph.nodes)
        with page.expect_download(timeout=120_000) as dl:  # a PDF/export is built on request; slow on a loaded machine
            page.click("#formats a.dl-stix", no_wait_after=True)
        bundle = orjson.loads(Path(dl.value.path()).read_bytes())
        assert bundle["type"] == "bundle" and any(o["type"] == "grouping" for o in bundle["objects"])

        page.fill("#holds .hold input[name=reason]", "report closed")
        page.click("#holds .release-hold")
        page.wait_for_selector("#holds >> text=No legal hold.")
        assert not holds.list_holds(engine, kind="case", ref=str(case_id))

        # A document hold placed elsewhere shows on the document's page, read-only for a reviewer.
        holds.place(engine, "document", doc, "admin", "court order 7")
        page.context.clear_cookies()
        _login(page, server, "reviewer")
        page.goto(f"{server}/documents/{doc}")
        text = page.inner_text("#holds")
        assert "court order 7" in text and "admin" in text
        assert page.locator("#holds form").count() == 0
        page.screenshot(path=str(screens / "holds-02-document.png"), full_page=True)
        browser.close()
    assert not errors, errors
