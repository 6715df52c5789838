"""A routed tip before and after its hand-off (docs/tips.md, "After the hand-off"): before, it may be routed to
another partner, taken back or dismissed; once its hand-off is signed it is with the partner, and the store
refuses every decision on it (AT118) whatever the page shows. An admin may sign a copy of a past hand-off
(a lost download): the same hand-off id and tip, so the partner's import keeps one lead."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from adtrace import errors
from adtrace.exchange import keys as xk
from adtrace.exchange import store as xs
from adtrace.storage import open_store
from adtrace.tips import handoff, intake
from adtrace.tips import store as ts
from tests.app.conftest import csrf_of
from tests.tips.conftest import CONSORTIUM, ad_phone, audit_rows, org_keys


def _routed(app: Any, partner: str = "ngo-b", text: str = "Les quitan el pasaporte en la finca.") -> intake.Receipt:
    store = app.state.adtrace.store
    tip = intake.submit(store, intake.TipForm(text, country="MX", about="labour", lang="es"), link=False)
    ts.decide(store.engine, tip.tip_id, "route", "analyst", partner=partner)
    return tip


def _handed_off(app: Any, tmp_path: Path, text: str = "Les quitan el pasaporte en la finca.") -> tuple[int, dict[str, Any]]:
    tip = _routed(app, text=text)
    [(_tip, body)] = handoff.send(app.state.adtrace.store, xk.load(org_keys(tmp_path, "ngo-a")), CONSORTIUM, "analyst")
    return tip.tip_id, body


def _tip_card(page: str, tip_id: int) -> str:
    return page.split(f'data-tip="{tip_id}"', 1)[1].split('class="card tip"', 1)[0].split("</ol>", 1)[0]


# --- the store ----------------------------------------------------------------------------------------


def test_before_its_hand_off_a_routed_tip_may_be_routed_again_or_taken_back(app: Any) -> None:
    engine = app.state.adtrace.engine
    tip = _routed(app, "ngo-b")
    again = ts.decide(engine, tip.tip_id, "route", "analyst", partner="ngo-c")
    assert again["partner"] == "ngo-c" and [(t["id"], t["partner"]) for t in ts.pending_handoffs(engine)] == [
        (tip.tip_id, "ngo-c")]
    back = ts.decide(engine, tip.tip_id, "accept", "reviewer")
    assert back["status"] == "accepted" and back["partner"] is None and ts.pending_handoffs(engine) == []
    assert [(h["decision"], h["partner"], h["actor"]) for h in back["history"]] == [
        ("accept", None, "reviewer"), ("route", "ngo-c", "analyst"), ("route", "ngo-b", "analyst")]


@pytest.mark.parametrize(("decision", "extra"), [("accept", {}), ("route", {"partner": "ngo-c"}),
                                                 ("route", {"partner": "ngo-b"}), ("dismiss", {"reason": "dup"})])
def test_a_handed_off_tip_takes_no_decision_and_keeps_its_history(app: Any, tmp_path: Path, decision: str,
                                                                  extra: dict[str, str]) -> None:
    engine = app.state.adtrace.engine
    tip_id, body = _handed_off(app, tmp_path)
    before = ts.get(engine, tip_id)
    with pytest.raises(errors.InputError) as e:
        ts.decide(engine, tip_id, decision, "analyst", **extra)
    assert e.value.code == errors.TIP_HANDED_OFF and e.value.http_status == 409
    assert "ngo-b" in e.value.message and "handed off" in e.value.message
    after = ts.get(engine, tip_id)
    assert after == before and after["handoff_id"] == handoff.handoff_id(body)
    assert [h["decision"] for h in after["history"]] == ["route"]
    assert ts.pending_handoffs(engine) == []  # not signed a second time


def test_a_tip_routed_elsewhere_while_its_hand_off_was_being_signed_is_not_marked(
        app: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Signing reads the pending tips, then signs and marks each: a tip routed to another partner (or taken
    back) in between keeps its new decision, and the stale hand-off is neither marked nor audited."""
    store, engine = app.state.adtrace.store, app.state.adtrace.engine
    tip = _routed(app, "ngo-b")
    stale = ts.pending_handoffs(engine)
    ts.decide(engine, tip.tip_id, "route", "analyst", partner="ngo-c")
    monkeypatch.setattr(ts, "pending_handoffs", lambda *_a, **_k: stale)
    assert handoff.send(store, xk.load(org_keys(tmp_path, "ngo-a")), CONSORTIUM, "analyst") == []
    now = ts.get(engine, tip.tip_id)
    assert (now["partner"], now["handed_off_at"], now["handoff_id"]) == ("ngo-c", None, None)
    assert audit_rows(engine, "tip_handoff") == []


# --- the page -----------------------------------------------------------------------------------------


