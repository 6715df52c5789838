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
