from hypothesis import given, settings
from hypothesis import strategies as st

from adtrace.text.urlparts import url_parts


def test_parts_skip_ids_and_the_scheme() -> None:
    url = "https://city.example.com/women/sexy-21/12345678?id=99&ph=702-555-0147"
    assert [url[o:o + len(v.original)] for o, v in url_parts(url)] == [
        "city.example.com", "women", "sexy-21", "id", "ph", "702-555-0147"]


def test_escapes_read_as_one_separator() -> None:
    url = "https://x.com/702%F0%9F%92%8B555"
    _, (offset, part) = url_parts(url)
    assert part.text == "702-555"
    start, end = part.span(3, 4)
    assert url[offset + start:offset + end] == "%F0%9F%92%8B"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("/?#&=%-.7aF0Z🌹１"), max_size=40) | st.text(max_size=40))
def test_spans_round_trip_into_the_url(url: str) -> None:
    for offset, view in url_parts(url):
        assert url[offset:offset + len(view.original)] == view.original
        for i in range(len(view.text)):
            start, end = view.span(i, i + 1)
            assert 0 <= start < end <= len(view.original)
