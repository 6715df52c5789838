"""After the hand-off (docs/tips.md, "Withdrawing a hand-off", "Additions after the hand-off"): the sender signs
a withdrawal or an update of a hand-off (format version 3); the partner's import marks its lead withdrawn
(never deleted) or puts the tipster's additions on it, once, whatever the order the files come in. Two
stores and two key pairs: the app's store sends as ngo-a, a copy of the template receives as ngo-b."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from adtrace import errors
from adtrace.exchange import keys as xk
from adtrace.exchange import store as xs
from adtrace.storage import open_store
from adtrace.tips import followup, handoff, intake
from adtrace.tips import store as ts
from tests.tips.conftest import CONSORTIUM, ad_phone, audit_rows, org_keys
from tests.tips.test_handoff_page import MASK

FIRST = "Les quitan el pasaporte en la finca."


@pytest.fixture
def partner(template: tuple[Path, Path], tmp_path: Path) -> Iterator[Any]:
    """The receiving organisation's store (ngo-b), trusting ngo-a and ngo-x."""
    db = tmp_path / "partner.db"
    db.write_bytes(template[0].read_bytes())
    with open_store(str(db)) as pstore:
        for org in ("ngo-a", "ngo-x"):
            xs.trust(pstore.engine, xk.load(org_keys(tmp_path, org)).public_info(), "admin", "checked by phone")
        yield pstore


def _hand_off(app: Any, tmp_path: Path, text: str = FIRST) -> tuple[intake.Receipt, dict[str, Any]]:
    store = app.state.adtrace.store
    tip = intake.submit(store, intake.TipForm(text, country="MX", about="labour", lang="es"), link=False)
    ts.decide(store.engine, tip.tip_id, "route", "analyst", partner="ngo-b")
    [(_t, body)] = handoff.send(store, xk.load(org_keys(tmp_path, "ngo-a")), CONSORTIUM, "analyst", "ngo-b")
    return tip, body


def _receive(pstore: Any, body: dict[str, Any]) -> dict[str, Any]:
    return handoff.receive(pstore.engine, copy.deepcopy(body), "bo", CONSORTIUM)


def _keys(tmp_path: Path, org: str = "ngo-a") -> xk.OrgKeys:
    return xk.load(org_keys(tmp_path, org))


# --- withdrawal -----------------------------------------------------------------------------------------


def test_a_withdrawal_marks_the_partners_lead_and_keeps_it(app: Any, partner: Any, tmp_path: Path) -> None:
    engine = app.state.adtrace.engine
    tip, first = _hand_off(app, tmp_path)
    lead = _receive(partner, first)
    _tip, body = followup.withdraw(engine, tip.tip_id, "  a hoax:\n the caller admitted it ", _keys(tmp_path), "admin")
    assert (body["version"], body["kind"], body["id"], body["to"]) == (3, "withdrawal", handoff.handoff_id(first), "ngo-b")
    assert body["withdrawal"]["reason"] == "a hoax: the caller admitted it"

    # The sender: "withdraw" in the history, with its reason, once; the tip takes no decision, no update.
    sent = ts.get(engine, tip.tip_id)
    newest = sent["history"][0]
    assert (newest["decision"], newest["reason"], newest["actor"]) == (
        "withdraw", "a hoax: the caller admitted it", "admin")
    assert sent["status"] == "routed" and sent["withdrawn_at"] == body["withdrawal"]["at"]
    [(actor, target, detail)] = audit_rows(engine, "tip_withdrawal")
    assert (actor, target, detail["tip"], detail["handoff"], detail["again"]) == (
        "admin", sent["doc_id"], tip.tip_id, body["id"], False)
    with pytest.raises(errors.InputError) as e:
        ts.decide(engine, tip.tip_id, "dismiss", "analyst", reason="x")
    assert e.value.code == errors.TIP_HANDED_OFF

    # The partner: the same lead, withdrawn with the reason and the sender's time; its text and ads stay.
    done = _receive(partner, body)
    assert done["id"] == lead["id"] and not done.get("already_imported")
    assert (done["status"], done["withdrawn_reason"], done["withdrawn_at"]) == (
        "withdrawn", "a hoax: the caller admitted it", body["withdrawal"]["at"])
    assert done["text"] == lead["text"] and done["ads"] == lead["ads"] and done["withdrawal_imported_at"]
    assert len(handoff.leads(partner.engine)) == 1
    [(actor, target, detail)] = audit_rows(partner.engine, "tip_withdrawal_import")
    assert (actor, target, detail["handoff"], detail["issuer"]) == ("bo", f"tip-lead-{lead['id']}", body["id"], "ngo-a")

    # Twice: nothing changes. Signed again (a lost file): the first reason and time, no second decision.
    again = _receive(partner, body)
    assert again["already_imported"] and again["withdrawal_imported_at"] == done["withdrawal_imported_at"]
    _tip, resigned = followup.withdraw(engine, tip.tip_id, "another reason", _keys(tmp_path), "admin")
    assert resigned["withdrawal"] == body["withdrawal"]
    assert [h["decision"] for h in ts.get(engine, tip.tip_id)["history"]] == ["withdraw", "route"]
    assert [d["again"] for _a, _t, d in audit_rows(engine, "tip_withdrawal")] == [False, True]
    assert _receive(partner, resigned)["already_imported"]
    assert len(audit_rows(partner.engine, "tip_withdrawal_import")) == 1


