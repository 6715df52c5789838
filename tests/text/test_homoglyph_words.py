"""`normalise._fold_homoglyphs` finds the words holding a look-alike from each look-alike outwards; it
folds exactly what the former whole-view substitution folded (compared here on random texts)."""

import importlib
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from adtrace.text.confusables import HOMOGLYPHS

nm = importlib.import_module("adtrace.text.normalise")  # the package exports the function of that name

_WORD = re.compile(r"(?<!\w)\w*[" + re.escape("".join(HOMOGLYPHS)) + r"]\w*")


def _before(view: str) -> str:
    def repl(m: re.Match[str]) -> str:
        word = m.group(0)
        if not nm._LATINISH.search(word) or not any(c in HOMOGLYPHS for c in word):
            return word
        if any(not c.isascii() and c not in HOMOGLYPHS for c in word):
            return word
        return "".join(HOMOGLYPHS.get(c, c) for c in word)

    return _WORD.sub(repl, view)


_CHARS = [*list(HOMOGLYPHS)[:12], "а", "о", "с", "р", "е", "a", "o", "c", "7", "0", "_", " ", "-", "\n", "é", "Ж",
          "д", "🌹", "٣", "²", "Ⅻ", ".", "'"]


@given(st.lists(st.sampled_from(_CHARS), max_size=40).map("".join))
@settings(max_examples=3000, deadline=None, derandomize=True)
def test_folds_as_the_whole_view_substitution(text: str) -> None:
    assert nm._fold_homoglyphs(text) == _before(text)


def test_a_disguised_word_is_folded_and_a_real_one_kept() -> None:
    assert nm._fold_homoglyphs("саll me 7О2 or пока") == "call me 7O2 or пока"
    assert nm.normalise("саll 7О2").text == "call 7O2"
