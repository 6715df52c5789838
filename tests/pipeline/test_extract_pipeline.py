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


def test_batches_give_the_records_of_one_by_one() -> None:
    from adtrace.synth import generate

    docs = [Document.from_dict(d) for d, _ in generate(300, seed=11)]
    pipe = Pipeline()
    # 300 documents: several batches of BATCH and a short last one.
    assert pipe.extract_many(docs) == [pipe.extract(d) for d in docs]
    assert pipe.process_many(docs) == [pipe.process(d) for d in docs]
    assert pipe.process_many([]) == []


def test_a_stage_failing_on_one_document_spares_the_batch(monkeypatch: Any) -> None:
    from adtrace.extractors import base

    pipe = Pipeline()
    names = next(ex for ex in pipe.extractors if ex.name == "names")

    def fails_on_bad(ctx: base.Context) -> None:
        if ctx.doc.id == "bad":
            raise ValueError("boom")
        names.run(ctx)

    monkeypatch.setattr(pipe, "extractors", [
        base.Extractor("names", fails_on_bad, names.assigns) if ex is names else ex for ex in pipe.extractors])
    docs = [Document.from_dict({"id": i, "text": f"my name is Candy, call 702 555 014{k}"})
            for k, i in enumerate(["a", "bad", "c"])]
    out = pipe.process_many(docs)
    assert isinstance(out[1], ValueError)
    assert [r["id"] for r in (out[0], out[2]) if isinstance(r, dict)] == ["a", "c"]
    assert out[0] == PIPE.process(docs[0])