def test_a_withdrawal_needs_a_hand_off_and_a_reason(app: Any, tmp_path: Path) -> None:
    engine = app.state.adtrace.engine
    store = app.state.adtrace.store
    waiting = intake.submit(store, intake.TipForm(FIRST, country="MX", about="labour", lang="es"), link=False)
    ts.decide(engine, waiting.tip_id, "route", "analyst", partner="ngo-c")
    with pytest.raises(errors.InputError) as e:  # routed, not handed off: it may still be taken back
        followup.withdraw(engine, waiting.tip_id, "a hoax", _keys(tmp_path), "admin")
    assert e.value.code == errors.NOT_FOUND and "has not been handed off" in e.value.message
    tip, _first = _hand_off(app, tmp_path, "Otra finca.")
    with pytest.raises(errors.InputError) as e:
        followup.withdraw(engine, tip.tip_id, " \n ", _keys(tmp_path), "admin")
    assert e.value.code == errors.BAD_ROUTE_RULE and ts.get(engine, tip.tip_id)["withdrawn_at"] is None
    assert audit_rows(engine, "tip_withdrawal") == []


def test_a_withdrawal_is_refused_unless_it_is_the_senders_of_a_lead_here(app: Any, partner: Any,
                                                                         tmp_path: Path) -> None:
    engine = app.state.adtrace.engine
    tip, first = _hand_off(app, tmp_path)
    _tip, body = followup.withdraw(engine, tip.tip_id, "wrong partner", _keys(tmp_path), "admin")

    # Never received here: refused, nothing made.
    with pytest.raises(errors.InputError) as e:
        _receive(partner, body)
    assert e.value.code == errors.UNKNOWN_HANDOFF and body["id"] in e.value.message
    assert handoff.leads(partner.engine) == []
    lead = _receive(partner, first)

    # Another trusted organisation naming ngo-a's hand-off: refused (403), the lead unchanged.
    squat = followup._body({**ts.get(engine, tip.tip_id)}, _keys(tmp_path, "ngo-x"), "withdrawal",
                           {"reason": "ignore it", "at": body["withdrawal"]["at"]})
    with pytest.raises(errors.InputError) as e:
        _receive(partner, squat)
    assert e.value.code == errors.FOLLOWUP_ISSUER and e.value.http_status == 403 and "ngo-x" in e.value.message

    # Changed after signing (the reason, or the id of another hand-off): the signature does not verify.
    for field, value in (("withdrawal", {**body["withdrawal"], "reason": "act on it"}), ("id", "f" * 32)):
        with pytest.raises(errors.AuthError) as a:
            _receive(partner, {**body, field: value})
        assert a.value.code == errors.BAD_SIGNATURE
    untrusted = followup._body({**ts.get(engine, tip.tip_id)}, _keys(tmp_path, "ngo-z"), "withdrawal",
                               body["withdrawal"])
    with pytest.raises(errors.AuthError) as a:
        _receive(partner, untrusted)
    assert a.value.code == errors.UNKNOWN_ISSUER
    now = handoff.lead(partner.engine, lead["id"])
    assert now["status"] == "open" and now["withdrawn_at"] is None and now == lead
    assert audit_rows(partner.engine, "tip_withdrawal_import") == []


# --- the format: what an older or newer adtrace does with it ----------------------------------------------


