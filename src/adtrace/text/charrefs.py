"""HTML character references decoded as a browser reads them: `html.unescape`, without its one failure.

Scraped ads keep entities ("R&amp;B", "caf&eacute;", "&#128139;"); the pages, search's index and
linking read the characters they stand for. `html.unescape` turns a decimal reference into an int first,
and past 4,300 digits Python refuses that conversion (ValueError: the limit that stops quadratic int
parsing), so one hostile ad holding "&#999...9;" raised wherever it was read: inside SQLite's writer
(nothing of its batch stored), on every page showing it, in linking and in the upgrade to migration 0028.
A number of more than 8 significant digits is past U+10FFFF, which html.unescape reads as U+FFFD: this
decoder says so without converting it. Names are html.unescape's own code and numbers follow it step by
step, so the two agree on every other input (tests/text/test_charrefs.py checks every entity name);
PostgreSQL's `adtrace_unescape` (migration 0028) treats long numbers the same way.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

# html.unescape's own pattern and replacement (CPython Lib/html/__init__.py): the same reading by design.
_CHARREF: re.Pattern[str] = html._charref  # type: ignore[attr-defined]
_REPLACE: Callable[[re.Match[str]], str] = html._replace_charref  # type: ignore[attr-defined]
_INVALID_CHARREFS: dict[int, str] = html._invalid_charrefs  # type: ignore[attr-defined]
_INVALID_CODEPOINTS: set[int] = html._invalid_codepoints  # type: ignore[attr-defined]
_LONGEST = 8  # significant digits past which a number is beyond U+10FFFF (1114111; hexadecimal 10FFFF)


def _number(ref: str) -> str:
    """html.unescape's reading of a numeric reference ("#65;", "#x41"), converting at most 8 digits: leading
    zeros count toward Python's limit too."""
    hexadecimal = ref[1] in "xX"
    digits = (ref[2:] if hexadecimal else ref[1:]).rstrip(";").lstrip("0")
    if len(digits) > _LONGEST:
        return "\ufffd"  # past U+10FFFF, as html.unescape reads any such number it can convert
    num = int(digits or "0", 16 if hexadecimal else 10)
    if num in _INVALID_CHARREFS:
        return _INVALID_CHARREFS[num]
    if 0xD800 <= num <= 0xDFFF or num > 0x10FFFF:
        return "\ufffd"
    return "" if num in _INVALID_CODEPOINTS else chr(num)


def _replace(m: re.Match[str]) -> str:
    ref = m.group(1)
    return _number(ref) if ref[0] == "#" else _REPLACE(m)


def unescape(text: str) -> str:
    """`text` with its character references decoded, as `html.unescape` reads them (linear in the text)."""
    return _CHARREF.sub(_replace, text) if "&" in text else text
