"""The Tips page signs and downloads a partner's hand-offs (docs/tips.md, "Signing from the Tips page"):
offered to those who may route, the same function and files as `adtrace tips route`, a plain message when
the server has no keys, audited like other exports."""

from __future__ import annotations

import io
import json
import re
import sqlite3
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient

from adtrace.exchange import keys as xk
from adtrace.exchange import store as xs
from adtrace.storage import open_store
from adtrace.tips import handoff, intake
from adtrace.tips import store as ts
from tests.app.conftest import csrf_of
from tests.tips.conftest import ad_phone, audit_rows, org_keys

MASK = re.compile(r"\[(phone|email|handle|payment|name) [0-9a-f]+\]")  # fresh salt per hand-off



def _route(app: Any, partner: str, text: str) -> int:
    store = app.state.adtrace.store
    tip = intake.submit(store, intake.TipForm(text, country="MX", about="labour", lang="es"), link=False)
    ts.decide(store.engine, tip.tip_id, "route", "analyst", partner=partner)
    return tip.tip_id



def _post(client: TestClient, partner: str) -> Any:
    return client.post("/tips/handoffs", data={"partner": partner, "csrf": csrf_of(client)})


def _content(body: dict[str, Any]) -> dict[str, Any]:
    """What a hand-off says, without what differs between two signings of the same tip: the time, the
    signatures, the bundle's creation time and the masks' salt."""
    tip = {**body["tip"], "text": MASK.sub(r"[\1]", body["tip"]["text"])}
    return {"issuer": body["issuer"], "key_id": body["key_id"], "to": body["to"], "tip": tip,
            "signals": sorted((s["type"], s["hash"]) for s in body["signals"]["signals"])}


@pytest.mark.parametrize("role", ["admin", "analyst", "reviewer", "auditor", "partner"])
def test_the_routed_tab_offers_the_download_to_those_who_may_route(app: Any, login: Callable[[str], TestClient],
                                                                   role: str) -> None:
    _route(app, "ngo-b", "Me ofrecieron trabajo y me quitaron el pasaporte.")
    client = login(role)
    page = client.get("/tips?status=routed")
    if role in ("admin", "analyst", "reviewer"):  # the triage permission, as routing
        assert page.status_code == 200 and 'action="/tips/handoffs"' in page.text
        assert 'name="partner" value="ngo-b"' in page.text
        assert 'action="/tips/handoffs"' not in client.get("/tips?status=new").text  # on the Routed tab
    else:
        assert page.status_code == 403
        assert _post(client, "ngo-b").status_code == 403
        assert [t["partner"] for t in ts.pending_handoffs(app.state.adtrace.engine)] == ["ngo-b"]


