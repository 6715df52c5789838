"""Redacted exports quote the ads faithfully: each field is the original with exactly the identifier
spans replaced by masks, URL spans never touch the text, resolved places and the analyst's words stay."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adtrace.cases import exports
from adtrace.cases.givennames import given_names
from adtrace.cases.redaction import MASK, Masker, Span, field_spans, place_ranges, still_identifies, uncovered
from adtrace.documents import Document
from adtrace.pipeline import process
from adtrace.synth.generate import generate

# Phrases inserted into synthetic ads: places whose words are on the given-name list, a name the
# extractor finds, and a bare capitalised given name it does not.
INSERTS = ["", " Now in San Diego!", " Visiting Santa Rosa, CA this week.", " ask for Amber.", " AMBER 21",
           " call me at 702.555.0143 babe", " also Charlotte, NC"]


@cache
def corpus(seed: int) -> list[dict[str, Any]]:
    return [d for d, _truth in generate(60, seed=seed)]


def _matches(original: str, masked: str, spans: list[Span]) -> bool:
    """`masked` is `original` with exactly `spans` replaced, each by one mask."""
    pattern, pos = [], 0
    for sp in sorted(spans):
        pattern += [re.escape(original[pos:sp.start]), MASK.pattern]
        pos = sp.end
    pattern.append(re.escape(original[pos:]))
    return re.fullmatch("".join(pattern), masked) is not None


def _outside(text: str, spans: list[Span]) -> str:
    """The parts of `text` left as they were, joined by a separator no identifier contains."""
    out, pos = [], 0
    for sp in sorted(spans):
        out.append(text[pos:sp.start])
        pos = sp.end
    return "\x00".join([*out, text[pos:]])


def _check_field(masker: Masker, rec: dict[str, Any], original: str, masked: str, own: list[Span],
                 places: list[tuple[int, int]]) -> None:
    spans = masker.spans(original, own, places)
    assert _matches(original, masked, spans), (original, masked)
    names = given_names()
    for sp in spans:  # each replaced span is an identifier: found there, known, or a given name
        raw = original[sp.start:sp.end]
        assert sp in own or raw in masker.known or raw.lower() in masker._lower or raw.lower() in names, raw
        if sp not in own and sp.kind == "name" and raw not in masker.known:  # a guess: never in a place
            assert not any(s < sp.end and sp.start < e for s, e in places), (raw, original)
    for sp in own:  # every identifier the extractor found is masked, but for pieces that identify nothing
        assert not any(still_identifies(sp, original[a:b]) for a, b in uncovered(sp, spans)), (sp, masked)
    left = _outside(original, spans)
    for raw, (kind, _value) in masker.known.items():  # no known identifier survives
        flags = 0 if kind == "name" else re.I
        assert not re.search(rf"(?<!\w){re.escape(raw)}(?!\w)", left, flags), (raw, masked)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 5), picks=st.lists(st.tuples(st.integers(0, 59), st.sampled_from(INSERTS),
                                                        st.sampled_from(INSERTS)), min_size=1, max_size=6))
def test_masked_fields_are_the_original_with_exactly_the_identifiers_replaced(
        seed: int, picks: list[tuple[int, str, str]]) -> None:
    docs, records = [], []
    for i, (k, in_title, in_text) in enumerate(picks):
        d = dict(corpus(seed)[k])
        d["id"] = f"{d['id']}-{i}"
        d["title"] = (d.get("title") or "") + in_title
        d["text"] = in_text.strip() + " " + d["text"] if in_text else d["text"]
        doc = Document.from_dict(d)
        docs.append(doc)
        records.append(process(doc))
    masker = Masker()
    for doc, rec in zip(docs, records, strict=True):
        masker.learn(rec, doc.full_text)
    for doc, rec in zip(docs, records, strict=True):
        entry = exports.document_entry(doc, rec, None, masker)
        t_spans, b_spans = field_spans(rec, doc.title)
        if doc.title:
            _check_field(masker, rec, doc.title, entry["title"], t_spans, place_ranges(rec, doc.title, 0))
        cut = len(doc.title) + 1 if doc.title else 0
        _check_field(masker, rec, doc.text, entry["text"], b_spans, place_ranges(rec, doc.text, cut))
        assert entry["url"] is None or entry["url"].endswith("/…")
        for ind in entry["indicators"]:
            for quoted in ind["evidence"]:
                assert not any(re.search(rf"(?<!\w){re.escape(r)}(?!\w)", MASK.sub("", quoted))
                               for r, (kind, _v) in masker.known.items() if kind != "name")


def test_title_and_text_split_where_the_ad_does() -> None:
    # Masks are longer than the words they replace: the text must not start with the title's tail.
    doc = Document(id="s1", title="Amber in Phoenix Elite", text="Call 702-555-0143 now, ask for Amber",
                   url="https://ads.test/phoenix/call-702-555-0143-1.html")
    rec = process(doc)
    assert [p.get("field") for p in rec["phones"]].count("url") == 1
    masker = Masker()
    masker.learn(rec, doc.full_text)
    entry = exports.document_entry(doc, rec, None, masker)
    assert entry["title"].endswith(" in Phoenix Elite") and entry["title"].startswith("[name ")
    assert entry["text"].startswith("Call [phone ") and entry["text"].endswith(" now, ask for " + entry["title"][:13])
    # Masks are random hex, so "702" may appear inside one by chance: look outside the masks only.
    assert "702" not in MASK.sub("", entry["text"]) and "Phoenix" not in entry["text"]


def test_a_phone_in_the_url_is_never_pasted_into_the_text() -> None:
    doc = Document(id="s2", title="Sweet", text="New in Los Angeles, look for Kim in the lobby",
                   url="https://ads.test/call-702-555-0143-99.html")
    rec = process(doc)
    assert rec["phones"] and all(p.get("field") == "url" for p in rec["phones"])
    masker = Masker()
    masker.learn(rec, doc.full_text)
    title, text = masker.record_fields(rec, doc.title, doc.text)
    assert text.startswith("New in Los Angeles, look for ") and text.endswith(" in the lobby")
    assert "[phone " not in text and title == "Sweet"


def test_place_names_on_the_given_name_list_stay() -> None:
    doc = Document(id="s3", title="San Diego girls", text="Now in San Diego, call Virginia")
    rec = process(doc)
    assert any(p["name"] == "San Diego" for p in rec["places"])
    assert "diego" in given_names() and "virginia" in given_names()
    masker = Masker()
    title, text = masker.record_fields(rec, doc.title, doc.text)
    assert title == "San Diego girls" and text.startswith("Now in San Diego, call [name ")


def test_the_analysts_own_words_keep_names_and_lose_identifiers() -> None:
    doc = Document(id="s4", title="Hi", text="text 702-555-0143 for Amber")
    rec = process(doc)
    masker = Masker()
    masker.learn(rec, doc.full_text)
    note = masker.analyst("San Diego trip: Amber again at 702-555-0143 (+17025550143)")
    assert note.startswith("San Diego trip: Amber again at [phone ") and "555" not in MASK.sub("", note)
    assert note.count(masker.mask("phone", "+17025550143")) == 2


def test_overlapping_identifiers_leave_nothing_of_the_phone() -> None:
    # The handle extractor reads "WhatsApp 664" as a handle; the phone is "664 229 7589": they overlap.
    doc = Document(id="s5", title="Sofia", text="WhatsApp 664 229 7589\n$340", location="Tijuana, BC")
    rec = process(doc)
    assert rec["handles"] and rec["phones"]
    _title, text = Masker().record_fields(rec, doc.title, doc.text)
    assert "229" not in MASK.sub("", text) and "7589" not in MASK.sub("", text) and text.startswith("WhatsApp [phone ")


def test_a_known_name_stays_inside_a_resolved_place() -> None:
    named = Document(id="s6", title="Hi", text="I'm Georgia, 24, new here")
    place = Document(id="s7", title="Hi", text="Visiting Atlanta, Georgia this week")
    masker = Masker()
    recs = [process(named), process(place)]
    assert [n["value"] for n in recs[0]["names"]] == ["Georgia"]
    assert any(p["name"] == "Atlanta" and p["via"] == "text" for p in recs[1]["places"])  # "Atlanta, Georgia"
    for doc, rec in zip((named, place), recs, strict=True):
        masker.learn(rec, doc.full_text)
    assert masker.record_fields(recs[0], named.title, named.text)[1].startswith("I'm [name ")
    assert masker.record_fields(recs[1], place.title, place.text)[1] == place.text
