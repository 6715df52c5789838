"""Phone forms of real ads (issue 16), on synthetic texts and numbers written for these tests.

Foreign numbers in their own formats take their country from their own prefix, the ad's place or
the site; a country named in the text does not turn a North American number into a foreign one.
"""

from typing import Any

import pytest

from adtrace.documents import Document
from adtrace.extractors.base import site_country
from adtrace.pipeline import extract


def phones(**fields: Any) -> list[str]:
    return [p["value"] for p in extract(Document.from_dict({"id": "t", **fields}))["phones"]]


@pytest.mark.parametrize(
    ("fields", "want"),
    [
        ({"text": "Ciao! +39 347 555 0192"}, ["+393475550192"]),
        ({"text": "Neu hier +49176 5550 1234"}, ["+4917655501234"]),
        ({"text": "Visiting London, UK. Call 07911 123456"}, ["+447911123456"]),
        ({"text": "Call 07911 123456 now", "url": "https://example.co.uk/ad/1"}, ["+447911123456"]),
        ({"text": "Milano centro, chiamami 347 555 0192"}, ["+393475550192"]),
        # The site's location field outranks a country named in the text (where she is from).
        ({"text": "Fresh from Brazil, call 613 555 0147", "location": "Ottawa, ON"}, ["+16135550147"]),
        # Written the North American way: read there before a country named in the text ...
        ({"text": "Fresh from Brazil, call 613-555-0147"}, ["+16135550147"]),
        ({"text": "Fresh from Brazil, call (613) 555-0147"}, ["+16135550147"]),
        # ... but grouped otherwise, the country in the text decides.
        ({"text": "Fresh from Brazil, call 613 555 0147"}, ["+556135550147"]),
    ],
)
def test_the_country_of_a_number(fields: dict[str, Any], want: list[str]) -> None:
    assert phones(**fields) == want


@pytest.mark.parametrize(
    "text",
    [
        "Sweet girl - 22\n(702) 555-0147",  # the title's age is not a country code
        "Call (702) 555-0147. 5. Thanks",  # nor is a digit after the number
        "New in Germany\n(702) 555-0147. 9 to 5",
    ],
)
def test_a_north_american_number_keeps_its_digits(text: str) -> None:
    assert phones(text=text) == ["+17025550147"]


def test_an_age_before_a_number_is_not_its_country_code() -> None:
    # "30" and "2125550147" also make a valid Greek number: the number as written comes first.
    assert phones(text="Sweet girl - 30\n(212) 555-0147") == ["+12125550147"]


def test_a_country_code_is_written_as_its_own_group() -> None:
    assert phones(text="call 44 7911 123456") == ["+447911123456"]
    assert phones(text="page 3, call 4479 1112 3456 7") == []  # no group is a country code


@pytest.mark.parametrize(("url", "want"), [
    ("https://www.example.co.uk/ads/1", "GB"), ("example.de/x", "DE"), ("https://foo.com.au/a", "AU"),
    ("http://city.example.com/x/1", None), ("https://t.me/x", None), ("https://example.io/x", None), (None, None),
])
def test_site_country(url: str | None, want: str | None) -> None:
    assert site_country(url) == want


def url_phones(url: str) -> list[tuple[str, str]]:
    rec = extract(Document.from_dict({"id": "t", "text": "hello", "url": url}))
    return [(p["value"], url[p["span"][0]:p["span"][1]]) for p in rec["phones"] if p.get("field") == "url"]


@pytest.mark.parametrize(
    ("url", "want"),
    [
        # Digits of different segments never join: a slug's "21-21-21", a date, the post id.
        ("https://city.example.com/women/sexy-21-21-21/33456789", []),  # not +1 213 345 6789
        ("https://city.example.com/women/sweet-44/79111234", []),  # not +1 447 911 1234
        ("https://city.example.com/women/sweet-39/3475550192", []),  # not +39 347 555 0192
        ("https://city.example.com/2017/10/12/sweet-new-girl-19/87654321", []),
        ("https://city.example.com/women/hot-24/7025550147", []),  # a bare number segment is an id
        ("https://example.com/ad?id=70255501479", []),
        # A phone in a slug, the host or a query value is read, its span into the URL.
        ("https://city.example.com/women/call-702-555-0147-now/98765432", [("+17025550147", "702-555-0147")]),
        ("https://702-555-0147.example.com/x", [("+17025550147", "702-555-0147")]),
        ("https://example.com/ad?phone=702.555.0147&id=12345678", [("+17025550147", "702.555.0147")]),
        # An age and a post id side by side in one slug are no number, in either order (each pair
        # below reads as a valid North American number when joined).
        ("https://city.example.com/women/sweet-girl-22-55218528", []),
        ("https://city.example.com/women/31255501-47-mature-lady", []),
        ("https://city.example.com/women/new-in-town-21-35550147", []),
        # ... but the groups of a number still join: 3 and 7 digits, 1 and 10, 3-3-4.
        ("https://city.example.com/women/call-702-5550147-now", [("+17025550147", "702-5550147")]),
        ("https://city.example.com/women/call-1-7025550147-now", [("+17025550147", "1-7025550147")]),
        ("https://city.example.com/women/sweet-22-702-555-0147", [("+17025550147", "702-555-0147")]),
        # Percent-escaped emoji between the groups are separators, their hex digits not digits.
        ("https://example.com/w/702%F0%9F%92%8B555%F0%9F%92%8B0147-call/1",
         [("+17025550147", "702%F0%9F%92%8B555%F0%9F%92%8B0147")]),
    ],
)
def test_phones_in_urls(url: str, want: list[tuple[str, str]]) -> None:
    assert url_phones(url) == want


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # A link written in the ad: its slug's age and post id join no number (joined, each pair is valid).
        ("More pics: https://site.example.com/la/escorts/sweet-22-55218528.html call 702-555-0147",
         ["+17025550147"]),
        ("see www.example.com/w/new-in-town-21-35550147/ now", []),
        # Numbers in links are still read: groups of a number, a messaging link.
        ("text me wa.me/17025550147 or www.example.com/call-702-555-0147", ["+17025550147"]),
        # Outside a link an age before a number is no reason to split it ("22 - 702 555 0147" stays read).
        ("Candy 22 - 702 555 0147", ["+17025550147"]),
    ],
)
def test_age_and_id_in_a_written_link(text: str, want: list[str]) -> None:
    rec = extract(Document.from_dict({"id": "t", "text": text}))
    assert sorted({p["value"] for p in rec["phones"]}) == want
