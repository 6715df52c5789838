"""Report drafts (issue 22): a case in the field shape of NCMEC's CyberTipline report and of IOM's HTCDS,
holding only what the ads show, masked unless full, status at most 'possible' and set by a person, never
sent, audited."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from adtrace import errors
from adtrace.cases import cases as cs
from adtrace.cases import drafts
from adtrace.cli.main import _register, app
from adtrace.documents import Document
from adtrace.pipeline import Pipeline
from adtrace.storage import audit, init_db, open_store
from adtrace.storage.prepare import prepare

_register()
ADS = [
    {"id": "d1", "text": "New in town, sweet 16 yo, call 702-555-0147, snapchat: candy_x", "posted_at": "2024-03-02",
     "url": "https://ads.example.com/lasvegas/escorts/candy-702-555-0147", "location": "Las Vegas, NV"},
    {"id": "d2", "text": "Candy here again, 21 years old, text 702-555-0147 or candy@example.org",
     "posted_at": "2024-03-09", "url": "https://ads.example.com/phoenix/escorts/candy", "location": "Phoenix, AZ"},
]


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = str(tmp_path / "d.db")
    init_db(url)
    pipe = Pipeline()
    with open_store(url) as store:
        store.put_batch([prepare(d, pipe.process(d)) for d in (Document.from_dict(a) for a in ADS)])
        case = cs.create(store, "Candy ring", "alice")
        for d in ("d1", "d2"):
            cs.add_item(store, case.id, "document", d, "alice")
    return url


def test_ncmec_draft_holds_what_the_ads_show_masked(db: str) -> None:
    with open_store(db) as store:
        out = drafts.draft(store, cs.get(store, 1), "ncmec", actor="alice")
    assert out["draft"] is True and out["sent"] is False and out["redacted"] is True
    report = out["report"]
    assert report["incidentSummary"]["incidentType"] == "Child Sex Trafficking"
    assert report["incidentSummary"]["incidentDateTime"].startswith("2024-03-02")
    assert [v["victimPerson"]["age"] for v in report["victim"]] == [16]  # the stated age under 18, not 21
    person = report["personOrUserReported"]["personOrUserReportedPerson"]
    assert len(person["phone"]) == 1 and person["phone"][0]["phone"].startswith("[phone ")
    assert report["internetDetails"][0]["webPageIncident"]["url"] == ["https://ads.example.com/…"]
    assert report["x_adtrace"]["traffickingStatus"] == {"value": "not assessed", "set_by": None, "set_at": None}
    text = orjson.dumps(out).decode()
    assert "555-0147" not in text and "+17025550147" not in text and "candy@example.org" not in text
    assert report["reporter"]["reportingPerson"] is None  # only the person filing knows


def test_htcds_draft_full_with_status_set_by_a_person(db: str) -> None:
    with open_store(db) as store:
        out = drafts.draft(store, cs.get(store, 1), "htcds", actor="admin", redact=False, status="possible",
                           set_by="bob")
    report = out["report"]
    assert report["person"]["prs_MobilePhone"] == ["+17025550147"]
    assert report["person"]["prs_Email"] == ["candy@example.org"]
    assert report["victimContext"]["vic_ExploitationWebsitesAndApps"] == ["SnapChat"]
    assert report["victimContext"]["x_adtrace_statedAges"] == [16, 21]
    assert {e["hte_City"] for e in report["historicTraffickingEvents"]} >= {"Las Vegas", "Phoenix"}
    assert report["case"]["cas_Status"] == "Active"
    status = report["x_adtrace"]["traffickingStatus"]
    assert status["value"] == "possible" and status["set_by"] == "bob" and status["set_at"]


@pytest.mark.parametrize(("status", "set_by"), [("confirmed", "bob"), ("trafficking", "bob"), ("possible", None),
                                                 ("possible", " ")])
def test_status_is_at_most_possible_and_set_by_a_person(status: str, set_by: str | None) -> None:
    with pytest.raises(errors.InputError) as exc:
        drafts.check_status(status, set_by)
    assert exc.value.code == errors.DRAFT_STATUS


def test_cli_draft_is_audited(db: str, tmp_path: Path) -> None:
    from adtrace import evidence
    from adtrace.exchange import keys as xk

    out = tmp_path / "draft.json"
    xk.generate("ngo-a", tmp_path / "keys")
    r = CliRunner().invoke(app, ["draft", "ncmec", "--case", "1", "--status", "possible", "--as", "carol",
                                 "--db", db, "-o", str(out), "--keys", str(tmp_path / "keys")])
    assert r.exit_code == 0, r.output
    assert evidence.verify(out).ok  # the signed manifest next to the draft
    body = orjson.loads(out.read_bytes())
    assert body["report"]["x_adtrace"]["traffickingStatus"]["set_by"] == "carol"
    with open_store(db) as store:
        entry = audit.entries(store.engine, action="export")[0]  # type: ignore[attr-defined]
    assert entry.actor == "carol" and entry.target == "case:1"
    assert entry.detail["format"] == "draft-ncmec" and entry.detail["status"] == "possible"


def test_ncmec_incident_dates_are_the_first_and_last_in_time(tmp_path: Path) -> None:
    """Pages write dates with and without a zone; as text '2024-03-02 12:30' sorts before
    '2024-03-02T11:49:00Z', which is earlier. The draft's incident date is the earliest ad in time."""
    url = str(tmp_path / "z.db")
    init_db(url)
    ads = [dict(ADS[0], posted_at="2024-03-02 12:30"), dict(ADS[1], posted_at="2024-03-02T11:49:00Z")]
    with open_store(url) as store:
        store.put_batch([prepare(d, Pipeline().process(d)) for d in (Document.from_dict(a) for a in ads)])
        case = cs.create(store, "Candy ring", "alice")
        for d in ("d1", "d2"):
            cs.add_item(store, case.id, "document", d, "alice")
        summary = drafts.draft(store, cs.get(store, case.id), "ncmec", actor="alice")["report"]["incidentSummary"]
    assert summary["incidentDateTime"] == "2024-03-02T11:49:00Z"
    assert summary["incidentDateTimeDescription"] == "ads posted 2024-03-02T11:49:00Z to 2024-03-02 12:30"
