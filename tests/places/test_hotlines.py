"""The shipped hotline table: every required country, checked against a named source and dated; hotline_for and
its fallbacks. (The pages that show it: tests/tips/test_hotline_pages.py.)"""

from __future__ import annotations

from typing import Any

import pytest

from adtrace import errors
from adtrace.places import hotlines as hl
from adtrace.places.hotlines import hotline_for, hotline_for_records, hotline_or_default, record_countries

REQUIRED = ("US", "MX", "CA", "GB", "AU", "ES", "KH", "LA", "MM", "TH", "VN", "CN")


def test_the_table_covers_the_study_countries_each_sourced_and_dated() -> None:
    table = hl.table()
    assert set(REQUIRED) <= set(table)
    for h in table.values():
        assert h.checked and h.note, h.country
        assert "Verify before relying" in h.note or "Look one up" in h.note, h.country
        assert "not re-verified" not in h.note, h.country  # every row was checked against a stored page
        assert h.source.startswith(("https://", "http://")) and f"checked {h.checked}" in h.note.lower(), h.country
        if h.phone:
            assert h.confidence in ("high", "medium")
        else:  # no hotline found in a source: none is given, the police line is
            assert h.confidence == "none" and h.emergency


def test_rows_the_sources_corrected_or_filled() -> None:
    """What checking against the stored pages changed (2026-12-06): Vietnam's 111 is now the national
    trafficking hotline too; Cambodia's police hotline 117 and the Lao Women's Union line 1362 take trafficking
    cases; Myanmar and China still have none."""
    vn, kh, la = hotline_for("VN"), hotline_for("KH"), hotline_for("LA")
    assert vn is not None and vn.phone == "111" and "children only" not in vn.name
    assert kh is not None and kh.phone == "117" and la is not None and la.phone == "1362"
    assert all((h := hotline_for(c)) is not None and not h.phone for c in ("MM", "CN"))


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


def test_a_case_or_cluster_gets_the_country_most_of_its_documents_point_to() -> None:
    records = {"a": {"phones": [{"value": "+525512345678"}]}, "b": {"places": [{"country": "MX", "via": "text"}]},
               "c": {"phones": [{"value": "+17025550147"}]}, "d": {"places": [{"country": "FR", "via": "text"}]}}

    class Store:
        def get_record(self, doc_id: str) -> dict[str, Any] | None:
            return records.get(doc_id)

    assert hl.hotline_for_documents(Store(), ["a", "b", "c", "d"]).country == "MX"
    assert hl.hotline_for_documents(Store(), ["c", "d"]).country == "US"
    assert hl.hotline_for_documents(Store(), ["d"], limit=1).country == hl.org_country()


def test_records_vote_and_the_line_for_plain_text() -> None:
    mx = {"places": [{"country": "MX", "via": "text"}]}
    assert hotline_for_records([mx, mx, {"phones": [{"value": "+34911234567"}]}]).country == "MX"
    line = hotline_for_records([mx]).line()
    assert "800 5533 000" in line and "(MX)" in line and "911" in line
    mm = hotline_for("MM")
    assert mm is not None and "No national trafficking hotline number" in mm.line() and "199" in mm.line()
    assert set(hotline_for_records([mx]).public()) == {"country", "name", "phone", "text", "emergency", "source",
                                                       "checked"}
