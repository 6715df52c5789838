"""A cluster indicator's evidence is stored as linking wrote it, in English ("syn1-0000330: stated age under 18",
"3 moves, median stay 4.0 days: ..."); pages and reports read it in the reader's language, each ad indicator's id
as its name. The members are synthetic, written for this test."""

from __future__ import annotations

import re

from adtrace.i18n import use
from adtrace.indicators.wording import name
from adtrace.linking.summary import Member, cluster_indicators
from adtrace.linking.wording import evidence_pieces, evidence_text

PHONE = "+17025550100"


def _members() -> list[Member]:
    def rec(age: int, *ids: str) -> dict[str, object]:
        return {"phones": [{"value": PHONE}], "ages": [{"value": age}],
                "indicators": [{"id": i} for i in ids]}
    return [Member("ad-1", "2030-01-01", rec(16)), Member("ad-2", "2030-01-05", rec(21, "minor.youth_terms.v1")),
            Member("ad-3", "2030-01-09", rec(24))]


MOVE = {"legs": [{}, {}, {}], "median_stay_days": 4.0,
        "stops": [{"city": "Reno, NV"}, {"city": "Fresno, CA"}, {"city": "Reno, NV"}, {"city": "Boise, ID"}],
        "circuit": {"cities": ["Reno, NV", "Fresno, CA", "Reno, NV"], "days_per_loop": 7.5}}


def _stored() -> dict[str, list[str]]:
    return {i["id"]: [e["text"] for e in i["evidence"]] for i in cluster_indicators(_members(), MOVE, {})}


def test_linking_still_stores_english() -> None:
    """The stored form is unchanged (old summaries and the JSON API read it); only its display is translated."""
    stored = _stored()
    assert stored["cluster.minor_indicator.v1"] == ["ad-1: stated age under 18", "ad-2: minor.youth_terms.v1"]
    assert stored["cluster.many_ages_one_phone.v1"] == [f"{PHONE}: ages 16-24"]
    assert stored["cluster.fast_movement.v1"] == ["3 moves, median stay 4.0 days: Reno, NV → Fresno, CA → Reno, NV → "
                                                  "Boise, ID"]
    assert stored["cluster.circuit.v1"] == ["Reno, NV → Fresno, CA → Reno, NV every ~7.5 days"]


ENGLISH = re.compile(r"stated age|under 18|\bages\b|\bmoves?\b|\bmedian\b|\bstay\b|\bdays\b|\bevery\b")


def test_every_stored_phrase_reads_in_the_readers_language() -> None:
    stored = [t for texts in _stored().values() for t in texts]
    assert len(stored) >= 5
    for lang, said in (("es", ("edad declarada", "edades 16-24", "3 desplazamientos", "cada ~7,5 días")),
                       ("zh_Hans", ("声明年龄", "年龄 16-24", "3 次", "7.5 天"))):
        with use(lang):
            shown = [evidence_text(t) for t in stored]
            youth = name("minor.youth_terms.v1")
        joined = "\n".join(shown)
        assert not ENGLISH.search(joined), (lang, joined)
        assert "minor.youth_terms.v1" not in joined and youth in joined
        for words in said:
            assert words in joined, (lang, words, joined)
        for kept in ("ad-1", "ad-2", PHONE, "Reno, NV → Fresno, CA"):  # what it quotes stays as stored
            assert kept in joined


def test_english_reads_as_stored_with_names_for_ids() -> None:
    assert evidence_text("ad-1: stated age under 18") == "ad-1: stated age under 18"
    assert evidence_text("3 moves, median stay 4.0 days: A → B") == "3 moves, median stay 4 days: A → B"
    assert evidence_pieces("ad-2: minor.youth_terms.v1, cluster.x.v9") == [
        ("ad-2: ", None), (name("minor.youth_terms.v1"), "minor.youth_terms.v1"), (", cluster.x.v9", None)]
    # A masked export's phone ("[phone 3fa2]") and a phrase of an unknown shape pass through.
    assert evidence_text("[phone 3fa2]: ages 19-25") == "[phone 3fa2]: ages 19-25"
    assert evidence_text("tpl:ab12: Reno, NV, Boise, ID") == "tpl:ab12: Reno, NV, Boise, ID"
