"""Masking identifiers in redacted exports without misquoting the ad.

A Record's spans index `title + "\\n" + text`; an export shows the title and the text apart, so the
spans are first cut per field (`field_spans`) and each field is masked on its own: every replacement
is chosen on the original field, then applied right to left, so no mask shifts another's offsets.
Spans the extractors found in another field (a phone in the URL: `field: "url"`) never touch the text.

Three kinds of span are masked, in this order of precedence (an overlap keeps the first):
1. the record's identifier spans (phones, e-mails, payment handles, handles, names, in that order
   where two overlap; the pieces of the second that still give it away are masked too);
2. a known identifier (any ad of this export) written again where the extractor did not find it;
3. a capitalised common given name ("AMBER 21", `cases.givennames`) — except inside a place the
   record resolved ("San Diego", "Savannah, GA").
The analyst's own text (case title, notes) is masked for 1-2 of phones, e-mails, handles and payment
handles only: never for names, which would turn "San Diego trip" into "San [name ...]".
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from adtrace.cases.givennames import given_names

MASKED_FIELDS = ("phones", "emails", "handles", "payments", "names")
MASK = re.compile(r"\[(?:phone|email|handle|payment|name) [0-9a-f]{6}\]")
_WORD = re.compile(r"\w+")
_CAPITALISED = re.compile(r"\b(?:[A-Z][a-z]+|[A-Z]{3,})\b")  # "Amber", "AMBER"
PRIORITY = {"phone": 0, "email": 1, "payment": 2, "handle": 3, "name": 4}  # who keeps an overlap
MIN_KNOWN = 3  # shorter known values ("Jo") are masked only where the extractor found them


@dataclass(frozen=True, order=True)
class Span:
    start: int
    end: int
    kind: str  # phone, email, handle, payment, name
    value: str  # the normalised value (E.164, lower-cased e-mail); the mask hashes it


def field_spans(record: dict[str, Any], title: str | None) -> tuple[list[Span], list[Span]]:
    """The record's identifier spans cut into (title spans, text spans), each indexing its own field."""
    cut = len(title) + 1 if title else 0
    title_out: list[Span] = []
    text_out: list[Span] = []
    for name in MASKED_FIELDS:
        for ent in record.get(name) or []:
            if not isinstance(ent, dict) or ent.get("field") not in (None, "text"):
                continue  # found in the URL (or another field): its offsets are not the text's
            s = ent.get("span")
            if not s:
                continue
            start, end, value = int(s[0]), int(s[1]), str(ent.get("value", ""))
            if title and start < len(title):
                title_out.append(Span(start, min(end, len(title)), name[:-1], value))
            if end > cut:
                text_out.append(Span(max(start, cut) - cut, end - cut, name[:-1], value))
    return title_out, text_out


