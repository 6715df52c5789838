"""What the fourth walk (docs/app.md, "Seen and left (fourth walk)") found only a browser shows, in Debian's
headless Chromium at a phone's width (390 px)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app.test_analyst_day_browser import signed_in
from tests.app.test_app_browser import CHROMIUM, screens, server  # noqa: F401  (fixtures)

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium: apt-get install chromium")


def test_a_long_option_does_not_widen_the_page_on_a_phone(app: object, server: str,  # noqa: F811
                                                          screens: Path) -> None:  # noqa: F811
    """On a 390 px screen the Spanish Alerts page was 517 px wide: a select is as wide as its longest option
    ("coincidencias con listas de vigilancia y organizaciones asociadas"), so the page scrolled sideways."""
    with signed_in(server, "analyst") as (page, errors):
        page.set_viewport_size({"width": 390, "height": 844})
        for path in ("/alerts?lang=es", "/alerts?lang=zh_Hans", "/search?q=phoenix&lang=es"):
            page.goto(server + path)
            page.screenshot(path=str(screens / f"walk4-{path.strip('/').split('?')[0]}.png"), full_page=True)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, (path, width)
        assert not errors, errors


def test_a_case_note_has_room_to_write(app: object, server: str, screens: Path) -> None:  # noqa: F811
    """A case's note box was a few words wide in a typewriter font, its placeholder ("Lo que vio, lo que hizo,
    con quién se puso en contacto") cut: the box an analyst writes what they did in."""
    with signed_in(server, "analyst") as (page, errors):
        page.goto(f"{server}/cases?lang=es")
        page.fill("#new-case input[name=title]", "Walk four")
        page.click("#new-case button")
        page.wait_for_selector("#note-text")
        page.screenshot(path=str(screens / "walk4-case-note.png"), full_page=True)
        box = page.evaluate("() => { const t = document.getElementById('note-text'); const f = t.form;"
                            " return {note: t.getBoundingClientRect().width, form: f.getBoundingClientRect().width,"
                            " font: getComputedStyle(t).fontFamily, body: getComputedStyle(document.body).fontFamily}; }")
        assert box["note"] >= 0.9 * box["form"], box
        assert box["font"] == box["body"], box
        assert not errors, errors
