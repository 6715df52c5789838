"""In a real headless Chromium (Debian's): a tip sent anonymously in Spanish, with a phone some ads carry,
is triaged in the Tips queue, routed by a rule to a partner, handed off (signed and downloaded on the
routed tab, as `adtrace tips route` signs), and imported on the partner's own app, where it becomes a tip lead linked to the partner's ads carrying
that phone. Both sides' audit logs hold the hand-off. Screenshots go to $ADTRACE_SCREENS or the tmp dir.
"""

from __future__ import annotations

import shutil
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from adtrace.app import create_app
from adtrace.exchange import keys as xk
from adtrace.exchange import store as xs
from tests.app.conftest import PASSWORD
from tests.app.test_app_browser import ARGS, CHROMIUM, _free_port, screens, server  # noqa: F401  (fixtures)
from tests.tips.conftest import ad_phone

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium: apt-get install chromium")
CONSORTIUM = bytes(range(32))


@pytest.fixture
def partner(template: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, str, Path]]:
    """The partner organisation: its own store (the same synthetic ads), keys and server."""
    import uvicorn

    db = tmp_path / "partner.db"
    shutil.copy(template[0], db)
    keys = tmp_path / "keys-ngo-b"
    xk.generate("ngo-b", keys)
    xk.set_consortium_key(CONSORTIUM, keys)
    monkeypatch.setenv("ADTRACE_EXCHANGE_KEYS", str(keys))  # where the partner's import finds the consortium key
    web = create_app(str(db), image_roots=(template[1],), secure_cookies=False)
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(web, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(500):  # waiting for start-up, not timing anything
        if srv.started:
            break
        time.sleep(0.02)
    yield web, f"http://127.0.0.1:{port}", keys
    srv.should_exit = True
    thread.join(10)
    web.state.adtrace.store.close()


def _login(page: Any, base: str, who: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", who)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def _actions(engine: sa.Engine) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        return [(str(a), str(b)) for a, b in conn.execute(sa.text("SELECT actor, action FROM audit_log "
                                                                  "WHERE action LIKE 'tip%' ORDER BY seq"))]


