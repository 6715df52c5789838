"""Dates, clock times, heights and labelled post ids are never phones; numbers beside them still are.

All texts are synthetic, built from generic chrome formats (ISO, US and month-name dates, 12- and
24-hour clocks, "Post ID:"-style labels); the ids are drawn so that many look like local numbers.
"""

import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adtrace.documents import Document
from adtrace.extractors.phoneunits import PRESCAN_MIN, unit_matches_and_runs
from adtrace.pipeline import Pipeline
from adtrace.text.stamps import stamp_spans

PIPE = Pipeline(extractor_names=["phones"])
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# Area codes and exchanges that make a valid North American number: a misread id would pass validation.
AREA = st.sampled_from(["202", "212", "213", "310", "312", "415", "512", "702", "713", "818", "972"])


def phones(text: str) -> list[dict[str, Any]]:
    return PIPE.extract_many([Document.from_dict({"text": text})])[0]["phones"]  # type: ignore[index, no-any-return]


@st.composite
def dates(draw: st.DrawFn) -> str:
    y, m, d = draw(st.integers(1995, 2029)), draw(st.integers(1, 12)), draw(st.integers(1, 28))
    sep = draw(st.sampled_from("-/."))
    forms = [
        f"{y}{sep}{m:02d}{sep}{d:02d}",
        f"{y}{sep}{m}{sep}{d}",
        f"{m:02d}{sep}{d:02d}{sep}{y}",
        f"{d}{sep}{m}{sep}{y}",
        f"{m}{sep}{d}{sep}{y % 100:02d}",
        f"{MONTHS[m - 1]} {d}, {y}",
        f"{DAYS[(y + m + d) % 7]}, {MONTHS[m - 1]} {d}, {y}",
        f"{MONTHS[m - 1][:3]} {d}",
        f"{d} {MONTHS[m - 1]} {y}",
    ]
    return draw(st.sampled_from(forms))


@st.composite
def clocks(draw: st.DrawFn) -> str:
    h, mi, s = draw(st.integers(0, 23)), draw(st.integers(0, 59)), draw(st.integers(0, 59))
    forms = [f"{h:02d}:{mi:02d}", f"{h}:{mi:02d}", f"{h:02d}:{mi:02d}:{s:02d}",
             f"{(h % 12) or 12}:{mi:02d} {'AM' if h < 12 else 'PM'}", f"{(h % 12) or 12}:{mi:02d}pm"]
    return draw(st.sampled_from(forms))


@st.composite
def stamps(draw: st.DrawFn) -> str:
    label = draw(st.sampled_from(["Posted: ", "Posted on ", "posted ", "Updated: ", "", "Date: "]))
    date, clock = draw(dates()), draw(clocks())
    body = draw(st.sampled_from([date, f"{date} {clock}", f"{date}T{clock}", f"{date}, {clock}", clock]))
    return label + body


@st.composite
def post_ids(draw: st.DrawFn) -> str:
    cue = draw(st.sampled_from(["Post ID: ", "Post ID:", "post id ", "Ad #", "Ad # ", "Ad ID: ", "AD ID:",
                                "Reference: ", "Ref #", "Ref: ", "Listing ID: ", "listing #", "Posting ID: ",
                                "Ad No. ", "post number ", "ID: ", "id: ", "ID #", "\\nAd #", "post&nbsp;id "]))
    local_like = draw(AREA) + str(draw(st.integers(2000000, 9999999)))
    ident = draw(st.one_of(st.just(local_like), st.integers(1000000, 999999999999).map(str),
                           st.just("0" + local_like[1:])))
    tail = draw(st.sampled_from(["", " austin", "\n", " | ", "<br>"]))
    return cue + ident + tail


@settings(max_examples=400, deadline=None)
@given(stamps())
def test_a_date_or_a_time_is_never_a_phone(text: str) -> None:
    assert phones(text) == []


@settings(max_examples=300, deadline=None)
@given(stamps(), post_ids())
def test_a_labelled_post_id_is_never_a_phone(stamp: str, ident: str) -> None:
    assert phones(f"{ident}") == []
    assert phones(f"{stamp}\n{ident}") == []


