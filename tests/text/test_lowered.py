import re

from adtrace.text.lowered import lowered


def test_ascii_and_emoji_text_is_lowered() -> None:
    assert lowered("150 HH") == "150 hh"
    assert lowered("150 HH 🌹 Ñ") == "150 hh 🌹 ñ"


def test_characters_that_fold_to_ascii_letters_refuse() -> None:
    # re.I matches these to ASCII letters; lower() would not ("ſ" stays "ſ", "İ" grows to two characters).
    for ch in "\u0130\u0131\u017f\u212a":
        assert lowered(f"1 hr {ch}") is None


def test_case_sensitive_over_lowered_equals_re_i() -> None:
    pattern = r"(?<![^\W\d_])(?:hours?|hh|qv)(?![^\W\d_])"
    for text in ["2 HOURS 🌹", "Qv ÉTÉ hh", "ÅNGEL qv"]:
        low = lowered(text)
        assert low is not None
        assert [m.span() for m in re.finditer(pattern, low)] == [m.span() for m in re.finditer(pattern, text, re.I)]
