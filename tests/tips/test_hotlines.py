"""The shipped hotline table: every required country, sourced and dated; hotline_for and its fallbacks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from adtrace import errors
from adtrace.tips import hotlines as hl
from adtrace.tips.hotlines import hotline_for, hotline_or_default, record_countries

REQUIRED = ("US", "MX", "CA", "GB", "AU", "ES", "KH", "LA", "MM", "TH", "VN", "CN")


def test_the_table_covers_the_study_countries_each_sourced_and_dated() -> None:
    table = hl.table()
    assert set(REQUIRED) <= set(table)
    for h in table.values():
        assert h.checked and h.note, h.country
        assert "verify before relying" in h.note or "Look one up" in h.note, h.country
        if h.phone:
            assert h.source.startswith("https://"), h.country
            assert h.confidence in ("high", "medium")
        else:  # no number known with confidence: none is given, the police line is
            assert h.confidence == "none" and h.emergency


def test_us_hotline_is_the_national_one() -> None:
    us = hotline_for("US")
    assert us is not None and us.phone == "1-888-373-7888" and us.text == "233733" and us.tel == "18883737888"


@pytest.mark.parametrize(("given", "code"), [("mx", "MX"), ("Mexico", "MX"), ("España", "ES"), ("UK", "GB"),
                                             ("Yunnan", "CN"), ("burma", "MM")])
def test_codes_and_names_both_find_the_row(given: str, code: str) -> None:
    found = hotline_for(given)
    assert found is not None and found.country == code


def test_unknown_country_falls_back_to_the_org_then_the_us(monkeypatch: pytest.MonkeyPatch) -> None:
    assert hotline_for("FR") is None and hotline_for("") is None and hotline_for(None) is None
    monkeypatch.delenv("ADTRACE_COUNTRY", raising=False)
    assert hotline_or_default(["FR", None]).country == "US"
    monkeypatch.setenv("ADTRACE_COUNTRY", "th")
    assert hotline_or_default(["FR"]).country == "TH"
    assert hotline_or_default(["FR", "MX"]).country == "MX"


def test_record_countries_places_first_then_phone_regions() -> None:
    record = {"places": [{"name": "Tijuana", "country": "MX", "via": "text"}],
              "phones": [{"value": "+17025550147"}, {"value": "+34911234567"}]}
    assert record_countries(record) == ["MX", "US", "ES"]
    assert record_countries(None) == [] and record_countries({"phones": [{"value": "nonsense"}]}) == []


def test_a_bad_row_names_its_line_and_field() -> None:
    head = ",".join(hl.FIELDS)
    with pytest.raises(errors.InputError) as e:
        hl.parse(head + "\nXX,Name,123,,,,,2026-01-01,high,note\n")
    assert e.value.code == errors.BAD_HOTLINES and "line 2" in e.value.message and "source" in e.value.message
    with pytest.raises(errors.InputError, match="confidence 'none'"):
        hl.parse(head + "\nXX,Name,,,,110,,2026-01-01,medium,note\n")
    with pytest.raises(errors.InputError, match="columns"):
        hl.parse("country,name\nUS,x\n")


def test_pages_show_the_hotline_of_the_country_the_ad_points_to(app: Any, login: Callable[[str], Any]) -> None:
    from adtrace.documents import Document
    from adtrace.pipeline import Pipeline
    from adtrace.storage.prepare import prepare

    store = app.state.adtrace.store
    doc = Document(id="mx-ad-1", text="Chicas nuevas en Tijuana, Baja California. Whatsapp +52 664 123 4567")
    record = Pipeline().process(doc)
    assert "MX" in record_countries(record)
    store.put_batch([prepare(doc, record)])
    client = login("analyst")
    page = client.get("/documents/mx-ad-1").text
    assert "800 5533 000" in page and 'data-country="MX"' in page
    us_doc = next(d for d in store.iter_ids() if d != "mx-ad-1" and "US" in record_countries(store.get_record(d))[:1])
    assert "1-888-373-7888" in client.get(f"/documents/{us_doc}").text


def test_a_case_or_cluster_gets_the_country_most_of_its_documents_point_to() -> None:
    records = {"a": {"phones": [{"value": "+525512345678"}]}, "b": {"places": [{"country": "MX", "via": "text"}]},
               "c": {"phones": [{"value": "+17025550147"}]}, "d": {"places": [{"country": "FR", "via": "text"}]}}

    class Store:
        def get_record(self, doc_id: str) -> dict[str, Any] | None:
            return records.get(doc_id)

    assert hl.hotline_for_documents(Store(), ["a", "b", "c", "d"]).country == "MX"
    assert hl.hotline_for_documents(Store(), ["c", "d"]).country == "US"
    assert hl.hotline_for_documents(Store(), ["d"], limit=1).country == hl.org_country()
