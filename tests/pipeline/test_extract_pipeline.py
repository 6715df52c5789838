from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from adtrace.documents import Document
from adtrace.pipeline import RECORD_FIELDS, Pipeline

PIPE = Pipeline()


def _spans(record: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for name in RECORD_FIELDS:
        for item in record.get(name, []):
            if isinstance(item, dict) and item.get("span") is not None:
                out.append((name, item))
    return out


def test_record_has_every_contract_field() -> None:
    rec = PIPE.extract(Document.from_dict({"id": "x", "text": "nothing here"}))
    assert rec["id"] == "x"
    assert all(rec[f] == [] for f in RECORD_FIELDS)


def test_spans_slice_original_text_to_evidence() -> None:
    doc = Document.from_dict({
        "title": "New in town 💋",
        "text": "I'm Candy, 19yo. Call ７o2 fyve5five o147, snap: candyx99, candy at gmail dot com. 200/hr",
    })
    rec = PIPE.extract(doc)
    text = doc.full_text
    phone = rec["phones"][0]
    assert text[slice(*phone["span"])] == "７o2 fyve5five o147"
    assert text[slice(*rec["emails"][0]["span"])] == "candy at gmail dot com"
    for _name, item in _spans(rec):
        a, b = item["span"]
        assert 0 <= a < b <= len(text)


@settings(max_examples=150, deadline=None)
@given(title=st.one_of(st.none(), st.text(max_size=40)), body=st.text(min_size=1, max_size=300))
def test_any_text_never_crashes_and_spans_valid(title: str | None, body: str) -> None:
    doc = Document(id="h", text=body, title=title or None)
    rec = PIPE.extract(doc)
    text = doc.full_text
    for name, item in _spans(rec):
        if item.get("field"):
            continue  # spans into another field (url, location)
        a, b = item["span"]
        assert 0 <= a <= b <= len(text), (name, item)
