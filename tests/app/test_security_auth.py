"""Issue 20, accounts side: atomic lockout under parallel wrong passwords, login CSRF, proxy headers only
from configured proxies, automatic Secure cookies, password strength, no password in the audit log,
single-token revocation, and destructive settings that need the admin's password (and a typed count)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from adtrace.app import accounts, create_app
from adtrace.errors import AuthError
from adtrace.storage import audit
from tests.app.conftest import PASSWORD, csrf_of, post_login


def _engine(app: object) -> sa.Engine:
    return app.state.adtrace.engine  # type: ignore[attr-defined, no-any-return]


# --- lockout ----------------------------------------------------------------------------------------

def test_parallel_wrong_passwords_lock_the_account(app: object) -> None:
    """30 wrong passwords at once used to leave the counter at 3 and no lock (each request read the same
    count, then wrote count + 1); the count is now one atomic UPDATE ... RETURNING."""
    engine = _engine(app)

    def attempt(_: int) -> str:
        try:
            accounts.authenticate(engine, "reviewer", "not-the-password", "10.0.0.9")
        except AuthError as exc:
            return exc.code
        return "ok"

    with ThreadPoolExecutor(max_workers=10) as pool:
        codes = list(pool.map(attempt, range(30)))
    assert set(codes) <= {accounts.BAD_LOGIN, accounts.LOCKED}
    with pytest.raises(AuthError) as info:
        accounts.authenticate(engine, "reviewer", PASSWORD)
    assert info.value.code == accounts.LOCKED
    with engine.connect() as conn:
        fails = conn.execute(sa.text("SELECT count(*) FROM audit_log WHERE action = 'login_failed' AND "
                                     "actor = 'reviewer'")).scalar()
    assert fails == 31  # every wrong one, and the right one refused while locked


# --- login CSRF -------------------------------------------------------------------------------------

def test_login_form_is_csrf_protected(app: object) -> None:
    cross_site = TestClient(app)  # type: ignore[arg-type]  # a form on another site: no token, no cookie
    r = cross_site.post("/login", data={"username": "admin", "password": PASSWORD}, follow_redirects=False)
    assert r.status_code == 403 and "adtrace_session" not in r.headers.get("set-cookie", "")
    forged = TestClient(app)  # type: ignore[arg-type]
    forged.get("/login")
    r = forged.post("/login", data={"username": "admin", "password": PASSWORD, "csrf": "guessed"},
                    follow_redirects=False)
    assert r.status_code == 403
    assert post_login(TestClient(app), "admin", PASSWORD).status_code == 303  # type: ignore[arg-type]


# --- proxy headers ----------------------------------------------------------------------------------

@pytest.fixture
def served(app: object) -> Iterator[str]:
    """The app behind a real uvicorn with the options `adtrace serve` uses (no --trusted-proxy)."""
    import socket

    import uvicorn

    from adtrace.cli.serve import uvicorn_options

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, **uvicorn_options()))  # type: ignore[arg-type]
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(500):  # waiting for start-up, not timing anything
        if srv.started:
            break
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)


def test_forwarded_for_is_ignored_without_a_trusted_proxy(app: object, served: str) -> None:
    """A made-up X-Forwarded-For per attempt used to give each attempt its own throttle bucket."""
    app.state.adtrace.throttle.limit = 3  # type: ignore[attr-defined]
    codes = []
    with httpx.Client(base_url=served) as client:
        for i in range(5):
            page = client.get("/login").text
            token = page.split('name="csrf" value="', 1)[1].split('"', 1)[0] if 'name="csrf"' in page else ""
            r = client.post("/login", data={"username": "nobody", "password": "x", "csrf": token},
                            headers={"X-Forwarded-For": f"203.0.113.{i}"})
            codes.append(r.status_code)
    assert codes == [401, 401, 401, 429, 429]
    clients = {e.detail.get("client") for e in audit.entries(_engine(app), action="login_failed")}
    assert clients == {"127.0.0.1"}


def test_trusted_proxy_option_is_explicit() -> None:
    from adtrace.cli.serve import uvicorn_options

    assert uvicorn_options()["proxy_headers"] is False
    on = uvicorn_options(["10.0.0.2"])
    assert on["proxy_headers"] is True and on["forwarded_allow_ips"] == "10.0.0.2"


# --- cookies ----------------------------------------------------------------------------------------

def test_cookies_are_secure_unless_plain_http_on_loopback(db_path: Path) -> None:
    web = create_app(str(db_path), allowed_hosts=("adtrace.example.org", "127.0.0.1"))
    try:
        public = post_login(TestClient(web, base_url="http://adtrace.example.org"), "admin", PASSWORD)
        assert "secure" in public.headers["set-cookie"].lower()
        https = post_login(TestClient(web, base_url="https://127.0.0.1"), "admin", PASSWORD)
        assert "secure" in https.headers["set-cookie"].lower()
        local = post_login(TestClient(web, base_url="http://127.0.0.1:8000"), "admin", PASSWORD)
        assert local.status_code == 303 and "secure" not in local.headers["set-cookie"].lower()
    finally:
        web.state.adtrace.store.close()


# --- passwords and the audit log --------------------------------------------------------------------

@pytest.mark.parametrize("weak", ["password1234", "qwertyuiop12", "letmein12345", "123456789012", "Password2024!", "trustno1trustno1"])
def test_common_passwords_are_refused(app: object, weak: str) -> None:
    with pytest.raises(AuthError) as info:
        accounts.add_user(_engine(app), "newbie", "analyst", weak)
    assert info.value.code == accounts.WEAK_PASSWORD and info.value.http_status == 422
    with pytest.raises(AuthError):
        accounts.reset_password(_engine(app), "analyst", weak)


def test_a_password_typed_as_username_never_reaches_the_audit_log(app: object) -> None:
    secret = "Tr0ub4dor-and-3-more"
    client = TestClient(app)  # type: ignore[arg-type]
    assert post_login(client, secret, "").status_code == 401
    assert post_login(client, "analyst", "wrong-one").status_code == 401
    engine = _engine(app)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT actor, target, detail FROM audit_log")).all()
    assert not [r for r in rows if secret in f"{r.actor} {r.target} {r.detail}"]
    failed = audit.entries(engine, action="login_failed")
    assert {e.actor for e in failed} == {"analyst", accounts.audit_name(secret, known=False)}
    assert accounts.audit_name(secret, known=False).startswith("unknown:")


# --- API tokens -------------------------------------------------------------------------------------

def test_revoke_one_token_by_cli_and_api(app: object, db_path: Path, api: Callable[[str], dict[str, str]]) -> None:
    from adtrace.cli.main import _register
    from adtrace.cli.main import app as cli_app

    _register()  # the subcommands load lazily
    engine = _engine(app)
    app.state.adtrace.tokens.ttl = 0  # type: ignore[attr-defined]  # no cache: see revocations at once
    keep, drop = api("analyst"), api("analyst")
    client = TestClient(app)  # type: ignore[arg-type]
    assert client.get("/api/v1/me", headers=drop).status_code == 200
    drop_id = accounts.token_id(drop["Authorization"][7:])
    runner = CliRunner()
    listed = runner.invoke(cli_app, ["user", "tokens", "analyst", "--db", str(db_path)])
    assert listed.exit_code == 0 and drop_id in listed.output and "atk_" not in listed.output
    out = runner.invoke(cli_app, ["user", "revoke-token", drop_id, "--db", str(db_path)])
    assert out.exit_code == 0, out.output
    assert client.get("/api/v1/me", headers=drop).status_code == 401
    assert client.get("/api/v1/me", headers=keep).status_code == 200
    entry = audit.entries(engine, action="token_revoke")[0]
    assert entry.target == "analyst" and entry.detail["token"] == drop_id and entry.actor == "cli"
    # The API (admins): list, then revoke the other one.
    admin = api("admin")
    tokens = client.get("/api/v1/tokens", headers=admin).json()["tokens"]
    keep_id = accounts.token_id(keep["Authorization"][7:])
    assert {t["id"]: t["revoked"] for t in tokens}[keep_id] is False
    assert client.delete(f"/api/v1/tokens/{keep_id}", headers=admin).json()["revoked"] is True
    assert client.get("/api/v1/me", headers=keep).status_code == 401
    assert audit.entries(engine, action="token_revoke")[0].actor == "admin"
    missing = client.delete("/api/v1/tokens/0123456789ab", headers=admin)
    assert missing.status_code == 404 and set(missing.json()["error"]) == {"code", "message", "hint", "detail"}


def test_revoke_a_token_from_the_settings_page(app: object, login: Callable[[str], TestClient],
                                              api: Callable[[str], dict[str, str]]) -> None:
    app.state.adtrace.tokens.ttl = 0  # type: ignore[attr-defined]
    partner = api("partner")
    tid = accounts.token_id(partner["Authorization"][7:])
    admin = login("admin")
    page = admin.get("/settings").text
    assert f'action="/settings/tokens/{tid}/revoke"' in page
    r = admin.post(f"/settings/tokens/{tid}/revoke", data={"csrf": csrf_of(admin)}, follow_redirects=False)
    assert r.status_code == 303
    assert TestClient(app).get("/api/v1/me", headers=partner).status_code == 401  # type: ignore[arg-type]


# --- destructive settings ---------------------------------------------------------------------------

def _settings(app: object) -> dict[str, object]:
    from adtrace.app.data.settings import get_settings

    return get_settings(_engine(app))


def test_settings_change_needs_the_password(app: object, login: Callable[[str], TestClient]) -> None:
    """A form swapped into the page carries the session's CSRF header but not the password."""
    admin = login("admin")
    before = _settings(app)
    form = {"elevated": "99", "high": "100", "retention_days": "1", "csrf": csrf_of(admin)}
    r = admin.post("/settings", data=form, follow_redirects=False)
    assert r.status_code == 403 and _settings(app) == before
    r = admin.post("/settings", data={**form, "password": "a-wrong-guess"}, follow_redirects=False)
    assert r.status_code == 403 and _settings(app) == before
    r = admin.post("/settings", data={**form, "elevated": "40", "high": "80", "retention_days": "400",
                                      "password": PASSWORD}, follow_redirects=False)
    assert r.status_code == 303 and _settings(app)["retention_days"] == 400