def test_a_follow_up_is_no_hand_off_to_a_reader_of_versions_1_and_2(app: Any, tmp_path: Path) -> None:
    """Version 3 names a version an older adtrace refuses (it reads 1 and 2: "version 3 is not supported"),
    and lacks the tip and signals any hand-off carries, so no reader can take it for a new tip."""
    tip, _first = _hand_off(app, tmp_path)
    _tip, body = followup.withdraw(app.state.adtrace.engine, tip.tip_id, "a hoax", _keys(tmp_path), "admin")
    assert body["version"] not in (handoff.VERSION, handoff.COPY_VERSION)
    assert "tip" not in body and "signals" not in body
    for bad in ({**body, "version": 4}, {**body, "kind": "recall"}, {**body, "kind": "update"},
                {**body, "id": "not-hex"}, {**body, "withdrawal": {"reason": "", "at": "x"}},
                {**body, "withdrawal": {"reason": "x" * 301, "at": "x"}}):
        with pytest.raises(errors.InputError) as e:
            handoff.check_shape(bad)
        assert e.value.code == errors.BAD_HANDOFF
    with pytest.raises(errors.InputError) as e:
        handoff.check_shape({**body, "version": 4})
    assert "version 4 is not supported" in e.value.message and "1, 2, 3" in e.value.message


# --- additions after the hand-off -------------------------------------------------------------------------


def test_additions_go_in_updates_the_partner_keeps_once_and_in_order(app: Any, partner: Any, tmp_path: Path) -> None:
    store, engine = app.state.adtrace.store, app.state.adtrace.engine
    phone, ads = ad_phone(app)
    tip, first = _hand_off(app, tmp_path)  # no number in the hand-off: no ad linked yet
    lead = _receive(partner, first)
    assert lead["ads"] == [] and lead["added_text"] is None
    assert followup.unsent(ts.get(engine, tip.tip_id)) == 0
    with pytest.raises(errors.InputError) as e:
        followup.update(store, tip.tip_id, _keys(tmp_path), CONSORTIUM, "analyst")
    assert e.value.code == errors.NOT_FOUND and "nothing was added" in e.value.message

    intake.add(store, tip.code, f"El encargado contesta en el {phone[2:]}, pregunten por Amber.", link=False)
    assert followup.unsent(ts.get(engine, tip.tip_id)) == 1
    _t, one = followup.update(store, tip.tip_id, _keys(tmp_path), CONSORTIUM, "analyst")
    assert (one["version"], one["kind"], one["id"], one["update"]["through"]) == (
        3, "update", handoff.handoff_id(first), 1)
    text = one["update"]["text"]
    assert "pregunten por" in text and "pasaporte" not in text  # the addition only, not the tip again
    assert phone[2:] not in text and "Amber" not in text and "[phone " in text  # masked as the hand-off
    assert followup.unsent(ts.get(engine, tip.tip_id)) == 0
    assert followup.file_name(ts.get(engine, tip.tip_id), one) == f"tip-{tip.tip_id}-to-ngo-b-update-1.json"

    intake.add(store, tip.code, "Llegan camionetas los lunes.", link=False)
    _t, two = followup.update(store, tip.tip_id, _keys(tmp_path), CONSORTIUM, "analyst")
    assert two["update"]["through"] == 2 and two["update"]["text"].index("pregunten") < two["update"]["text"].index(
        "camionetas")  # every addition since the hand-off, in order
    assert [(d["through"], d["tip"]) for _a, _t2, d in audit_rows(engine, "tip_update")] == [
        (1, tip.tip_id), (2, tip.tip_id)]

    # The partner gets the second first, then the first, then the second again: one lead, both additions
    # once, in order; the addition's number links the ads that carry it.
    got = _receive(partner, two)
    assert got["id"] == lead["id"] and got["added_through"] == 2 and got["text"] == lead["text"]
    assert got["added_text"] == two["update"]["text"] and sorted(a["doc_id"] for a in got["ads"]) == ads
    for late in (one, two):
        assert _receive(partner, late)["already_imported"]
    final = handoff.lead(partner.engine, lead["id"])
    assert final["added_text"].count("camionetas") == 1 and final["added_text"].count("pregunten") == 1
    assert len(handoff.leads(partner.engine)) == 1
    assert [d["through"] for _a, _t2, d in audit_rows(partner.engine, "tip_update_import")] == [2]


