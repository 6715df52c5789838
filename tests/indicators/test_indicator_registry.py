"""The registry refuses bad indicators, and every built-in passes its own examples."""

from __future__ import annotations

import pytest

from adtrace import errors
from adtrace.indicators import Example, Indicator, Lexicon, all_indicators, get, indicate, register, registry
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
    assert 0 < ind.weight <= 6


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