def test_purge_needs_the_typed_count_and_the_password(app: object, login: Callable[[str], TestClient]) -> None:
    admin = login("admin")
    csrf = csrf_of(admin)
    store = app.state.adtrace.store  # type: ignore[attr-defined]
    before = set(store.iter_ids())
    from adtrace.app.data.settings import put_setting

    put_setting(_engine(app), "admin", "retention_days", 1)  # everything synthetic is older than a day
    dry = admin.post("/settings/purge", data={"csrf": csrf})
    assert dry.status_code == 200 and set(store.iter_ids()) == before
    n = int(dry.text.split("type <code>delete ", 1)[1].split("<", 1)[0])
    assert n > 0 and f"Delete {n} documents" in dry.text and 'class="danger"' in dry.text
    # The old one-click purge (confirm=delete) deletes nothing now; nor does a wrong count or no password.
    for form in ({"confirm": "delete"}, {"confirm": f"delete {n + 1}", "password": PASSWORD},
                 {"confirm": f"delete {n}"}):
        r = admin.post("/settings/purge", data={"csrf": csrf, **form})
        assert r.status_code in (403, 422) and set(store.iter_ids()) == before, form
    done = admin.post("/settings/purge", data={"csrf": csrf, "confirm": f"delete {n}", "password": PASSWORD})
    assert done.status_code == 200 and "Purged" in done.text
    assert len(before - set(store.iter_ids())) == n


