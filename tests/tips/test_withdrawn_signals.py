"""A withdrawn tip stops matching at the partner (docs/tips.md, "After the hand-off"): importing the withdrawal
stops the identifiers that came only with that tip (its hand-off and updates), keeps those its sender
shares in another bundle, and leaves the exchange leads they made in place, status `withdrawn` with the
reason. An update that arrives after the withdrawal keeps its text on the lead and imports no identifier.
Two stores and two key pairs, as tests/tips/test_followup.py."""

from __future__ import annotations

import copy
import html
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from adtrace.documents import Document
from adtrace.exchange import bundles as b
from adtrace.exchange import keys as xk
from adtrace.exchange import match as xm
from adtrace.exchange import store as xs
from adtrace.exchange.signals import consortium_key_id, keyed_hash
from adtrace.pipeline import Pipeline
from adtrace.storage import open_store
from adtrace.storage import partnerbank as bank
from adtrace.storage.db import read
from adtrace.storage.prepare import prepare
from adtrace.tips import followup, handoff, intake
from adtrace.tips import store as ts
from tests.tips.conftest import CONSORTIUM, audit_rows, org_keys

REASON = "a hoax: the caller said so"


@pytest.fixture
def partner(template: tuple[Path, Path], tmp_path: Path) -> Iterator[Any]:
    db = tmp_path / "partner.db"
    db.write_bytes(template[0].read_bytes())
    with open_store(str(db)) as pstore:
        xs.trust(pstore.engine, xk.load(org_keys(tmp_path, "ngo-a")).public_info(), "admin", "checked by phone")
        yield pstore


def _phones(web: Any, n: int) -> list[tuple[str, list[str]]]:
    """`n` US phones of the synthetic ads, each carried by a few ads (far under the quarantine limit)."""
    store, out, seen = web.state.adtrace.store, [], set()
    for doc_id in store.iter_ids():
        for p in (store.get_record(doc_id) or {}).get("phones") or []:
            value = str(p.get("value") or "")
            ads = sorted(store.lookup("phone", value))
            if value.startswith("+1") and value not in seen and 1 <= len(ads) <= 5:
                seen.add(value)
                out.append((value, ads))
                if len(out) == n:
                    return out
    raise AssertionError("the synthetic store has too few phones")


def _keys(tmp_path: Path) -> xk.OrgKeys:
    return xk.load(org_keys(tmp_path, "ngo-a"))


def _hand_off(app: Any, tmp_path: Path, text: str) -> tuple[intake.Receipt, dict[str, Any]]:
    store = app.state.adtrace.store
    tip = intake.submit(store, intake.TipForm(text, country="US", about="sex", lang="en"), link=False)
    ts.decide(store.engine, tip.tip_id, "route", "analyst", partner="ngo-b")
    [(_t, body)] = handoff.send(store, _keys(tmp_path), CONSORTIUM, "analyst", "ngo-b")
    return tip, body


def _receive(pstore: Any, body: dict[str, Any]) -> dict[str, Any]:
    return handoff.receive(pstore.engine, copy.deepcopy(body), "bo", CONSORTIUM)


def _routine(tmp_path: Path, phones: list[str]) -> dict[str, Any]:
    """An ordinary signals bundle from ngo-a (its routine sharing, not a tip)."""
    when = "2026-12-01T00:00:00+00:00"
    return b.make_signals([b.Signal("phone", keyed_hash(CONSORTIUM, "phone", p), "indicators_present", 0.8, when, when)
                           for p in phones], _keys(tmp_path), consortium_key_id(CONSORTIUM))


def _signal(pstore: Any, phone: str) -> dict[str, Any] | None:
    with read(pstore.engine) as conn:
        sid = bank.signal_id(conn, "ngo-a", "phone", keyed_hash(CONSORTIUM, "phone", phone))
        return None if sid is None else bank.signal_row(conn, sid)


def _lead_status(pstore: Any, phone: str) -> dict[str, str]:
    """doc id -> status of the exchange leads on one of ngo-a's phones."""
    sig = _signal(pstore, phone)
    assert sig is not None
    return {str(r["doc_id"]): str(r["status"]) for r in xs.leads(pstore.engine, None, 1000)
            if r["signal_id"] == sig["id"]}


def _new_ad(pstore: Any, phone: str, n: int) -> str:
    doc = Document(id=f"late-ad-{n}", source="test", kind="ad", url=f"https://example.test/late/{n}",
                   title="new in town", text=f"New in town, call {phone[2:]} anytime.")
    pstore.put_batch([prepare(doc, Pipeline().process(doc))])
    return doc.id


