"""The registry refuses bad indicators, and every built-in passes its own examples."""

from __future__ import annotations

import pytest

from adtrace import errors
from adtrace.indicators import (
    Example,
    Indicator,
    Lexicon,
    active_indicators,
    all_indicators,
    catalogue,
    get,
    indicate,
    register,
    registry,
)
from adtrace.indicators.base import EVIDENCE_STATUSES
from adtrace.indicators.catalogue import sources

BUILTINS = all_indicators()


@pytest.mark.parametrize("ind", BUILTINS, ids=[i.id for i in BUILTINS])
def test_every_builtin_passes_its_examples(ind: Indicator) -> None:
    registry.check_examples(ind)  # raises on any failing example
    assert ind.positive and ind.negative


@pytest.mark.parametrize("ind", BUILTINS, ids=[i.id for i in BUILTINS])
def test_builtin_metadata(ind: Indicator) -> None:
    assert registry.ID_FORMAT.match(ind.id)
    assert ind.id.split(".")[0] == ind.category
    assert ind.description.strip() and ind.sources
    assert all(s in sources() for s in ind.sources)
    # 0 is allowed: movement.new_in_town.v2 is shown as context but, per its evidence, adds nothing.
    assert 0 <= ind.weight <= 6


@pytest.mark.parametrize("ind", BUILTINS, ids=[i.id for i in BUILTINS])
def test_every_builtin_states_its_evidence(ind: Indicator) -> None:
    assert ind.evidence is not None, f"{ind.id} has no evidence in catalogue.yaml"
    assert ind.evidence.status in EVIDENCE_STATUSES
    assert ind.evidence.source in sources() and ind.evidence.finding.strip()


def test_an_indicator_without_evidence_is_refused_by_the_loader(monkeypatch: pytest.MonkeyPatch) -> None:
    cat = catalogue.catalogue()
    first = dict(cat["indicators"][0])
    first.pop("evidence")
    monkeypatch.setattr(catalogue, "catalogue", lambda: {**cat, "indicators": [first, *cat["indicators"][1:]]})
    with pytest.raises(errors.RegistryError, match="has no evidence"):
        catalogue.load_builtins()


def test_an_unknown_evidence_status_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    cat = catalogue.catalogue()
    first = {**cat["indicators"][0], "evidence": {"status": "proven", "source": "lugo2024", "finding": "x"}}
    monkeypatch.setattr(catalogue, "catalogue", lambda: {**cat, "indicators": [first, *cat["indicators"][1:]]})
    with pytest.raises(errors.RegistryError, match="evidence status 'proven'"):
        catalogue.load_builtins()


def test_labour_indicators_map_to_ilo_codes() -> None:
    codes = catalogue.ilo_codes()
    labour = [i for i in BUILTINS if i.category == "labor"]
    assert labour
    for ind in labour:
        assert ind.ilo and all(c in codes for c in ind.ilo), ind.id


def test_study_findings_are_reflected() -> None:
    """Lugo-Graulich et al. 2024: movement language is contested, the four predictors are supported."""
    assert get("movement.new_in_town.v2").evidence.status == "contested"  # type: ignore[union-attr]
    assert get("movement.new_in_town.v2").weight == 0
    for ind_id in ("profile.trustworthy_language.v1", "profile.ethnicity_specified.v1", "obfuscation.phone.v2",
                   "minor.youth_terms.v1"):
        ev = get(ind_id).evidence
        assert ev is not None and ev.status == "supported" and ev.source == "lugo2024"


def test_retired_versions_stay_registered_but_do_not_fire() -> None:
    old = get("movement.new_in_town.v1")
    assert old.retired and old.replaced_by == "movement.new_in_town.v2" and old.weight == 0.8
    ids = {i["id"] for i in indicate("New in town, call me", {})}
    assert "movement.new_in_town.v2" in ids and "movement.new_in_town.v1" not in ids
    assert old not in active_indicators() and old in all_indicators()
    phones = {"phones": [{"value": "+17025551234", "span": [5, 23], "obfuscated": True}]}
    assert {i["id"] for i in indicate("call seven0two 555 1234", phones)} >= {"obfuscation.phone.v2"}
    assert "obfuscation.phone.v1" not in {i["id"] for i in indicate("call seven0two 555 1234", phones)}


