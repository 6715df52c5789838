"""DNS rebinding (docs/security.md, third review): a web page the analyst visits re-points its own name at
127.0.0.1 and talks to `adtrace serve` as the same origin. Its requests carry the attacker's name in
`Host`; the app answers only the names it was given (loopback ones by default)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from adtrace import errors
from adtrace.app import accounts, create_app
from adtrace.app.hosts import host_name
from adtrace.cli.main import app as cli
from adtrace.cli.serve import served_names
from tests.app.conftest import PASSWORD, post_login

REBOUND = "http://attacker.example:8000"  # the name in the browser's address bar after the rebinding


@pytest.fixture
def laptop(db_path: Path) -> Iterator[FastAPI]:
    """The app as `adtrace serve` builds it on 127.0.0.1 (no names given)."""
    web = create_app(str(db_path), secure_cookies=False, allowed_hosts=served_names("127.0.0.1", [], []))
    yield web
    web.state.adtrace.store.close()


def test_a_rebound_name_reaches_no_route(laptop: FastAPI) -> None:
    attacker = TestClient(laptop, base_url=REBOUND)
    page = attacker.get("/login")
    assert page.status_code == 400 and page.text.startswith("AT125")
    assert "content-security-policy" in page.headers  # the refusal carries the usual headers
    api = attacker.post("/api/v1/screen", json={"document": {"text": "hi"}})
    assert api.status_code == 400 and api.json()["error"]["code"] == errors.UNKNOWN_HOST
    tip = attacker.post("/public/tip", data={"text": "x", "csrf": "y"})
    assert tip.status_code == 400


def test_a_rebound_page_cannot_lock_an_account_out(laptop: FastAPI) -> None:
    """Before: six wrong passwords through the rebound name locked the admin out for 15 minutes."""
    attacker = TestClient(laptop, base_url=REBOUND)  # same origin: it can read the form's CSRF token
    for _ in range(accounts.MAX_FAILURES + 1):
        post_login(attacker, "admin", "wrong-guess-123")
    analyst = TestClient(laptop, base_url="http://127.0.0.1:8000")
    assert post_login(analyst, "admin", PASSWORD).status_code == 303


@pytest.mark.parametrize("base", ["http://localhost:8000", "http://127.0.0.1:8000", "http://[::1]:8000",
                                  "http://LOCALHOST", "http://localhost.:8000"])
def test_loopback_names_are_answered(laptop: FastAPI, base: str) -> None:
    assert TestClient(laptop, base_url=base).get("/login").status_code == 200


@pytest.mark.parametrize("host", ["localhost.attacker.example", "127.0.0.1.attacker.example", "attacker.example",
                                  "localhost:8000:1", "", "127.0.0.2", "[::1]evil", "0.0.0.0"])
def test_lookalike_and_missing_hosts_are_refused(laptop: FastAPI, host: str) -> None:
    r = TestClient(laptop).get("/login", headers={"host": host})
    assert r.status_code == 400, host


def test_names_given_are_answered_and_any_name_only_when_asked(db_path: Path) -> None:
    named = create_app(str(db_path), allowed_hosts=served_names("0.0.0.0", ["adtrace.ngo.example"], []))
    anyname = create_app(str(db_path), allowed_hosts=["*"])
    try:
        assert TestClient(named, base_url="https://adtrace.ngo.example").get("/login").status_code == 200
        assert TestClient(named, base_url="http://localhost:8000").get("/login").status_code == 200
        assert TestClient(named, base_url=REBOUND).get("/login").status_code == 400
        assert TestClient(anyname, base_url=REBOUND).get("/login").status_code == 200
    finally:
        named.state.adtrace.store.close()
        anyname.state.adtrace.store.close()


def test_host_names_are_normalised() -> None:
    assert host_name("[::1]:8000") == "::1" and host_name("LocalHost.:80") == "localhost"
    assert host_name("::1") == "::1" and host_name("example.org") == "example.org"


def test_serving_beyond_loopback_needs_the_names() -> None:
    assert served_names("127.0.0.1", [], []) == ["localhost", "127.0.0.1", "::1"]
    assert served_names("::1", [], []) == ["localhost", "127.0.0.1", "::1"]
    for host, proxies in (("0.0.0.0", []), ("192.0.2.10", []), ("::", []), ("127.0.0.1", ["10.0.0.2"])):
        with pytest.raises(errors.ConfigError) as exc:
            served_names(host, [], proxies)
        assert exc.value.code == errors.EXPOSED_WITHOUT_HOSTS
    assert served_names("0.0.0.0", ["adtrace.ngo.example"], [])[-1] == "adtrace.ngo.example"


def test_the_cli_refuses_to_listen_publicly_without_names(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-m", "adtrace", "serve", "--db", str(tmp_path / "none.db"), "--host",
                          "0.0.0.0"], capture_output=True, text=True, timeout=120, env={**os.environ, "COLUMNS": "200"})
    assert out.returncode == errors.EXIT_USAGE and errors.EXPOSED_WITHOUT_HOSTS in out.stderr
    assert "--allowed-host" in out.stderr
    assert "--allowed-host" in CliRunner().invoke(cli, ["serve", "--help"], env={"COLUMNS": "200"}).output


def test_each_worker_reads_the_names(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from adtrace.app.server import app_from_env

    monkeypatch.setenv("ADTRACE_DB", str(db_path))
    monkeypatch.setenv("ADTRACE_ALLOWED_HOSTS", "adtrace.ngo.example,localhost")
    web = app_from_env()
    try:
        assert TestClient(web, base_url="https://adtrace.ngo.example").get("/login").status_code == 200
        assert TestClient(web, base_url=REBOUND).get("/login").status_code == 400
    finally:
        web.state.adtrace.store.close()