def test_a_withdrawal_stops_only_the_identifiers_that_came_with_the_tip(app: Any, partner: Any,
                                                                        tmp_path: Path) -> None:
    engine = app.state.adtrace.engine
    [(only, only_ads), (shared, shared_ads)] = _phones(app, 2)
    # ngo-a shares `shared` routinely; the tip names both numbers.
    xs.import_bundle(partner.engine, _routine(tmp_path, [shared]), consortium_key_id(CONSORTIUM))
    tip, first = _hand_off(app, tmp_path, f"They answer on {only[2:]} and on {shared[2:]}; the girls look young.")
    lead = _receive(partner, first)
    assert sorted(a["doc_id"] for a in lead["ads"]) == sorted(set(only_ads) | set(shared_ads))
    assert set(_lead_status(partner, only).values()) == {"open"}

    _tip, withdrawal = followup.withdraw(engine, tip.tip_id, REASON, _keys(tmp_path), "admin")
    done = _receive(partner, withdrawal)
    assert (done["status"], done["signals_stopped"], done["signals_kept"]) == ("withdrawn", 1, 1)

    # The number that came only with the tip: its leads stay, withdrawn with the reason; it makes no more.
    assert _lead_status(partner, only) == {d: "withdrawn" for d in only_ads}
    assert {(r["withdrawn_reason"], r["status"]) for r in xs.leads(partner.engine, "withdrawn", 1000)} == {
        (REASON, "withdrawn")}
    assert xs.leads(partner.engine, "open", 1000) and all(
        r["withdrawn_at"] is None for r in xs.leads(partner.engine, "open", 1000))
    assert (_signal(partner, only) or {})["withdrawn_reason"] == REASON
    # The number ngo-a also shares routinely keeps matching.
    assert _lead_status(partner, shared) == {d: "open" for d in shared_ads}
    active = {(s["type"], s["hash"]) for s in xs.active_signals(partner.engine)}
    assert ("phone", keyed_hash(CONSORTIUM, "phone", shared)) in active
    assert ("phone", keyed_hash(CONSORTIUM, "phone", only)) not in active

    # New ads: the withdrawn tip's number raises no lead, the shared one does.
    late_only, late_shared = _new_ad(partner, only, 1), _new_ad(partner, shared, 2)
    xm.match_store(partner.engine, CONSORTIUM)
    assert late_only not in _lead_status(partner, only)
    assert _lead_status(partner, shared)[late_shared] == "open"

    # The lead still lists its ads (never deleted), each saying whether it still matches.
    ads = {a["doc_id"]: a["withdrawn"] for a in handoff.lead(partner.engine, lead["id"])["ads"]}
    assert {d for d, w in ads.items() if w} == set(only_ads) - set(shared_ads)
    [(actor, _target, detail)] = audit_rows(partner.engine, "tip_withdrawal_import")
    assert (actor, detail["signals_stopped"], detail["signals_kept"]) == ("bo", 1, 1)
    assert _receive(partner, withdrawal)["already_imported"]

    # ngo-a shares the number again in a bundle of its own: it matches again, its leads reopen.
    xs.import_bundle(partner.engine, _routine(tmp_path, [only]), consortium_key_id(CONSORTIUM))
    assert set(_lead_status(partner, only).values()) == {"open"}
    assert ("phone", keyed_hash(CONSORTIUM, "phone", only)) in {
        (s["type"], s["hash"]) for s in xs.active_signals(partner.engine)}


def test_another_tip_still_with_the_partner_keeps_the_number_matching(app: Any, partner: Any,
                                                                      tmp_path: Path) -> None:
    engine = app.state.adtrace.engine
    [(phone, ads)] = _phones(app, 1)
    tips = [_hand_off(app, tmp_path, f"{n} house: a man on {phone[2:]} keeps their passports.")
            for n in ("First", "Second", "Third")]
    [(one, first), (two, second), (_three, third)] = tips
    _receive(partner, first)
    _t, withdrawal = followup.withdraw(engine, one.tip_id, REASON, _keys(tmp_path), "admin")
    assert (_receive(partner, withdrawal)["signals_stopped"]) == 1
    assert _lead_status(partner, phone) == {d: "withdrawn" for d in ads}
    # A second tip naming the number comes after: it matches again, the leads reopen.
    assert sorted(a["doc_id"] for a in _receive(partner, second)["ads"]) == ads
    assert _lead_status(partner, phone) == {d: "open" for d in ads}
    # With a third tip here, withdrawing the second stops nothing.
    _receive(partner, third)
    _t, withdrawal = followup.withdraw(engine, two.tip_id, REASON, _keys(tmp_path), "admin")
    done = _receive(partner, withdrawal)
    assert (done["signals_stopped"], done["signals_kept"]) == (0, 1)
    assert _lead_status(partner, phone) == {d: "open" for d in ads}


