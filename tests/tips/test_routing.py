"""Triage decisions, routing rules, and the signed, redacted hand-off of a tip to a partner store, whose
import makes a tip lead linked to its own ads carrying the tip's phone; audited on both sides."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path
from typing import Any

import orjson
import pytest
import sqlalchemy as sa

from adtrace import errors
from adtrace.exchange import keys as xk
from adtrace.exchange import store as xs
from adtrace.storage import open_store
from adtrace.tips import handoff, intake
from adtrace.tips import store as ts
from tests.tips.conftest import CONSORTIUM, ad_phone, audit_rows, org_keys


def test_rules_suggest_the_most_specific_partner(app: Any) -> None:
    engine = app.state.adtrace.engine
    ts.add_rule(engine, "admin", "any-org")
    mx = ts.add_rule(engine, "admin", "ngo-mx", country="Mexico")
    mx_es_labour = ts.add_rule(engine, "admin", "ngo-mx-labour", country="MX", about="labour", lang="es")
    rules = ts.rules(engine)
    assert ts.suggest(rules, "MX", "labour", "es").id == mx_es_labour  # type: ignore[union-attr]
    assert ts.suggest(rules, "MX", "sex", "es").id == mx  # type: ignore[union-attr]
    assert ts.suggest(rules, "TH", "minor", "zh").partner == "any-org"  # type: ignore[union-attr]
    assert ts.suggest([], "TH", "minor", "zh") is None
    for bad in ({"partner": "no spaces allowed"}, {"partner": "ok", "country": "Atlantis"},
                {"partner": "ok", "about": "drugs"}, {"partner": "ok", "lang": "spanish"}):
        with pytest.raises(errors.InputError) as e:
            ts.add_rule(engine, "admin", **bad)
        assert e.value.code == errors.BAD_ROUTE_RULE
    ts.remove_rule(engine, mx)
    with pytest.raises(errors.InputError):
        ts.remove_rule(engine, mx)


def test_decisions_need_a_partner_or_a_reason_and_keep_their_history(app: Any) -> None:
    store, engine = app.state.adtrace.store, app.state.adtrace.engine
    tip = intake.submit(store, intake.TipForm("Una tienda donde encierran a trabajadores."), link=False)
    with pytest.raises(errors.InputError, match="reason"):
        ts.decide(engine, tip.tip_id, "dismiss", "analyst")
    with pytest.raises(errors.InputError, match="organisation"):
        ts.decide(engine, tip.tip_id, "route", "analyst", partner="")
    with pytest.raises(errors.InputError, match="unknown decision"):
        ts.decide(engine, tip.tip_id, "delete", "analyst")
    ts.decide(engine, tip.tip_id, "accept", "analyst")
    got = ts.decide(engine, tip.tip_id, "route", "analyst", partner="ngo-b")
    assert got["status"] == "routed" and got["partner"] == "ngo-b"
    assert [h["decision"] for h in got["history"]] == ["route", "accept"]
    assert [t["id"] for t in ts.pending_handoffs(engine)] == [tip.tip_id]
    with pytest.raises(errors.InputError) as e:
        ts.decide(engine, 99999, "accept", "analyst")
    assert e.value.code == errors.NOT_FOUND


@pytest.fixture
def partner_store(template: tuple[Path, Path], tmp_path: Path) -> Any:
    """A second organisation's store holding the same synthetic ads."""
    dst = tmp_path / "partner.db"
    shutil.copy(template[0], dst)
    store = open_store(str(dst))
    yield store
    store.close()


