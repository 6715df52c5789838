"""Signatures, tampering, unknown issuers, key rotation, retraction, provenance and leads."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from adtrace import errors
from adtrace.exchange import bundles as b
from adtrace.exchange import keys as xk
from adtrace.exchange import match as xm
from adtrace.exchange import store as xs
from adtrace.exchange.signals import consortium_key_id, keyed_hash, normalise
from tests.exchange.conftest import CONSORTIUM, PDQ_A

CID = consortium_key_id(CONSORTIUM)


def phone_signal(value: str = "+12134730188", confidence: float = 0.9) -> b.Signal:
    return b.Signal("phone", keyed_hash(CONSORTIUM, "phone", normalise("phone", value)), "indicators_present",
                    confidence, "2024-01-01", "2024-02-01")


def partner_bundle(partner: Path, signals: list[b.Signal] | None = None) -> dict[str, Any]:
    return b.make_signals(signals or [phone_signal()], xk.load(partner), CID)


def test_signed_bundle_verifies_and_any_change_breaks_it(partner: Path) -> None:
    bundle = partner_bundle(partner)
    ring = xk.load(partner)
    lookup = lambda org, kid: ring.public(kid) if org == ring.org else None  # noqa: E731
    assert b.verify(copy.deepcopy(bundle), lookup)["issuer"] == "platform-b"
    for path, value in ((("signals", 0, "hash"), "0" * 64), (("signals", 0, "confidence"), 0.1),
                        (("issuer",), "someone-else"), (("created_at",), "2020-01-01T00:00:00+00:00")):
        bad = copy.deepcopy(bundle)
        target: Any = bad
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value
        with pytest.raises(errors.AuthError):
            b.verify(bad, lookup)


def test_unknown_issuer_refused_until_trusted(engine: Any, partner: Path) -> None:
    bundle = partner_bundle(partner)
    with pytest.raises(errors.AuthError) as exc:
        xs.import_bundle(engine, bundle, CID)
    assert exc.value.code == b.UNKNOWN_ISSUER
    xs.trust(engine, xk.load(partner).public_info(), "test")
    report = xs.import_bundle(engine, bundle, CID)
    assert (report.added, report.already_imported) == (1, False)
    assert xs.import_bundle(engine, bundle, CID).already_imported


def test_a_public_key_file_without_an_organisation_or_a_key_is_refused(engine: Any, partner: Path) -> None:
    info = xk.load(partner).public_info()
    for bad, field in (({**info, "org": "  "}, "org"), ({**info, "keys": []}, "keys")):
        with pytest.raises(errors.InputError) as exc:
            xs.trust(engine, bad, "test")
        assert exc.value.code == errors.BAD_FIELD and exc.value.detail["field"] == field
    assert xs.issuers(engine) == []


def test_other_consortium_key_refused(engine: Any, partner: Path) -> None:
    xs.trust(engine, xk.load(partner).public_info(), "test")
    bundle = b.make_signals([phone_signal()], xk.load(partner), consortium_key_id(bytes(32)))
    with pytest.raises(errors.AuthError):
        xs.import_bundle(engine, bundle, CID)


def test_key_rotation_keeps_old_bundles_verifiable(engine: Any, partner: Path) -> None:
    old_bundle = partner_bundle(partner)
    old_info = xk.load(partner).public_info()
    xs.trust(engine, old_info, "test")
    ring = xk.rotate(partner)
    assert ring.current != old_info["current"] and len(ring.keys) == 2
    new_bundle = partner_bundle(partner, [phone_signal("+12134730199")])
    assert new_bundle["key_id"] == ring.current
    with pytest.raises(errors.AuthError):  # the new key is not trusted yet
        xs.import_bundle(engine, new_bundle, CID)
    assert xs.import_bundle(engine, old_bundle, CID).added == 1  # the old key still verifies old bundles
    xs.trust(engine, ring.public_info(), "test")
    assert xs.import_bundle(engine, new_bundle, CID).added == 1


def test_import_makes_leads_and_retraction_withdraws_them(engine: Any, partner: Path, ours: Path) -> None:
    xs.trust(engine, xk.load(partner).public_info(), "test")
    pdq_near = PDQ_A[:-2] + "00"  # 4 bits away: the same photo, re-encoded
    bundle = partner_bundle(partner, [phone_signal(), b.Signal("pdq", pdq_near, "indicators_present", 0.7)])
    xs.import_bundle(engine, bundle, CID)
    report = xm.match_store(engine, CONSORTIUM, full=True)
    leads = xs.leads(engine)
    assert report.new_leads == len(leads) == 3  # the phone is in ad1 and ad2; the photo in ad1
    assert {(lead["doc_id"], lead["type"]) for lead in leads} == {("ad1", "phone"), ("ad2", "phone"), ("ad1", "pdq")}
    assert all(lead["issuer"] == "platform-b" and lead["bundle_id"] == b.bundle_id(bundle) for lead in leads)
    assert next(lead for lead in leads if lead["type"] == "pdq")["distance"] == 4
    assert xm.match_store(engine, CONSORTIUM, full=True).new_leads == 0  # idempotent

    # Another organisation cannot retract platform-b's signal; only the issuer can.
    xs.trust(engine, xk.load(ours).public_info(), "test")
    foreign = b.make_retraction([("phone", phone_signal().hash)], xk.load(ours), CID)
    assert xs.import_bundle(engine, foreign, CID).retracted == 0
    assert len(xs.leads(engine)) == 3

    retraction = b.make_retraction([("phone", phone_signal().hash)], xk.load(partner), CID, "entered in error")
    assert xs.import_bundle(engine, retraction, CID).retracted == 1
    assert [lead["type"] for lead in xs.leads(engine)] == ["pdq"]
    # A withdrawal deletes the signal and its leads (issue 22), not only hides them.
    assert [lead["type"] for lead in xs.leads(engine, None)] == ["pdq"]
    with engine.connect() as conn:  # type: ignore[attr-defined]
        assert conn.exec_driver_sql("SELECT count(*) FROM exchange_signals WHERE type = 'phone'").scalar() == 0
    # The old bundle imported again (e.g. by a second operator) does not revive the retracted signal.
    again = xs.import_bundle(engine, partner_bundle(partner, [b.Signal(**{**phone_signal().__dict__,
                                                                          "confidence": 0.9})]), CID)
    assert again.added == 0


def test_bad_shapes_are_input_errors(partner: Path) -> None:
    good = partner_bundle(partner)
    for change in ({"version": 2}, {"format": "x"}, {"kind": "other"}, {"signals": [{"type": "phone"}]},
                   {"signals": [{**good["signals"][0], "confidence": 3}]}):
        with pytest.raises(errors.InputError):
            b.check_shape({**good, **change})
