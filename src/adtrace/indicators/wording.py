"""What an indicator means in plain words, for the document page and for case exports alike.

A flag says "indicators present", never a verdict on a person (DESIGN §6): the words here describe what
an indicator looked for, by category and by its own description.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from adtrace import errors
from adtrace.i18n import N_, gettext
from adtrace.indicators.registry import get

# English here, shown in the reader's language (adtrace.i18n).
CATEGORY_WORDS = {
    "minor": N_("The person advertised may be under 18. Minors in ads are victims."),
    "control": N_("Someone else may be controlling the person advertised."),
    "movement": N_("The person may be moved between cities."),
    "multiple": N_("Several people are offered by one advertiser."),
    "conditions": N_("Working conditions associated with exploitation."),
    "labor": N_("Signs of labour exploitation in a job offer."),
    "obfuscation": N_("Contact details written to dodge filters (a weak signal on its own)."),
}


@dataclass
class Explained:
    id: str
    category: str
    weight: float
    meaning: str
    category_words: str
    evidence: list[str]
    # How far research backs the indicator (issue #18): supported / contested / untested, what the
    # source found, and the citation; empty for an id this version does not know.
    status: str = ""
    finding: str = ""
    citation: str = ""


def describe(indicator_id: str) -> str:
    """The indicator's description; an id this version does not know (an old stored score) says so."""
    try:
        return gettext(get(indicator_id).description)
    except errors.AdtraceError:
        return gettext("An indicator from another version of adtrace; its id names what it looked for.")


def name(indicator_id: str) -> str:
    """An indicator in a few words of the reader's language (its description up to the first clause), for
    lists, facets and exports where its id would be jargon. The id stays for machines (tooltips, API
    fields, an `indicator_ids` column)."""
    from adtrace.i18n import get_locale

    return _name(indicator_id, get_locale())


@cache  # per language: the same id reads differently in each
def _name(indicator_id: str, _locale: str) -> str:
    words = re.split(r"[(,.;:，。；：（]", describe(indicator_id), maxsplit=1)[0].strip()
    return words if len(words) <= 60 else words[:57].rsplit(" ", 1)[0] + "…"


# An ad indicator's id inside free text (a cluster indicator's evidence: "syn1-0000330: minor.stated_age.v1").
_ID = re.compile(r"(?<![\w.])[a-z]+\.[a-z0-9_]+\.v\d+(?![\w.])")


def name_ids(text: str) -> list[tuple[str, str | None]]:
    """`text` cut into (words, None) and (name, id) pieces: each registered indicator's id in it replaced by its
    name, so a page can show the name with the id as its tooltip. Ids this version does not know stay as they are."""
    out: list[tuple[str, str | None]] = []
    pos = 0
    for m in _ID.finditer(text):
        try:
            get(m.group())
        except errors.AdtraceError:
            continue
        out.append((text[pos:m.start()], None))
        out.append((name(m.group()), m.group()))
        pos = m.end()
    out.append((text[pos:], None))
    return [p for p in out if p[0] or p[1]]


def support(indicator_id: str) -> tuple[str, str, str]:
    """(status, finding, citation) of an indicator's evidence; empty strings for an unknown id."""
    from adtrace.indicators.catalogue import sources

    try:
        ev = get(indicator_id).evidence
    except errors.AdtraceError:
        return "", "", ""
    if ev is None:
        return "", "", ""
    # The finding goes through gettext like the descriptions; the citation is a reference, kept as written.
    return ev.status, gettext(ev.finding), sources().get(ev.source, ev.source)


def explain(record: dict[str, Any]) -> list[Explained]:
    """Each indicator of a Record with its meaning, its category's words, its evidence texts and how far
    research backs it."""
    out = []
    for ind in record.get("indicators", []):
        out.append(Explained(ind["id"], ind.get("category", ""), float(ind.get("weight", 0)), describe(ind["id"]),
                             gettext(CATEGORY_WORDS.get(ind.get("category", ""), "")),
                             [str(e.get("text", "")) for e in ind.get("evidence", [])], *support(ind["id"])))
    return out
