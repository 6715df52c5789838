"""No shell for everyday work (issue 19 items 12-15), in Debian's headless Chromium: an admin manages users,
roles, passwords and API tokens; everyone changes their own password; an analyst imports files with a
CSV column mapping and a progress bar; errors sit beside their field; a 390 px phone gets a menu button.

Screenshots go to $ADTRACE_SCREENS or the test's tmp dir.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from adtrace.storage import audit
from tests.app.conftest import PASSWORD
from tests.app.test_app_browser import ARGS, CHROMIUM, screens, server  # noqa: F401  (fixtures)

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium: apt-get install chromium")


@contextmanager
def browser_page(base: str, width: int = 1360, **kw: Any) -> Iterator[tuple[Any, list[str]]]:
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": width, "height": 900}, **kw)
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("request", lambda r: errors.append(f"off-site request {r.url}") if not r.url.startswith(base)
                else None)
        yield page, errors
        browser.close()


def sign_in(page: Any, base: str, user: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_selector("header.top")


def _actions(engine: sa.Engine) -> list[tuple[str, str, str]]:
    return [(e.actor, e.action, e.target) for e in audit.entries(engine, limit=500)]


def _manage(page: Any, user: str) -> Any:
    row = page.locator(f"tr#user-{user}")
    details = row.locator("details.manage")
    if details.get_attribute("open") is None:
        row.locator("summary").click()
    return row


def _real_errors(errors: list[str]) -> list[str]:
    # Chromium logs each 4xx answer to a form post as a failed resource; nothing else may be logged.
    return [e for e in errors if not re.search(r"status of 4\d\d", e)]


def test_admin_manages_users_roles_passwords_and_tokens(app: object, server: str, screens: Path) -> None:  # noqa: F811
    engine: sa.Engine = app.state.adtrace.engine  # type: ignore[attr-defined]
    with browser_page(server) as (page, errors):
        sign_in(page, server, "admin")
        page.click("header.top nav >> text=Users")
        page.wait_for_selector("h1:has-text('Users')")

        # A wrong confirmation password: the error sits beside that field, what was typed stays.
        form = page.locator("#add-user form")
        form.locator("input[name=username]").fill("carol")
        form.locator("select[name=role]").select_option("reviewer")
        form.locator("input[name=random]").check()
        form.locator("input[name=password]").fill("not my password")
        form.locator("button").click()
        page.wait_for_selector("#add-user .field-error[data-field='add.password']")
        assert page.locator("#add-user input[name=username]").input_value() == "carol"
        assert page.locator("#add-user select[name=role]").input_value() == "reviewer"
        page.screenshot(path=str(screens / "a1-users-inline-error.png"), full_page=True)

        # A weak typed password is refused with the CLI's strength check, beside the password field.
        form = page.locator("#add-user form")
        form.locator("input[name=random]").uncheck()
        form.locator("input[name=new_password]").fill("password2024")
        form.locator("input[name=password]").fill(PASSWORD)
        form.locator("button").click()
        page.wait_for_selector("#add-user .field-error[data-field='add.new_password']")
        assert "guess" in page.inner_text("#add-user .field-error")

        # Add with a random password, shown once.
        form = page.locator("#add-user form")
        form.locator("input[name=random]").check()
        form.locator("input[name=password]").fill(PASSWORD)
        form.locator("button").click()
        page.wait_for_selector("#once-value")
        first = page.inner_text("#once-value").strip()
        assert len(first) >= 12 and page.locator("tr#user-carol").count() == 1
        page.screenshot(path=str(screens / "a2-users-added.png"), full_page=True)
        page.goto(f"{server}/users")
        assert first not in page.content()  # shown once only

        # Change role, disable, reset (a new one-time password; the account is enabled again).
        row = _manage(page, "carol")
        row.locator("form[action$='/role'] select").select_option("analyst")
        row.locator("form[action$='/role'] input[name=password]").fill(PASSWORD)
        row.locator("form[action$='/role'] button").click()
        page.wait_for_selector("tr#user-carol td:has-text('analyst')")
        row = _manage(page, "carol")
        row.locator("form[action$='/active'] input[name=password]").fill(PASSWORD)
        row.locator("form[action$='/active'] button").click()
        page.wait_for_selector("tr#user-carol .error:has-text('disabled')")
        row = _manage(page, "carol")
        row.locator("form[action$='/reset'] input[name=password]").fill(PASSWORD)
        row.locator("form[action$='/reset'] button").click()
        page.wait_for_selector("#once-value")
        carol_pw = page.inner_text("#once-value").strip()
        assert carol_pw != first

        # The last admin cannot lock everyone out.
        row = _manage(page, "admin")
        row.locator("form[action$='/active'] input[name=password]").fill(PASSWORD)
        row.locator("form[action$='/active'] button").click()
        page.wait_for_selector(".field-error:has-text('last active admin')")

        # An API token made in the browser, shown once, works on the API; revoked, it stops.
        page.goto(f"{server}/users#tokens")
        tok = page.locator("#new-token")
        tok.locator("select[name=owner]").select_option("analyst")
        tok.locator("input[name=name]").fill("screening service")
        tok.locator("input[name=password]").fill(PASSWORD)
        tok.locator("button").click()
        page.wait_for_selector("#once-value")
        token = page.inner_text("#once-value").strip()
        assert token.startswith("atk_")
        me = httpx.get(f"{server}/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 200 and me.json()["username"] == "analyst"
        page.screenshot(path=str(screens / "a3-users-token.png"), full_page=True)
        page.goto(f"{server}/users#tokens")
        page.locator("#tokens tr:has-text('screening service') button:has-text('Revoke')").click()
        page.wait_for_selector("#tokens tr:has-text('screening service') :text('revoked')")
        assert httpx.get(f"{server}/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401

    # Carol signs in with the one-time password and changes it on her Account page.
    with browser_page(server) as (page, errors2):
        sign_in(page, server, "carol", carol_pw)
        page.click("header.top .who a[href='/account']")
        form = page.locator("#password form")
        form.locator("input[name=current]").fill("wrong current password")
        form.locator("input[name=new_password]").fill("velvet tundra marmalade 42")
        form.locator("input[name=repeat]").fill("velvet tundra marmalade 42")
        form.locator("button").click()
        page.wait_for_selector("#password .field-error[data-field=current]")
        form = page.locator("#password form")
        form.locator("input[name=current]").fill(carol_pw)
        form.locator("input[name=new_password]").fill("carol12345")
        form.locator("input[name=repeat]").fill("carol12345")
        form.locator("button").click()
        page.wait_for_selector("#password .field-error[data-field=new_password]")
        form = page.locator("#password form")
        form.locator("input[name=current]").fill(carol_pw)
        form.locator("input[name=new_password]").fill("velvet tundra marmalade 42")
        form.locator("input[name=repeat]").fill("velvet tundra marmalade 42")
        form.locator("button").click()
        page.wait_for_selector("#done")
        # Her own API token, from the same page.
        page.locator("#new-token input[name=name]").fill("laptop")
        page.locator("#new-token input[name=password]").fill("velvet tundra marmalade 42")
        page.locator("#new-token button").click()
        page.wait_for_selector("#once-value")
        own = page.inner_text("#once-value").strip()
        assert httpx.get(f"{server}/api/v1/me", headers={"Authorization": f"Bearer {own}"}).json()["username"] == "carol"
        page.screenshot(path=str(screens / "a4-account.png"), full_page=True)
    with browser_page(server) as (page, _):
        sign_in(page, server, "carol", "velvet tundra marmalade 42")  # the new password works
        assert "/login" not in page.url

    acts = _actions(engine)
    for want in (("admin", "user_add", "carol"), ("admin", "user_role", "carol"), ("admin", "user_disable", "carol"),
                 ("admin", "user_reset", "carol"), ("admin", "token_add", "analyst"),
                 ("admin", "token_revoke", "analyst"), ("carol", "password_change", "carol"),
                 ("carol", "token_add", "carol")):
        assert want in acts, want
    assert not _real_errors(errors) and not _real_errors(errors2), (errors, errors2)


CSV = (
    "ref,headline,body,when,price\n"
    "imp-1,New in town,\"Sweet girl new in town, call 702 555 0143 now\",2026-11-02,120\n"
    "imp-2,Spa,\"Relaxing massage, ask for Lily, 702-555-0177\",2026-11-03,80\n"
    "imp-3,broken row,only three cells\n"
    "imp-4,Hiring,\"Waitress wanted abroad, free travel and visa, text 702 555 0190\",2026-11-04,\n"
)


def test_import_csv_with_mapping_progress_errors_and_link(app: object, server: str, screens: Path,  # noqa: F811
                                                          tmp_path: Path) -> None:
    engine: sa.Engine = app.state.adtrace.engine  # type: ignore[attr-defined]
    store = app.state.adtrace.store  # type: ignore[attr-defined]
    csv_file = tmp_path / "partner-ads.csv"
    csv_file.write_text(CSV, encoding="utf-8")
    bad_jsonl = tmp_path / "feed.jsonl"
    bad_jsonl.write_text('{"id": "imp-9", "text": "Fresh arrival, 702 555 0111"}\n{"id": "imp-10", "text": \n',
                         encoding="utf-8")
    wrong = tmp_path / "notes.txt"
    wrong.write_text("hello", encoding="utf-8")
    with browser_page(server) as (page, errors):
        sign_in(page, server, "analyst")
        page.click("header.top nav >> text=Import")
        page.wait_for_selector("h1:has-text('Import')")
        assert "<code>adtrace " not in page.content()  # no CLI instructions on a web page

        # A file whose name names no format: beside the file field, the other fields kept.
        page.set_input_files("#upload input[name=file]", str(wrong))
        page.fill("#upload input[name=source]", "partner-x")
        page.click("#upload button")
        page.wait_for_selector("#upload .field-error[data-field=file]")
        assert page.locator("#upload input[name=source]").input_value() == "partner-x"

        # CSV: the mapping page shows the columns; a missing text column is refused beside it.
        page.set_input_files("#upload input[name=file]", str(csv_file))
        page.click("#upload button")
        page.wait_for_selector("#mapping")
        assert "headline" in page.inner_text("#mapping table")
        mapping = page.locator("#mapping form")
        mapping.locator("select[name=text]").select_option("")
        mapping.locator("button").click()
        page.wait_for_selector("#mapping .field-error[data-field=text]")
        mapping = page.locator("#mapping form")
        mapping.locator("select[name=text]").select_option("body")
        mapping.locator("select[name=title]").select_option("headline")
        mapping.locator("select[name=id]").select_option("ref")
        mapping.locator("select[name=posted_at]").select_option("when")
        page.screenshot(path=str(screens / "b1-import-mapping.png"), full_page=True)
        mapping.locator("button").click()
        page.wait_for_selector("#job progress#job-progress")
        page.wait_for_selector("#job[data-state=done]", timeout=60_000)
        page.screenshot(path=str(screens / "b2-import-done.png"), full_page=True)
        counts = page.inner_text("#job-counts")
        assert "3 new" in counts and "1 rejected" in counts, counts
        errs = page.inner_text("#job-errors")
        assert "partner-ads.csv, line 4" in errs and "3 cells where the header has 5" in errs, errs
        assert "/tmp" not in errs and "adtrace-import" not in errs
        assert "Linked:" in page.inner_text("#job-link")
        got = store.get_document("imp-1")
        assert got is not None and got.title == "New in town" and got.source == "partner-x"
        assert (got.posted_at or "").startswith("2026-11-02")

        # JSONL with a broken line: the same located error as the CLI prints.
        page.goto(f"{server}/import")
        page.set_input_files("#upload input[name=file]", str(bad_jsonl))
        page.click("#upload button")
        page.wait_for_selector("#job[data-state=done]", timeout=60_000)
        assert "feed.jsonl, line 2" in page.inner_text("#job-errors")
        assert store.get_document("imp-9") is not None
        page.goto(f"{server}/import")
        assert page.locator("table.list tr:has-text('partner-ads.csv')").count() == 1
    assert ("analyst", "import", "partner-ads.csv") in _actions(engine)
    assert ("analyst", "link", "store") in _actions(engine)
    assert not _real_errors(errors), errors


def test_import_is_for_admins_and_analysts_only(app: object, server: str) -> None:  # noqa: F811
    with browser_page(server) as (page, _errors):
        sign_in(page, server, "reviewer")
        assert page.locator("header.top nav a[href='/import']").count() == 0
        response = page.goto(f"{server}/import")
        assert response is not None and response.status == 403
        assert page.locator("header.top nav").count() == 1  # the 403 keeps the navigation


def test_upload_past_the_limit_is_refused_beside_the_field(app: object, server: str, tmp_path: Path,  # noqa: F811
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADTRACE_IMPORT_MAX_MB", "0.001")  # 1,000 bytes
    big = tmp_path / "big.jsonl"
    big.write_text("".join(f'{{"id": "b{i}", "text": "ad number {i} in town"}}\n' for i in range(100)))
    with browser_page(server) as (page, _errors):
        sign_in(page, server, "admin")
        page.goto(f"{server}/import")
        page.set_input_files("#upload input[name=file]", str(big))
        page.click("#upload button")
        page.wait_for_selector("#upload .field-error[data-field=file]")
        assert "limit" in page.inner_text("#upload .field-error")
    assert app.state.adtrace.store.get_document("b1") is None  # type: ignore[attr-defined]


def test_login_error_sits_beside_the_password_and_keeps_the_name(server: str, screens: Path) -> None:  # noqa: F811
    with browser_page(server) as (page, _errors):
        page.goto(f"{server}/login")
        page.fill("input[name=username]", "analyst")
        page.fill("input[name=password]", "wrong password")
        page.click("button[type=submit]")
        page.wait_for_selector("label:has(input[name=password]) .field-error")
        assert page.locator("input[name=username]").input_value() == "analyst"
        assert page.locator("input[name=password]").get_attribute("aria-invalid") == "true"
        page.screenshot(path=str(screens / "c1-login-error.png"))


def test_phone_menu_collapses_behind_a_button(app: object, server: str, screens: Path) -> None:  # noqa: F811
    with browser_page(server, width=390, has_touch=True, is_mobile=True) as (page, errors):
        page.set_viewport_size({"width": 390, "height": 844})
        sign_in(page, server, "admin")
        nav = page.locator("header.top nav")
        button = page.locator("#menu-toggle")
        assert button.is_visible() and not nav.is_visible()
        assert (button.bounding_box() or {}).get("height", 0) >= 44  # a finger-sized target
        page.screenshot(path=str(screens / "d1-menu-closed-390.png"))
        button.tap()
        assert nav.is_visible() and button.get_attribute("aria-expanded") == "true"
        page.screenshot(path=str(screens / "d2-menu-open-390.png"))
        nav.locator("a[href='/users']").tap()
        page.wait_for_selector("h1:has-text('Users')")
        for path in ("/users", "/account", "/import", "/settings", "/cases"):
            page.goto(f"{server}{path}")
            wide = page.evaluate("() => document.documentElement.scrollWidth")
            assert wide <= 390, (path, wide)  # columns stack: nothing runs off the side
        page.screenshot(path=str(screens / "d3-import-390.png"), full_page=True)
    with browser_page(server) as (page, _):  # on a wide screen the menu is simply there
        sign_in(page, server, "admin")
        assert page.locator("header.top nav").is_visible() and not page.locator("#menu-toggle").is_visible()
    assert not _real_errors(errors), errors


def test_errors_sit_beside_their_field_and_keep_what_was_typed(
        app: object, server: str, screens: Path) -> None:  # noqa: F811
    with browser_page(server) as (page, errors):
        sign_in(page, server, "admin")
        # Settings: a wrong confirmation password, then thresholds in the wrong order.
        page.goto(f"{server}/settings")
        form = page.locator("form[action='/settings']")
        form.locator("input[name=elevated]").fill("35")
        form.locator("input[name=high]").fill("70")
        form.locator("input[name=password]").fill("not my password")
        form.locator("button").click()
        page.wait_for_selector("form[action='/settings'] .field-error[data-field=password]")
        form = page.locator("form[action='/settings']")
        assert float(form.locator("input[name=elevated]").input_value()) == 35
        form.locator("input[name=high]").fill("30")
        form.locator("input[name=password]").fill(PASSWORD)
        form.locator("button").click()
        page.wait_for_selector("form[action='/settings'] .field-error[data-field=high]")
        assert float(page.locator("form[action='/settings'] input[name=high]").input_value()) == 30
        assert page.locator("header.top nav").count() == 1
        page.screenshot(path=str(screens / "e1-settings-inline-error.png"), full_page=True)

        # Cases: a title of spaces is refused beside the title; the assignee typed stays.
        page.goto(f"{server}/cases")
        page.fill("#new-case input[name=title]", "   ")
        page.fill("#new-case input[name=assignee]", "analyst")
        page.click("#new-case button")
        page.wait_for_selector("#new-case .field-error[data-field=title]")
        assert page.locator("#new-case input[name=assignee]").input_value() == "analyst"
        page.fill("#new-case input[name=title]", "Inline errors case")
        page.click("#new-case button")
        page.wait_for_url("**/cases/*")
        # A note of spaces: beside the note box, the page whole.
        page.fill("textarea[name=text]", "   ")
        page.click("button:has-text('Add note')")
        page.wait_for_selector(".field-error[data-field=note]")
        assert "Inline errors case" in page.inner_text("h1")
        page.screenshot(path=str(screens / "e2-case-note-error.png"), full_page=True)
    assert not _real_errors(errors), errors
