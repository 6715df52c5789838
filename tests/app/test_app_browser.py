"""A real headless Chromium (Debian's, never a downloaded one) against the real server.

Log in, triage three queue items by keyboard, search with a facet, open a document, reveal an image,
and find the reveal in the audit log. Screenshots go to $ADTRACE_SCREENS or the test's tmp dir.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.app.conftest import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium: apt-get install chromium")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(app: object) -> Iterator[str]:
    import uvicorn

    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))  # type: ignore[arg-type]
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(500):  # waiting for start-up, not timing anything
        if srv.started:
            break
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)


@pytest.fixture
def screens(tmp_path: Path) -> Path:
    out = Path(os.environ.get("ADTRACE_SCREENS") or tmp_path / "screens")
    out.mkdir(parents=True, exist_ok=True)
    print(f"screenshots: {out}")
    return out


def test_analyst_flow(app: object, server: str, screens: Path) -> None:
    engine: sa.Engine = app.state.adtrace.engine  # type: ignore[attr-defined]
    store = app.state.adtrace.store  # type: ignore[attr-defined]
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1360, "height": 900})
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("request", lambda r: errors.append(f"off-site request {r.url}") if not r.url.startswith(server)
                else None)

        page.goto(f"{server}/")
        assert "/login" in page.url
        page.screenshot(path=str(screens / "01-login.png"))
        page.fill("input[name=username]", "analyst")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("text=Newest high-risk documents")
        page.screenshot(path=str(screens / "02-dashboard.png"), full_page=True)

        # Triage by keyboard: j selects the first, c confirms, d dismisses, e escalates with a reason.
        page.goto(f"{server}/queue")
        first_ids = page.eval_on_selector_all("li.item", "els => els.slice(0, 3).map(e => e.dataset.id)")
        page.keyboard.press("j")
        page.wait_for_selector("#preview article.preview")
        page.screenshot(path=str(screens / "03-queue.png"))
        page.keyboard.press("c")
        page.wait_for_selector("li.item.done >> nth=0")
        page.keyboard.press("d")
        page.locator("li.item.done").nth(1).wait_for()
        page.keyboard.press("e")
        page.fill("#reasontext", "ages near youth wording; senior look")
        page.keyboard.press("Enter")
        page.locator("li.item.done").nth(2).wait_for()
        assert page.locator("li.item.done").count() == 3
        page.screenshot(path=str(screens / "04-queue-triaged.png"))
        with engine.connect() as conn:
            got = {r.doc_id: (r.decision, r.reason) for r in conn.execute(sa.text(
                "SELECT doc_id, decision, reason FROM review_decisions"))}
        assert got == {first_ids[0]: ("confirm", ""), first_ids[1]: ("dismiss", ""),
                       first_ids[2]: ("escalate", "ages near youth wording; senior look")}

        # Search, then narrow by a facet.
        page.goto(f"{server}/search?q=new")
        total_before = int(page.inner_text("section.main > p.muted").split()[0].replace(",", ""))
        page.locator("a[data-facet=source]").first.click()
        page.wait_for_selector("a.chip.on")
        page.screenshot(path=str(screens / "05-search-facet.png"), full_page=True)
        total_after = int(page.inner_text("section.main > p.muted").split()[0].replace(",", ""))
        assert 0 < total_after < total_before

        # A document with an image: evidence highlighted, image blurred until the audited reveal.
        doc_id = next(d for d in store.iter_ids() if (doc := store.get_document(d)) and doc.images
                      and (store.get_record(d) or {}).get("indicators"))
        page.goto(f"{server}/documents/{doc_id}")
        assert page.locator("mark.ev").count() > 0
        assert page.locator("img.blurred").count() > 0
        page.screenshot(path=str(screens / "06-document.png"), full_page=True)
        page.click("button.reveal >> nth=0")
        page.wait_for_selector("figure.revealed img")
        # The image loads after the element appears; on a busy machine that takes a moment (the check
        # raced it once in CI). Waiting still fails the test if the image never decodes.
        page.wait_for_function("() => { const i = document.querySelector('figure.revealed img');"
                               " return i !== null && i.complete && i.naturalWidth > 0; }", timeout=15000)
        page.screenshot(path=str(screens / "07-revealed.png"), full_page=True)

        # The auditor sees the reveal.
        page.click("text=Sign out")
        page.fill("input[name=username]", "auditor")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.goto(f"{server}/audit?action=reveal_image")
        row = page.locator("table.audit tbody tr").first
        assert doc_id in row.inner_text() and "analyst" in row.inner_text()
        page.click("text=Check the chain")
        page.wait_for_selector("#verify .ok")
        page.screenshot(path=str(screens / "08-audit.png"), full_page=True)
        browser.close()
    assert not errors, errors