def test_the_routed_tab_offers_re_routing_before_the_hand_off_and_only_what_happened_after(
        app: Any, login: Callable[[str], TestClient], tmp_path: Path) -> None:
    engine = app.state.adtrace.engine
    done, _body = _handed_off(app, tmp_path)
    waiting = _routed(app, "ngo-c", "Otra finca, otro pasaporte.").tip_id
    client = login("analyst")
    page = client.get("/tips?status=routed").text
    pending, gone = _tip_card(page, waiting), _tip_card(page, done)
    assert 'value="route"' in pending and 'value="accept"' in pending and 'value="dismiss"' in pending
    assert "Route to another partner" in pending and "Take back" in pending
    assert "/decide" not in gone and "<button" not in gone  # with the partner: nothing to decide here
    handed = ts.get(engine, done)
    assert "routed to ngo-b by analyst" in gone and handed["handed_off_at"][:16].replace("T", " ") in gone
    assert str(handed["handoff_id"])[:12] in gone

    # A crafted POST is refused by the store: 409, the reason on the page, nothing written.
    decisions = len(audit_rows(engine, "tip_decision"))
    res = client.post(f"/tips/{done}/decide", data={"decision": "dismiss", "reason": "x", "status": "routed",
                                                     "csrf": csrf_of(client)})
    assert res.status_code == 409 and "handed off to ngo-b" in res.text
    assert ts.get(engine, done) == handed and len(audit_rows(engine, "tip_decision")) == decisions


# --- a copy of a past hand-off --------------------------------------------------------------------------


def _copy(client: TestClient, tip_id: int) -> Any:
    return client.post(f"/tips/{tip_id}/handoff/copy", data={"csrf": csrf_of(client)})


@pytest.mark.parametrize("role", ["analyst", "reviewer", "auditor", "partner"])
def test_only_an_admin_may_sign_a_copy(app: Any, login: Callable[[str], TestClient], tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch, role: str) -> None:
    monkeypatch.setenv(xk.ENV_VAR, str(org_keys(tmp_path, "ngo-a")))
    tip_id, _body = _handed_off(app, tmp_path, "Llamen al 702 555 0199, pregunten por Amber.")
    client = login(role)
    res = _copy(client, tip_id)
    assert res.status_code == 403 and "pasaporte" not in res.text and "[phone" not in res.text
    assert audit_rows(app.state.adtrace.engine, "tip_handoff_copy") == []
    if role != "analyst":
        return
    assert f"/tips/{tip_id}/handoff/copy" not in client.get("/tips?status=routed").text  # not offered either


