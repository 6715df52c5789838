"""More age cues (issue 16), on synthetic texts written for these tests: a bare "yrs" ("23 yrs,"),
"just turned 21", "22 years of age". A bare "yrs" is also a duration: below 18 it is never an age."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adtrace.extractors.ages import BARE_YEARS_MIN, find_ages


def values(text: str) -> list[int]:
    return [a for a, _ in find_ages(text)]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Latina 23 yrs, 5'4 120lbs", [23]),
        ("sweet 23yrs\nnew in town", [23]),
        ("petite, 24 yrs.\n34B", [24]),
        ("just turned 21 and new to this", [21]),
        ("I just turned 19", [19]),
        ("I just turned 17", [17]),  # with "I" it is her own age, kept whatever it is
        ("I am 22 years of age", [22]),
        ("Ebony 27 yrs | 5'6 | 140", [27]),
    ],
)
def test_more_age_cues(text: str, want: list[int]) -> None:
    assert values(text) == want


@pytest.mark.parametrize(
    "text",
    [
        "15 yrs, in the business",  # a duration below 18
        "10-15 yrs, of experience",
        "25 yrs experience as a masseuse",  # a word after "yrs": a duration
        "married 23 yrs ago",
        "you must be 21 years of age",  # a requirement
        "men 30 years of age and older",
        "25 yrs. experience",  # a full stop and a word after it: not read
        "the clock just turned 12",  # "just turned" without "I": under 18 it is a clock or another person
        "my son just turned 16",
    ],
)
def test_bare_years_that_are_not_an_age(text: str) -> None:
    assert values(text) == []


@settings(max_examples=300, deadline=None)
@given(st.integers(1, BARE_YEARS_MIN - 1), st.sampled_from(["yrs", "yr", "yrs.", " yrs", " yr."]),
       st.sampled_from([",", "", "\n", " |", " - ok", "!"]), st.sampled_from(["", "experience ", "worked "]))
def test_a_bare_yrs_below_18_is_never_an_age(n: int, unit: str, after: str, before: str) -> None:
    # Durations ("15 yrs,") must never invent a minor; an age under 18 needs a cue of its own.
    assert all(v >= BARE_YEARS_MIN for v in values(f"{before}{n:02d}{unit}{after}"))


_DISTANCE_UNITS = ["blocks", "block", "km", "kms", "kilometers", "mi", "miles", "yards", "meters", "metres", "stops",
                   "floors", "doors", "exits", "streets", "minutos", "horas", "away", "cuadras"]


@settings(max_examples=300, deadline=None)
@given(st.integers(12, 17), st.sampled_from(_DISTANCE_UNITS),
       st.sampled_from(["I'm ", "i am ", "im ", "tengo ", "Age: "]), st.sampled_from(["", " away", " from you", "."]))
def test_distances_and_counts_after_a_cue_are_never_an_age(n: int, unit: str, cue: str, after: str) -> None:
    # "I'm 14 blocks away" is a distance: no minor may be invented from it.
    assert values(f"{cue}{n} {unit}{after}") == []


@pytest.mark.parametrize(
    "title",
    ["Hollywood 15 reviews", "Massage 16 girls", "Spa 12 rooms", "Latina 15 pics", "Hi 13 new girls",
     "Pier 17 spa", "Bus 14", "Season 14", "Building 15 suite 3", "Sasha 15 stars"],
)
def test_counts_and_numbered_things_in_a_title_are_no_age(title: str) -> None:
    assert values(f"{title}\nwelcome") == []


@pytest.mark.parametrize(("title", "want"), [("Candy 19 sexy latina", [19]), ("Sasha 22 🔥 Orlando", [22]),
                                             ("Lola 21 new in town", [21])])
def test_a_name_and_her_age_in_a_title_still_read(title: str, want: list[int]) -> None:
    assert values(f"{title}\nwelcome") == want


_TEENS = ["thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "trece", "catorce", "quince", "dieciseis",
          "diecisiete"]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(_TEENS), st.sampled_from(["be there in ", "ready in ", "give me ", "top ", "Sweet ", "",
                                                 "back in ", "room ", "open till "]),
       st.sampled_from([".", "!", ",", "\n", ""]))
def test_a_spelled_number_alone_never_gives_a_minor(word: str, before: str, after: str) -> None:
    # With no age cue a spelled teen is as often a time or a count: no minor may be invented from it.
    assert values(f"{before}{word}{after}") == []


@pytest.mark.parametrize(("text", "want"), [("Sweet Nineteen!", [19]), ("I'm fifteen.", [15]),
                                            ("fifteen years old", [15]), ("be there in twenty.", [])])
def test_spelled_numbers_with_and_without_a_cue(text: str, want: list[int]) -> None:
    assert values(text) == want