def test_spanish_tip_triaged_routed_and_imported_as_a_linked_lead(app: Any, server: str, screens: Path,  # noqa: F811
                                                                  partner: tuple[Any, str, Path],
                                                                  tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    partner_app, partner_url, _partner_keys = partner
    ours = tmp_path / "keys-ngo-a"
    xk.generate("ngo-a", ours)
    xk.set_consortium_key(CONSORTIUM, ours)
    xs.trust(partner_app.state.adtrace.engine, xk.load(ours).public_info(), "admin", "checked by phone")
    phone, ads = ad_phone(app)
    national = f"{phone[2:5]} {phone[5:8]} {phone[8:]}"
    errors: list[str] = []
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        # 1. Anyone, no account, a Spanish-speaking browser.
        public = browser.new_context(locale="es-ES", viewport={"width": 1100, "height": 900})
        page = public.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status == 404 else None)
        page.goto(f"{server}/public/tip")
        assert page.get_attribute("input[name=lang]", "value") == "es"
        assert page.locator("input[name=website]").count() == 1  # the honeypot, off-screen (.hp)
        page.fill("textarea[name=text]", f"En el restaurante de la esquina a las chicas les quitaron el pasaporte y "
                                         f"duermen en el almacén. Una parece menor de edad. El encargado contesta "
                                         f"al {national}.")
        page.fill("input[name=where]", "Tijuana")
        page.select_option("select[name=country]", "MX")
        page.select_option("select[name=about]", "labour")
        page.screenshot(path=str(screens / "tips-01-form-es.png"), full_page=True)
        page.click("button[type=submit]")
        page.wait_for_selector("#receipt")
        receipt = page.inner_text("#receipt").strip()
        assert "800 5533 000" in page.inner_text(".hotline")  # Mexico's hotline for a tip about Mexico
        page.screenshot(path=str(screens / "tips-02-receipt.png"), full_page=True)
        page.goto(f"{server}/public/tip/{receipt}")
        assert "pasaporte" not in page.content()  # a receipt adds, never reads
        page.fill("textarea[name=text]", "Ayer llegaron dos chicas más en una camioneta blanca.")
        page.click("button[type=submit]")
        page.wait_for_selector("p.ok")
        public.close()

        # 2. The admin's routing rule: labour tips about Mexico in Spanish go to ngo-b.
        ctx = browser.new_context(viewport={"width": 1360, "height": 900})
        page = ctx.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status == 404 else None)
        _login(page, server, "admin")
        page.goto(f"{server}/tips/rules")
        page.select_option("select[name=country]", "MX")
        page.select_option("select[name=about]", "labour")
        page.select_option("select[name=lang]", "es")
        page.fill("input[name=partner]", "ngo-b")
        page.click("form.card button[type=submit]")
        page.wait_for_selector("#rules >> text=ngo-b")
        page.screenshot(path=str(screens / "tips-03-rules.png"), full_page=True)
        ctx.close()

        # 3. An analyst triages: the queue suggests ngo-b; Route.
        ctx = browser.new_context(viewport={"width": 1360, "height": 900})
        page = ctx.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status == 404 else None)
        _login(page, server, "analyst")
        page.goto(f"{server}/tips")
        item = page.locator("li.tip").first
        assert "pasaporte" in item.inner_text() and "camioneta" in item.inner_text()
        assert item.locator("input[name=partner]").input_value() == "ngo-b"
        page.screenshot(path=str(screens / "tips-04-queue.png"), full_page=True)
        item.locator("button[value=route]").click()
        page.wait_for_load_state()
        page.goto(f"{server}/tips?status=routed")
        assert "ngo-b" in page.inner_text("#tips") and "hand-off pending" in page.inner_text("#tips")
        # 4. Sign and download the hand-off on the routed tab (the server has the organisation's keys here).
        monkeypatch.setenv("ADTRACE_EXCHANGE_KEYS", str(ours))  # same consortium key as the partner's
        page.screenshot(path=str(screens / "tips-04b-routed.png"), full_page=True)
        with page.expect_download() as download:
            page.click("#handoffs button")
        zipped = tmp_path / download.value.suggested_filename
        download.value.save_as(zipped)
        assert zipped.name == "tip-handoffs-to-ngo-b.zip"
        with zipfile.ZipFile(zipped) as z:
            [name] = z.namelist()
            handoff_file = tmp_path / name
            handoff_file.write_bytes(z.read(name))
        assert phone not in handoff_file.read_text() and national not in handoff_file.read_text()
        page.goto(f"{server}/tips?status=routed")
        assert "hand-off pending" not in page.inner_text("#tips") and page.locator("#handoffs").count() == 0
        # The tip's document links to the ads with its phone (entity page from the document page).
        doc_href = page.locator("li.tip a").first.get_attribute("href")
        page.goto(f"{server}{doc_href}")
        page.screenshot(path=str(screens / "tips-05-tip-document.png"), full_page=True)
        ctx.close()

        # 5. The partner imports it on its own app: a tip lead linked to its ads carrying the phone. One process
        # plays both installations: the partner's keys again, whose name the hand-off's `to` must be (AT127).
        monkeypatch.setenv("ADTRACE_EXCHANGE_KEYS", str(tmp_path / "keys-ngo-b"))
        ctx = browser.new_context(viewport={"width": 1360, "height": 900})
        page = ctx.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status == 404 else None)
        _login(page, partner_url, "analyst")
        page.goto(f"{partner_url}/tips/leads")
        page.set_input_files("input[name=file]", str(handoff_file))
        page.click("form.card button[type=submit]")
        page.wait_for_selector("li.tiplead")
        lead = page.inner_text("li.tiplead")
        assert "ngo-a" in lead and "pasaporte" in lead and "[phone " in lead and national not in lead
        linked = sorted(str(h).rsplit("/", 1)[1] for h in
                        page.locator("li.tiplead ul.linked-ads a").evaluate_all("els => els.map(e => e.getAttribute('href'))"))
        assert linked == ads
        page.screenshot(path=str(screens / "tips-06-partner-lead.png"), full_page=True)
        page.locator("li.tiplead ul.linked-ads a").first.click()
        page.wait_for_load_state()
        assert phone[2:5] in page.content() or "documents" in page.url
        ctx.close()
        browser.close()
    assert not errors, errors
    assert ("public", "tip") in _actions(app.state.adtrace.engine)
    assert ("analyst", "tip_decision") in _actions(app.state.adtrace.engine)
    assert ("analyst", "tip_handoff") in _actions(app.state.adtrace.engine)
    assert ("admin", "tip_rule") in _actions(app.state.adtrace.engine)
    assert _actions(partner_app.state.adtrace.engine) == [("analyst", "tip_import")]