def test_an_admin_signs_a_copy_the_partner_imports_once(app: Any, login: Callable[[str], TestClient],
                                                        template: tuple[Path, Path], tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    engine = app.state.adtrace.engine
    ours = org_keys(tmp_path, "ngo-a")
    monkeypatch.setenv(xk.ENV_VAR, str(ours))
    phone, ads = ad_phone(app)
    tip_id, first = _handed_off(app, tmp_path, f"Ofrecen trabajo, llamar al {phone[2:]}, pregunten por Amber.")
    client = login("admin")
    assert f'action="/tips/{tip_id}/handoff/copy"' in client.get("/tips?status=routed").text
    res = _copy(client, tip_id)
    assert res.status_code == 200, res.text[:300]
    assert f'filename="tip-{tip_id}-to-ngo-b.json"' in res.headers["content-disposition"]
    again = orjson.loads(res.content)
    assert again["version"] == 2 and again["id"] == handoff.handoff_id(first) == handoff.handoff_id(again)
    assert again["tip"]["ref"] == first["tip"]["ref"] and again["to"] == "ngo-b"
    assert phone[2:].encode() not in res.content and b"Amber" not in res.content  # redacted as the first
    tip = ts.get(engine, tip_id)
    assert tip["handoff_id"] == handoff.handoff_id(first) and [h["decision"] for h in tip["history"]] == ["route"]
    [(actor, target, detail)] = audit_rows(engine, "tip_handoff_copy")
    assert (actor, target, detail["tip"], detail["handoff"], detail["to"]) == (
        "admin", tip["doc_id"], tip_id, handoff.handoff_id(first), "ngo-b")
    assert [d["handoffs"] for _a, t, d in audit_rows(engine, "export") if t == "tip-handoffs"] == [
        [handoff.handoff_id(first)]]

    # The partner, whichever copy comes first, keeps one lead and one tip_import.
    for order in ((first, again), (again, first)):
        partner = tmp_path / f"partner-{order[0]['version']}.db"
        partner.write_bytes(template[0].read_bytes())
        with open_store(str(partner)) as pstore:
            xs.trust(pstore.engine, xk.load(ours).public_info(), "admin", "checked by phone")
            lead = handoff.receive(pstore.engine, copy.deepcopy(order[0]), "bo", CONSORTIUM)
            assert sorted(a["doc_id"] for a in lead["ads"]) == ads
            second = handoff.receive(pstore.engine, copy.deepcopy(order[1]), "bo", CONSORTIUM)
            assert second["already_imported"] and second["id"] == lead["id"]
            assert len(handoff.leads(pstore.engine)) == 1 and len(audit_rows(pstore.engine, "tip_import")) == 1


def test_a_copy_needs_a_past_hand_off(app: Any, login: Callable[[str], TestClient], tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(xk.ENV_VAR, str(org_keys(tmp_path, "ngo-a")))
    tip = _routed(app)  # routed, not handed off: its hand-off is signed on the Routed tab, not copied
    res = _copy(login("admin"), tip.tip_id)
    assert res.status_code == 404 and "has not been handed off" in res.text
    with pytest.raises(errors.InputError) as e:
        handoff.copy_of(app.state.adtrace.store, tip.tip_id, xk.load(org_keys(tmp_path, "ngo-a")), CONSORTIUM, "admin")
    assert e.value.code == errors.NOT_FOUND
    assert audit_rows(app.state.adtrace.engine, "tip_handoff_copy") == []


def test_a_copy_cannot_take_another_issuers_hand_off_id(app: Any, template: tuple[Path, Path],
                                                        tmp_path: Path) -> None:
    """A copy names its own id (signed); the receiver keeps one lead per id, so an id already imported from
    another organisation is refused rather than answered with that organisation's lead."""
    tip_id, first = _handed_off(app, tmp_path)
    other = org_keys(tmp_path, "ngo-x")
    squat = handoff.make(app.state.adtrace.store, ts.get(app.state.adtrace.engine, tip_id), xk.load(other),
                         CONSORTIUM, again=handoff.handoff_id(first))
    partner = tmp_path / "partner.db"
    partner.write_bytes(template[0].read_bytes())
    with open_store(str(partner)) as pstore:
        for org in ("ngo-a", "ngo-x"):
            xs.trust(pstore.engine, xk.load(org_keys(tmp_path, org)).public_info(), "admin", "checked")
        lead = handoff.receive(pstore.engine, copy.deepcopy(first), "bo", CONSORTIUM)
        with pytest.raises(errors.InputError) as e:
            handoff.receive(pstore.engine, squat, "bo", CONSORTIUM)
        assert e.value.code == errors.BAD_HANDOFF
        assert [x["id"] for x in handoff.leads(pstore.engine)] == [lead["id"]]


@pytest.mark.parametrize("bad", [None, "", "not-hex", "A" * 32, "0" * 31])
def test_a_version_2_hand_off_names_a_well_formed_id(app: Any, tmp_path: Path, bad: Any) -> None:
    _tip_id, first = _handed_off(app, tmp_path)
    body = {**first, "version": 2, "id": bad}
    if bad is None:
        del body["id"]
    with pytest.raises(errors.InputError) as e:
        handoff.check_shape(body)
    assert e.value.code == errors.BAD_HANDOFF


def test_copy_on_the_command_line(app: Any, db_path: Path, tmp_path: Path) -> None:
    ours = org_keys(tmp_path, "ngo-a")
    tip_id, first = _handed_off(app, tmp_path)
    waiting = _routed(app, "ngo-c").tip_id
    app.state.adtrace.store.close()  # the CLI opens the database itself
    env = {**os.environ, "ADTRACE_EXCHANGE_KEYS": ""}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "adtrace", "tips", "copy", *args, "--db", str(db_path),
                               "--keys", str(ours)], capture_output=True, text=True, timeout=300, env=env)

    res = run(str(tip_id), "-o", str(tmp_path / "out"), "--as", "root")
    assert res.returncode == 0, res.stderr
    [written] = json.loads(res.stdout)["copied"]
    assert Path(written["file"]).name == f"tip-{tip_id}-to-ngo-b.json"
    body = orjson.loads(Path(written["file"]).read_bytes())
    assert written["handoff"] == body["id"] == handoff.handoff_id(first)
    with sa.create_engine(f"sqlite:///{db_path}").connect() as conn:
        rows = conn.execute(sa.text("SELECT actor, detail FROM audit_log WHERE action = 'tip_handoff_copy'")).all()
    assert [(a, orjson.loads(d)["tip"]) for a, d in rows] == [("root", tip_id)]
    refused = run(str(waiting), "-o", str(tmp_path / "out2"))
    assert refused.returncode == 1 and "AT112" in refused.stderr and "has not been handed off" in refused.stderr

    # Which tips were handed off, to find the one to copy: ids, partner, dates, who decided; no tip text.
    listed = subprocess.run([sys.executable, "-m", "adtrace", "tips", "handoffs", "--db", str(db_path)],
                            capture_output=True, text=True, timeout=300, env=env)
    assert listed.returncode == 0, listed.stderr
    [row] = json.loads(listed.stdout)["handoffs"]
    assert (row["id"], row["partner"], row["handoff_id"]) == (tip_id, "ngo-b", handoff.handoff_id(first))
    assert [(h["decision"], h["actor"]) for h in row["history"]] == [("route", "analyst")]
    assert "pasaporte" not in listed.stdout and "reason" not in listed.stdout
