"""Only web addresses are read for phones: a tip's internal `tip:<random hex id>` once read as a phone
(CI, tests/tips/test_stores.py) and linked the tip to a stranger's ads."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from adtrace.documents import Document
from adtrace.pipeline import Pipeline

PIPE = Pipeline()


def _phones(url: str) -> list[dict[str, object]]:
    return list(PIPE.process(Document(id="u", text="hello there", url=url))["phones"])


def test_the_same_digits_count_in_a_web_address_and_not_in_an_internal_one() -> None:
    assert [p["value"] for p in _phones("https://ads.test/call-702-555-0147-1.html")] == ["+17025550147"]
    assert [p["value"] for p in _phones("ads.test/call-702-555-0147-1.html")] == ["+17025550147"]
    assert _phones("tip:tip-7025550147abcdef01234567") == []


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789abcdef", min_size=24, max_size=24))
def test_no_tip_id_reads_as_a_phone(hex_id: str) -> None:
    assert _phones(f"tip:tip-{hex_id}") == []