def test_ethnicity_indicator_is_neutral_between_ethnicities() -> None:
    """One weight whichever ethnicity is named; the same sentence fires for each."""
    fired = []
    for who in ("latina", "asian", "ebony", "russian", "white girl", "colombiana", "混血"):
        found = [i for i in indicate(f"Sweet {who} in town, call me", {}) if i["id"] == "profile.ethnicity_specified.v1"]
        assert found, who
        fired.append(found[0]["weight"])
    assert len(set(fired)) == 1


def test_profile_indicators_do_not_apply_to_job_ads() -> None:
    text = "Verified professional company hiring Spanish speaking staff, Latina owned"
    assert "profile.trustworthy_language.v1" in {i["id"] for i in indicate(text, {}, kind="ad")}
    assert not {i["id"] for i in indicate(text, {}, kind="job")} & {"profile.trustworthy_language.v1",
                                                                     "profile.ethnicity_specified.v1"}


def test_categories_cover_the_typology() -> None:
    cats = {i.category for i in BUILTINS}
    assert {"minor", "control", "movement", "multiple", "conditions", "labor", "obfuscation"} <= cats


def _lexicon_indicator(ind_id: str, positive: str = "new in town", negative: str = "local girl") -> Indicator:
    return Indicator(id=ind_id, category="test", weight=1.0, description="test", sources=("polaris2017",),
                     positive=(Example(positive),), negative=(Example(negative),),
                     lexicon=Lexicon((("new in town",),)))


def test_duplicate_id_refused() -> None:
    existing = BUILTINS[0].id
    with pytest.raises(errors.RegistryError, match="already registered"):
        register(_lexicon_indicator(existing))


def test_malformed_id_refused() -> None:
    with pytest.raises(errors.RegistryError, match="must look like"):
        register(_lexicon_indicator("no_version"))


def test_failing_positive_example_refused() -> None:
    with pytest.raises(errors.RegistryError, match="does not fire on its positive"):
        register(_lexicon_indicator("test.bad_positive.v1", positive="nothing here"))
    assert "test.bad_positive.v1" not in registry.INDICATORS


def test_failing_negative_example_refused() -> None:
    with pytest.raises(errors.RegistryError, match="fires on its negative"):
        register(_lexicon_indicator("test.bad_negative.v1", negative="I am new in town"))


def test_missing_examples_refused() -> None:
    ind = Indicator(id="test.no_examples.v1", category="test", weight=1.0, description="t", sources=(),
                    positive=(), negative=(), lexicon=Lexicon((("x",),)))
    with pytest.raises(errors.RegistryError, match="at least one positive"):
        register(ind)


def test_rule_with_out_of_range_spans_refused() -> None:
    ind = Indicator(id="test.bad_spans.v1", category="test", weight=1.0, description="t", sources=(),
                    positive=(Example("abc"),), negative=(Example("x"),),
                    rule=lambda s: [(0, 99)] if s.text == "abc" else [])
    with pytest.raises(errors.RegistryError, match="outside the text"):
        register(ind)


def test_register_then_fire_a_plugin_indicator() -> None:
    ind = _lexicon_indicator("test.plugin.v1")
    try:
        register(ind)
        ids = [i["id"] for i in indicate("Hi, New  in\ntown!", {})]
        assert "test.plugin.v1" in ids
    finally:
        registry.INDICATORS.pop("test.plugin.v1", None)
        registry._matcher = None


def test_get_unknown_id_is_a_registry_error() -> None:
    with pytest.raises(errors.RegistryError):
        get("minor.nothing.v9")


def test_describe_gives_evidence_citation_and_ilo_labels() -> None:
    d = registry.describe("labor.document_retention.v1")
    assert d["evidence"]["status"] == "supported" and "Forced Labour" in d["evidence"]["citation"]
    assert {"code": "FL07", "label": catalogue.ilo_codes()["FL07"]} in d["ilo"]
    assert registry.describe("movement.new_in_town.v1")["retired"] is True


def test_polaris_types_of_fired_indicators() -> None:
    fired = indicate("Hostess wanted, girls only, age 18-25", {})
    assert registry.polaris_types_of(fired) == ["Bars, Strip Clubs & Cantinas"]
    assert registry.polaris_types_of([{"id": "minor.youth_terms.v1"}, {"id": "unknown.x.v1"}]) == []
