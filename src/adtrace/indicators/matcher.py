"""One pass over a document for every lexicon: Aho-Corasick for phrases, compiled regexes for patterns.

Matching runs on the light-normalised view (look-alikes folded), lower-cased, with runs of
whitespace squeezed to one space; every hit maps back to a span of the original text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from adtrace.indicators import supersets
from adtrace.indicators.base import Hit, Lexicon
from adtrace.indicators.prefilter import Prefilter
from adtrace.text import View, normalise
from adtrace.text.automaton import Automaton
from adtrace.text.lowered import lowered

_WS = re.compile(r"\s+")
NEGATION_WINDOW = 24  # characters before a hit searched for "no", "never", "sin", "无" ...


def _latin_word(ch: str) -> bool:
    # CJK has no spaces between words, so only Latin-ish letters and digits need a word boundary.
    return ch.isalnum() and ord(ch) < 0x2E80


def _lower(text: str) -> str:
    low = lowered(text)  # cached: the extractors lowered the same view text (None: it holds "İ" or kin)
    if low is not None:
        return low  # only "İ" lowers to two characters, and lowered() gives None for it
    low = text.lower()
    if len(low) == len(text):
        return low
    # A few characters lower to two ('İ'); keep one-for-one so offsets stay valid.
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


@dataclass(frozen=True)
class Searchable:
    """The matching text plus the map from its offsets back to the original.

    Only runs of spaces are squeezed, so the map is a step function: from matching offset
    `points[k]` on, `shifts[k]` more view characters lie behind. Kept as steps, not one entry per
    character, because building a per-character list cost more than the whole search.
    """

    text: str
    view: View
    points: tuple[int, ...] = ()
    shifts: tuple[int, ...] = ()

    def _view_offset(self, i: int) -> int:
        k = bisect_right(self.points, i)
        return i + (self.shifts[k - 1] if k else 0)

    def span(self, start: int, end: int) -> tuple[int, int]:
        if self.points:
            start, end = self._view_offset(start), self._view_offset(end - 1) + 1
        return self.view.span(start, end)


_SPACE_RUN = re.compile("  +")


def _spaced(low: str) -> str:
    """Tabs, newlines, CR, FF and VT as spaces, one for one. Speed: five `replace` calls cost a twentieth
    of `str.translate`, which looks every character up in a table once the text holds an emoji."""
    for ch in "\t\n\r\f\v":
        if ch in low:
            low = low.replace(ch, " ")
    return low


def searchable(view: View) -> Searchable:
    # Newlines and tabs become spaces one for one; only a run of spaces needs an offset map.
    low = _spaced(_lower(view.text))
    if "  " not in low:
        return Searchable(low, view)
    points: list[int] = []
    shifts: list[int] = []
    kept: list[str] = []  # the squeezed text, built in the same pass (a second `sub` scan cost as much)
    removed = last = 0
    for m in _SPACE_RUN.finditer(low):
        start, end = m.span()
        # The run's first space stays (at matching offset start - removed); what follows moves left.
        kept.append(low[last:start + 1])
        last = end
        removed += end - start - 1
        points.append(end - removed)
        shifts.append(removed)
    kept.append(low[last:])
    return Searchable("".join(kept), view, tuple(points), tuple(shifts))


def prepare(term: str) -> str:
    """A lexicon phrase in the form it is searched for."""
    return _WS.sub(" ", _lower(normalise(term).text)).strip()


class Group:
    """The 're:' terms of one lexicon group, searched as one alternation, gated per alternative.

    An alternative the prefilter rules out (none of the strings it needs occurs in the text) cannot
    match anywhere in it, so leaving it out of the alternation changes no match: `pattern(present)`
    compiles (once per subset) the alternation of the alternatives that may match. Terms with
    capturing groups are kept whole (a backreference's number would shift), gated as one.
    """

    __slots__ = ("_compiled", "_ids", "_whole", "first", "group", "ind_id", "units")

    def __init__(self, ind_id: str, group: int, regexes: list[str], first: int) -> None:
        self.ind_id, self.group, self.first = ind_id, group, first
        joined = _alternation(regexes)
        self._whole = re.compile(joined)
        self.units = regexes if len(regexes) > 1 and self._whole.groups == 0 else [joined]
        self._ids = frozenset(range(first, first + len(self.units)))
        self._compiled: dict[tuple[int, ...], re.Pattern[str]] = {tuple(range(len(self.units))): self._whole}

    def pattern(self, present: set[int]) -> re.Pattern[str] | None:
        if self._ids.isdisjoint(present):
            return None  # most groups, on most ads
        if len(self.units) == 1:
            return self._whole
        which = tuple(k for k in range(len(self.units)) if self.first + k in present)
        compiled = self._compiled.get(which)
        if compiled is None:
            compiled = self._compiled[which] = re.compile(_alternation([self.units[k] for k in which]))
        return compiled


def _alternation(regexes: list[str]) -> str:
    return "|".join(f"(?:{r})" for r in regexes)


class Matcher:
    """Every phrase of every lexicon in one automaton; patterns compiled per (indicator, group)."""

    def __init__(self, lexicons: Mapping[str, Lexicon], negations: Iterable[str] = (),
                 complete: Iterable[str] = (), gate: bool = False) -> None:
        """`complete`: indicators whose hits other indicators read (rules' `uses`); all their groups are
        always searched. `gate`: decide which patterns to run with the hyperscan superset pass
        (adtrace.indicators.supersets) instead of RE2's atoms; for the long-lived matcher of the
        registry (its database is compiled once, cached on disk), not the throwaway ones of examples."""
        self._auto: Automaton[tuple[str, tuple[tuple[str, int, bool], ...], int, bool, bool]] | None = None
        self._groups: list[Group] = []
        self._negatable = {k for k, lex in lexicons.items() if lex.negatable}
        # A lexicon fires only when every group matches: when a group made of phrases alone found
        # nothing in the automaton pass, that indicator's patterns cannot make it fire, so they are
        # not run (the hostess-limits age pattern would otherwise run on most ads).
        keep = set(complete)
        self._gates: dict[str, tuple[int, ...]] = {
            k: gates for k, lex in lexicons.items() if len(lex.groups) > 1 and k not in keep
            and (gates := tuple(g for g, group in enumerate(lex.groups)
                                if group and not any(t.startswith("re:") for t in group)))}
        phrases: dict[str, list[tuple[str, int]]] = {}
        units: list[str] = []  # each alternative's regex, by alternative id
        for ind_id, lex in lexicons.items():
            for g, group in enumerate(lex.groups):
                regexes = [t[3:] for t in group if t.startswith("re:")]
                if regexes:
                    self._groups.append(Group(ind_id, g, regexes, len(units)))
                    units += self._groups[-1].units
                for term in group:
                    if not term.startswith("re:") and (key := prepare(term)):
                        phrases.setdefault(key, []).append((ind_id, g))
        # Speed: RE2's FilteredRE2 (public API, adtrace.indicators.prefilter) says in one pass which
        # alternatives may match; the rest are left out of their group's alternation.
        # Faster and far tighter where hyperscan runs (Linux x86-64): one pass over the text says which
        # alternatives can match at all (on backpage-dev 0.03 per ad, against RE2's 3.5, whose atoms
        # such as "your" or "$" let the costliest patterns run on most ads, ~45 µs per ad).
        self._gate = supersets.Gate(units) if gate and units and supersets.available() else None
        self._prefilter = Prefilter(units) if self._gate is None else None
        self.alternatives = len(units)
        # Alternative id -> the index of its group: the groups to try are those of the runnable
        # alternatives, in group order (speed: most ads make one or two of the ~20 groups runnable).
        self._group_of = [k for k, group in enumerate(self._groups) for _ in group.units]
        if phrases:
            # Per phrase, what the hit loop asks of every hit, decided once here (speed): its length,
            # whether its first and last characters need a word boundary, and per owner whether a
            # negation cue may cancel it.
            self._auto = Automaton({key: (key, tuple((i, g, i in self._negatable) for i, g in owners), len(key) - 1,
                                          _latin_word(key[0]), _latin_word(key[-1]))
                                    for key, owners in phrases.items()})
        cues = sorted({prepare(c) for c in negations if c.strip()}, key=len, reverse=True)
        latin = [re.escape(c) for c in cues if _latin_word(c[0])]
        other = [re.escape(c) for c in cues if not _latin_word(c[0])]
        parts = ([rf"\b(?:{'|'.join(latin)})\b"] if latin else []) + ([f"(?:{'|'.join(other)})"] if other else [])
        self._negation = re.compile("|".join(parts)) if parts else None

    def find(self, view: View) -> dict[str, list[Hit]]:
        s = searchable(view)
        text = s.text
        found: dict[str, list[Hit]] = {}
        if self._gate is not None:
            runnable = self._gate.possible(text)
        else:
            runnable = self._prefilter.candidates(text) if self._prefilter is not None else set()
        if self._auto is not None:
            last = len(text) - 1
            for end, (key, owners, size, bound_first, bound_last) in self._auto.find(text):
                start = end - size
                if bound_first and start > 0 and _latin_word(text[start - 1]):
                    continue
                if bound_last and end < last and _latin_word(text[end + 1]):
                    continue
                span = s.span(start, end + 1)
                for ind_id, g, negatable in owners:
                    if negatable and self._negated(text, start):
                        continue
                    found.setdefault(ind_id, []).append(Hit(g, key, span))
        group_of = self._group_of
        for k in sorted({group_of[i] for i in runnable}):
            group = self._groups[k]
            ind_id, g = group.ind_id, group.group
            pattern = group.pattern(runnable)
            if pattern is None:
                continue  # the prefilter rules out every alternative of this group
            gates = self._gates.get(ind_id)
            if gates is not None:
                have = {h.group for h in found.get(ind_id, ())}
                if any(gate != g and gate not in have for gate in gates):
                    continue
            for m in pattern.finditer(text):
                if m.end() == m.start() or (ind_id in self._negatable and self._negated(text, m.start())):
                    continue
                found.setdefault(ind_id, []).append(Hit(g, m.group(0), s.span(m.start(), m.end())))
        return found

    def _negated(self, text: str, start: int) -> bool:
        if self._negation is None:
            return False
        window = text[max(0, start - NEGATION_WINDOW):start]
        return self._negation.search(window) is not None
