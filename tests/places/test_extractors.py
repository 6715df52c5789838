"""The "places" and "places.area_code" extractors in the pipeline, and a no-crash property."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from adtrace.documents import Document
from adtrace.pipeline.process import extract
from adtrace.places.areacodes import area_place


def record(text: str, **kw: Any) -> dict[str, Any]:
    return extract(Document(id="t", text=text, **kw))


def test_record_shape_for_a_text_place() -> None:
    rec = record("Sweet girl new in Dallas, TX")
    [p] = rec["places"]
    assert p["via"] == "text" and p["name"] == "Dallas" and p["admin"] == "TX" and p["country"] == "US"
    assert isinstance(p["lat"], float) and isinstance(p["lon"], float)
    assert "Sweet girl new in Dallas, TX"[p["span"][0]:p["span"][1]] == "Dallas, TX"
    assert not any(k.startswith("_") for k in rec)


def test_spans_index_title_plus_text() -> None:
    doc = Document(id="t", title="NEW IN TOWN", text="Now in Miami")
    rec = extract(doc)
    [p] = rec["places"]
    assert doc.full_text[p["span"][0]:p["span"][1]] == "Miami"


def test_location_field_resolved() -> None:
    rec = record("Call me for a good time", location="Toronto, ON")
    [p] = rec["places"]
    assert (p["name"], p["admin"], p["country"], p["via"], p["field"]) == ("Toronto", "ON", "CA", "field", "location")
    assert "Toronto, ON"[p["span"][0]:p["span"][1]] == "Toronto, ON"


def test_location_field_accepts_lower_case_common_words() -> None:
    rec = record("hello", location="mobile, al")
    assert [(p["name"], p["admin"]) for p in rec["places"]] == [("Mobile", "AL")]


def test_location_field_decides_an_ambiguous_text_name() -> None:
    rec = record("Springfield's finest", location="Illinois")
    text_places = [p for p in rec["places"] if p["via"] == "text"]
    assert [(p["name"], p["admin"]) for p in text_places] == [("Springfield", "IL")]


def test_same_place_once() -> None:
    rec = record("Vegas. Las Vegas NV. VEGAS", location="Las Vegas, NV")
    assert [p["name"] for p in rec["places"]] == ["Las Vegas"]


def test_text_country_becomes_a_phone_region_hint() -> None:
    # A UK national number only parses as a phone once the places step has said "United Kingdom".
    rec = record("Visiting London, UK. Call 07911 123456")
    assert any(p["country"] == "GB" for p in rec["places"])
    assert [ph["value"] for ph in rec["phones"]] == ["+447911123456"]


def test_area_code_place() -> None:
    rec = record("Call 702-555-0123 now")
    [p] = rec["places"]
    assert (p["name"], p["admin"], p["country"], p["via"], p["span"]) == ("Nevada", "NV", "US", "area_code", None)
    assert p["phone"] == "+17025550123"


def test_area_code_naming_a_city() -> None:
    place = area_place("+12135550123")
    assert place is not None and (place.name, place.admin) == ("Los Angeles", "CA")
    assert area_place("+18005550123") is None  # toll-free: no place


def test_area_code_adds_nothing_inside_a_known_state() -> None:
    rec = record("In Las Vegas, call 702-555-0123")
    assert [p["via"] for p in rec["places"]] == ["text"]


def test_area_code_redecides_an_ambiguous_name() -> None:
    rec = record("Portland girl, call 207-555-0143")
    assert [(p["name"], p["admin"], p["via"]) for p in rec["places"]] == [("Portland", "ME", "text")]
    rec = record("Portland girl, call 503-555-0143")
    assert [(p["name"], p["admin"], p["via"]) for p in rec["places"]] == [("Portland", "OR", "text")]


_ALPHABET = st.characters(codec="utf-8", exclude_categories=("Cs",))
_PIECES = st.sampled_from(["Las Vegas", ", NV", "LA", "Ｄａｌｌａｓ", "Рhoenix", "多伦多", "Los Ángeles", "in ",
                           "\u200b", "Mobile", "İstanbul", "ß", "ﬁ", " ", "\n", "Portland", "Springfield, IL"])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.text(_ALPHABET, max_size=12), _PIECES), max_size=12), st.text(_ALPHABET, max_size=20))
def test_arbitrary_text_never_crashes_and_spans_slice_the_original(parts: list[str], location: str) -> None:
    text = "".join(parts)
    rec = record(text, location=location)
    for p in rec["places"]:
        if p["via"] == "text":
            start, end = p["span"]
            assert 0 <= start < end <= len(text)
            assert text[start:end].strip() == text[start:end]
        elif p["via"] == "field":
            start, end = p["span"]
            assert 0 <= start < end <= len(location)
        else:
            assert p["span"] is None


@settings(max_examples=200, deadline=None)
@given(st.text(_ALPHABET, max_size=60))
def test_fast_fold_equals_the_table_fold(text: str) -> None:
    from adtrace.places.gazetteer import FOLD_CI, FOLD_CS, fold_text

    lowered, cased = fold_text(text)
    assert (lowered, cased) == (text.translate(FOLD_CI), text.translate(FOLD_CS))
    assert len(lowered) == len(cased) == len(text)
