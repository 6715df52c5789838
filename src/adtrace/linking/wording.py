"""A cluster indicator's evidence in the reader's words, for pages and reports.

`summary.cluster_indicators` stores each piece of evidence as an English phrase ("ad-1: stated age under 18",
"3 moves, median stay 4.0 days: Reno, NV → Boise, ID"), and stored summaries, the JSON API and old exports keep
it so. Translating where it is shown, rather than storing a structured form beside it, reads every summary
already stored the same way as a new one (no re-linking): each phrase shape `summary` writes is matched here
and said again through a msgid with placeholders, its quoted parts (ad ids, phones, cities) as stored. An ad
indicator's id in it reads as its name (`indicators.wording.name_ids`). A phrase of another shape passes
through as it is. `tests/linking/test_evidence_wording.py` holds the shapes to what `summary` writes.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from adtrace.i18n import format_number, gettext, ngettext
from adtrace.indicators.wording import name_ids


def _number(text: str) -> str:
    """A stored number ("4.0") in the reader's notation ("4", "7,5")."""
    try:
        return format_number(float(text))
    except ValueError:
        return text


def _minor(m: re.Match[str]) -> str:
    return gettext("%(ad)s: stated age under 18") % {"ad": m["ad"]}


def _ages(m: re.Match[str]) -> str:
    return gettext("%(phone)s: ages %(low)s-%(high)s") % {"phone": m["phone"], "low": m["low"], "high": m["high"]}


def _moves(m: re.Match[str]) -> str:
    n = int(m["n"])
    return ngettext("%(n)s move, median stay %(days)s days: %(route)s",
                    "%(n)s moves, median stay %(days)s days: %(route)s", n) % {
        "n": n, "days": _number(m["days"]), "route": m["route"]}


def _circuit(m: re.Match[str]) -> str:
    return gettext("%(cities)s every ~%(days)s days") % {"cities": m["cities"], "days": _number(m["days"])}


# The shapes `summary.cluster_indicators` writes; the others (names or cities under a phone or template) hold
# no English words.
_SHAPES: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (re.compile(r"(?P<ad>.+): stated age under 18", re.S), _minor),
    (re.compile(r"(?P<phone>.+): ages (?P<low>\d+)-(?P<high>\d+)", re.S), _ages),
    (re.compile(r"(?P<n>\d+) moves?, median stay (?P<days>[\d.]+) days: (?P<route>.*)", re.S), _moves),
    (re.compile(r"(?P<cities>.+) every ~(?P<days>[\d.]+) days", re.S), _circuit),
]


def evidence_pieces(text: str) -> list[tuple[str, str | None]]:
    """The stored phrase in the reader's language, cut into (words, None) and (indicator name, its id) pieces,
    so a page can give the id as a tooltip and a printed report in small print."""
    for pattern, say in _SHAPES:
        if m := pattern.fullmatch(text):
            return [(say(m), None)]
    return name_ids(text)


def evidence_text(text: str) -> str:
    """The stored phrase in the reader's language as plain text (indicator names, no ids)."""
    return "".join(words for words, _id in evidence_pieces(text))
