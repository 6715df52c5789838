"""Lower-cased text that case-sensitive patterns can scan in place of case-insensitive ones.

Python's engine matches a pattern compiled with re.I ~30% slower than the same pattern without it.
For a pattern whose only cased parts are ASCII letters, scanning `text.lower()` without re.I finds
exactly what re.I finds in `text`, at the same offsets, unless the text holds one of the four
characters below: they are the only non-ASCII characters re.I matches to an ASCII letter
("İ", "ı", long "ſ", Kelvin "K"), and "İ" is also the only one whose lower() is two characters.
Every other character keeps its length and its classes (\\w, \\d, \\s, letters) when lower-cased.
"""

from __future__ import annotations

import re
from functools import lru_cache

_FOLDS_TO_ASCII = re.compile("[\u0130\u0131\u017f\u212a]")


@lru_cache(maxsize=256)  # several extractors ask for the same texts in turn, batch by batch (64 documents)
def lowered(text: str) -> str | None:
    """`text.lower()` when it can stand in for `text` under re.I (see above), else None."""
    if text.isascii() or _FOLDS_TO_ASCII.search(text) is None:
        return text.lower()
    return None
