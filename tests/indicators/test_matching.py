"""Lexicon matching: word boundaries, CJK, negation, normalisation, evidence spans into the original."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from adtrace.indicators import indicate


def _ids(text: str, record: dict | None = None) -> set[str]:
    return {i["id"] for i in indicate(text, record or {})}


def _evidence(text: str, ind_id: str) -> list[str]:
    return [e["text"] for i in indicate(text, {}) if i["id"] == ind_id for e in i["evidence"]]


def test_whole_words_only_for_latin() -> None:
    assert "minor.youth_terms.v1" in _ids("sweet teen")
    assert "minor.youth_terms.v1" not in _ids("canteen fifteen steen")


def test_cjk_matches_inside_running_text() -> None:
    assert "minor.youth_terms.v1" in _ids("清纯学生妹上门服务")


def test_lookalike_letters_are_folded_and_spans_point_at_the_original() -> None:
    text = "sweet t\u0435\u0435n here"  # Cyrillic 'е'
    assert _evidence(text, "minor.youth_terms.v1") == ["t\u0435\u0435n"]


def test_spacing_and_case_do_not_matter() -> None:
    text = "Title\nNEW   in\n town today"
    assert _evidence(text, "movement.new_in_town.v2") == ["NEW   in\n town"]


def test_negated_fee_does_not_fire_but_plain_fee_does() -> None:
    assert "labor.recruitment_fee.v2" not in _ids("We never charge a placement fee.")
    assert "labor.recruitment_fee.v2" in _ids("Placement fee: 400 dollars before departure.")


def test_evidence_quotes_the_whole_amount() -> None:
    """v2 of the fee and pay indicators: a quoted amount is never cut after its first digit (v1 quoted
    "fee of $2" from "fee of $225"), in English and Spanish; the retired v1 no longer fires."""
    assert "fee of $1,250" in _evidence("Pay a registration fee of $1,250 before you travel.", "labor.recruitment_fee.v2")
    assert "Earn up to $2,400" in " ".join(_evidence("Earn up to $2,400 weekly from home.", "labor.easy_money.v2"))
    assert "gana hasta $800" in " ".join(e.lower() for e in _evidence("Gana hasta $800 a la semana.", "labor.easy_money.v2"))
    assert "labor.recruitment_fee.v1" not in _ids("Pay a registration fee of $1,250 before you travel.")


def test_all_groups_required() -> None:
    assert "labor.provided_abroad.v1" not in _ids("Housing provided.")
    assert "labor.provided_abroad.v1" in _ids("Jobs overseas. Housing provided.")


def test_emoji_need_two_different() -> None:
    assert "minor.emoji.v1" not in _ids("🍭🍭🍭 sale")
    assert "minor.emoji.v1" in _ids("hi 🍭\ufe0f🎀")


def test_stated_age_uses_record_ages() -> None:
    text = "Amy 16 call"
    assert "minor.stated_age.v1" in _ids(text, {"ages": [{"value": 16, "span": [4, 6]}]})
    assert "minor.stated_age.v1" not in _ids(text, {"ages": [{"value": 21, "span": [4, 6]}]})


def test_low_price_per_hour() -> None:
    rec = {"prices": [{"amount": 20, "currency": "USD", "per_minutes": 30, "span": [0, 2]}]}
    assert "conditions.low_price.v2" in _ids("20 hh", rec)
    rec["prices"][0]["amount"] = 120
    assert "conditions.low_price.v2" not in _ids("20 hh", rec)


def test_an_hourly_wage_in_a_job_ad_is_not_a_low_price() -> None:
    rec = {"prices": [{"amount": 15, "currency": "USD", "per_minutes": 60, "span": [0, 3]}]}
    assert "conditions.low_price.v2" in _ids("$15 an hour", rec)
    assert "conditions.low_price.v2" not in {i["id"] for i in indicate("$15 an hour", rec, kind="job")}


def test_school_named_as_an_education_level_is_not_youth_language() -> None:
    assert "minor.school.v2" in _ids("Just out of high school, text me")
    for text in ("High school diploma or equivalent required", "Middle school teacher wanted", "Secundaria terminada",
                 "高中以上学历"):
        assert "minor.school.v2" not in _ids(text), text


def test_bad_record_fields_are_ignored_not_fatal() -> None:
    rec = {"ages": [{"value": "x"}, 5, {"value": 15, "span": "bad"}], "prices": [None], "names": [{}]}
    assert "minor.stated_age.v1" not in _ids("text", rec)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_no_crash_and_spans_valid(text: str) -> None:
    for ind in indicate(text, {}):
        for e in ind["evidence"]:
            a, b = e["span"]
            assert 0 <= a < b <= len(text)
            assert text[a:b] == e["text"]


_WORDS = st.sampled_from(["teen", "new in town", "24/7", "cash only", "she is", "🍭", "🎀", "passport",
                          "placement fee", "18", "中介费", "  ", "\n", "ｔｅｅｎ", "Ёж", "x"])


@settings(max_examples=200, deadline=None)
@given(st.lists(_WORDS, max_size=20).map(" ".join))
def test_lexicon_heavy_text_spans_valid(text: str) -> None:
    for ind in indicate(text, {}):
        for e in ind["evidence"]:
            a, b = e["span"]
            assert 0 <= a < b <= len(text) and text[a:b] == e["text"]
