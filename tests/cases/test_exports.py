"""Case exports: the versioned JSON bundle, CSV and PDF; identifiers masked unless a full export is asked."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import orjson
from pypdf import PdfReader

from adtrace.cases import cases as cs
from adtrace.cases import exports
from adtrace.storage import Store
from tests.cases.linked_fixtures import biggest_cluster, linked, linked_template  # noqa: F401  (fixtures)


def _case(store: Store) -> tuple[cs.Case, list[str], list[str]]:
    cid, members = biggest_cluster(store)
    case = cs.create(store, "Export test", "alice")
    case = cs.add_item(store, case.id, "cluster", cid, "alice")
    phones = sorted({p["value"] for m in members for p in (store.get_record(m) or {}).get("phones") or []})
    assert phones, "the biggest synthetic cluster shares a phone"
    case = cs.add_note(store, case.id, "alice", f"same number {phones[0]} in every ad")
    return case, members, phones


def test_bundle_is_versioned_and_masks_identifiers(linked: Store) -> None:  # noqa: F811
    case, members, phones = _case(linked)
    data = exports.bundle(linked, case, actor="alice")
    assert (data["format"], data["version"], data["redacted"]) == ("adtrace.case-bundle", 1, True)
    assert sorted(d["id"] for d in data["documents"]) == members
    assert [t["posted_at"] for t in data["timeline"]] == sorted(t["posted_at"] for t in data["timeline"])
    assert data["route"]["stops"] and data["clusters"][0]["cluster_indicators"] is not None
    raw = orjson.dumps(data).decode()
    for p in phones:
        assert p not in raw and p[2:] not in raw  # neither E.164 nor national digits
    # One phone, one mask, everywhere in this export (ads, cluster summary, the analyst's note).
    mask = data["clusters"][0]["phones"]
    noted = re.findall(r"\[phone [0-9a-f]+\]", data["case"]["notes"][0]["text"])
    assert len(noted) == 1 and noted[0] in mask  # the note's number wears the cluster's mask for it
    assert any(noted[0] in d["identifiers"]["phones"] for d in data["documents"])
    assert all("images_note" in d for d in data["documents"])
    # A second export uses a new salt: masks cannot be joined across exports.
    again = exports.bundle(linked, case, actor="alice")
    assert next(iter(again["clusters"][0]["phones"])) != next(iter(mask))


def test_full_export_keeps_identifiers(linked: Store) -> None:  # noqa: F811
    case, _members, phones = _case(linked)
    data = exports.bundle(linked, case, actor="admin", redact=False)
    raw = orjson.dumps(data).decode()
    assert data["redacted"] is False and phones[0] in raw


def test_csv_has_one_row_per_document(linked: Store) -> None:  # noqa: F811
    case, members, phones = _case(linked)
    text = exports.to_csv(exports.bundle(linked, case, actor="alice"))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert sorted(r["doc_id"] for r in rows) == members
    assert all(r["phones"].startswith("[phone ") for r in rows if r["phones"])
    assert phones[0] not in text


def test_csv_names_indicators_and_keeps_their_ids_apart(linked: Store) -> None:  # noqa: F811
    """The CSV's `indicators` column held ids ("minor.stated_age.v1 control.third_person.v1"): jargon to the
    analyst who opens it in a spreadsheet. It names them (in the export's language); `indicator_ids` keeps the
    ids, so a script that read them can switch columns."""
    from adtrace.i18n import use
    from adtrace.indicators.wording import name

    case, _members, _phones = _case(linked)
    data = exports.bundle(linked, case, actor="alice")
    rows = list(csv.DictReader(io.StringIO(exports.to_csv(data))))
    flagged = [r for r in rows if r["indicator_ids"]]
    assert flagged
    for r in flagged:
        ids = r["indicator_ids"].split(" ")
        assert r["indicators"].split("; ") == [name(i) for i in ids]
        assert not any(i in r["indicators"] for i in ids), r["indicators"]
    with use("es"):
        spanish = list(csv.DictReader(io.StringIO(exports.to_csv(exports.bundle(linked, case, actor="alice")))))
        named = {i: name(i) for r in spanish for i in r["indicator_ids"].split(" ") if i}
    assert any(named[i] != name(i) for i in named), "no indicator name is translated"
    assert {r["indicators"] for r in spanish} >= {"; ".join(named[i] for i in r["indicator_ids"].split(" "))
                                                  for r in spanish if r["indicator_ids"]}


def test_pdf_opens_and_holds_the_evidence(linked: Store) -> None:  # noqa: F811
    case, members, phones = _case(linked)
    data = exports.bundle(linked, case, actor="alice")
    pdf = exports.to_pdf(data)
    assert pdf[:5] == b"%PDF-"
    reader = PdfReader(io.BytesIO(pdf))
    body = "\n".join(p.extract_text() for p in reader.pages)
    assert "Case" in body and "Export test" in body and "Evidence" in body and "Movement" in body
    assert members[0] in body and "1-888-373-7888" in body
    meaning = next(i["meaning"] for d in data["documents"] for i in d["indicators"])
    assert meaning.split()[0] in body
    assert any(i["research"]["status"] for d in data["documents"] for i in d["indicators"])
    assert "Research:" in body  # issue #18: the research status behind each indicator is in the report
    assert phones[0][2:] not in body.replace(" ", "")


def test_names_the_extractor_missed_are_masked_but_resolved_places_stay() -> None:
    from adtrace.documents import Document
    from adtrace.pipeline import extract

    doc = Document(id="t", title="AMBER 21", text="new in Savannah, GA. Amber and Savannah, sweet duo")
    rec = extract(doc)
    assert not rec["names"]  # no self-introduction: the extractor has nothing to mask
    masker = exports.Masker()
    title, text = masker.record_fields(rec, doc.title, doc.text)
    out = title + "\n" + text
    assert "Amber" not in out and "AMBER" not in out and out.count("[name ") == 2
    assert len({out.split("[name ")[1][:6], out.split("[name ")[2][:6]}) == 1  # one name, one mask
    assert "Savannah, GA" in out  # the place this record resolved is not a name here
    assert exports.Masker(enabled=False).record_fields(rec, doc.title, doc.text) == (doc.title, doc.text)


def test_every_exported_ad_quotes_its_title_and_text_faithfully(linked: Store) -> None:  # noqa: F811
    """Each masked field is its original with only whole spans replaced by masks (issue 19, item 1)."""
    import re

    mask = re.compile(r"\[(?:phone|email|handle|payment|name) [0-9a-f]{6}\]")
    case, _members, _phones = _case(linked)
    case = cs.update(linked, case.id, title="San Diego and Phoenix circuit")
    data = exports.bundle(linked, case, actor="alice")
    assert data["case"]["title"] == "San Diego and Phoenix circuit"  # the analyst's words are never masked
    for d in data["documents"]:
        doc = linked.get_document(d["id"])
        assert doc is not None
        for original, masked in ((doc.title or "", d["title"]), (doc.text, d["text"])):
            pieces = mask.split(masked)  # the text between masks must be the original's, in order
            pattern = "(.+?)".join(re.escape(p) for p in pieces)
            assert re.fullmatch(pattern, original, re.S), (original, masked)


def test_timeline_orders_dates_with_and_without_a_zone_in_utc(tmp_path: Path) -> None:
    """Pages write dates with a zone ("...Z", "+02:00") or without ("2024-03-20 12:30"); one case can hold
    both. The timeline and the ads follow time in UTC (they were sorted as text: ' ' before 'T'), and the
    route is built (the export failed with a 500: naive and aware datetimes do not compare)."""
    from adtrace.documents import Document
    from adtrace.pipeline import Pipeline
    from adtrace.storage import init_db, open_store
    from adtrace.storage.prepare import prepare

    url = str(tmp_path / "t.db")
    init_db(url)
    dated = {"b": "2024-03-20 12:30", "a": "2024-03-20T11:49:00Z", "c": "2024-03-20T14:00:00+02:00"}
    pipe = Pipeline()
    with open_store(url) as store:
        docs = [Document(id=i, source="t", text=f"In Phoenix, call 602-555-01{n}0", location="Phoenix, AZ", posted_at=when)
                for n, (i, when) in enumerate(dated.items())]
        store.put_batch([prepare(d, pipe.process(d)) for d in docs])
        case = cs.create(store, "Dates", "alice")
        for i in dated:
            case = cs.add_item(store, case.id, "document", i, "alice")
        data = exports.bundle(store, case, actor="alice")
    assert [t["doc_id"] for t in data["timeline"]] == ["a", "c", "b"]  # 11:49, 12:00 and 12:30 UTC
    assert [d["id"] for d in data["documents"]] == ["a", "c", "b"]
    assert data["route"]["stops"][0]["documents"] == 3


def test_pdf_reads_cluster_evidence_in_the_report_language(linked: Store) -> None:  # noqa: F811
    """The report printed a cluster indicator's evidence as linking stores it ("ad-2: minor.youth_terms.v1",
    "stated age under 18", "3 moves, median stay 4.0 days"): ids and English in a Spanish prosecutor's report.
    It reads in the report's language, each ad indicator by name; ids only in small print, to cross-reference."""
    from adtrace.i18n import use
    from adtrace.indicators.wording import name
    from adtrace.linking.summary import Member, cluster_indicators

    case, _members, _phones = _case(linked)
    with use("es"):  # as the app does: the bundle's words and the report in the request's language
        data = exports.bundle(linked, case, actor="alice")
    rec = {"phones": [{"value": "+17025550100"}], "ages": [{"value": 16}], "indicators": []}
    youth = {**rec, "ages": [{"value": 21}], "indicators": [{"id": "minor.youth_terms.v1"}]}
    move = {"legs": [{}, {}, {}], "median_stay_days": 4.0, "stops": [{"city": "Reno, NV"}, {"city": "Boise, ID"}]}
    data["clusters"][0]["cluster_indicators"] = cluster_indicators(
        [Member("ad-1", None, rec), Member("ad-2", None, youth), Member("ad-3", None, {**rec, "ages": [{"value": 24}]})],
        move, {})
    with use("es"):
        pdf = exports.to_pdf(data)
        youth_name = name("minor.youth_terms.v1")
    body = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "ad-1: edad declarada menor de 18" in body and "stated age under 18" not in body
    assert f"ad-2: {youth_name}" in body
    assert "3 desplazamientos, estancia mediana de 4 días: Reno, NV → Boise, ID" in body, body
    assert "edades 16-24" in body and "median stay" not in body
    # Every indicator id left in the report is small print beside words, never the text to read.
    with use("es"):
        html = exports.report_html(data)
    small = re.compile(r'<span class="id">\([a-z]+\.[a-z0-9_]+\.v\d+\)</span>')
    assert not re.search(r"[a-z]+\.[a-z0-9_]+\.v\d+", small.sub("", html))
