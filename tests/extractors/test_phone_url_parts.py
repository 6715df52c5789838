"""`phone_parts` skips the parts of a web address that cannot hold a phone, from one scan of the whole
address (adtrace.extractors.phoneurls): the same parts as asking `may_hold_phone` about each part."""

from hypothesis import given, settings
from hypothesis import strategies as st

from adtrace.extractors.phoneurls import may_hold_phone, phone_parts, web_url
from adtrace.text.urlparts import url_parts

_PIECES = ["/", "?", "#", "&", "=", "-", ".", "%F0%9F%92%8B", "%20", "7", "70", "702", "5550147", "12345678", "one",
           "Two", "oh", "o", "to", "for", "fyve", "sevn", "thr33", "tw0", "candy", "sexy", "i", "l", "x", "https:",
           "http://", "tip:", "_", "+", "x7", "1one", "é", "７", "İ", "〇", "七"]


def _reference(url: str | None) -> list[tuple[int, str, str]]:
    if not url or not web_url(url) or not may_hold_phone(url):
        return []
    return [(o, v.original, v.text) for o, v in url_parts(url, lambda a, b: may_hold_phone(url[a:b]))]


def _parts(url: str | None) -> list[tuple[int, str, str]]:
    return [(o, v.original, v.text) for o, v in phone_parts(url)]


@given(st.lists(st.sampled_from(_PIECES), max_size=25).map("".join))
@settings(max_examples=2000, deadline=None, derandomize=True)
def test_parts_equal_asking_each_part(url: str) -> None:
    assert _parts(url) == _reference(url)


def test_parts_of_a_listing_address() -> None:
    url = "https://city.example.com/escorts/sexy-one-two-new/31255501?ph=702-555-0147&tag=x"
    assert [o for o, _, _ in _parts(url)] == [33, 62]  # the slug spells digits; the phone; the id is skipped
    assert _parts(url) == _reference(url)
    assert _parts("https://city.example.com/escorts/new-in-town/31255501") == []
    assert _parts(None) == [] and _parts("tip:0123456789abcdef") == []
