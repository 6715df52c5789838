"""The names extractor finds its cue literals in one automaton pass (speed); the reference here visits
them the way it did before, literal by literal with str.find. Both must give the same names."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from adtrace.documents import Document
from adtrace.extractors import names
from adtrace.synth import generate
from adtrace.text import normalise


def _reference(text: str) -> list[tuple[str, tuple[int, int]]]:
    out: list[tuple[str, tuple[int, int]]] = []
    low = text.lower()
    seen: set[int] = set()
    if len(low) != len(text):
        for m in names._INTRO.finditer(text):
            names._take(m, out)
        low = ""
    for literal in names._CUE_LITERALS if low else ():
        i = low.find(literal)
        while i >= 0:
            for m in names._INTRO.finditer(text, max(0, i - 8), min(len(text), i + 80)):
                if m.start() not in seen:
                    seen.add(m.start())
                    names._take(m, out)
            i = low.find(literal, i + 1)
    for m in names._signatures(text):
        name = m.group("name")
        if len(name) >= 2 and names._accept(name) and name.lower() not in names._NOT_SIGNATURE:
            out.append((names._written(name), (m.start("name"), m.end("name"))))
    out.sort(key=lambda n: n[1])
    return out


def test_same_names_on_realistic_synthetic_ads() -> None:
    found = 0
    for doc, _ in generate(300, seed=5, profile="realistic"):
        if doc.get("type", "document") != "document":
            continue
        text = normalise(Document.from_dict(doc).full_text).text
        got = names.find_names(text)
        assert got == _reference(text)
        found += len(got)
    assert found > 0


_PARTS = st.sampled_from(["my name is", "Name:", "I'm", "im", "i am", "its", "it's", "ask for", "we are", "soy",
                          "llamame", "Candy", "JADE", "Mia", "and", "Sofía", " ", "\n", ",", "İ", "him", "names are",
                          # non-ASCII literals and characters before them: hyperscan's byte offsets
                          "I’m", "we’re", "🌹", "é"])


@given(st.lists(_PARTS, max_size=16).map(" ".join))
@settings(max_examples=400, deadline=None, derandomize=True)
def test_same_names_on_texts_made_of_cues(text: str) -> None:
    assert names.find_names(text) == _reference(text)


# Characters re.I folds onto the cues' first letters from outside ASCII (Kelvin sign, long s, dotted and
# dotless i), and cue words in every case: the first-letter lookahead must fold as the cues do.
_FOLDS = st.sampled_from(["my name is", "MY NAME IS", "Name:", "I'm", "İ'm", "ı am", "ſoy", "SOY", "\u212anown as",
                          "Known As", "LLÁMAME", "Pregunta por", "this is", "THEY CALL ME", "call me", "It is",
                          "we’re", "Ask For", "Candy", "JADE", "Mia", "and", "&", " ", "\n", ",", "-", "x", "🌹", "é"])


@given(st.lists(_FOLDS, max_size=14).map("".join), st.lists(_FOLDS, max_size=14).map(" ".join))
@settings(max_examples=500, deadline=None, derandomize=True)
def test_cue_first_letter_lookahead_changes_no_match(glued: str, spaced: str) -> None:
    plain = re.compile(names._INTRO.pattern.replace(names.CUE_FIRST, "", 1))
    assert plain.pattern != names._INTRO.pattern
    for text in (glued, spaced):
        assert [(m.span(), m.groupdict()) for m in names._INTRO.finditer(text)] == \
            [(m.span(), m.groupdict()) for m in plain.finditer(text)]
