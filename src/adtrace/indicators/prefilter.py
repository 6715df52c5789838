"""Which lexicon patterns a text could match at all: a cheap test that skips most patterns.

Python's engine tries a pattern such as `\\b(?:keep|hold|...)\\s+...` at every position of the
text; most documents contain none of the words it needs. RE2's FilteredRE2 (google-re2, already the
watchlists' engine) reads each pattern, keeps the literal strings ("atoms") every match must contain,
and finds all patterns' atoms in one pass over the text: `Prefilter.candidates(text)` is the set of
patterns whose atoms occur, plus every pattern RE2 could not reduce to atoms. The set is a necessary
condition, never a guess: skipping changes speed, not results.

Lookaround groups are cut out before RE2 reads a pattern (RE2 has none): without one a pattern matches
more texts, so what it requires is still required by the pattern with it.
"""

from __future__ import annotations

from collections.abc import Sequence

import re2

_LOOKAROUNDS = ("(?=", "(?!", "(?<=", "(?<!")


class Prefilter:
    """The patterns (by index) that may match a text."""

    def __init__(self, patterns: Sequence[str]) -> None:
        self._filter = re2.Filter()
        self._index: list[int] = []  # the filter's pattern number -> index in `patterns`
        self._always: set[int] = set()
        options = re2.Options()
        options.log_errors = False  # a pattern RE2 cannot parse is simply always run
        for i, pattern in enumerate(patterns):
            try:
                self._filter.Add(without_lookarounds(pattern), options)
                self._index.append(i)
            except re2.error:
                self._always.add(i)
        if self._index:
            self._filter.Compile()

    def candidates(self, text: str) -> set[int]:
        """Indexes of the patterns that may match `text` (lower-cased, as the lexicons are)."""
        if not self._index:
            return set(self._always)
        found = self._filter.Match(text, potential=True) or ()
        return self._always.union(self._index[j] for j in found)


def without_lookarounds(pattern: str) -> str:
    """`pattern` with its lookahead and lookbehind groups removed (escapes and classes respected)."""
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        if pattern.startswith(_LOOKAROUNDS, i):
            i = _group_end(pattern, i)
            continue
        step = _token_end(pattern, i)
        out.append(pattern[i:step])
        i = step
    return "".join(out)


def _token_end(pattern: str, i: int) -> int:
    """The end of one token: an escape pair, a whole character class, or one character."""
    if pattern[i] == "\\":
        return i + 2
    if pattern[i] == "[":
        j = i + 1
        if j < len(pattern) and pattern[j] == "^":
            j += 1
        if j < len(pattern) and pattern[j] == "]":  # a "]" first in a class is a literal
            j += 1
        while j < len(pattern) and pattern[j] != "]":
            j += 2 if pattern[j] == "\\" else 1
        return j + 1
    return i + 1


def _group_end(pattern: str, i: int) -> int:
    """Just past the ")" that closes the group opening at `i`."""
    depth, j = 0, i
    while j < len(pattern):
        if pattern[j] == "(":
            depth += 1
        elif pattern[j] == ")":
            depth -= 1
            if depth == 0:
                return j + 1
        j = _token_end(pattern, j) if pattern[j] in "\\[" else j + 1
    return j
