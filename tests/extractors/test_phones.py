import re
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adtrace.documents import Document
from adtrace.extractors import Context
from adtrace.extractors.phones import find_phones
from adtrace.extractors.phoneunits import UNIT
from adtrace.pipeline import Pipeline
from adtrace.text import normalise

PIPE = Pipeline(extractor_names=["phones"])


def phones(text: str, url: str | None = None, region: str = "US") -> list[dict[str, Any]]:
    doc = Document.from_dict({"text": text, "url": url})
    ctx = Context(doc, default_region=region)
    next(e for e in PIPE.extractors if e.name == "phones").run(ctx)  # phones alone (places is pulled in)
    return list(ctx.record["phones"])


# Synthetic numbers (fictional-looking exchanges), written the ways ads hide them.
@pytest.mark.parametrize(
    ("text", "e164"),
    [
        ("call 702-555-0147 now", "+17025550147"),
        ("(702) 555 0147", "+17025550147"),
        ("1.702.555.0147", "+17025550147"),
        ("7o2 fyve5five o1four7", "+17025550147"),
        ("seven zero two five five five zero one four seven", "+17025550147"),
        ("SEVEN-OH-TWO 555 oh147", "+17025550147"),
        ("7 . 0 . 2 . 5 . 5 . 5 . 0 . 1 . 4 . 7", "+17025550147"),
        ("７０２５５５０１４７", "+17025550147"),
        ("7️⃣0️⃣2️⃣5️⃣5️⃣5️⃣0️⃣1️⃣4️⃣7️⃣", "+17025550147"),
        ("7О2 555 О147", "+17025550147"),  # Cyrillic О
        ("702\n555\n0147", "+17025550147"),
        ("**702**555**0147**", "+17025550147"),
        ("((702)) {{555}} [[0147]]", "+17025550147"),
        ("siete cero dos cinco cinco cinco cero uno cuatro siete", "+17025550147"),
        ("7twenty5 five five 0 one 4 7", "+17205550147"),
        ("call 0412 345 678 in Sydney", "+61412345678"),
        ("+44 7911 123456", "+447911123456"),
        ("+52 55 1234 5678", "+525512345678"),
    ],
)
def test_obfuscated_and_international(text: str, e164: str) -> None:
    region = "AU" if "Sydney" in text else "US"
    got = phones(text, region=region)
    assert [p["value"] for p in got] == [e164]


@pytest.mark.parametrize(
    "text",
    [
        "posted 2024-05-01 at 10:30",
        "$200/hr, 150hh, available 24/7",
        "5'4 120lbs 34C-24-36",
        "zip 89109",
        "card 4111111111111111",
        "ref #20240501123456",
        "open 9am-11pm, 3 girls, 100% real",
        "I love my phone, one of a kind",
    ],
)
def test_not_phones(text: str) -> None:
    assert phones(text) == []


def test_two_numbers_in_one_line() -> None:
    got = phones("text 702-555-0147 or 702 555 0199")
    assert [p["value"] for p in got] == ["+17025550147", "+17025550199"]


def test_obfuscated_flag() -> None:
    plain, tricky = phones("702-555-0147"), phones("7o2 555 o147")
    assert plain[0]["obfuscated"] is False
    assert tricky[0]["obfuscated"] is True


def test_spans_point_at_evidence_in_original() -> None:
    text = "💋 new ✨ call ７０２-fyve55-0147 💋"
    (p,) = phones(text)
    a, b = p["span"]
    assert text[a:b] == "７０２-fyve55-0147"


def test_phone_in_url() -> None:
    got = phones("see link", url="http://example-classifieds.test/vegas/sweet-7025550147-new/99881231")
    assert [(p["value"], p.get("field")) for p in got] == [("+17025550147", "url")]


def test_country_code_without_plus() -> None:
    assert [p["value"] for p in phones("whatsapp 44 7911 123456")] == ["+447911123456"]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(), max_size=200))
def test_never_crashes_and_spans_valid(text: str) -> None:
    for _e164, (a, b), _obf in find_phones(normalise(text), ("US",)):
        assert 0 <= a < b <= len(text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789 -.()*oOlIfivesx\n", max_size=60))
def test_digit_soup_spans_valid(text: str) -> None:
    for e164, (a, b), _obf in find_phones(normalise(text), ("US",)):
        assert e164.startswith("+") and 0 <= a < b <= len(text)


_PIECES = [*"ab0129 -_.\n+()İKoOlLiI~*é", "one", "oh", "fyve", "twenty", "six", "二", "seven", "thousand", " i ",
           "-l-", "zer0"]


def _scan_over(text: str, matches: Iterator[re.Match[str]]) -> list[object]:
    """phones._scan reading `matches` in place of its own unit scan."""
    from adtrace.extractors import phones

    own = phones.unit_matches
    phones.unit_matches = lambda _text: matches  # type: ignore[assignment]
    try:
        return list(phones._scan(text))
    finally:
        phones.unit_matches = own  # type: ignore[assignment]


@given(st.lists(st.sampled_from(_PIECES), max_size=30).map("".join))
@settings(max_examples=600, deadline=None)
def test_lowered_unit_scan_reads_what_a_case_insensitive_scan_reads(text: str) -> None:
    # The lowered pattern also leaves out the lone "i"/"l" that _scan drops (speed): the units read
    # must be exactly those of the plain re.I scan over the original text.
    from adtrace.extractors import phones

    assert list(phones._scan(text)) == _scan_over(text, UNIT.finditer(text))