def test_danger_style_lives_in_the_stylesheet_the_settings_page_loads(login: Callable[[str], TestClient]) -> None:
    admin = login("admin")
    page = admin.get("/settings").text
    sheets = [s.split('"', 1)[0] for s in page.split('rel="stylesheet" href="')[1:]]
    css = "".join(admin.get(s).text for s in sheets)
    assert "button.danger" in css


def test_api_purge_needs_the_confirmed_count(app: object, api: Callable[[str], dict[str, str]]) -> None:
    from adtrace.app.data.settings import put_setting

    put_setting(_engine(app), "admin", "retention_days", 1)
    store = app.state.adtrace.store  # type: ignore[attr-defined]
    before = set(store.iter_ids())
    client = TestClient(app, headers=api("admin"))  # type: ignore[arg-type]
    bare = client.post("/api/v1/retention/purge", json={"dry_run": False})
    assert bare.status_code == 422 and bare.json()["error"]["detail"]["field"] == "confirm_count"
    dry = client.post("/api/v1/retention/purge", json={"dry_run": True}).json()
    n = dry["to_delete"]
    wrong = client.post("/api/v1/retention/purge", json={"dry_run": False, "confirm_count": n + 1})
    assert wrong.status_code == 422 and set(store.iter_ids()) == before
    done = client.post("/api/v1/retention/purge", json={"dry_run": False, "confirm_count": n}).json()
    assert done["deleted"] == n == len(before - set(store.iter_ids()))
