"""Issue 18: every indicator's evidence (status, what the source found, the citation) travels with its
explanation, so the document page, the queue preview and case reports show it (synthetic records)."""

from __future__ import annotations

from adtrace.cases import exports
from adtrace.cases.redaction import Masker
from adtrace.documents import Document
from adtrace.indicators.catalogue import sources
from adtrace.indicators.registry import get
from adtrace.indicators.wording import explain
from adtrace.pipeline import Pipeline

AD = {"id": "ev-1", "source": "synthetic", "kind": "ad", "title": "New girl in town",
      "text": "Young fresh teen, trusted and verified, 100% real. Call me."}


def _record() -> tuple[Document, dict[str, object]]:
    doc = Document.from_dict(AD)
    rec = Pipeline().process(doc)
    assert not isinstance(rec, Exception), rec
    return doc, rec


def test_explain_carries_status_finding_and_citation_of_each_fired_indicator() -> None:
    _, rec = _record()
    explained = explain(rec)
    assert explained, "the synthetic ad fires indicators"
    for e in explained:
        ev = get(e.id).evidence
        assert ev is not None
        assert (e.status, e.finding, e.citation) == (ev.status, ev.finding, sources()[ev.source])


def test_an_unknown_indicator_id_has_no_evidence_rather_than_an_error() -> None:
    [e] = explain({"indicators": [{"id": "gone.indicator.v9", "category": "x", "weight": 1.0, "evidence": []}]})
    assert (e.status, e.finding, e.citation) == ("", "", "")


def test_case_export_entries_carry_the_research_behind_each_indicator() -> None:
    doc, rec = _record()
    entry = exports.document_entry(doc, rec, None, Masker())
    assert entry["indicators"]
    for ind in entry["indicators"]:
        ev = get(ind["id"]).evidence
        assert ev is not None and ind["research"]["status"] == ev.status
        assert ind["research"]["citation"] == sources()[ev.source]
