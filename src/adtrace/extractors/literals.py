"""Which extractors' key strings a text holds, found for all of them in one pass.

Several extractors skip work exactly when a text holds none of the strings their matches need (ages:
a spelled number's stem; handles: a profile host; prices: a currency or rate word; payments: a
payment word; phones: a link's scheme, "www." or top-level domain). Each was one regex alternation of
literals over the lower-cased text: Python's engine tries every branch at every character, 3.1-6.5 µs
per backpage-dev ad each (~20 µs for the five). Here every literal of every gate goes into one
automaton (adtrace.text.automaton, 4.2 µs per ad), run once per text and cached for the extractors
that ask next (they run batch by batch over the same texts, as `lowered` is cached). Where hyperscan
runs (adtrace.text.prescan), each gate is one of its patterns instead, in the pass the phone units'
candidates come from: the literal gates then cost no pass of their own (a literal that pass cannot
find exactly, such as "€", is looked for with `in`).
"""

from __future__ import annotations

from functools import lru_cache

from adtrace.text import prescan
from adtrace.text.automaton import Automaton
from adtrace.text.lowered import lowered

_GATES: dict[str, tuple[str, ...]] = {}
_UNENCODABLE: dict[str, tuple[str, ...]] = {}
_automaton: Automaton[tuple[str, ...]] | None = None


def register_gate(name: str, literals: tuple[str, ...]) -> None:
    """Declare a gate (at import of the extractor that reads it): `name` is present in a text when
    its lower-cased form holds one of `literals` (lower-case)."""
    global _automaton
    _GATES[name] = literals
    # The pass finds the literals it can find exactly (adtrace.text.prescan); the others ("€") are
    # looked for in the text by `present` itself.
    exact = tuple(lit for lit in literals if prescan.encodable(lit))
    if exact:
        prescan.register(name, prescan.literal_alternation(exact), offsets=False)
    _UNENCODABLE[name] = tuple(lit for lit in literals if not prescan.encodable(lit))
    _automaton = None
    present.cache_clear()


def _built() -> Automaton[tuple[str, ...]]:
    global _automaton
    if _automaton is None:
        owners: dict[str, list[str]] = {}
        for name, literals in _GATES.items():
            for lit in literals:
                owners.setdefault(lit, []).append(name)
        _automaton = Automaton({lit: tuple(names) for lit, names in owners.items()})
    return _automaton


@lru_cache(maxsize=256)  # the extractors ask in turn about the same texts, batch by batch (64 documents)
def present(text: str) -> frozenset[str]:
    """The gates whose literals occur in `text.lower()`."""
    found = prescan.scan(text)
    low = lowered(text)
    if found is not None:  # the same pass as the other extractors' patterns
        low = text.lower() if low is None else low
        gates = found.gates.intersection(_GATES)
        extra = [name for name, lits in _UNENCODABLE.items() if lits and name not in gates and any(lit in low for lit in lits)]
        return gates.union(extra) if extra else gates
    hits = _built().find(text.lower() if low is None else low)
    return frozenset(name for _end, names in hits for name in names)
