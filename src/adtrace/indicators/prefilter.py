"""Literals a regex cannot match without: a cheap `in` test that skips most lexicon patterns.

Python's engine tries a pattern such as `\\b(?:keep|hold|...)\\s+...` at every position of the
text; most documents contain none of the words it needs. `required_literals(pattern)` reads the
parsed pattern and returns strings of which every match must contain at least one (None when no
such set can be derived, e.g. a pattern that may start with any digit), so `find` runs the regex
only when one of them occurs in the text. The set is a necessary condition, never a guess: skipping
changes speed, not results.
"""

from __future__ import annotations

import importlib
import re
from typing import Any

# re's parser is private API, imported by name because typeshed does not describe it; the sre_parse
# alias warns on import. Its shapes are stable across 3.11-3.13.
_parser: Any = importlib.import_module("re._parser")
_c: Any = importlib.import_module("re._constants")

Literals = frozenset[str]


def required_literals(pattern: str) -> Literals | None:
    """Strings one of which every match of `pattern` contains; None when unknown."""
    try:
        parsed = _parser.parse(pattern, 0)
    except re.error:
        return None
    if parsed.state.flags & re.IGNORECASE:
        return None
    return _sequence(list(parsed))


def _sequence(items: list[tuple[Any, Any]]) -> Literals | None:
    """Every element of a sequence must match, so the most selective element's set will do."""
    options: list[Literals] = []
    run: list[str] = []
    for op, av in [*items, (None, None)]:
        if op is _c.LITERAL:
            run.append(chr(av))
            continue
        if run:
            options.append(frozenset({"".join(run)}))
            run = []
        if op is None:
            break
        found = _element(op, av)
        if found is not None:
            options.append(found)
    if not options:
        return None
    # Longest shortest literal: "passport" is rarer than "1"; fewer alternatives break a tie.
    return max(options, key=lambda s: (min(len(x) for x in s), -len(s)))


def _element(op: Any, av: Any) -> Literals | None:
    if op is _c.SUBPATTERN:
        _group, add_flags, _del_flags, sub = av
        if add_flags & re.IGNORECASE:
            return None
        return _sequence(list(sub))
    if op is _c.BRANCH:
        out: set[str] = set()
        for alt in av[1]:
            found = _sequence(list(alt))
            if found is None:
                return None  # one alternative needs nothing we know: the whole branch does not
            out |= found
        return frozenset(out)
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
        low, _high, sub = av
        return _sequence(list(sub)) if low >= 1 else None
    if op is _c.ATOMIC_GROUP:
        return _sequence(list(av))
    return None  # classes, anchors, lookarounds, backreferences: no literal is required


def may_match(literals: Literals | None, text: str) -> bool:
    """False only when `text` holds none of the required literals."""
    if literals is None:
        return True
    # A plain loop: a generator in any() costs more than the `in` tests themselves.
    for lit in literals:  # noqa: SIM110
        if lit in text:
            return True
    return False
