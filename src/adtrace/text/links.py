"""Web addresses written in a text (with or without a scheme), found once: the urls extractor reports
them, the phones extractor reads a slug's numbers knowing they are in a link."""

from __future__ import annotations

import re

from adtrace.text.lowered import lowered

# The top-level domains an address without a scheme or "www." may end in.
TLDS = ("com", "net", "org", "info", "biz", "me", "co", "io", "tv", "xxx", "us", "ca", "uk", "club", "online", "site",
        "top", "vip")
_TLD = "|".join(TLDS)
_URL = re.compile(
    r"(?<![@\w.])(?:(?:https?://|www\.)[^\s<>\"'()]+"
    rf"|[a-z0-9][a-z0-9-]{{1,62}}\.(?:{_TLD})"
    r"(?:/[^\s<>\"'()]*)?)(?![\w@])",
    re.I,
)
_TRAIL = ".,;:!?)]}'\""
# Speed (exact): every match holds a scheme, "www." or a top-level domain followed by a path or by
# what ends the match. Over lowered text (adtrace.text.lowered) each branch starts with a literal, so
# one search skips most ads in C; _URL's scan tries every word start.
_HINT = re.compile(rf"http|www\.|\.(?:{_TLD})(?:/|(?![\w@]))")
# The literals every match holds (lower-case), for a caller that tests many gates in one pass.
HINT_LITERALS = ("http", "www.", *(f".{tld}" for tld in TLDS))


def find_urls(text: str) -> list[tuple[str, tuple[int, int]]]:
    out: list[tuple[str, tuple[int, int]]] = []
    low = lowered(text)
    if low is not None and _HINT.search(low) is None:
        return out
    for m in _URL.finditer(text):
        value = m.group(0)
        end = m.end()
        while value and value[-1] in _TRAIL:
            value = value[:-1]
            end -= 1
        if value:
            out.append((value, (m.start(), end)))
    return out
