"""The Tips page after a hand-off, browser-free: the Routed tab tells the sender of additions not yet sent and
signs their update (those who route); an admin withdraws a hand-off; the partner's Tip leads page shows
the withdrawal and the additions (docs/tips.md, "After the hand-off")."""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient

from adtrace.exchange import keys as xk
from adtrace.exchange import store as xs
from adtrace.storage import open_store
from adtrace.tips import followup, handoff, intake
from adtrace.tips import store as ts
from tests.app.conftest import csrf_of
from tests.tips.conftest import CONSORTIUM, audit_rows, org_keys
from tests.tips.test_handed_off import _tip_card


def _handed_off(app: Any, tmp_path: Path) -> intake.Receipt:
    store = app.state.adtrace.store
    tip = intake.submit(store, intake.TipForm("Les quitan el pasaporte en la finca.", country="MX", about="labour",
                                              lang="es"), link=False)
    ts.decide(store.engine, tip.tip_id, "route", "analyst", partner="ngo-b")
    handoff.send(store, xk.load(org_keys(tmp_path, "ngo-a")), CONSORTIUM, "analyst")
    return tip


def _post(client: TestClient, path: str, **data: str) -> Any:
    return client.post(path, data={**data, "csrf": csrf_of(client)})


def test_the_routed_tab_shows_additions_not_yet_sent_and_signs_their_update(
        app: Any, login: Callable[[str], TestClient], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(xk.ENV_VAR, str(org_keys(tmp_path, "ngo-a")))
    store, engine = app.state.adtrace.store, app.state.adtrace.engine
    tip = _handed_off(app, tmp_path)
    client = login("analyst")
    card = _tip_card(client.get("/tips?status=routed").text, tip.tip_id)
    assert "not yet sent" not in card and f"/tips/{tip.tip_id}/update" not in card
    assert f"/tips/{tip.tip_id}/withdraw" not in card  # an admin's

    intake.add(store, tip.code, "Son seis personas.", link=False)
    intake.add(store, tip.code, "Dos son menores.", link=False)
    card = _tip_card(client.get("/tips?status=routed").text, tip.tip_id)
    assert "2 additions by the tipster not yet sent to ngo-b" in card
    assert f'action="/tips/{tip.tip_id}/update"' in card
    res = _post(client, f"/tips/{tip.tip_id}/update")
    assert res.status_code == 200, res.text[:300]
    assert f'filename="tip-{tip.tip_id}-to-ngo-b-update-2.json"' in res.headers["content-disposition"]
    body = orjson.loads(res.content)
    assert (body["kind"], body["update"]["through"]) == ("update", 2) and "menores" in body["update"]["text"]
    assert [d["through"] for _a, _t, d in audit_rows(engine, "tip_update")] == [2]
    assert [d["kind"] for _a, t, d in audit_rows(engine, "export") if t == "tip-handoffs" and "kind" in d] == ["update"]
    card = _tip_card(client.get("/tips?status=routed").text, tip.tip_id)
    assert "not yet sent" not in card and f"/tips/{tip.tip_id}/update" not in card
    # Signed again (a lost file): the same additions, audited again; the partner keeps one of them.
    res = _post(client, f"/tips/{tip.tip_id}/update")
    assert res.status_code == 200 and orjson.loads(res.content)["update"]["through"] == 2
    assert [d["through"] for _a, _t, d in audit_rows(engine, "tip_update")] == [2, 2]


@pytest.mark.parametrize("role", ["analyst", "reviewer", "auditor", "partner"])
def test_only_an_admin_may_withdraw(app: Any, login: Callable[[str], TestClient], tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch, role: str) -> None:
    monkeypatch.setenv(xk.ENV_VAR, str(org_keys(tmp_path, "ngo-a")))
    tip = _handed_off(app, tmp_path)
    res = _post(login(role), f"/tips/{tip.tip_id}/withdraw", reason="a hoax")
    assert res.status_code == 403
    assert ts.get(app.state.adtrace.engine, tip.tip_id)["withdrawn_at"] is None
    assert audit_rows(app.state.adtrace.engine, "tip_withdrawal") == []


def test_an_admin_withdraws_and_the_partners_leads_page_says_so(
        app: Any, login: Callable[[str], TestClient], template: tuple[Path, Path], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(xk.ENV_VAR, str(org_keys(tmp_path, "ngo-a")))
    engine = app.state.adtrace.engine
    tip = _handed_off(app, tmp_path)
    client = login("admin")
    card = _tip_card(client.get("/tips?status=routed").text, tip.tip_id)
    assert f'action="/tips/{tip.tip_id}/withdraw"' in card and "Withdraw the hand-off" in card
    res = _post(client, f"/tips/{tip.tip_id}/withdraw", reason="")
    assert res.status_code == 422 and "needs a reason" in res.text
    res = _post(client, f"/tips/{tip.tip_id}/withdraw", reason="sent to the wrong partner")
    assert res.status_code == 200, res.text[:300]
    assert f'filename="tip-{tip.tip_id}-to-ngo-b-withdrawal.json"' in res.headers["content-disposition"]
    withdrawal = orjson.loads(res.content)
    card = html.unescape(_tip_card(client.get("/tips?status=routed").text, tip.tip_id))
    assert "withdrawn" in card and "hand-off withdrawn by admin" in card and "sent to the wrong partner" in card
    assert "Sign a copy of the withdrawal" in card and "/decide" not in card

    # The partner (its own store and key pair) imports the hand-off, then the withdrawal, on its pages.
    db = tmp_path / "partner.db"
    db.write_bytes(template[0].read_bytes())
    with open_store(str(db)) as pstore:
        xs.trust(pstore.engine, xk.load(org_keys(tmp_path, "ngo-a")).public_info(), "admin", "checked")
        lead = handoff.receive(pstore.engine, handoff.copy_of(app.state.adtrace.store, tip.tip_id,
                                                              xk.load(org_keys(tmp_path, "ngo-a")), CONSORTIUM,
                                                              "admin")[1], "bo", CONSORTIUM)
    app.state.adtrace.store.close()
    from adtrace.app import create_app
    from tests.app.conftest import TEST_HOSTS

    # The partner's installation has its own keys: the hand-off's `to` names it (else AT127).
    monkeypatch.setenv(xk.ENV_VAR, str(org_keys(tmp_path, "ngo-b")))
    theirs = create_app(str(db), image_roots=(template[1],), secure_cookies=False, allowed_hosts=TEST_HOSTS)
    try:
        from tests.app.conftest import PASSWORD, post_login

        pclient = TestClient(theirs)
        assert post_login(pclient, "analyst", PASSWORD).status_code == 303
        page = pclient.get("/tips/leads").text
        assert f'data-lead="{lead["id"]}"' in page and "Withdrawn by the sender" not in page
        res = pclient.post("/tips/leads/import", data={"csrf": csrf_of(pclient)},
                           files={"file": ("w.json", orjson.dumps(withdrawal), "application/json")})
        assert res.status_code == 200 and "Withdrawn by the sender" in res.text
        lead_card = html.unescape(res.text.split(f'data-lead="{lead["id"]}"', 1)[1].split("</li>", 1)[0])
        assert "sent to the wrong partner" in lead_card and "Do not act on this tip" in lead_card
        assert "pasaporte" in lead_card  # the lead's text stays
        # A withdrawal of a hand-off this partner never received: refused with the reason, nothing changes.
        stray = followup._body({"handoff_id": "0" * 32, "partner": "ngo-b"}, xk.load(org_keys(tmp_path, "ngo-a")),
                               "withdrawal", withdrawal["withdrawal"])
        res = pclient.post("/tips/leads/import", data={"csrf": csrf_of(pclient)},
                           files={"file": ("w.json", orjson.dumps(stray), "application/json")})
        assert res.status_code == 422 and "which was never imported here" in html.unescape(res.text)
        assert "Import the hand-off first" in html.unescape(res.text)
        assert len(handoff.leads(theirs.state.adtrace.engine)) == 1
    finally:
        theirs.state.adtrace.store.close()
    assert audit_rows(engine, "tip_withdrawal")[0][2]["reason"] == "sent to the wrong partner"
    assert followup.unsent(ts.get(engine, tip.tip_id)) == 0


def test_without_keys_the_page_says_where_to_sign(app: Any, login: Callable[[str], TestClient], tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    tip = _handed_off(app, tmp_path)
    monkeypatch.setenv(xk.ENV_VAR, str(tmp_path / "no-keys-here"))
    client = login("admin")
    for path, command in (("withdraw", "adtrace tips withdraw"), ("update", "adtrace tips update")):
        res = _post(client, f"/tips/{tip.tip_id}/{path}", reason="a hoax")
        assert res.status_code == 503 and f"{command} {tip.tip_id}" in res.text
    assert ts.get(app.state.adtrace.engine, tip.tip_id)["withdrawn_at"] is None
    assert audit_rows(app.state.adtrace.engine, "tip_withdrawal") == []
