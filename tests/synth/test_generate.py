from __future__ import annotations

import math
import subprocess
import sys
from collections import Counter

import phonenumbers
import pytest
from synthcorpus import corpus, lines

from adtrace import errors
from adtrace.synth import CATEGORIES, Generator, Mixture, generate, parse_rates


def test_same_seed_same_bytes() -> None:
    assert corpus(1500, 5) == corpus(1500, 5)


def test_different_seed_differs() -> None:
    a, b = corpus(300, 5), corpus(300, 6)
    assert a[0] != b[0] and a[1] != b[1]


def test_api_matches_writer() -> None:
    docs, _ = corpus(200, 9)
    assert [d for d, _ in generate(200, 9)] == lines(docs)


@pytest.mark.parametrize("overrides", [{}, {"network": 0.5, "escort": 0.1}, {"job_deceptive": 0.3}])
def test_category_shares_follow_rates(overrides: dict[str, float]) -> None:
    mix = Mixture().with_rates(overrides)
    n = 20000
    counts = Counter(t["category"] for _, t in generate(n, 2, mix))
    for cat, p in mix.normalised().items():
        sd = math.sqrt(n * p * (1 - p))
        assert abs(counts[cat] - n * p) <= 4 * sd + 1, (cat, counts[cat], n * p)


def test_zero_rate_category_absent() -> None:
    mix = Mixture().with_rates({"network": 0.0, "review": 0.0})
    cats = {t["category"] for _, t in generate(3000, 1, mix)}
    assert "network" not in cats and "review" not in cats


def test_language_and_country_mix(sample) -> None:  # type: ignore[no-untyped-def]
    _, facts, _ = sample
    langs = Counter(f["lang"] for f in facts)
    countries = Counter(f["country"] for f in facts)
    assert langs["en"] > 0.7 * len(facts) and langs["es"] > 0 and langs["zh"] > 0
    assert countries["US"] > 0.75 * len(facts)
    assert {"CA", "MX", "GB", "AU"} <= set(countries)


@pytest.mark.parametrize("foreign", [0.1, 1.0])
def test_every_planted_phone_is_valid(foreign: float) -> None:
    phones = {p for _, t in generate(3000, 4, Mixture(foreign=foreign)) for p in t["phones"]}
    assert len(phones) > 200
    bad = [p for p in phones if not phonenumbers.is_valid_number(phonenumbers.parse(p))]
    assert bad == []


def test_obfuscation_kinds_all_occur() -> None:
    kinds = Counter(k for _, t in generate(20000, 3) for k in t["obfuscations"])
    for kind in ("separators", "letter_o", "spelled", "misspelled", "fullwidth", "cyrillic", "circled", "keycap",
                 "split_lines", "url", "cjk"):
        assert kinds[kind] > 0, kind


def test_bad_rates_are_input_errors() -> None:
    with pytest.raises(errors.InputError):
        Mixture().with_rates({"nonsense": 0.1})
    with pytest.raises(errors.InputError):
        parse_rates(["network"])
    with pytest.raises(errors.InputError):
        Mixture(minor_networks=1.5)
    assert parse_rates(["network=0.2"]) == {"network": 0.2}


def test_networks_are_bounded_by_size() -> None:
    gen = Generator(10000, 1, Mixture(docs_per_network=50))
    assert len(gen.networks) == round(10000 * Mixture().normalised()["network"] / 50)


def test_import_does_not_load_pillow() -> None:
    code = "import sys, adtrace.synth, adtrace.cli.synth; print('PIL' in sys.modules)"
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert res.stdout.strip() == "False"


def test_categories_constant_is_contract() -> None:
    assert set(CATEGORIES) == {"escort", "massage", "network", "imb", "dating", "classified", "review", "social",
                               "job_legit", "job_deceptive"}
