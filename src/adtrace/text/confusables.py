"""Look-alike characters that hide digits and Latin letters, and invisible padding.

NFKC already folds full-width forms, mathematical alphanumerics, circled and parenthesised digits and
superscripts; this table adds what NFKC leaves alone: Cyrillic/Greek homoglyphs (folded only inside a
word that also has Latin letters or digits, so Russian or Greek prose is untouched), dingbat digits
and emoji number forms.
"""

from __future__ import annotations

# Cyrillic and Greek letters that render like Latin ones.
HOMOGLYPHS: dict[str, str] = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c", "т": "t",
    "у": "y", "х": "x", "ѕ": "s", "і": "i", "ј": "j", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ɡ": "g",
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C", "Т": "T",
    "У": "Y", "Х": "X", "Ѕ": "S", "І": "I", "Ј": "J", "З": "3", "Ь": "b", "б": "6", "Ч": "4",
    # Greek
    "α": "a", "ο": "o", "ρ": "p", "υ": "u", "ν": "v", "κ": "k", "ι": "i", "τ": "t", "χ": "x",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O",
    "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
}

# Digit forms NFKC does not fold: dingbat circled digits, emoji ten, and the like.
DIGIT_FORMS: dict[str, str] = {}
for _base, _digits in ((0x2776, "123456789"), (0x2780, "123456789"), (0x278A, "123456789")):
    for _i, _d in enumerate(_digits):
        DIGIT_FORMS[chr(_base + _i)] = _d
DIGIT_FORMS.update({"\u277f": "10", "\u2789": "10", "\u2793": "10", "🔟": "10", "⓪": "0", "⓿": "0", "🄋": "0",
                    "🄌": "0"})
for _i in range(10):
    DIGIT_FORMS[chr(0x1FBF0 + _i)] = str(_i)  # segmented digits
for _i in range(1, 10):
    DIGIT_FORMS[chr(0x2775 + _i)] = str(_i)

# Characters that render as nothing: dropped (their offsets simply vanish from the view).
INVISIBLE = frozenset(
    "\u200b\u200c\u200d\u2060\ufeff\u00ad\ufe0f\ufe0e\u20e3\u034f\u180e\u2061\u2062\u2063\u2064"
)
