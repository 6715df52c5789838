"""API tokens are verified once per TTL, not per request; disabling an account still ends them."""

from __future__ import annotations

from fastapi.testclient import TestClient

from adtrace.app import accounts
from adtrace.app.auth import TokenCache


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def _with_clock(app: object, ttl: float) -> Clock:
    clock = Clock()
    app.state.adtrace.tokens = TokenCache(ttl=ttl, clock=clock)  # type: ignore[attr-defined]
    return clock


def test_cached_token_is_rechecked_after_ttl_and_a_disabled_account_loses_it(app: object) -> None:
    engine = app.state.adtrace.engine  # type: ignore[attr-defined]
    clock = _with_clock(app, ttl=1.0)
    token = accounts.add_token(engine, "reviewer", "t")
    client = TestClient(app, headers={"Authorization": f"Bearer {token}"})  # type: ignore[arg-type]
    assert client.get("/api/v1/me").status_code == 200
    accounts.set_active(engine, "reviewer", False)
    clock.t += 0.5  # within the TTL the verified token is served from memory (the documented window)
    assert client.get("/api/v1/me").status_code == 200
    clock.t += 0.6  # past the TTL: asked again, and the database says no
    r = client.get("/api/v1/me")
    assert r.status_code == 401 and r.json()["error"]["code"] == accounts.NOT_LOGGED_IN
    accounts.set_active(engine, "reviewer", True)  # re-enabling does not bring revoked tokens back
    clock.t += 5
    assert client.get("/api/v1/me").status_code == 401


def test_clear_and_zero_ttl_take_effect_at_once(app: object) -> None:
    engine = app.state.adtrace.engine  # type: ignore[attr-defined]
    _with_clock(app, ttl=60.0)
    token = accounts.add_token(engine, "analyst", "t")
    client = TestClient(app, headers={"Authorization": f"Bearer {token}"})  # type: ignore[arg-type]
    assert client.get("/api/v1/me").status_code == 200
    accounts.set_active(engine, "analyst", False)
    app.state.adtrace.tokens.clear()  # type: ignore[attr-defined]
    assert client.get("/api/v1/me").status_code == 401
    accounts.set_active(engine, "analyst", True)
    other = accounts.add_token(engine, "analyst", "u")
    _with_clock(app, ttl=0.0)
    c2 = TestClient(app, headers={"Authorization": f"Bearer {other}"})  # type: ignore[arg-type]
    assert c2.get("/api/v1/me").status_code == 200
    accounts.set_active(engine, "analyst", False)
    assert c2.get("/api/v1/me").status_code == 401


def test_cache_keeps_neither_raw_tokens_nor_unknown_ones(app: object) -> None:
    engine = app.state.adtrace.engine  # type: ignore[attr-defined]
    cache = TokenCache(ttl=60.0)
    token = accounts.add_token(engine, "analyst", "t")
    user, key = cache.user(engine, token)
    assert user is not None and user.username == "analyst"
    assert cache.user(engine, "atk_made-up")[0] is None
    assert list(cache._seen) == [key] and token not in key  # only the keyed digest of the real token
    assert TokenCache().digest(token) != key  # per-process key: digests are useless elsewhere


def test_security_headers_on_pages_api_and_static(app: object, login: object) -> None:
    client = TestClient(app)  # type: ignore[arg-type]
    for path in ("/login", "/api/v1/me", "/static/app.css"):
        r = client.get(path)
        assert "default-src 'self'" in r.headers["content-security-policy"], path
        assert r.headers["x-content-type-options"] == "nosniff" and r.headers["referrer-policy"] == "no-referrer"
        no_store = r.headers.get("cache-control") == "no-store"
        assert no_store is not path.startswith("/static/"), path  # personal data is never cached; assets may be
