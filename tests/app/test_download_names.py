"""Download names (docs/security.md, third review): every `Content-Disposition` the app sends goes through
`adtrace.app.downloads.disposition`, so a name made from stored text (a cluster's key is a document id,
and a database from before the id rule may hold any) cannot break the header or add parameters."""

from __future__ import annotations

from collections.abc import Callable
from email.message import Message
from email.utils import collapse_rfc2231_value
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from adtrace.app.downloads import MAX_NAME, disposition
from tests.app.test_security_ids import _plant

HOSTILE = ['x"; filename=evil.html', "a\r\nSet-Cookie: s=1", "案件-東京", "semi;colon", "back\\slash/../etc",
           "é" * 300, "'quoted'", '"', "", ".hidden"]


def _params(header: str) -> dict[str, str]:
    """The header as the standard library's RFC 2231/5987 reader parses it: `filename`, and `filename*`
    (which it reports as a second `filename` holding a (charset, language, value) triple), nothing else."""
    msg = Message()
    msg["content-disposition"] = header
    [kind, *params] = msg.get_params(header="content-disposition")
    assert kind == ("attachment", "")
    out = {}
    for key, value in params:
        if isinstance(value, tuple):
            assert value[0] == "UTF-8"
            out[f"{key}*"] = collapse_rfc2231_value(value)
        else:
            out[key] = value
    return out


@pytest.mark.parametrize("name", HOSTILE)
def test_any_name_gives_one_well_formed_header(name: str) -> None:
    header = disposition(f"cluster-{name}.graphml")
    assert header.isascii() and not any(c in header for c in "\r\n\x00")
    params = _params(header)
    assert set(params) <= {"filename", "filename*"}
    plain = params["filename"]
    assert plain.endswith(".graphml") and '"' not in plain and ";" not in plain and "/" not in plain
    assert len(plain) <= MAX_NAME + len(".graphml")
    exact = params.get("filename*", plain)
    assert not any(c in exact for c in "\r\n/\\") and exact.endswith(".graphml")
    if name.isprintable() and "/" not in name and "\\" not in name and len(name) < MAX_NAME - 10:
        assert exact == f"cluster-{name}.graphml"  # the exact name survives where it can


def test_plain_names_stay_as_they_were() -> None:
    assert disposition("case-12-FULL.pdf") == 'attachment; filename="case-12-FULL.pdf"'
    assert disposition("案件.json") == "attachment; filename=\"download.json\"; filename*=UTF-8''" + quote("案件.json", safe="")


@pytest.mark.parametrize("key", ['q"; filename=evil.html', "案件"])
def test_a_stored_hostile_cluster_key_downloads_with_a_safe_name(app: object, login: Callable[[str], TestClient],
                                                                 key: str) -> None:
    """Before: the id went into `filename="..."` as it was; a quote let it add a parameter of its own
    (`filename=evil.html`) and non-Latin-1 text failed the response (500)."""
    from adtrace.linking.run import link_store

    _plant(app, key)
    link_store(app.state.adtrace.engine)  # type: ignore[attr-defined]
    client = login("admin")
    for what in ("graph.graphml", "stix.json"):
        r = client.get(f"/clusters/{quote(key, safe='')}/{what}")
        assert r.status_code == 200, (what, r.status_code)
        params = _params(r.headers["content-disposition"])
        assert set(params) <= {"filename", "filename*"} and '"' not in params["filename"]
        if what.startswith("graph"):  # the STIX bundle is named "cluster.stix.json" whatever the key
            assert params.get("filename*", params["filename"]) == f"cluster-{key}.graphml"
