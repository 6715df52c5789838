"""Synthetic corpus with planted networks and ground truth (demo, tests, benchmarks).

    from adtrace.synth import generate
    for document, truth in generate(1000, seed=7): ...

`Generator(n, seed, mixture).network_truth()` gives the per-network truth lines. Nothing here imports
Pillow unless images are asked for.
"""

from adtrace.synth.generate import DEFAULT_PROFILE, PROFILES, Generator, generate
from adtrace.synth.mixture import CATEGORIES, Mixture, parse_rates
from adtrace.synth.writer import Summary, write_corpus

__all__ = ["CATEGORIES", "DEFAULT_PROFILE", "PROFILES", "Generator", "Mixture", "Summary", "generate", "parse_rates", "write_corpus"]