@settings(max_examples=300, deadline=None)
@given(stamps(), post_ids(), st.sampled_from(["702-555-0147", "(702) 555 0147", "7025550147", "702.555.0147",
                                               "seven oh two 555 0147", "+1 702 555 0147"]))
def test_the_number_after_the_chrome_is_still_read(stamp: str, ident: str, number: str) -> None:
    """The chrome's digits are dropped, not glued to the ad's number; and only the number is read."""
    # ("Jan 1 702-555-0147" on one line stays ambiguous: the 1 may be the number's trunk prefix.)
    for text in (f"{stamp}\n{ident}\nCall me {number}", f"{stamp}\n{number}", f"{stamp} - call {number}",
                 f"{ident}\n{number}", f"{ident} {number}"):
        got = phones(text)
        assert [p["value"] for p in got] == ["+17025550147"], text
        start, end = got[0]["span"]
        assert text[start:end].strip() in number, text


@pytest.mark.parametrize(
    "text",
    [
        "7'0'2'5'5'5'0'1'4'7",  # apostrophes between digits are separators, not a height
        "70.25.55.01.47",  # dotted pairs are no date: the "date" runs on into more digits
        "12:30 702-555-0147",  # a time before a number
        "10-12-2024 702-555-0147",
        "May 12 702 555 0147",  # "May 12" runs on into a digit group: a word then a number
        "5'7 702 555 0147",
        "Line ID: 7025550147",  # a platform's ID may be a phone number
        "Kik ID: 702 555 0147",
        "my ad 702 555 0147",  # "ad" with no label or colon is no id cue
        "Ad #12345678 text 702-555-0147",
        "posted 9:05 PM\n702.555.0147",
    ],
)
def test_numbers_beside_or_like_stamps_are_still_phones(text: str) -> None:
    assert [p["value"] for p in phones(text)] == ["+17025550147"]


@pytest.mark.parametrize(
    "text",
    [
        "Posted: 2024-03-24 17:41",  # +1 202 403 2417 before
        "Posted: 2024-05-23 05:25\nPost ID: 10087109",
        "Tuesday, August 7, 2024 11:42 AM\nPost ID: 3213297612 orlando",
        "Reference: 5129166757 austin",
        "Posted: 2024-06-15 15:19\\nAd #0465308789\\nHi",  # written-out \n escapes of a scraper
    ],
)
def test_chrome_lines_hold_no_phone(text: str) -> None:
    assert phones(text) == []


def test_the_inches_of_a_height_do_not_start_the_number_after_it() -> None:
    text = "Height: 5'7\n☎ 3*1*3*5*1*2*8*9*3*7"
    got = phones(text)
    assert [p["value"] for p in got] == ["+13135128937"]
    assert got[0]["span"][0] == text.index("3*")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789 -./:'’#\nADIadiJanMyPostRef&nbsp;", max_size=80))
def test_stamp_spans_lie_inside_the_text(text: str) -> None:
    for start, end in stamp_spans(text):
        assert 0 <= start < end <= len(text)


_PIECES = ["2024", "-", "03", "/", "24", ".", " ", "17", ":", "41", "5", "'", "’", "7", "ft ", "24/7", "Post ID: ",
           "Ad #", "Ref: ", "\n", "\\n", "&nbsp;", "August ", "7th", ", ", "of ", "March", "702", "555", "0147", "x",
           "١٢", "７", "🌹", "é", "İ", "K"]


@settings(max_examples=1500, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(_PIECES), max_size=30).map("".join))
def test_stamps_tried_at_the_digit_runs_equal_the_whole_scan(text: str) -> None:
    """stamp_spans with the runs' starts (the phone reader's unit scan finds them) reads the same spans
    as its own scan of the whole text; and the unit scan's run starts are those of `\\d+`."""
    starts = [m.start() for m in re.finditer(r"\d+", text)]
    assert stamp_spans(text, starts) == stamp_spans(text)
    padded = text + " " * max(0, PRESCAN_MIN - len(text))  # long enough for the hyperscan pass
    runs = unit_matches_and_runs(padded)[1]
    assert runs is None or runs == [m.start() for m in re.finditer(r"\d+", padded)]
