"""adtrace.text.automaton gives what pyahocorasick's `iter` gives: every occurrence, overlapping ones
too, by end and at one end the longest key first, with offsets in characters (emoji included)."""

from __future__ import annotations

import pickle

import ahocorasick
from hypothesis import given, settings
from hypothesis import strategies as st

from adtrace.text.automaton import Automaton

KEYS = [" a ", " ab ", " b ", "ab", "b", "bab", " new york ", " york ", "york", "é", "😀x", "x", "中文", "文"]
_ALPHABET = st.sampled_from(["a", "b", " ", "x", "é", "😀", "中", "文", "new", "york", "\n"])


def _reference(keys: list[str], text: str) -> list[tuple[int, str]]:
    auto = ahocorasick.Automaton()
    for k in keys:
        auto.add_word(k, k)
    auto.make_automaton()
    return list(auto.iter(text))


@given(st.lists(_ALPHABET, max_size=30).map("".join))
@settings(max_examples=400, deadline=None)
def test_same_hits_in_the_same_order_as_pyahocorasick(text: str) -> None:
    assert Automaton({k: k for k in KEYS}).find(text) == _reference(KEYS, text)


def test_values_and_empty_automaton() -> None:
    auto = Automaton({" york ": 1, " new york ": 2})
    assert auto.find(" in new york ") == [(12, 2), (12, 1)]  # the longer name first, as pyahocorasick
    assert len(auto) == 2
    assert Automaton({}).find("anything") == []


def test_pickles_like_pyahocorasick_automata() -> None:
    auto = Automaton({" york ": 1, " new york ": 2})
    assert pickle.loads(pickle.dumps(auto)).find(" in new york ") == auto.find(" in new york ")
