"""Which extractors' key strings a text holds, found for all of them in one pass.

Several extractors skip work exactly when a text holds none of the strings their matches need (ages:
a spelled number's stem; handles: a profile host; prices: a currency or rate word). Each was one
regex alternation of literals over the lower-cased text, ~6 µs per backpage-dev ad each: Python's
engine tries every branch at every character. Here every literal of every gate goes into one
automaton (adtrace.text.automaton), run once per text and cached for the extractors that ask next
(they run batch by batch over the same texts, as `lowered` is cached).
"""

from __future__ import annotations

from functools import lru_cache

from adtrace.text.automaton import Automaton
from adtrace.text.lowered import lowered

_GATES: dict[str, tuple[str, ...]] = {}
_automaton: Automaton[tuple[str, ...]] | None = None
_others: tuple[tuple[str, tuple[str, ...]], ...] = ()


def register_gate(name: str, literals: tuple[str, ...]) -> None:
    """Declare a gate (at import of the extractor that reads it): `name` is present in a text when
    its lower-cased form holds one of `literals` (lower-case)."""
    global _automaton
    _GATES[name] = literals
    _automaton = None
    present.cache_clear()


def _built() -> tuple[Automaton[tuple[str, ...]], tuple[tuple[str, tuple[str, ...]], ...]]:
    """The automaton of the ASCII literals, and the others with the gates they belong to."""
    global _automaton, _others
    if _automaton is None:
        owners: dict[str, list[str]] = {}
        for name, literals in _GATES.items():
            for lit in literals:
                owners.setdefault(lit, []).append(name)
        _others = tuple((lit, tuple(names)) for lit, names in owners.items() if not lit.isascii())
        _automaton = Automaton({lit: tuple(names) for lit, names in owners.items() if lit.isascii()})
    return _automaton, _others


@lru_cache(maxsize=256)  # the extractors ask in turn about the same texts, batch by batch (64 documents)
def present(text: str) -> frozenset[str]:
    """The gates whose literals occur in `text.lower()`."""
    low = lowered(text)
    if low is None:
        low = text.lower()
    automaton, others = _built()
    # The automaton reads ASCII text fastest (no offset conversion: ~2 µs against ~8 on an ad with
    # emoji): every other character becomes "?", which no ASCII literal holds; the few literals with
    # another character ("£", "€") are looked for on their own.
    ascii_low = low if low.isascii() else low.encode("ascii", "replace").decode("ascii")
    found = {name for _end, names in automaton.find(ascii_low) for name in names}
    for lit, names in others:
        if lit in low:
            found.update(names)
    return frozenset(found)
