"""Sessions end when docs/app.md says they do, on the server (not only in the browser): sign-out,
a password change (the other sessions), an admin disabling, demoting or resetting an account; and a
login always starts a fresh session, whatever cookie the browser brought (no fixation)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from adtrace.app import accounts
from adtrace.app.auth import COOKIE
from tests.app.conftest import PASSWORD, csrf_of, post_login


def _signed_in(client: TestClient) -> bool:
    return client.get("/account", follow_redirects=False).status_code == 200


def _replay(app: object, cookie: str) -> TestClient:
    """A new browser holding a copied session cookie (what a thief of the cookie would have)."""
    thief = TestClient(app)  # type: ignore[arg-type]
    thief.cookies.set(COOKIE, cookie)
    return thief


def test_sign_out_ends_the_session_on_the_server(app: object, login: Callable[[str], TestClient]) -> None:
    client = login("analyst")
    cookie = client.cookies[COOKIE]
    assert _signed_in(_replay(app, cookie))
    assert client.post("/logout", headers={"X-CSRF-Token": csrf_of(client)}, follow_redirects=False).status_code == 303
    assert not _signed_in(_replay(app, cookie))


def test_a_password_change_ends_the_other_sessions_only(app: object, login: Callable[[str], TestClient]) -> None:
    here, elsewhere = login("analyst"), login("analyst")
    new = "velvet tundra marmalade 42"
    r = here.post("/account/password", data={"current": PASSWORD, "new_password": new, "repeat": new},
                  headers={"X-CSRF-Token": csrf_of(here)}, follow_redirects=False)
    assert r.status_code in (200, 303), r.text
    assert _signed_in(here) and not _signed_in(elsewhere)


def test_disabling_demoting_or_resetting_ends_a_live_session(app: object,
                                                           login: Callable[[str], TestClient]) -> None:
    engine = app.state.adtrace.engine  # type: ignore[attr-defined]
    live = login("reviewer")
    accounts.set_active(engine, "reviewer", False)
    assert not _signed_in(live)  # disabled: at once, not at the session's expiry
    accounts.set_active(engine, "reviewer", True)
    live = login("reviewer")
    accounts.set_role(engine, "reviewer", "auditor")
    assert not _signed_in(live)
    live = login("reviewer")
    accounts.reset_password(engine, "reviewer", "another long passphrase 77")
    assert not _signed_in(live)


def test_a_login_always_starts_a_fresh_session(app: object) -> None:
    """Fixation: a session id chosen before sign-in (even one signed with the database's own key, which an
    attacker does not have) never becomes the signed-in session; the server makes a new one at sign-in."""
    planted = app.state.adtrace.signer.dumps("chosen-by-the-attacker")  # type: ignore[attr-defined]
    victim = _replay(app, planted)
    assert not _signed_in(victim)
    r = post_login(victim, "analyst", PASSWORD)
    assert r.status_code == 303
    fresh = r.cookies[COOKIE]
    assert fresh != planted and _signed_in(_replay(app, fresh))
    assert not _signed_in(_replay(app, planted))
