"""Case-kept place names found in the one folded-text pass, exactly as a second case-kept pass found them.

`places.matcher._raw` finds the names that must be capitalised ("Paris", "NV") lower-cased in the
same automaton as the others and keeps a hit when the case-kept text there is one of the name's
spellings. The reference below is the former search: a second automaton of the capitalised and
upper-case spellings over the case-kept text. Both must list the same candidates in the same order.
"""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from adtrace.places.gazetteer import ABBR, CODE, PLAIN, fold_text, get_gazetteer, has_cjk
from adtrace.places.matcher import _raw
from adtrace.text.automaton import Automaton


def _reference_cased() -> Automaton[tuple[str, str]]:
    gz = get_gazetteer()
    cs: dict[str, tuple[str, str]] = {}
    for key, entry in gz.keys.items():
        if has_cjk(key) or entry.tier == PLAIN:
            continue
        forms = {key.upper()} if entry.tier in (ABBR, CODE) else {key.title(), key.upper()}
        for form in forms:
            for k in {form, form.replace(" ", "  ")}:
                cs[f" {k} "] = (f" {k} ", key)
    return Automaton(cs)


_REF = _reference_cased()
_RNG = random.Random(11)
_CASE_KEPT = sorted(k for k, e in get_gazetteer().keys.items() if e.tier != PLAIN and not has_cjk(k))
_SAMPLE = _RNG.sample(_CASE_KEPT, 300) + _RNG.sample(sorted(get_gazetteer().keys), 100)
_SHAPES = (str.lower, str.upper, str.title, str.capitalize, lambda w: w.swapcase())


def _candidates(text: str) -> tuple[list[tuple[int, int, str]], list[tuple[int, int, str]]]:
    low, cas = fold_text(text)
    lowered, cased = f" {low} ", f" {cas} " if low != cas else None
    got = [(c.start, c.end, c.key) for c in _raw(get_gazetteer(), text, lowered, cased)]
    any_case = [c for c in got if get_gazetteer().tier(c[2]) == PLAIN or has_cjk(c[2])]
    expected = any_case + ([(end - len(p) + 1, end - 1, key) for end, (p, key) in _REF.find(cased)] if cased else [])
    return got, expected


@given(st.lists(st.tuples(st.sampled_from(_SAMPLE), st.sampled_from(_SHAPES),
                          st.sampled_from([" ", ", ", "  ", " in ", "\n", " - ", "é ", "🔥"])), max_size=10))
@settings(max_examples=300, deadline=None)
def test_case_kept_names_as_a_second_pass_found_them(parts: list) -> None:  # type: ignore[type-arg]
    text = "".join(shape(name) + sep for name, shape, sep in parts)
    got, expected = _candidates(text)
    assert got == expected


def test_on_hand_written_ads() -> None:
    for text in ["Visiting Paris, TX this week", "NEW IN AUSTIN - ask for Destiny", "in NV and LA tonight",
                 "mobile, AL incall", "Mobile, AL incall", "SAVANNAH  GA", "Нью-Йорк NYC"]:
        got, expected = _candidates(text)
        assert got == expected, text
    assert any(c[2] == "paris" for c in _candidates("Visiting Paris, TX this week")[0])
