from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adtrace.documents import Document
from adtrace.extractors import Context
from adtrace.extractors.ages import find_ages
from adtrace.extractors.registry import EXTRACTORS, ordered


def ages(text: str) -> list[dict[str, Any]]:
    ordered(["ages"])  # loads the built-ins
    ctx = Context(Document.from_dict({"text": text}))
    EXTRACTORS["ages"].run(ctx)
    return list(ctx.record["ages"])


def values(text: str) -> list[int]:
    return [a["value"] for a in ages(text)]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("sweet girl 19yo new here", [19]),
        ("Hi! 19 y/o, slim", [19]),
        ("Age: 19 | Height: 5'4", [19]),
        ("I'm 22 years old and fun", [22]),
        ("forever 29 years young", [29]),
        ("a 21-year-old student", [21]),
        ("Sweet nineteen!", [19]),
        ("I am twenty-one years old", [21]),
        ("I'm 17 and new", [17]),  # minors are kept: they are the signal
        ("im 20 looking for fun", [20]),
        ("hi guys i am just 18", [18]),
        ("edad 22, morena", [22]),
        ("tengo 19 años", [19]),
        ("tengo veintidós años", [22]),
        ("今年22岁，学生", [22]),
        ("年龄：19 身高160", [19]),
        ("我的年龄是20，新来的", [20]),
        ("芳龄19", [19]),
        ("age：21", [21]),
        ("Sexy blonde new in town - 23\nCall me", [23]),
        ("Sexy blonde new in town - 23 Location: somewhere", [23]),
        ("When I was about 16 I left home", [16]),
        ("aged 14", [14]),
    ],
)
def test_ages_found(text: str, want: list[int]) -> None:
    assert values(text) == want


@pytest.mark.parametrize(
    "text",
    [
        "I'm 5'4\" and 120 lbs",  # height, weight
        "5 ft 4, petite",
        "$200 for the hour",
        "in business since 1999, est 2019",
        "available 9pm to 11pm, open 10am",
        "I'm 34C-24-36",
        "I'm 34DD",
        "call 702-555-0147",
        "open 24/7",
        "you must be 18+ to read",
        "18 and over only",
        "must be 18 years or older",
        "you must be at least 21 years old",
        "men 40+ welcome",
        "gentlemen over 35 preferred",
        "men age 35-60 welcome",
        "ages 30 and up",
        "I'm 20 minutes from downtown",
        "I'm 100% real",
        "Twenty minutes away",
        "5 años de experiencia",
        "Room - 12",
        "必须18岁以上",       # "must be 18 or over"
        "客户年龄40以上",      # a client's age
    ],
)
def test_not_the_posters_age(text: str) -> None:
    assert values(text) == []


def test_out_of_range_numbers_are_not_ages() -> None:
    assert values("I'm 99 years old") == []
    assert values("age: 11") == []


def test_span_covers_the_evidence() -> None:
    text = "hey there, 19 y/o here"
    (age,) = ages(text)
    start, end = age["span"]
    assert text[start:end] == "19 y/o"


def test_two_patterns_one_mention() -> None:
    text = "tengo 19 años"
    (age,) = ages(text)
    assert text[slice(*age["span"])] == "tengo 19 años"


def test_span_indexes_the_original_when_the_view_differs() -> None:
    # Emoji and full-width digits change lengths and characters between original and view.
    text = "💋💋 new girl ｜ I'm １９ yo 💋"
    (age,) = ages(text)
    assert age["value"] == 19
    start, end = age["span"]
    assert text[start:end] == "I'm １９ yo"


def test_title_and_body_share_one_span_space() -> None:
    doc = Document.from_dict({"title": "Petite and sweet - 24", "text": "call me"})
    ordered(["ages"])
    ctx = Context(doc)
    EXTRACTORS["ages"].run(ctx)
    (age,) = ctx.record["ages"]
    assert doc.full_text[slice(*age["span"])] == "24"


def test_empty_list_when_nothing_found() -> None:
    assert ages("no numbers here at all") == []


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_arbitrary_text_never_crashes_and_spans_are_inside(text: str) -> None:
    if not text.strip():
        return
    for age in ages(text):
        start, end = age["span"]
        assert 0 <= start < end <= len(text)
        assert 12 <= age["value"] <= 70


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("0123456789 yoIm'agetnd-/+$\n"), max_size=60))
def test_age_like_noise_never_crashes(text: str) -> None:
    for value, (start, end) in find_ages(text):
        assert 0 <= start < end <= len(text)
        assert str(value) in text[start:end] or not text[start:end][:1].isdigit()


# Self-introductions with the name before the age, and the "Name NN" title convention.
@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("Hey loves, I'm Sasha, 19 petite", 19),
        ("Vanessa here, 17. sweet", 17),
        ("soy Ana, 22 y nueva", 22),
        ("Lexi 16 💋 Atlanta\nnew in town", 16),
    ],
)
def test_named_self_introductions(text: str, age: int) -> None:
    assert [a for a, _ in find_ages(text)] == [age]


@pytest.mark.parametrize("text", ["Candy 20/hr", "Hot Asian 24 7", "Top 10 spots\nRoom 12",
                                  "I'm Candy, 30 min 200", "Exit 15 motel\nx", "Text Mia\nMia 25 roses"])
def test_named_numbers_that_are_not_ages(text: str) -> None:
    assert find_ages(text) == []


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("🌹 I'M 19 🌹", [19]),  # non-ASCII text is matched lower-cased
        ("ſweet 🌹 I'M 19 YO", [19]),  # a long "ſ" keeps the case-insensitive patterns
        ("🌹 AGE: 22", [22]),
        ("💋💋\n  ✨ Candy 21 ✨", [21]),  # a header line of its own
        ("text here\nmore Candy 21 tonight", []),  # a name and a number mid-line, not in the title
    ],
)
def test_lowered_and_gated_paths(text: str, want: list[int]) -> None:
    assert [a for a, _ in find_ages(text)] == want


_TITLE_PIECES = [*"ab_ Z1 -–\n", "Sweet", "hh", "Only", "new", " - 21 ", " - ", "21", "Incall", "é", "x_y"]


@given(st.lists(st.sampled_from(_TITLE_PIECES), max_size=20).map("".join))
@settings(max_examples=600, deadline=None)
def test_possessive_title_run_on_matches_what_backtracking_matches(text: str) -> None:
    import re

    from adtrace.extractors import ages

    backtracking = re.compile(ages._TITLE_AGE_RUN_ON.pattern.replace("++", "+").replace("*+", "*"), re.M)
    assert [m.span() for m in ages._TITLE_AGE_RUN_ON.finditer(text)] == [m.span() for m in backtracking.finditer(text)]


@given(st.lists(st.sampled_from([*_TITLE_PIECES, "\t", "—", " Los", "55", "Kim — 19 Location", "Ana – 22\tHi"]), max_size=20).map("".join),
       st.integers(0, 40), st.integers(0, 40))
@settings(max_examples=600, deadline=None)
def test_run_on_gate_never_hides_a_run_on_title(text: str, a: int, cut: int) -> None:
    # The gate is a speed test only: wherever the run-on pattern matches in a window, the gate does.
    from adtrace.extractors import ages

    a, b = min(a, len(text)), max(min(a, len(text)), len(text) - cut)
    if any(True for _ in ages._TITLE_AGE_RUN_ON.finditer(text, a, b)):
        assert ages._RUN_ON_GATE.search(text, a, b) is not None
