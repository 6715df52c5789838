"""Stored reasons (English in the database and the API) read in the reader's language on pages."""

from __future__ import annotations

from adtrace import i18n
from adtrace.scoring.rules import localise_reason, reason


def test_an_ad_reason_is_translated_but_its_evidence_and_id_are_not() -> None:
    stored = reason({"id": "minor.stated_age.v1", "evidence": [{"text": "16"}]})
    assert stored == "The ad states an age under 18: “16” [minor.stated_age.v1]"
    assert localise_reason(stored) == stored  # English: byte for byte what was stored
    with i18n.use("es"):
        assert localise_reason(stored) == "El anuncio indica una edad menor de 18 años: “16” [minor.stated_age.v1]"
    with i18n.use("zh_Hans"):
        assert localise_reason(stored) == "广告声明的年龄未满 18 岁: “16” [minor.stated_age.v1]"


def test_cluster_level_and_watchlist_reasons() -> None:
    with i18n.use("es"):
        assert localise_reason("In a cluster that repeats a circuit of cities [cluster.circuit.v1]") == \
            "En un grupo que repite un circuito de ciudades [cluster.circuit.v1]"
        assert localise_reason("risk level high (82/100)") == "nivel de riesgo alto (82/100)"
        assert localise_reason("risk level high (82/100) after the thresholds changed (elevated 40, high 75.5)") == \
            "nivel de riesgo alto (82/100) tras cambiar los umbrales (elevado 40, alto 75.5)"
        assert localise_reason("phone on watchlist 'Team A'") == "teléfono en la lista de vigilancia 'Team A'"


def test_a_reason_of_unknown_shape_or_an_unknown_indicator_is_left_alone() -> None:
    with i18n.use("es"):
        assert localise_reason("matched 3 things, 50 % sure") == "matched 3 things, 50 % sure"
        assert localise_reason("Something a plugin says [plugin.thing.v1]") == \
            "Something a plugin says [plugin.thing.v1]"
        # A description that changed since the reason was stored stays as stored, not mistranslated.
        old = "An older wording of the age rule: “16” [minor.stated_age.v1]"
        assert localise_reason(old) == old


def test_every_evidence_finding_reads_in_each_language() -> None:
    """The research line under each indicator (indicators.wording.support) is translated, never left English."""
    from adtrace.indicators.registry import all_indicators
    from adtrace.indicators.wording import support

    ids = [ind.id for ind in all_indicators() if ind.evidence is not None and ind.evidence.finding]
    assert len(ids) > 40
    for lang in ("es", "zh_Hans"):
        with i18n.use(lang):
            untranslated = [i for i in ids if support(i)[1] == support_en(i)]
        assert not untranslated, (lang, untranslated)
    with i18n.use("es"):
        assert support("labor.document_retention.v1")[1] == \
            "La retención de documentos de identidad es uno de los 11 indicadores de trabajo forzoso de la OIT."
    with i18n.use("zh_Hans"):
        assert support("labor.document_retention.v1")[1] == "扣留身份证件是国际劳工组织（ILO）11 项强迫劳动指标之一。"


def support_en(indicator_id: str) -> str:
    from adtrace.indicators.wording import support

    with i18n.use("en"):
        return support(indicator_id)[1]
