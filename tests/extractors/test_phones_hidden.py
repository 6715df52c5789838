"""The hidden reading (adtrace.text.hidden_digits): made-up numbers in texts written for these tests."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adtrace.documents import Document
from adtrace.pipeline import extract
from adtrace.text.hidden_digits import hidden_units
from adtrace.text.stamps import stamp_spans


def found(text: str) -> list[tuple[str, str]]:
    rec = extract(Document.from_dict({"id": "t", "text": text}))
    return [(p["value"], text[p["span"][0]:p["span"][1]]) for p in rec["phones"]]


@pytest.mark.parametrize(
    ("text", "evidence"),
    [
        ("hey callmeseven0two 555 0147 babe", "seven0two 555 0147"),  # spelled digits glued after a word
        ("textsevenzerotwo fivefivefive zeroonefourseven", "sevenzerotwo fivefivefive zeroonefourseven"),
        ("reach me 702 555 zeroonefoursevencall", "702 555 zeroonefourseven"),  # glued before a word
        ("s3v3n z3ro tw0 f1ve f1ve f1ve z3ro 0ne f0ur s3v3n", "s3v3n z3ro tw0 f1ve f1ve f1ve z3ro 0ne f0ur s3v3n"),
        ("text 702 dot 555 dot 0147", "702 dot 555 dot 0147"),
        ("text 702 dash 555 dash 0147 ok", "702 dash 555 dash 0147"),
        ("call 702 triple five 0147", "702 triple five 0147"),
        ("call seven 0 2 triple 5 0 1 4 7", "seven 0 2 triple 5 0 1 4 7"),
        ("call 702 . . . 555 . . . 0147", "702 . . . 555 . . . 0147"),
    ],
)
def test_hidden_forms(text: str, evidence: str) -> None:
    assert found(text) == [("+17025550147", evidence)]


def test_double() -> None:
    assert found("call 7 0 2 double 5 5 0 1 4 7")[0][0] == "+17025550147"


@pytest.mark.parametrize(
    "text",
    [
        "someone special and alone tonight, todos bienvenidos",
        "my weight is 120, height 5'5, tattoo on my back",
        "honey, everyone is welcome 24/7",
        "rates 80 qv 120 hh 200 hr, double the fun, triple 5 stars",
        "text me, I am on dot com 250 dot 300",
    ],
)
def test_prose_is_no_hidden_number(text: str) -> None:
    assert found(text) == []


def test_glued_prose_units_are_dropped() -> None:
    # "someone", "alone", "todos", "weight": a digit word inside or ending another word is prose.
    assert hidden_units("someone alone todos weight honey") == []
    # ... but a run of two or more, or one with a digit after it, is a number.
    assert [d for _, _, d, _ in hidden_units("callmesevenzero x")] == ["7", "0"]
    assert [d for _, _, d, _ in hidden_units("callmeseven0")] == ["7", "0"]


def test_hidden_reading_only_when_plain_found_none() -> None:
    # The plain number is read; the glued run elsewhere in the same ad is not looked for.
    assert [v for v, _ in found("702-555-0147 or textsevenzerotwo fivefivefive zeroonefoureight")] == ["+17025550147"]


@pytest.mark.parametrize("text", ["open 24/7 702 555 0147", "702 555 0147 24/7", "702 555 0147 24 / 7"])
def test_around_the_clock_joins_no_number(text: str) -> None:
    assert [v for v, _ in found(text)] == ["+17025550147"]
    assert any(text[a:b].replace(" ", "") == "24/7" for a, b in stamp_spans(text))


def test_24_inside_a_number_is_no_stamp() -> None:
    assert stamp_spans("702-555-0124/7") == []


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("seventwoicalmdothfr0123456789 .-/\n"), max_size=80))
def test_hidden_reading_spans_round_trip(text: str) -> None:
    for start, end, digits, _ in hidden_units(text):
        assert 0 <= start < end <= len(text) and digits.isdigit()
    if not text.strip():
        return
    for _, evidence in found(text):
        assert evidence and evidence in text


@pytest.mark.parametrize("text", ["1 January 2022\n702-555-0147", "hi\n7 March 2024 17:41\n702 555 0147"])
def test_a_date_at_a_line_start_joins_no_number(text: str) -> None:
    # Found by the stamps property test: a day-month date opening a line was not a stamp.
    assert [v for v, _ in found(text)] == ["+17025550147"]


@pytest.mark.parametrize("text", ["llámame +52 1 55 5555 1234", "whatsapp 00 52 1 55 5555 1234", "+52 55 5555 1234"])
def test_old_mexican_mobile_prefix(text: str) -> None:
    # Mexico dropped the mobile "1" after +52 in 2019; the number is the same without it.
    assert [v for v, _ in found(text)] == ["+525555551234"]

