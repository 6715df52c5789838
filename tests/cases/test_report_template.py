"""The cluster template in case reports: common wording with slots and each ad's slot values, masked
like the rest of the export (names and phones of the people in the ads never leave in the clear)."""

from __future__ import annotations

import io
from pathlib import Path

import orjson
import pytest
from pypdf import PdfReader

from adtrace.cases import cases as cs
from adtrace.cases import exports
from adtrace.cases.redaction import MASK
from adtrace.storage import Store, init_db, open_store

# Written for this test: one template, reposted in three cities with three phones, one name.
BODY = ("Hi gentlemen, my name is Ann. Sweet and discreet, visiting {city} this week only. Upscale incall, no "
        "rush, private and clean place, text me at {phone} for an appointment today, no blocked calls")
ADS = [("t0", "Phoenix", "702 555 0101"), ("t1", "Reno", "702 555 0177"), ("t2", "Austin", "702 555 0142")]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    from adtrace.linking.run import link_store
    from adtrace.storage.ingest import IngestOptions, ingest

    corpus = tmp_path / "ads.jsonl"
    corpus.write_bytes(b"".join(orjson.dumps({"id": i, "source": "test", "posted_at": f"2026-0{n + 1}-01T10:00:00",
                                              "text": BODY.format(city=c, phone=p)}) + b"\n"
                                for n, (i, c, p) in enumerate(ADS)))
    db = tmp_path / "t.db"
    init_db(str(db))
    s = open_store(str(db))
    ingest(s, [str(corpus)], IngestOptions(workers=1))
    link_store(s.engine)  # type: ignore[attr-defined]
    return s


def _case(store: Store) -> cs.Case:
    case = cs.create(store, "Template case", "alice")
    return cs.add_item(store, case.id, "cluster", "t0", "alice")


def test_bundle_lists_the_template_masked(store: Store) -> None:
    data = exports.bundle(store, _case(store), actor="alice")
    tpl = data["clusters"][0]["template"]
    assert tpl["founder"] == "t0" and [a["doc_id"] for a in tpl["ads"]] == ["t0", "t1", "t2"]
    kinds = {s["kind"] for s in tpl["slots"]}
    assert {"name", "phone", "place"} <= kinds
    assert any("visiting" in p.get("text", "") for p in tpl["parts"])
    raw = orjson.dumps(tpl).decode()
    assert "Ann" not in raw and "555" not in MASK.sub("", raw)  # the name and every phone are masked
    name_slot = next(str(s["slot"]) for s in tpl["slots"] if s["kind"] == "name")
    masks = {a["values"][name_slot] for a in tpl["ads"]}
    assert len(masks) == 1 and next(iter(masks)).startswith("[name ")  # one name, one mask
    cities = {a["values"][str(s["slot"])] for a in tpl["ads"] for s in tpl["slots"] if s["kind"] == "place"}
    assert cities == {"Phoenix", "Reno", "Austin"}  # places are not the person's identifiers


def test_full_export_and_pdf_show_the_template(store: Store) -> None:
    full = exports.bundle(store, _case(store), actor="admin", redact=False)
    assert "Ann" in orjson.dumps(full["clusters"][0]["template"]).decode()
    data = exports.bundle(store, _case(store), actor="alice")
    body = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(exports.to_pdf(data))).pages)
    assert "Template tpl:" in body and "Phoenix" in body and "555" not in MASK.sub("", body)


def test_the_reports_times_are_written_for_people(store: Store) -> None:
    """Postings, the first and last posting and analysts' notes read as the locale writes dates, not as
    stored ISO strings ("2026-01-01T10:00")."""
    import re

    case = cs.add_note(store, _case(store).id, "alice", "called the hotline")
    data = exports.bundle(store, case, actor="alice")
    body = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(exports.to_pdf(data))).pages)
    assert "called the hotline" in body
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", body)