def test_a_late_first_update_is_kept_until_a_later_one_comes(app: Any, partner: Any, tmp_path: Path) -> None:
    store = app.state.adtrace.store
    tip, first = _hand_off(app, tmp_path)
    _receive(partner, first)
    intake.add(store, tip.code, "Son seis personas.", link=False)
    _t, one = followup.update(store, tip.tip_id, _keys(tmp_path), CONSORTIUM, "analyst")
    intake.add(store, tip.code, "Dos son menores.", link=False)
    _t, two = followup.update(store, tip.tip_id, _keys(tmp_path), CONSORTIUM, "analyst")
    assert _receive(partner, one)["added_through"] == 1
    got = _receive(partner, two)
    assert got["added_through"] == 2 and "seis" in got["added_text"] and "menores" in got["added_text"]


def test_no_update_after_a_withdrawal_and_a_copy_carries_only_the_hand_offs_text(app: Any, tmp_path: Path) -> None:
    store, engine = app.state.adtrace.store, app.state.adtrace.engine
    tip, first = _hand_off(app, tmp_path)
    intake.add(store, tip.code, "Son seis personas.", link=False)
    _t, again = handoff.copy_of(store, tip.tip_id, _keys(tmp_path), CONSORTIUM, "admin")
    assert MASK.sub("[mask]", again["tip"]["text"]) == MASK.sub("[mask]", first["tip"]["text"])  # fresh salt
    assert "seis" not in again["tip"]["text"]
    followup.withdraw(engine, tip.tip_id, "endangers the caller", _keys(tmp_path), "admin")
    assert followup.unsent(ts.get(engine, tip.tip_id)) == 0  # nothing waits to be sent to a withdrawn partner
    with pytest.raises(errors.InputError) as e:
        followup.update(store, tip.tip_id, _keys(tmp_path), CONSORTIUM, "analyst")
    assert e.value.code == errors.TIP_WITHDRAWN and e.value.http_status == 409
    assert audit_rows(engine, "tip_update") == []


def test_an_update_is_refused_unless_it_is_the_senders_of_a_lead_here(app: Any, partner: Any, tmp_path: Path) -> None:
    store, engine = app.state.adtrace.store, app.state.adtrace.engine
    tip, first = _hand_off(app, tmp_path)
    intake.add(store, tip.code, "Son seis personas.", link=False)
    _t, one = followup.update(store, tip.tip_id, _keys(tmp_path), CONSORTIUM, "analyst")
    with pytest.raises(errors.InputError) as e:
        _receive(partner, one)
    assert e.value.code == errors.UNKNOWN_HANDOFF
    lead = _receive(partner, first)
    squat = followup._body({**ts.get(engine, tip.tip_id)}, _keys(tmp_path, "ngo-x"), "update",
                           {**one["update"], "signals": handoff.signals_of(store, ts.get(engine, tip.tip_id),
                                                                           _keys(tmp_path, "ngo-x"), CONSORTIUM)})
    with pytest.raises(errors.InputError) as e:
        _receive(partner, squat)
    assert e.value.code == errors.FOLLOWUP_ISSUER
    with pytest.raises(errors.AuthError):
        _receive(partner, {**one, "update": {**one["update"], "text": "Nada que ver."}})
    assert handoff.lead(partner.engine, lead["id"]) == lead


# --- addressee ----------------------------------------------------------------------------------------


def test_a_file_for_another_partner_is_refused(app: Any, partner: Any, tmp_path: Path) -> None:
    """Hand-offs and their withdrawals name the partner in `to` (inside the signature): an installation
    that is not that partner refuses them (AT127) and makes nothing; the named partner imports them."""
    engine = app.state.adtrace.engine
    tip, first = _hand_off(app, tmp_path)
    _tip, withdrawal = followup.withdraw(engine, tip.tip_id, "wrong partner", _keys(tmp_path), "admin")
    for body in (first, withdrawal):
        with pytest.raises(errors.InputError) as e:
            handoff.receive(partner.engine, copy.deepcopy(body), "bo", CONSORTIUM, me="ngo-c")
        assert e.value.code == errors.NOT_FOR_US and "ngo-b" in e.value.message and "ngo-c" in e.value.message
    assert handoff.leads(partner.engine) == []
    assert handoff.receive(partner.engine, copy.deepcopy(first), "bo", CONSORTIUM, me="ngo-b")["issuer"] == "ngo-a"
    assert handoff.receive(partner.engine, copy.deepcopy(withdrawal), "bo", CONSORTIUM, me="ngo-b")["withdrawn_reason"]
