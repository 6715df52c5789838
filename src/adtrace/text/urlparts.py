"""A URL cut into the parts that can hold a phone, each as a View with offsets into the URL.

Why: digits from different parts of a URL are different things (a slug's "21-21-21", a date, the
post id) and concatenated they make a "phone" in some other country. A part is the host or one
path segment, query key or value; a part of digits only is an id (a post number), never a phone.
Percent-escapes ("%F0%9F%92%8B", an emoji) read as one separator, so their hex digits are not
read as digits and a phone written around an emoji still joins.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from adtrace.text.normalise import View, normalise

PART = "[^/?#&=]+"  # a part: the host, a path segment, a query key or value
_PART = re.compile(PART)
_ESCAPES = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:$")


def url_parts(url: str, worth: Callable[[int, int], bool] | None = None) -> list[tuple[int, View]]:
    """(offset of the part in `url`, the part's View) for each part worth reading for phones.

    `worth(start, end)`, when given, is asked first about the raw part `url[start:end]`: a part it
    rejects is not normalised (speed: a slug with a few digits cannot hold a number)."""
    out: list[tuple[int, View]] = []
    for m in _PART.finditer(url):
        if worth is None or worth(m.start(), m.end()):
            view = part_view(m.group(0))
            if view is not None:
                out.append((m.start(), view))
    return out


def part_view(part: str) -> View | None:
    """The View `url_parts` gives for one part (`PART` matched it), None for an id or a scheme."""
    if part.isdigit() or _SCHEME.match(part):
        return None
    return _unescaped(part) if "%" in part else normalise(part)


def _unescaped(part: str) -> View:
    """The part with each run of percent-escapes as one "-": offsets map back to the whole run."""
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for m in _ESCAPES.finditer(part):
        for i in range(pos, m.start()):
            pieces.append(part[i])
            starts.append(i)
            ends.append(i + 1)
        pieces.append("-")
        starts.append(m.start())
        ends.append(m.end())
        pos = m.end()
    for i in range(pos, len(part)):
        pieces.append(part[i])
        starts.append(i)
        ends.append(i + 1)
    text = "".join(pieces)
    if not text.isascii():
        return normalise(part)  # look-alike digits need the full view; escapes are rare there
    return View(part, text, starts, ends)
