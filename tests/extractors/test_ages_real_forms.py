"""Age forms of real classified ads (issue 16), on synthetic texts written for these tests.

Dates, times, measurements, road numbers, ids and prices never give an age; ranges give both ends;
site fields ("Age: 27") and the title convention " - NN" are read whatever the title ends with.
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adtrace.extractors.ages import find_ages


def values(text: str) -> list[int]:
    return [a for a, _ in find_ages(text)]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("women aged 19 to 30 available", [19, 30]),
        ("ages 21-40 welcome", [21, 40]),
        ("two sisters 19~23 yrs old", [19, 23]),
        ("girls 19-25 years old here", [19, 25]),
        ("edades de 19 a 25", [19, 25]),
        ("Poster's age: 31", [31]),
        ("Age: 27\nLocation: somewhere", [27]),
        ("Sweet treat - 21 - 21 - 21\nhello", [21]),
        ("New girl call 555 010 0147 - 22\nhello", [22]),
        ("Text me (555) 010-0147 - 24\nhi", [24]),
        ("Fun times 💦 - 23\nhi", [23]),
        ("Girls Night - 22\nhi", [22]),
        ("Hey guys 💋💋 - 26\nhi", [26]),
        ("Best kept secret -- - 25\nhi", [25]),
        ("open 24hr - 29\nhi", [29]),
    ],
)
def test_real_age_forms(text: str, want: list[int]) -> None:
    assert values(text) == want


@pytest.mark.parametrize(
    "text",
    [
        "Men ages 35-60 welcome",  # who she sees, not her age
        "Visiting Sept 14 - 16\nhi",  # dates of a tour
        "Sweet 36DD - 24\nhi",  # a measurement
        "Petite 32 C-24-34\nhi",
        "Curvy 38DDs\nhi",
        "Slim 28A - 30 - 30\nhi",
        "Close to the 60fwy\nhi",
        "right off the 10 fwy",
        "Exit 12 motel\nhi",
        "Available Aug 12\nhi",
        "see me on Aug 12",
        "Only Today 13\nhi",
        "Sunday 15\nhi",
        "Call Ext 15\nhi",
        "I'm 12 noon to 5",
        "I'm 15 o'clock free",
        "Gentlemen over - 40\nhi",
        "Posted: Tuesday, August 9, 2015 4:40 PM",
        "Mon 03/14/2011",
    ],
)
def test_numbers_that_are_not_ages(text: str) -> None:
    assert values(text) == []


def test_a_range_span_covers_each_end() -> None:
    text = "women aged 19 to 30"
    (a, span_a), (b, span_b) = find_ages(text)
    assert (a, b) == (19, 30)
    assert text[slice(*span_a)] == "aged 19" and text[slice(*span_b)] == "30"


# Generated dates, times, measurements, road numbers and ids, embedded in ad-like contexts (some
# right after an age cue, where a careless rule would read the number): none gives an age.
_MONTH = st.sampled_from(["January", "Feb", "Mar.", "April", "May", "Jun", "July", "Aug", "Sept", "September",
                          "Oct", "Nov", "December", "agosto"])
_WEEKDAY = st.sampled_from(["Monday", "Tue", "Tues", "Wednesday", "Thu", "Thurs", "Fri", "Saturday", "Sun"])
_DAY = st.integers(1, 31)
_YEAR = st.integers(1990, 2030)
_HOUR = st.integers(1, 12)
_MINUTE = st.integers(0, 59)
_ORDINAL = st.sampled_from(["", "st", "nd", "rd", "th"])


@st.composite
def dates(draw: st.DrawFn) -> str:
    d, m, y = draw(_DAY), draw(st.integers(1, 12)), draw(_YEAR)
    sep = draw(st.sampled_from(["/", "-", "."]))
    yy = draw(st.sampled_from([str(y), f"{y % 100:02d}"]))
    return draw(st.sampled_from([
        f"{draw(_WEEKDAY)}, {draw(_MONTH)} {d}, {y}",
        f"{draw(_MONTH)} {d}{draw(_ORDINAL)}",
        f"{d}{draw(_ORDINAL)} {draw(_MONTH)}",
        f"{draw(_WEEKDAY)} {d}",
        f"{draw(_WEEKDAY)} {m:02d}{sep}{d:02d}{sep}{yy}",
        f"{m}{sep}{d}{sep}{yy}",
        f"{m}{sep}{d}",
        f"{y}-{m:02d}-{d:02d}",
        f"on {draw(_MONTH)} {d}",
    ]))


@st.composite
def times(draw: st.DrawFn) -> str:
    h, mi = draw(_HOUR), draw(_MINUTE)
    ampm = draw(st.sampled_from(["am", "pm", " AM", " PM", "a.m.", " p.m.", ""]))
    return draw(st.sampled_from([
        f"{h}:{mi:02d}{ampm}", f"{h}{draw(st.sampled_from(['am', 'pm', ' pm', ' AM']))}",
        f"{draw(st.integers(0, 23)):02d}:{mi:02d}", f"{h} o'clock", f"{h}.{mi:02d}pm",
        f"{draw(_WEEKDAY)}, {draw(_MONTH)} {draw(_DAY)}, {draw(_YEAR)} {h}:{mi:02d} {ampm.strip() or 'PM'}",
    ]))


@st.composite
def measurements(draw: st.DrawFn) -> str:
    bust, waist, hips = draw(st.integers(28, 48)), draw(st.integers(20, 40)), draw(st.integers(30, 50))
    cup = draw(st.sampled_from(["A", "B", "C", "D", "DD", "DDD", "E", "F", "G", "H", "dd", "c"]))
    sep = draw(st.sampled_from(["-", "/", " - ", "–"]))
    return draw(st.sampled_from([
        f"{bust}{cup}{sep}{waist}{sep}{hips}", f"{bust} {cup}{sep}{waist}{sep}{hips}", f"{bust}{sep}{waist}{sep}{hips}",
        f"{bust}{cup}", f"{bust}{cup}s", f"{draw(st.integers(4, 6))}'{draw(st.integers(0, 11))}",
        f"{draw(st.integers(4, 6))}' {draw(st.integers(0, 11))}\"", f"{draw(st.integers(4, 6))}ft {draw(st.integers(0, 11))}in",
        f"{draw(st.integers(90, 250))}lbs", f"{draw(st.integers(90, 250))} lbs", f"{draw(st.integers(140, 190))}cm",
        f"{draw(st.integers(40, 99))}kg", f"{draw(st.integers(140, 190))}cm {draw(st.integers(40, 99))}kg",
        f"{draw(st.integers(10, 99))} lbs",
    ]))


@st.composite
def roads_and_ids(draw: st.DrawFn) -> str:
    n = draw(st.integers(1, 99))
    return draw(st.sampled_from([
        f"the {n} fwy", f"the {n}fwy", f"off the {n} freeway", f"I-{n}", f"Hwy {n}", f"Highway {n}", f"Exit {n}",
        f"Route {n}", f"Route-{n}", f"{n} highway", f"Post ID: {draw(st.integers(10_000_000, 99_999_999))}",
        f"#{n}", f"Ref {n}", f"Suite {n}", f"Room {n}", f"${n}", f"{n} roses", f"{n} dollars", f"{n}%",
    ]))


_CONTEXTS = st.sampled_from([
    ("", ""), ("Posted: ", ""), ("see me ", " call now"), ("Available ", "\nhello"), ("New in town\n", "\n"),
    ("I'm ", " and ready"), ("I am here ", "!"), ("Candy ", "\nx"), ("Sweet treat ", "\nhi"), ("Age: 24 | ", " | x"),
])


@settings(max_examples=400, deadline=None)
@given(st.one_of(dates(), times(), measurements(), roads_and_ids()), _CONTEXTS)
def test_dates_times_measurements_roads_and_ids_never_give_an_age(thing: str, context: tuple[str, str]) -> None:
    pre, post = context
    text = pre + thing + post
    got = [a for a, span in find_ages(text) if not text[span[0]:span[1]].startswith("Age: 24")]
    assert got == [], text