def test_an_update_imported_after_the_withdrawal_keeps_its_text_not_its_identifiers(app: Any, partner: Any,
                                                                                    tmp_path: Path) -> None:
    store, engine = app.state.adtrace.store, app.state.adtrace.engine
    [(phone, _ads)] = _phones(app, 1)
    tip, first = _hand_off(app, tmp_path, "Six people sleep in the back of the shop.")
    intake.add(store, tip.code, f"The boss answers on {phone[2:]}.", link=False)
    _t, update = followup.update(store, tip.tip_id, _keys(tmp_path), CONSORTIUM, "analyst")
    _t, withdrawal = followup.withdraw(engine, tip.tip_id, REASON, _keys(tmp_path), "admin")
    lead = _receive(partner, first)
    _receive(partner, withdrawal)

    got = _receive(partner, update)  # signed before the withdrawal, imported after it
    assert got["id"] == lead["id"] and not got.get("already_imported")
    assert got["added_after_withdrawal"] is True and got["after_withdrawal"] is True
    assert "after the sender withdrew" in got["note"]
    assert got["added_text"] == update["update"]["text"] and got["added_through"] == 1
    assert _signal(partner, phone) is None and got["ads"] == [] and got["signals"] == lead["signals"]
    [(_a, _t2, detail)] = audit_rows(partner.engine, "tip_update_import")
    assert detail["after_withdrawal"] is True and detail["signals_bundle"] is None
    assert handoff.lead(partner.engine, lead["id"])["added_after_withdrawal"] is True
    assert _receive(partner, update)["already_imported"]


def test_an_update_before_the_withdrawal_is_withdrawn_with_the_tip(app: Any, partner: Any, tmp_path: Path) -> None:
    store, engine = app.state.adtrace.store, app.state.adtrace.engine
    [(phone, ads)] = _phones(app, 1)
    tip, first = _hand_off(app, tmp_path, "Six people sleep in the back of the shop.")
    _receive(partner, first)
    intake.add(store, tip.code, f"The boss answers on {phone[2:]}.", link=False)
    _t, update = followup.update(store, tip.tip_id, _keys(tmp_path), CONSORTIUM, "analyst")
    got = _receive(partner, update)
    assert got["added_after_withdrawal"] is False and sorted(a["doc_id"] for a in got["ads"]) == ads
    _t, withdrawal = followup.withdraw(engine, tip.tip_id, REASON, _keys(tmp_path), "admin")
    assert _receive(partner, withdrawal)["signals_stopped"] == 1
    assert _lead_status(partner, phone) == {d: "withdrawn" for d in ads}


def test_the_tip_leads_page_says_what_a_withdrawal_and_a_late_update_did(
        app: Any, template: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fastapi.testclient import TestClient

    from adtrace.app import create_app
    from tests.app.conftest import PASSWORD, TEST_HOSTS, csrf_of, post_login

    store, engine = app.state.adtrace.store, app.state.adtrace.engine
    [(phone, ads), (later, _later_ads)] = _phones(app, 2)
    tip, first = _hand_off(app, tmp_path, f"They answer on {phone[2:]}; the girls look young.")
    intake.add(store, tip.code, f"A second number: {later[2:]}.", link=False)
    _t, update = followup.update(store, tip.tip_id, _keys(tmp_path), CONSORTIUM, "analyst")
    _t, withdrawal = followup.withdraw(engine, tip.tip_id, REASON, _keys(tmp_path), "admin")
    db = tmp_path / "partner.db"
    db.write_bytes(template[0].read_bytes())
    with open_store(str(db)) as pstore:
        xs.trust(pstore.engine, _keys(tmp_path).public_info(), "admin", "checked by phone")
        lead = _receive(pstore, first)
    monkeypatch.setenv(xk.ENV_VAR, str(org_keys(tmp_path, "ngo-b")))
    theirs = create_app(str(db), image_roots=(template[1],), secure_cookies=False, allowed_hosts=TEST_HOSTS)
    try:
        client = TestClient(theirs)
        assert post_login(client, "analyst", PASSWORD).status_code == 303

        def upload(body: dict[str, Any]) -> str:
            res = client.post("/tips/leads/import", data={"csrf": csrf_of(client)},
                              files={"file": ("f.json", orjson.dumps(body), "application/json")})
            assert res.status_code == 200, res.text[:300]
            return html.unescape(res.text)

        page = upload(withdrawal)
        done = page.split('id="done">', 1)[1].split("</p>", 1)[0]
        assert f"Lead {lead['id']} is withdrawn" in done and "no longer match our ads: 1" in done
        card = page.split(f'data-lead="{lead["id"]}"', 1)[1].split("</li>\n", 1)[0]
        assert "no longer raise leads here" in card
        assert card.count("no longer matched: the sender withdrew the tip") == len(ads)

        page = upload(update)
        done = page.split('id="done">', 1)[1].split("</p>", 1)[0]
        assert "arrived after the sender withdrew the tip" in done and "identifiers were not imported" in done
        card = page.split(f'data-lead="{lead["id"]}"', 1)[1].split("</li>\n", 1)[0]
        assert "A second number" in card and "kept as information" in card
        assert _signal(theirs.state.adtrace.store, later) is None
    finally:
        theirs.state.adtrace.store.close()
