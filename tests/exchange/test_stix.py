"""STIX 2.1 export (issue 22): a case or a watchlist as a bundle that `stix2` parses back and the OASIS
validator accepts; masked unless full; `adtrace stix export` audited with a signed evidence manifest."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
import stix2
from stix2validator import ValidationOptions, validate_string
from typer.testing import CliRunner

from adtrace import errors, evidence
from adtrace.cases import cases as cs
from adtrace.cases import watchlists as wl
from adtrace.cli.main import _register, app
from adtrace.exchange import stix
from adtrace.storage import audit, open_store
from tests.exchange.conftest import PDQ_A

runner = CliRunner()
_register()
PHONE = "+12134730188"


def _valid(bundle: dict[str, object]) -> None:
    result = validate_string(orjson.dumps(bundle).decode(), ValidationOptions(version="2.1"))
    assert result.is_valid, [str(e) for e in result.errors]


def _case(db: str) -> int:
    with open_store(db) as store:
        case = cs.create(store, "Ring around 213-473-0188", "alice")
        for d in ("ad1", "ad2", "ad3"):
            cs.add_item(store, case.id, "document", d, "alice")
        return case.id


@pytest.mark.parametrize("redact", [True, False])
def test_case_bundle_parses_back_and_validates(db: str, redact: bool) -> None:
    case_id = _case(db)
    with open_store(db) as store:
        bundle = stix.case_bundle(store, case_id, org="ngo-a", redact=redact)
    _valid(bundle)
    back = stix.parse(orjson.dumps(bundle))
    assert isinstance(back, stix2.Bundle)
    kinds = [o["type"] for o in back.objects]
    assert kinds.count("observed-data") == 3 and "grouping" in kinds
    od = {o["x_adtrace_document_id"]: o for o in back.objects if o["type"] == "observed-data"}
    assert od["ad1"]["x_adtrace_pdq_hashes"] == [PDQ_A]  # custom property, kept through parse
    patterns = {o["pattern"] for o in back.objects if o["type"] == "indicator"}
    assert f"[file:hashes.x_pdq = '{PDQ_A}']" in patterns  # PDQ is shared as PDQ, masked or not
    contact = [o for o in back.objects if o["type"] == "identity" and o["identity_class"] == "unknown"]
    numbers = {n["contact_number"] for o in contact for n in o["extensions"][stix.CONTACT_EXT].get("contact_numbers", [])}
    text = orjson.dumps(bundle).decode()
    if redact:
        assert PHONE not in text and "bike.seller@example.org" not in text and "213-473-0188" not in text
        assert numbers and all(n.startswith("[phone ") for n in numbers)
        assert not any("x-adtrace-phone" in p or "email-addr" in p for p in patterns)
    else:
        assert numbers == {PHONE}
        assert f"[x-adtrace-phone:value = '{PHONE}']" in patterns
        assert "[email-addr:value = 'bike.seller@example.org']" in patterns
        ind = next(o for o in back.objects if o["type"] == "indicator" and PHONE in o["pattern"])
        assert ind["x_adtrace_documents"] == ["ad1", "ad2"]
        emails = [o for o in back.objects if o["type"] == "email-addr"]
        refs = {e["email_address_ref"] for o in contact for e in o["extensions"][stix.CONTACT_EXT].get("email_addresses", [])}
        assert refs == {e["id"] for e in emails}


def test_watchlist_bundle(db: str) -> None:
    with open_store(db) as store:
        wl.add(store, "phone", "213 473 0188", name="op", owner="alice")
        wl.add(store, "pdq", PDQ_A, name="op", owner="alice")
        wl.add(store, "phrase", "new in town", name="op", owner="alice")
        full = stix.watchlist_bundle(store, "op", org="ngo-a", redact=False)
        masked = stix.watchlist_bundle(store, "op", org="ngo-a")
    for bundle in (full, masked):
        _valid(bundle)
    full_patterns = {o["pattern"] for o in full["objects"] if o["type"] == "indicator"}
    assert full_patterns == {f"[x-adtrace-phone:value = '{PHONE}']", f"[file:hashes.x_pdq = '{PDQ_A}']"}
    assert PHONE not in orjson.dumps(masked).decode()


def test_bad_pattern_is_refused_by_the_library() -> None:
    # The validation the tests lean on can fail: stix2 refuses a pattern that does not parse.
    with pytest.raises(stix2.exceptions.InvalidValueError):
        stix2.Indicator(pattern="[email-addr:value = 'x'", pattern_type="stix")


def test_cli_export_is_audited_and_has_a_manifest(db: str, tmp_path: Path, ours: Path) -> None:
    case_id = _case(db)
    out = tmp_path / "case.stix.json"
    r = runner.invoke(app, ["stix", "export", "--case", str(case_id), "--db", db, "-o", str(out),
                            "--keys", str(ours), "--as", "alice"])
    assert r.exit_code == 0, r.output
    _valid(orjson.loads(out.read_bytes()))
    assert evidence.verify(out).ok
    with open_store(db) as store:
        entry = audit.entries(store.engine, action="export")[0]  # type: ignore[attr-defined]
    assert entry.actor == "alice" and entry.target == f"case:{case_id}" and entry.detail["format"] == "stix2.1"
    assert entry.detail["redacted"] is True
    r = runner.invoke(app, ["stix", "export", "--watchlist", "nope", "--db", db, "-o", str(out)])
    assert getattr(r.exception, "code", None) == errors.NOT_FOUND  # main() turns it into exit 1 with the message
