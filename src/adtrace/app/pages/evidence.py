"""Turn a Record into what a document page shows: highlighted spans, plain-word indicators, entity links.

What the indicators mean in words is `adtrace.indicators.wording` (case exports use it too).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

from adtrace.i18n import N_, gettext

# Entity kinds in a Record -> (search filter, label): each links to its entity page, or to a search
# filtered by it where there is none (payment handles).
# Labels are English here and shown in the reader's language (adtrace.i18n).
ENTITY_FIELDS = {"phones": ("phone", N_("Phone")), "emails": ("email", N_("Email")),
                 "handles": ("handle", N_("Handle")), "payments": ("payment", N_("Payment handle"))}


@dataclass
class Segment:
    text: str
    marks: list[str] = field(default_factory=list)  # css classes
    notes: list[str] = field(default_factory=list)  # hover titles


def spans(record: dict[str, Any]) -> list[tuple[int, int, str, str]]:
    """(start, end, css class, note) for indicator evidence and extracted entities."""
    out: list[tuple[int, int, str, str]] = []
    for ind in record.get("indicators", []):
        for ev in ind.get("evidence", []):
            s = ev.get("span")
            if s:
                out.append((int(s[0]), int(s[1]), f"ev ev-{ind.get('category', '')}", ind["id"]))
    for name in ("phones", "emails", "handles", "payments", "ages", "prices", "names", "urls"):
        for ent in record.get(name, []):
            s = ent.get("span") if isinstance(ent, dict) else None
            if s and ent.get("field") is None:  # other fields' spans (url, image_text) index other text
                out.append((int(s[0]), int(s[1]), f"ent ent-{name}", name[:-1]))
    return out


def image_text(record: dict[str, Any]) -> list[dict[str, Any]]:
    """Each image's OCR text with the identifiers found in it highlighted (spans into that text)."""
    out = []
    for entry in record.get("image_text") or []:
        n = entry.get("image")
        marks = [(int(e["span"][0]), int(e["span"][1]), f"ent ent-{name}", f"{name[:-1]} in image")
                 for name in ("phones", "emails", "handles", "payments", "ages", "prices", "names", "urls")
                 for e in record.get(name, []) if isinstance(e, dict) and e.get("field") == "image_text"
                 and e.get("image") == n and e.get("span")]
        out.append({"image": int(n or 0), "confidence": float(entry.get("confidence") or 0),
                    "segments": segments(str(entry.get("text", "")), marks)})
    return out


def segments(text: str, marks: list[tuple[int, int, str, str]]) -> list[Segment]:
    """Cut the text at every span edge; each piece carries the classes of the spans covering it."""
    n = len(text)
    cuts = {0, n}
    for s, e, _, _ in marks:
        if 0 <= s < e <= n:
            cuts.update((s, e))
    edges = sorted(cuts)
    out = []
    for a, b in itertools.pairwise(edges):
        cover = [(c, note) for s, e, c, note in marks if s <= a and b <= e and s < e]
        out.append(Segment(text[a:b], sorted({c for c, _ in cover}), sorted({note for _, note in cover})))
    return out


def entity_links(record: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(label, value, search URL) for each distinct identifier."""
    seen: set[tuple[str, str]] = set()
    out = []
    for name, (param, label) in ENTITY_FIELDS.items():
        in_text = {str(e.get("value", "")) for e in record.get(name, [])
                   if isinstance(e, dict) and e.get("via") != "image"}
        for ent in record.get(name, []):
            value = str(ent.get("value", "")) if isinstance(ent, dict) else str(ent)
            if value and (param, value) not in seen:
                seen.add((param, value))
                # found only in a photo (OCR): say so where the analyst looks
                shown = gettext(label) if value in in_text else gettext("%(label)s (in image)") % {"label": gettext(label)}
                # Phones, e-mails and handles have entity pages; payment handles a search.
                url = f"/entities/{param}/{quote(value, safe='')}" if param in ("phone", "email", "handle") \
                    else "/search?" + urlencode({param: value})
                out.append((shown, value, url))
    for place in record.get("places", []):
        city = place.get("name")
        if city and ("city", city) not in seen:
            seen.add(("city", city))
            out.append((gettext("Place"), f"{city}, {place.get('admin') or place.get('country') or ''}".strip(", "),
                        "/search?" + urlencode({"city": city})))
    return out
