"""Redirects after sign-in, a language switch and a bulk acknowledge stay on this site (docs/security.md,
third review): `next`/`back` come from the request, so a link can carry another origin in them."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tests.app.conftest import PASSWORD, csrf_of

ORIGIN = "http://testserver"
# What browsers read as another origin, or a script: scheme-relative, backslashes (WHATWG treats `\` as
# `/` in http URLs), tabs and newlines (dropped by the URL parser), encoded slashes, other schemes.
TARGETS = ["//evil.example/", "/\\evil.example", "\\\\evil.example", "/\t/evil.example", "/\n/evil.example",
           "https://evil.example/", "javascript:alert(1)", "/%2F%2Fevil.example", " //evil.example",
           "/\\/evil.example", "///evil.example", "http:evil.example", "http:/evil.example", "https:evil.example", "data:text/html,<script>1</script>"]


def _as_a_browser_reads(location: str) -> tuple[str, str]:
    """(scheme, host) of a Location header as the WHATWG URL parser resolves it against http://testserver/:
    tabs and newlines dropped, `\\` read as `/`, any run of two or more slashes (or one after `http:`, or
    none after another special scheme) starts a host."""
    s = re.sub(r"[\t\n\r]", "", location).strip("\x00 ").replace("\\", "/")
    special = ("http", "https", "ws", "wss", "ftp", "file")
    m = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):(.*)", s, re.S)
    if m:
        scheme, rest = m.group(1).lower(), m.group(2)
        if scheme not in special:
            return scheme, ""
        if scheme != "http" or rest.startswith("/"):
            return scheme, re.split(r"[/?#]", rest.lstrip("/"), maxsplit=1)[0]
        s = rest  # "http:path" is a path relative to an http page
    if s.startswith("//"):
        return "http", re.split(r"[/?#]", s.lstrip("/"), maxsplit=1)[0]
    return "http", "testserver"


def _stays(location: str) -> bool:
    return _as_a_browser_reads(location) == ("http", "testserver")


@pytest.mark.parametrize("target", TARGETS)
def test_sign_in_goes_back_only_to_a_path_here(app: object, target: str) -> None:
    client = TestClient(app)  # type: ignore[arg-type]
    page = client.get("/login", params={"next": target}).text
    token = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    r = client.post("/login", data={"username": "analyst", "password": PASSWORD, "csrf": token, "next": target},
                    follow_redirects=False)
    assert r.status_code == 303 and _stays(r.headers["location"]), r.headers["location"]
    again = client.get("/login", params={"next": target}, follow_redirects=False)  # signed in: straight on
    assert again.status_code == 303 and _stays(again.headers["location"]), again.headers["location"]


@pytest.mark.parametrize("target", TARGETS)
def test_the_language_switch_and_bulk_ack_go_back_only_here(login: Callable[[str], TestClient], target: str) -> None:
    client = login("analyst")
    csrf = csrf_of(client)
    r = client.post("/account/language", data={"language": "", "next": target, "csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303 and _stays(r.headers["location"]), r.headers["location"]
    r = client.post("/alerts/ack", data={"back": target, "csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303 and _stays(r.headers["location"]), r.headers["location"]


def test_the_check_itself_sees_other_origins() -> None:
    """Sent as they are, all but two targets leave the site (an encoded `//` and `http:path` are paths)."""
    assert [t for t in TARGETS if _stays(t)] == ["/%2F%2Fevil.example", "http:evil.example"]
    assert _stays("/cases/3") and _stays("/alerts?open=1")


def test_local_path_refuses_what_a_browser_reads_as_elsewhere_before_any_encoding() -> None:
    """The redirects above are safe twice: `local_path` refuses these, and Starlette's RedirectResponse
    percent-encodes a backslash or a tab (`/%5Cevil.example` is a path) should one get through."""
    from adtrace.app.pages.render import local_path

    assert [t for t in TARGETS if local_path(t) != "/"] == ["/%2F%2Fevil.example"]
    assert local_path("/cases/3?tab=notes#n2") == "/cases/3?tab=notes#n2" and local_path("", "/account") == "/account"