def test_a_downloaded_hand_off_verifies_and_says_what_the_cli_writes(
        app: Any, login: Callable[[str], TestClient], template: tuple[Path, Path], db_path: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    ours, theirs = org_keys(tmp_path, "ngo-a"), org_keys(tmp_path, "ngo-b")
    monkeypatch.setenv(xk.ENV_VAR, str(ours))
    phone, _ads = ad_phone(app)
    tips = [_route(app, "ngo-b", f"Ofrecen trabajo, llamar al {phone[2:]}, pregunten por Amber."),
            _route(app, "ngo-b", "Les quitan el pasaporte en la finca."),
            _route(app, "ngo-c", "Otra cosa, para otra organización.")]
    before = tmp_path / "before.db"  # the same tips, for the command line (WAL included)
    with sqlite3.connect(db_path) as src, sqlite3.connect(before) as dst:
        src.backup(dst)

    res = _post(login("analyst"), "ngo-b")
    assert res.status_code == 200 and res.headers["content-type"] == "application/zip"
    assert 'filename="tip-handoffs-to-ngo-b.zip"' in res.headers["content-disposition"]
    web = {n: orjson.loads(b) for n, b in ((n, zipfile.ZipFile(io.BytesIO(res.content)).read(n))
                                           for n in zipfile.ZipFile(io.BytesIO(res.content)).namelist())}
    assert sorted(web) == sorted(f"tip-{t}-to-ngo-b.json" for t in tips[:2])
    raw = res.content + b"".join(orjson.dumps(b) for b in web.values())
    assert phone.encode() not in raw and phone[2:].encode() not in raw and b"Amber" not in raw
    assert [t["id"] for t in ts.pending_handoffs(app.state.adtrace.engine)] == [tips[2]]  # ngo-c still waits

    # The partner's checker: its trusted issuer key and the signature over everything.
    partner = tmp_path / "partner.db"
    partner.write_bytes(template[0].read_bytes())
    with open_store(str(partner)) as pstore:
        xs.trust(pstore.engine, xk.load(ours).public_info(), "admin", "checked by phone")
        for body in web.values():
            assert handoff.verify(pstore.engine, body)["to"] == "ngo-b"
        lead = handoff.receive(pstore.engine, web[f"tip-{tips[0]}-to-ngo-b.json"], "bo", xk.consortium_key(theirs))
        assert lead["ads"]  # the tip's phone found the partner's ads

    # The command line on the same tips writes the same files, saying the same things.
    out = tmp_path / "out"
    cli = subprocess.run([sys.executable, "-m", "adtrace", "tips", "route", "-o", str(out), "--partner", "ngo-b",
                          "--db", str(before), "--keys", str(ours)], capture_output=True, text=True, timeout=300)
    assert cli.returncode == 0, cli.stderr
    files = {p.name: orjson.loads(p.read_bytes()) for p in out.iterdir()}
    assert sorted(files) == sorted(web)
    assert {n: _content(b) for n, b in files.items()} == {n: _content(b) for n, b in web.items()}
    assert [w["file"] for w in json.loads(cli.stdout)["handed_off"]] == [str(out / n) for n in sorted(web)]

    # Audited: each tip's hand-off (as the CLI does) and the download as an export (who, which tips, whom).
    engine = app.state.adtrace.engine
    assert [(a, d["tip"], d["to"]) for a, _t, d in audit_rows(engine, "tip_handoff")] == [
        ("analyst", tips[0], "ngo-b"), ("analyst", tips[1], "ngo-b")]
    [(actor, _target, detail)] = [r for r in audit_rows(engine, "export") if r[1] == "tip-handoffs"]
    assert (actor, detail["to"], detail["tips"], detail["redacted"]) == ("analyst", "ngo-b", tips[:2], True)
    assert sorted(detail["handoffs"]) == sorted(handoff.handoff_id(b) for b in web.values())

    again = _post(login("analyst"), "ngo-b")  # downloaded once: nothing waits any more
    assert again.status_code == 422 and "No hand-off is waiting for ngo-b" in again.text


@pytest.mark.parametrize("damaged", [False, True])
def test_without_keys_the_page_says_what_an_admin_must_do(app: Any, login: Callable[[str], TestClient],
                                                          tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          damaged: bool) -> None:
    folder = tmp_path / "no-keys"
    folder.mkdir()
    if damaged:
        org_keys(tmp_path, "ngo-a")
        folder = tmp_path / "keys-ngo-a"
        (folder / "org.json").write_text("{not json")
    monkeypatch.setenv(xk.ENV_VAR, str(folder))
    tip = _route(app, "ngo-b", "Me ofrecieron trabajo y me quitaron el pasaporte.")
    res = _post(login("analyst"), "ngo-b")
    assert res.status_code == 503 and res.headers["content-type"].startswith("text/html")
    said = ("its exchange key files cannot be read" if damaged
            else "it does not have the organisation&#39;s exchange keys")
    assert said in res.text and "Ask an administrator" in res.text
    assert "adtrace " + "exchange" not in res.text and "Traceback" not in res.text and str(folder) not in res.text
    assert [t["id"] for t in ts.pending_handoffs(app.state.adtrace.engine)] == [tip]  # nothing marked
    assert audit_rows(app.state.adtrace.engine, "tip_handoff") == []
    assert [r for r in audit_rows(app.state.adtrace.engine, "export") if r[1] == "tip-handoffs"] == []


def test_a_hand_off_from_an_untrusted_organisation_says_what_to_ask_for(
        app: Any, login: Callable[[str], TestClient], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Was: the tip-leads page showed verify's message, which ends in the command an administrator runs
    (`adtrace exchange trust PUBLIC_KEYS.json`); a web user is told what to ask for instead."""
    monkeypatch.setenv(xk.ENV_VAR, str(org_keys(tmp_path, "ngo-z")))  # an issuer nobody here trusts
    _route(app, "ngo-b", "Les quitan el pasaporte en la finca.")
    client = login("analyst")
    res = _post(client, "ngo-b")
    assert res.status_code == 200
    name, data = next((n, zipfile.ZipFile(io.BytesIO(res.content)).read(n))
                      for n in zipfile.ZipFile(io.BytesIO(res.content)).namelist())
    up = client.post("/tips/leads/import", data={"csrf": csrf_of(client)}, files={"file": (name, data)})
    assert up.status_code == 403, up.text[:300]
    assert "does not trust yet" in up.text and "adtrace exchange" not in up.text
