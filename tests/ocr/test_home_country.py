"""A phone read in an image is of the ad's own countries, or the image writes its country code."""

from __future__ import annotations

from adtrace.documents import Document
from adtrace.ocr.stage import home_countries, written_abroad

HOME = frozenset({"US"})
ID_MOBILE = "+6281255501234"


def _span(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


def test_a_home_number_needs_no_code() -> None:
    text = "text me 858 555 0147"
    assert written_abroad("+18585550147", text, _span(text, "858 555 0147"), HOME)


def test_a_foreign_number_in_national_form_is_dropped() -> None:
    # A misread local number that happens to be valid where a junk word placed the ad.
    text = "Jakarta 0812 5550 1234"
    assert not written_abroad(ID_MOBILE, text, _span(text, "0812 5550 1234"), HOME)


def test_a_foreign_number_with_its_code_written_is_kept() -> None:
    for written in ("+62 812 5550 1234", "0062 812 5550 1234", "62 812 5550 1234"):
        text = f"whatsapp {written}"
        assert written_abroad(ID_MOBILE, text, _span(text, written), HOME), written
    text = "whatsapp +62 812 5550 1234"  # the span may start after the plus sign
    assert written_abroad(ID_MOBILE, text, _span(text, "62 812 5550 1234"), HOME)


def test_the_ads_own_countries_are_home() -> None:
    doc = Document(id="d", text="x", url="https://example.co.id/ad/1")
    record = {"places": [{"name": "Milano", "country": "IT", "via": "text"}],
              "phones": [{"value": "+442079460123", "span": [0, 1]}]}
    assert home_countries(doc, record, "US") == frozenset({"US", "ID", "IT", "GB"})
    text = "0812 5550 1234"
    assert written_abroad(ID_MOBILE, text, (0, len(text)), home_countries(doc, record, "US"))
