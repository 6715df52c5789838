"""Opinions on partner signals (issue 22): positive / negative / investigation per organisation, disputed
when partners disagree; a withdrawal deletes signal, leads and alerts; one signal disabled without its
bank; a signal matching far too much is quarantined with its reason, and can be released."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from adtrace import errors
from adtrace.documents import Document
from adtrace.exchange import bundles as b
from adtrace.exchange import keys as xk
from adtrace.exchange import match as xm
from adtrace.exchange import opinions as xo
from adtrace.exchange import store as xs
from adtrace.pipeline import Pipeline
from adtrace.storage import audit, open_store
from adtrace.storage.prepare import prepare
from tests.exchange.conftest import CONSORTIUM, PDQ_A, org_keys
from tests.exchange.test_bundles import CID, partner_bundle, phone_signal
from tests.storage.conftest import pg_server  # noqa: F401  (the throwaway PostgreSQL)


def _trust(engine: sa.Engine, *keys: Path) -> None:
    for k in keys:
        xs.trust(engine, xk.load(k).public_info(), "test")


def _leads(engine: sa.Engine, status: str | None = "open") -> list[tuple[str, str, str]]:
    return sorted((lead["doc_id"], lead["type"], lead["opinion"]) for lead in xs.leads(engine, status))


def test_aggregate_follows_threatexchange() -> None:
    assert xo.aggregate([]) == "positive"
    assert xo.aggregate(["positive", "investigation"]) == "positive"
    assert xo.aggregate(["investigation"]) == "investigation"
    assert xo.aggregate(["positive", "negative"]) == "disputed"
    assert xo.aggregate(["negative", "negative"]) == "negative"
    with pytest.raises(errors.InputError):
        xo.check_opinion("maybe")


def test_partners_disagree_then_one_withdraws(engine: sa.Engine, partner: Path, tmp_path: Path) -> None:
    other = org_keys(tmp_path, "hotline-c")
    _trust(engine, partner, other)
    xs.import_bundle(engine, partner_bundle(partner), CID)  # positive (no opinion given)
    xm.match_store(engine, CONSORTIUM, full=True)
    assert _leads(engine) == [("ad1", "phone", "positive"), ("ad2", "phone", "positive")]
    negative = b.make_signals([b.Signal(**{**phone_signal().__dict__, "opinion": "negative"})], xk.load(other), CID)
    xs.import_bundle(engine, negative, CID)
    xm.match_store(engine, CONSORTIUM, full=True)
    # One lead per (document, signal): hotline-c's negative signal makes none, the positive ones are disputed.
    assert _leads(engine) == [("ad1", "phone", "disputed"), ("ad2", "phone", "disputed")]
    sid = next(s["id"] for s in xo.signals(engine) if s["issuer"] == "platform-b")
    assert [o["org"] for o in xo.get(engine, sid)["opinions"]] == ["hotline-c", "platform-b"]
    assert {s["issuer"]: s["state"] for s in xo.signals(engine)} == {"platform-b": "active",
                                                                     "hotline-c": "negative: no leads"}
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM alerts WHERE kind = 'partner_signal'").scalar() == 2

    # platform-b withdraws: its signal, its leads and the alerts they raised are deleted, not hidden.
    xs.import_bundle(engine, b.make_retraction([("phone", phone_signal().hash)], xk.load(partner), CID), CID)
    assert xs.leads(engine, None) == []
    assert [s["issuer"] for s in xo.signals(engine)] == ["hotline-c"]
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM exchange_leads").scalar() == 0
        assert conn.exec_driver_sql("SELECT count(*) FROM alerts WHERE kind = 'partner_signal'").scalar() == 0
        assert conn.exec_driver_sql("SELECT org FROM exchange_opinions").scalars().all() == ["hotline-c"]


def test_our_opinion_and_disabling_one_signal(engine: sa.Engine, partner: Path) -> None:
    _trust(engine, partner)
    bundle = partner_bundle(partner, [phone_signal(), b.Signal("pdq", PDQ_A, "indicators_present", 0.7)])
    xs.import_bundle(engine, bundle, CID)
    xm.match_store(engine, CONSORTIUM, full=True)
    phone = next(s for s in xo.signals(engine) if s["type"] == "phone")
    assert xo.set_opinion(engine, phone["id"], "negative", "alice", "agency line")["opinion"] == "disputed"
    assert {lead["opinion"] for lead in xs.leads(engine) if lead["type"] == "phone"} == {"disputed"}

    disabled = xo.disable(engine, phone["id"], "alice", "false positives on this number")
    assert disabled["state"] == "disabled" and disabled["disabled_by"] == "alice"
    assert _leads(engine) == [("ad1", "pdq", "positive")]  # the rest of the bank goes on
    assert len(xs.leads(engine, "disabled")) == 2
    assert xm.SignalIndex.load(engine).exact == {}  # the phone no longer matches
    entry = audit.entries(engine, action=xo.AUDIT_ACTION)[0]
    assert entry.target == f"signal:{phone['id']}" and entry.detail["op"] == "disable" and entry.actor == "alice"
    xo.enable(engine, phone["id"], "alice")
    assert len(xs.leads(engine)) == 3
    with pytest.raises(errors.InputError):
        xo.disable(engine, phone["id"], "alice", " ")


def test_a_signal_matching_far_too_much_is_quarantined(engine: sa.Engine, db: str, partner: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    # A "shared agency number" in 6 ads, with the limit set to 4 (the default is max(30, 0.05 % of documents)).
    pipe = Pipeline()
    with open_store(db) as store:
        store.put_batch([prepare(d, pipe.process(d)) for d in (
            Document.from_dict({"id": f"agency{i}", "text": f"Booking via our agency 888 555 0100, girl {i}"})
            for i in range(6))])
    monkeypatch.setenv(xo.QUARANTINE_SETTING, "4")
    _trust(engine, partner)
    xs.import_bundle(engine, partner_bundle(partner, [phone_signal(), phone_signal("+18885550100")]), CID)
    report = xm.match_store(engine, CONSORTIUM, full=True)
    agency = next(s for s in xo.signals(engine) if s["leads"] == 6)
    assert report.quarantined == [agency["id"]]
    assert agency["state"] == "quarantined" and "more than 4" in agency["quarantine_reason"]
    assert [s["id"] for s in xo.signals(engine, state="quarantined")] == [agency["id"]]
    assert {lead["doc_id"] for lead in xs.leads(engine)} == {"ad1", "ad2"}  # the other signal goes on
    assert len(xs.leads(engine, "quarantined")) == 6
    with engine.connect() as conn:
        alerted = conn.exec_driver_sql("SELECT doc_id FROM alerts WHERE kind = 'partner_signal'").scalars().all()
    assert sorted(alerted) == ["ad1", "ad2"]
    assert xm.match_store(engine, CONSORTIUM, full=True).new_leads == 0  # stays out of matching
    released = xo.release(engine, agency["id"], "alice")
    assert released["state"] == "active" and len(xs.leads(engine)) == 8
    assert xm.match_store(engine, CONSORTIUM, full=True).quarantined == []  # released: not quarantined again
    monkeypatch.setenv(xo.QUARANTINE_SETTING, "lots")
    with pytest.raises(errors.ConfigError):
        xo.quarantine_limit(engine)


def test_cli_and_api_show_state_and_reason(engine: sa.Engine, db: str, partner: Path, client_for: object) -> None:
    import orjson
    from typer.testing import CliRunner

    from adtrace.cli.main import _register, app

    _register()
    _trust(engine, partner)
    xs.import_bundle(engine, partner_bundle(partner), CID)
    sid = xo.signals(engine)[0]["id"]
    run = CliRunner().invoke(app, ["exchange", "signal", "disable", str(sid), "--reason", "noisy", "--db", db])
    assert run.exit_code == 0, run.output
    listed = orjson.loads(CliRunner().invoke(app, ["exchange", "signal", "list", "--state", "disabled",
                                                   "--db", db]).stdout)
    assert [(s["id"], s["disabled_reason"]) for s in listed["signals"]] == [(sid, "noisy")]
    with engine.begin() as conn:
        xo.quarantine(conn, sid, 99, 30)
    got = client_for("analyst").get("/api/v1/exchange/signals", params={"state": "quarantined"})  # type: ignore[operator]
    assert got.status_code == 200
    assert "more than 30" in got.json()["signals"][0]["quarantine_reason"]


def test_opinions_quarantine_and_withdrawal_on_postgresql(request: pytest.FixtureRequest, partner: Path,
                                                         tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.exchange.conftest import docs
    from tests.storage.conftest import new_pg_database

    url = new_pg_database(request.getfixturevalue("pg_server"))
    from adtrace.storage import init_db

    init_db(url)  # migration 0016 on PostgreSQL
    pipe = Pipeline()
    with open_store(url) as store:
        store.put_batch([prepare(d, pipe.process(d)) for d in docs()])
        engine = store.engine  # type: ignore[attr-defined]
        other = org_keys(tmp_path, "hotline-c")
        _trust(engine, partner, other)
        xs.import_bundle(engine, partner_bundle(partner), CID)
        xs.import_bundle(engine, b.make_signals([b.Signal(**{**phone_signal().__dict__, "opinion": "negative"})],
                                                xk.load(other), CID), CID)
        monkeypatch.setenv(xo.QUARANTINE_SETTING, "1")
        report = xm.match_store(engine, CONSORTIUM, full=True)
        sid = next(s["id"] for s in xo.signals(engine) if s["issuer"] == "platform-b")
        assert report.quarantined == [sid] and xo.get(engine, sid)["opinion"] == "disputed"
        assert xo.disable(engine, sid, "alice", "noisy")["state"] == "quarantined"  # quarantine shows first
        xs.import_bundle(engine, b.make_retraction([("phone", phone_signal().hash)], xk.load(partner), CID), CID)
        assert [s["issuer"] for s in xo.signals(engine)] == ["hotline-c"] and xs.leads(engine, None) == []