def place_ranges(record: dict[str, Any], text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Where `text` (a field starting at `offset` of the record's text) names a place the record resolved."""
    out = []
    for p in record.get("places") or []:
        s = p.get("span")
        if p.get("via") == "text" and s and int(s[1]) > offset:
            out.append((max(int(s[0]) - offset, 0), int(s[1]) - offset))
        name = str(p.get("name") or "")
        if len(name) >= 3:
            out += [m.span() for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.I)]
    return out


def _overlaps(a: tuple[int, int], taken: Iterable[tuple[int, int]]) -> bool:
    return any(a[0] < e and s < a[1] for s, e in taken)


def uncovered(sp: Span, taken: Iterable[Span]) -> list[tuple[int, int]]:
    """The pieces of `sp` no span in `taken` covers."""
    pieces = [(sp.start, sp.end)]
    for t in taken:
        pieces = [p for a, b in pieces for p in ((a, min(b, t.start)), (max(a, t.end), b)) if p[0] < p[1]]
    return pieces


def still_identifies(sp: Span, piece: str) -> bool:
    """Whether a piece of an identifier's span, left over by an overlapping one, still gives it away."""
    needle = sp.value.lower().lstrip("@$")
    if sp.kind == "phone":
        return sum(c.isdigit() for c in piece) >= 3
    return bool(needle) and needle in piece.lower()


def _claim(text: str, spans: Iterable[Span]) -> list[Span]:
    """The record's spans without overlaps, phones first (then e-mails, payment tags, handles, names),
    longer first. Where two overlap ("WhatsApp 664" read as a handle, "664 229 7589" as the phone),
    the first keeps the region and the other keeps only the pieces that still give it away."""
    taken: list[Span] = []
    valid = [sp for sp in spans if 0 <= sp.start < sp.end <= len(text)]
    for sp in sorted(valid, key=lambda x: (PRIORITY.get(x.kind, len(PRIORITY)), x.start - x.end, x.start)):
        pieces = uncovered(sp, taken)
        if pieces == [(sp.start, sp.end)]:
            taken.append(sp)
            continue
        taken += [Span(a, b, sp.kind, sp.value) for a, b in pieces if still_identifies(sp, text[a:b])]
    return taken


@dataclass
class Masker:
    """Consistent masks within one export; a fresh random salt per export, so masks cannot be joined."""

    enabled: bool = True
    salt: bytes = field(default_factory=lambda: secrets.token_bytes(16))
    known: dict[str, tuple[str, str]] = field(default_factory=dict)  # raw text as written -> (kind, value)
    _by_word: dict[str, list[str]] = field(default_factory=dict)  # first word of a raw text -> raw texts
    _lower: dict[str, tuple[str, str]] = field(default_factory=dict)

    def mask(self, kind: str, value: str) -> str:
        if not self.enabled or not value:
            return value
        return f"[{kind} {hashlib.sha256(self.salt + value.lower().encode()).hexdigest()[:6]}]"

    def learn(self, record: dict[str, Any], full_text: str) -> None:
        """Remember the record's identifiers, as written and as values, to mask them wherever they recur."""
        for name in MASKED_FIELDS:
            for ent in record.get(name) or []:
                value = str(ent.get("value", "")) if isinstance(ent, dict) else str(ent)
                s = ent.get("span") if isinstance(ent, dict) else None
                raws = {value}
                if s and ent.get("field") in (None, "text") and 0 <= int(s[0]) < int(s[1]) <= len(full_text):
                    raws.add(full_text[int(s[0]):int(s[1])])
                for raw in raws:
                    first = _WORD.search(raw)
                    if len(raw.strip()) >= MIN_KNOWN and first and raw not in self.known:
                        self.known[raw] = (name[:-1], value)
                        self._lower.setdefault(raw.lower(), (name[:-1], value))
                        self._by_word.setdefault(first.group(0).lower(), []).append(raw)

    def known_spans(self, text: str, kinds: frozenset[str] | None = None) -> list[Span]:
        """Known identifiers written in `text` (whole words; names case-sensitive, others not)."""
        words = {w.lower() for w in _WORD.findall(text)}
        found = [raw for w in words for raw in self._by_word.get(w, ())]
        if not found:
            return []
        # Longest first, so "+1 702 555 0123" wins over "702 555 0123" at the same place.
        pattern = re.compile("|".join(rf"(?<!\w){re.escape(a)}(?!\w)" for a in sorted(set(found), key=len, reverse=True)),
                             re.I)
        out = []
        for m in pattern.finditer(text):
            raw = m.group(0)
            hit = self.known.get(raw) or self._lower.get(raw.lower())
            if hit is None or (hit[0] == "name" and raw not in self.known):
                continue  # "amber" (a colour) is not "Amber"
            if kinds is None or hit[0] in kinds:
                out.append(Span(m.start(), m.end(), hit[0], hit[1]))
        return out

    def spans(self, text: str, spans: Iterable[Span] = (), places: Iterable[tuple[int, int]] = (),
              guess_names: bool = True, kinds: frozenset[str] | None = None) -> list[Span]:
        """Every span `text` will have masked, by precedence, none overlapping another."""
        taken = _claim(text, spans)
        protected = list(places)
        for sp in self.known_spans(text, kinds):
            if not _overlaps((sp.start, sp.end), [*((t.start, t.end) for t in taken), *protected]):
                taken.append(sp)
        if guess_names:
            names = given_names()
            for m in _CAPITALISED.finditer(text):
                word = m.group(0)
                if word.lower() in names and not _overlaps(m.span(), [*((t.start, t.end) for t in taken), *protected]):
                    taken.append(Span(m.start(), m.end(), "name", word))
        return sorted(taken)

    def apply(self, text: str, spans: list[Span]) -> str:
        """`text` with each span replaced by its mask, right to left so offsets stay those of `text`."""
        for sp in sorted(spans, reverse=True):
            text = text[:sp.start] + self.mask(sp.kind, sp.value) + text[sp.end:]
        return text

    def field(self, text: str, spans: Iterable[Span] = (), places: Iterable[tuple[int, int]] = ()) -> str:
        """One field of an ad (title, text or a quoted piece of evidence), masked."""
        if not self.enabled or not text:
            return text
        return self.apply(text, self.spans(text, spans, places))

    def analyst(self, text: str) -> str:
        """The analyst's own words: known phones, e-mails, handles and payment handles only."""
        if not self.enabled or not text:
            return text
        kinds = frozenset({"phone", "email", "handle", "payment"})
        return self.apply(text, self.spans(text, guess_names=False, kinds=kinds))

    def record_fields(self, record: dict[str, Any], title: str | None, text: str) -> tuple[str, str]:
        """The ad's title and text, each masked with its own spans."""
        if not self.enabled:
            return title or "", text
        t_spans, b_spans = field_spans(record, title)
        cut = len(title) + 1 if title else 0
        out_title = self.field(title or "", t_spans, place_ranges(record, title or "", 0)) if title else ""
        return out_title, self.field(text, b_spans, place_ranges(record, text, cut))

    def document(self, record: dict[str, Any], doc: Any) -> tuple[str, str]:
        """A stored ad's title and text, masked: its identifiers learnt first, so they are masked wherever else
        this export writes them too."""
        self.learn(record, doc.full_text)
        return self.record_fields(record, doc.title, doc.text)

    def evidence(self, record: dict[str, Any], full_text: str, span: list[int] | None, quoted: str) -> str:
        """A quoted piece of evidence, masked with the spans of the record it quotes."""
        if not self.enabled or not quoted:
            return quoted
        if not span or full_text[int(span[0]):int(span[1])] != quoted:
            return self.field(quoted)  # no usable span: known identifiers and given names only
        a, b = int(span[0]), int(span[1])
        inside = []
        for name in MASKED_FIELDS:
            for ent in record.get(name) or []:
                s = ent.get("span") if isinstance(ent, dict) else None
                if s and ent.get("field") in (None, "text") and int(s[0]) < b and a < int(s[1]):
                    inside.append(Span(max(int(s[0]), a) - a, min(int(s[1]), b) - a, name[:-1], str(ent.get("value", ""))))
        return self.field(quoted, inside, place_ranges(record, quoted, a))
