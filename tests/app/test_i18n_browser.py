"""The whole app in Spanish and in Chinese in a real headless Chromium (issue 21): the language switch
in the footer, then the main pages (dashboard, search, a document, queue, clusters and a cluster, a
case, settings, account) show translated text, `<html lang>` follows, and the ad text stays as written.
Screenshots go to $ADTRACE_SCREENS or the test's tmp dir (never committed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from adtrace.cases import cases as cs
from tests.app.test_analyst_day_browser import signed_in
from tests.app.test_app_browser import CHROMIUM, screens, server  # noqa: F401  (fixtures)

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium: apt-get install chromium")

# Per language: the switch's label, <html lang>, and for each page a phrase that must appear and the
# English phrase it replaces (which must not).
LANGS: dict[str, dict[str, Any]] = {
    "es": {"switch": "Español", "html": "es", "pages": {
        "/": ("Documentos de riesgo alto más recientes", "Newest high-risk documents"),
        "/search?q=girl": ("resultados", "Search words or an identifier"),
        "/queue": ("Cola de revisión", "Review queue"),
        "/clusters": ("Grupos", "Ads joined by shared phones"),
        "/settings": ("Umbrales de riesgo", "Risk thresholds"),
        "/account": ("Cambiar su contraseña", "Change your password"),
    }, "document": "Indicadores presentes", "cluster": "Puntuación de la red", "case": "Recopilado",
        "nav": "Panel"},
    "zh_Hans": {"switch": "简体中文", "html": "zh-Hans", "pages": {
        "/": ("最新的高风险文档", "Newest high-risk documents"),
        "/search?q=girl": ("结果", "Search words or an identifier"),
        "/queue": ("审阅队列", "Review queue"),
        "/clusters": ("聚类", "Ads joined by shared phones"),
        "/settings": ("风险阈值", "Risk thresholds"),
        "/account": ("更改您的密码", "Change your password"),
    }, "document": "存在的指标", "cluster": "网络评分", "case": "已收集", "nav": "仪表板"},
}


def _check(page: Any, lang: dict[str, Any], want: str, english: str | None = None) -> None:
    assert page.get_attribute("html", "lang") == lang["html"]
    body = page.inner_text("body")
    assert want in body, want
    assert english is None or english not in body, english
    assert lang["nav"] in page.inner_text("nav#mainnav")


@pytest.mark.parametrize("code", ["es", "zh_Hans"])
def test_main_pages_in_spanish_and_chinese(app: object, server: str, screens: Path, code: str) -> None:  # noqa: F811
    from adtrace.linking.run import link_store

    lang = LANGS[code]
    engine: sa.Engine = app.state.adtrace.engine  # type: ignore[attr-defined]
    store = app.state.adtrace.store  # type: ignore[attr-defined]
    link_store(engine)
    with engine.connect() as conn:
        cluster = conn.execute(sa.text("SELECT cluster_id FROM link_summaries ORDER BY documents DESC LIMIT 1")).scalar()
        doc_id = conn.execute(sa.text("SELECT doc_id FROM records WHERE risk_level = 'high' LIMIT 1")).scalar()
    case = cs.add_item(store, cs.create(store, "Synthetic case", "admin").id, "cluster", str(cluster), "admin")
    # The browser asks for English; the switch in the footer decides (saved to the account).
    with signed_in(server, "admin", locale="en-US") as (page, errors):
        assert page.get_attribute("html", "lang") == "en"
        page.click(f"nav#language button:has-text('{lang['switch']}')")
        page.wait_for_selector(f"html[lang='{lang['html']}']")
        for n, (path, (want, english)) in enumerate(lang["pages"].items()):
            page.goto(f"{server}{path}")
            _check(page, lang, want, english)
            page.screenshot(path=str(screens / f"i18n-{code}-{n}{path.replace('/', '_').split('?')[0]}.png"),
                            full_page=True)
        page.goto(f"{server}/documents/{doc_id}")
        _check(page, lang, lang["document"])
        text = (store.get_document(str(doc_id)).text or "")[:12]
        assert text and text in page.inner_text(".doctext")  # the ad itself is never translated
        page.screenshot(path=str(screens / f"i18n-{code}-document.png"), full_page=True)
        page.goto(f"{server}/clusters/{cluster}")
        _check(page, lang, lang["cluster"])
        page.screenshot(path=str(screens / f"i18n-{code}-cluster.png"), full_page=True)
        page.goto(f"{server}/cases/{case.id}")
        _check(page, lang, lang["case"])
        assert "Synthetic case" in page.inner_text("h1")
        page.screenshot(path=str(screens / f"i18n-{code}-case.png"), full_page=True)
        # Back to English with the same switch.
        page.click("nav#language button:has-text('English')")
        page.wait_for_selector("html[lang='en']")
        assert "Cases" in page.inner_text("nav#mainnav")
    assert not errors, errors


def test_signed_out_switch_and_browser_language(server: str, screens: Path) -> None:  # noqa: F811
    from tests.app.test_app_browser import ARGS

    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        page = browser.new_page(locale="zh-CN")  # Accept-Language: zh-CN
        page.goto(f"{server}/login")
        assert page.get_attribute("html", "lang") == "zh-Hans" and "登录" in page.inner_text("main")
        page.click("nav#language a:has-text('Español')")
        page.wait_for_selector("html[lang='es']")
        assert "Iniciar sesión" in page.inner_text("main")
        page.goto(f"{server}/login")  # the cookie remembers the switch over the browser's language
        assert page.get_attribute("html", "lang") == "es"
        page.screenshot(path=str(screens / "i18n-login-es.png"))
        browser.close()