def test_a_routed_tip_is_handed_off_redacted_and_becomes_a_linked_lead_at_the_partner(
        app: Any, partner_store: Any, tmp_path: Path) -> None:
    store, engine = app.state.adtrace.store, app.state.adtrace.engine
    ours, theirs = org_keys(tmp_path, "ngo-a"), org_keys(tmp_path, "ngo-b")
    xs.trust(partner_store.engine, xk.load(ours).public_info(), "admin", "checked by phone")
    phone, ads = ad_phone(app)
    national = f"({phone[2:5]}) {phone[5:8]}-{phone[8:]}"
    tip = intake.submit(store, intake.TipForm(f"Me ofrecieron trabajo y me quitaron el pasaporte. Tel {national}, "
                                              "pregunten por Amber.", country="MX", about="labour", lang="es"),
                        link=False)
    ts.decide(engine, tip.tip_id, "route", "analyst", partner="ngo-b")
    sent = handoff.send(store, xk.load(ours), CONSORTIUM, "analyst")
    assert len(sent) == 1 and not ts.pending_handoffs(engine)
    body = sent[0][1]
    raw = orjson.dumps(body).decode()
    assert national not in raw and phone not in raw and "Amber" not in raw  # redacted as case exports are
    assert "[phone " in body["tip"]["text"] and "pasaporte" in body["tip"]["text"]
    assert body["to"] == "ngo-b" and body["tip"]["country"] == "MX" and body["tip"]["about"] == "labour"
    # Sender's audit: one tip_handoff naming the partner and the hand-off id.
    [(actor, target, detail)] = audit_rows(engine, "tip_handoff")
    assert (actor, target, detail["to"], detail["handoff"]) == ("analyst", tip.doc_id, "ngo-b",
                                                                 handoff.handoff_id(body))

    lead = handoff.receive(partner_store.engine, copy.deepcopy(body), "partner-analyst", CONSORTIUM)
    assert lead["issuer"] == "ngo-a" and lead["country"] == "MX" and "pasaporte" in lead["text"]
    assert sorted(a["doc_id"] for a in lead["ads"]) == ads  # the partner's ads carrying the tip's phone
    [(actor, target, detail)] = audit_rows(partner_store.engine, "tip_import")
    assert actor == "partner-analyst" and target == f"tip-lead-{lead['id']}" and detail["issuer"] == "ngo-a"
    assert detail["handoff"] == handoff.handoff_id(body)
    # Importing the same hand-off again changes nothing.
    again = handoff.receive(partner_store.engine, copy.deepcopy(body), "partner-analyst", CONSORTIUM)
    assert again["already_imported"] and len(handoff.leads(partner_store.engine)) == 1
    assert len(audit_rows(partner_store.engine, "tip_import")) == 1
    _ = theirs


def test_a_changed_or_untrusted_hand_off_is_refused(app: Any, partner_store: Any, tmp_path: Path) -> None:
    store, engine = app.state.adtrace.store, app.state.adtrace.engine
    ours = org_keys(tmp_path, "ngo-a")
    tip = intake.submit(store, intake.TipForm("Trabajo forzado en una granja."), link=False)
    ts.decide(engine, tip.tip_id, "route", "analyst", partner="ngo-b")
    [(_, body)] = handoff.send(store, xk.load(ours), CONSORTIUM, "analyst")
    with pytest.raises(errors.AuthError) as e:
        handoff.receive(partner_store.engine, copy.deepcopy(body), "x", CONSORTIUM)
    assert e.value.code == errors.UNKNOWN_ISSUER
    xs.trust(partner_store.engine, xk.load(ours).public_info(), "admin")
    changed = copy.deepcopy(body)
    changed["tip"]["text"] += " (edited)"
    with pytest.raises(errors.AuthError) as e:
        handoff.receive(partner_store.engine, changed, "x", CONSORTIUM)
    assert e.value.code == errors.BAD_SIGNATURE
    with pytest.raises(errors.InputError) as e2:
        handoff.receive(partner_store.engine, {"format": "something else"}, "x", CONSORTIUM)
    assert e2.value.code == errors.BAD_HANDOFF
    assert handoff.leads(partner_store.engine) == [] and audit_rows(partner_store.engine, "tip_import") == []


@pytest.mark.parametrize(("text", "page", "lang"), [
    ("Me ofrecieron un trabajo en la cocina y el dueño se quedó con mi pasaporte.", "en", "es"),
    ("They took her passport and she is not allowed to leave the house at night.", "es", "en"),
    ("她们的护照被拿走了，晚上不能离开房子。", "en", "zh"),
    ("Tijuana 702 555 0147", "es", "es"),  # too little text to tell: the page's language
])
def test_a_tip_is_routed_by_the_language_it_is_written_in(text: str, page: str, lang: str) -> None:
    assert intake.check({"text": text, "lang": page}).lang == lang


def test_a_routed_tip_whose_document_was_purged_is_skipped(app: Any, tmp_path: Path) -> None:
    store, engine = app.state.adtrace.store, app.state.adtrace.engine
    tip = intake.submit(store, intake.TipForm("Trabajo forzado en una granja."), link=False)
    ts.decide(engine, tip.tip_id, "route", "analyst", partner="ngo-b")
    with engine.begin() as conn:  # as retention's purge deletes it
        conn.execute(sa.text("DELETE FROM documents WHERE id = :d"), {"d": tip.doc_id})
    assert handoff.send(store, xk.load(org_keys(tmp_path, "ngo-a")), CONSORTIUM, "analyst") == []
    assert [t["id"] for t in ts.pending_handoffs(engine)] == [tip.tip_id]
    with pytest.raises(errors.InputError) as e:
        intake.add(store, tip.code, "más")
    assert e.value.code == errors.NO_SUCH_RECEIPT
