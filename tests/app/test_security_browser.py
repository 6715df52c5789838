"""Issue 20 item 1, end to end in Debian's Chromium: a planted document id must not drive an admin's
browser. A partner's token tries to store hostile ids through screening (refused); the same documents
are then planted straight into the store, as a database from before the id check may hold them, one of
them carrying htmx forms that set thresholds, retention and purge. An admin walks the whole queue with
`j`; htmx is also pointed at the API and at a CSV page route. Nothing changes: thresholds, retention,
document count, and no settings or purge entry in the audit log."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from adtrace.app import accounts
from adtrace.app.data.settings import get_settings
from adtrace.storage import audit
from tests.app.conftest import PASSWORD
from tests.app.test_app_browser import ARGS, CHROMIUM, screens, server, sync_api  # noqa: F401  (fixtures)
from tests.app.test_security_ids import _plant

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium: apt-get install chromium")

TARGET = "payload-doc"
HOSTILE = f"../../api/v1/documents/{TARGET}"
# What the attacker's document says: htmx attributes that post the settings forms as soon as they are
# swapped into a page (the page's hx-headers add the admin's CSRF token).
PAYLOAD = ("<form hx-post='/settings' hx-trigger='load'><input name='elevated' value='99'>"
           "<input name='high' value='100'><input name='retention_days' value='1'></form>"
           "<form hx-post='/settings/purge' hx-trigger='load delay:300ms'><input name='confirm' value='delete'>"
           "</form><form id='pwned'></form>")  # no double quotes: they survive inside a JSON string


def _state(app: object) -> tuple[object, int, list[str]]:
    engine: sa.Engine = app.state.adtrace.engine  # type: ignore[attr-defined]
    store = app.state.adtrace.store  # type: ignore[attr-defined]
    actions = [e.action for e in audit.entries(engine, limit=1000) if e.action in ("setting", "purge", "purge_dry_run")]
    return get_settings(engine), sum(1 for _ in store.iter_ids()), actions


def test_a_planted_id_cannot_drive_the_admins_browser(app: object, server: str, screens: Path) -> None:  # noqa: F811
    engine: sa.Engine = app.state.adtrace.engine  # type: ignore[attr-defined]
    partner = accounts.add_token(engine, "partner", "platform")
    r = TestClient(app).post(  # type: ignore[arg-type]
        "/api/v1/screen", headers={"Authorization": f"Bearer {partner}"},
        json={"mode": "store", "documents": [{"id": HOSTILE, "text": "new in town, call 702-555-0101"},
                                             {"id": TARGET, "text": PAYLOAD}]})
    assert r.status_code == 422  # the hostile id is refused at the door
    _plant(app, TARGET, "Fresh face, call 702-555-0188 after ten, outcall")
    _plant(app, HOSTILE)
    with engine.begin() as conn:  # the payload as the target's text; the hostile id first in the queue
        conn.execute(sa.text("UPDATE documents SET text = :t WHERE id = :d"), {"t": PAYLOAD, "d": TARGET})
        conn.execute(sa.text("UPDATE records SET risk_score = 100, risk_level = 'high' WHERE doc_id IN (:a, :b)"),
                     {"a": HOSTILE, "b": TARGET})
        conn.execute(sa.text("INSERT INTO review_decisions (doc_id, decision, reason, actor, at) "
                             "VALUES (:d, 'confirm', '', 'x', '2020-01-01')"), {"d": TARGET})  # in labels.csv
    before = _state(app)

    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1360, "height": 900})
        sent: list[str] = []
        page.on("request", lambda req: sent.append(f"{req.method} {req.url}"))
        page.goto(f"{server}/login")
        page.fill("input[name=username]", "admin")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("text=Newest high-risk documents")

        page.goto(f"{server}/queue")
        items = page.locator("li.item").count()
        assert items > 2
        hostile = page.locator("li.item").first
        assert hostile.get_attribute("data-preview") == "/queue/preview/..%2F..%2Fapi%2Fv1%2Fdocuments%2Fpayload-doc"
        for _ in range(items):  # the admin walks the whole queue
            page.keyboard.press("j")
            page.wait_for_load_state("networkidle")
        page.screenshot(path=str(screens / "security-queue-walked.png"))

        # The htmx guard on its own: the API and a non-HTML page route are never swapped into the page.
        page.evaluate("""() => { const p = document.getElementById('preview'); p.innerHTML = '<p id="kept">kept</p>';
            for (const url of ['/api/v1/documents/payload-doc', '/queue/preview/../../api/v1/documents/payload-doc',
                               '/api/v1/me', '/queue/labels.csv',
                               'https://example.org/x']) {
                try { htmx.ajax('GET', url, {target: '#preview', swap: 'innerHTML'}); } catch (e) {}
            } }""")
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(600)  # let a swapped form's 'load delay:300ms' trigger fire, if one got in
        page.wait_for_load_state("networkidle")
        assert page.locator("#kept").count() == 1 and page.locator("#pwned").count() == 0
        browser.close()

    assert not [s for s in sent if "/api/" in s], sent  # htmx never even asked the API
    assert not [s for s in sent if s.startswith("POST") and "/settings" in s], sent
    assert any("/queue/labels.csv" in s for s in sent)  # asked, answered with CSV, refused at swap time
    assert _state(app) == before
