"""Watchlists: identifiers and text patterns an analyst wants to hear about the moment they appear.

An entry is one phone, e-mail, handle, PDQ image hash (matched within a Hamming distance) or text
pattern (a phrase or a regular expression), filed under a watchlist `name` with an owner and a note.
Matching a Record costs one dict lookup per identifier, one pass of a combined regex over the text
and one XOR + popcount per watched image hash, so every new document can be checked as it arrives.
Entries are never deleted, only deactivated: an alert raised by an entry stays explainable.

Regex entries run on RE2 (google-re2), which matches in time linear in the text whatever the pattern: a
pattern like `(a+)+$` would take exponential time in Python's backtracking `re`, on the screening
server's event loop (issue 20). RE2 has no back-references or look-arounds; such a pattern is refused
when added. Phrases are escaped words (no nested repetition) and stay on `re`, whose \\b and \\s know
Unicode letters and spaces.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import re2
import sqlalchemy as sa

from adtrace import errors
from adtrace.i18n import _
from adtrace.storage import Store, watchbook
from adtrace.storage.db import engine_of, now, read, write
from adtrace.storage.prepare import handle_value, normalise_lookup

IDENTIFIER_KINDS = ("phone", "email", "handle")
KINDS = (*IDENTIFIER_KINDS, "pdq", "regex", "phrase")
DEFAULT_PDQ_DISTANCE = 31  # the PDQ authors' suggested match threshold for 256-bit hashes


@dataclass(frozen=True)
class Entry:
    id: int
    kind: str
    value: str
    name: str
    owner: str
    note: str
    distance: int | None
    active: bool
    created_at: str
    removed_at: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Match:
    """One entry that matched a document: what matched, where (text patterns) and how close (PDQ)."""

    entry: Entry
    found: str
    span: tuple[int, int] | None = None
    distance: int | None = None

    def reason(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": "watchlist", "entry_id": self.entry.id, "watchlist": self.entry.name,
                               "match": self.entry.kind, "value": self.found, "owner": self.entry.owner,
                               "text": f"{self.entry.kind} on watchlist '{self.entry.name}'"}
        if self.span is not None:
            out["span"] = list(self.span)
        if self.distance is not None:
            out["distance"] = self.distance
            out["text"] += f" (PDQ distance {self.distance})"
        return out


def normalise(kind: str, value: str, region: str = "US") -> str:
    """The value as matching compares it; raises InputError with a hint when it cannot be used."""
    value = value.strip()
    if kind not in KINDS:
        raise errors.InputError.at(errors.BAD_FIELD, _("unknown watchlist kind %(kind)r") % {"kind": kind},
                                   field_name="kind", hint=_("Use one of: %(list)s") % {"list": ", ".join(KINDS)})
    if not value:
        raise errors.InputError.at(errors.MISSING_FIELD, _("an empty value cannot be watched"),
                                   field_name="value")
    if kind in IDENTIFIER_KINDS:
        out = normalise_lookup(kind, value, region)
        if kind == "phone" and len(out.lstrip("+")) < 7:
            raise errors.InputError.at(errors.BAD_FIELD, _("%(value)r is not a phone number") % {"value": value},
                                       field_name="value",
                                       hint=_("Type it with its area code, e.g. 702-555-0199 or +44 20 7946 0000"))
        if not out:
            raise errors.InputError.at(errors.BAD_FIELD, _("%(value)r is empty once normalised") % {"value": value},
                                       field_name="value")
        return out
    if kind == "pdq":
        hexed = value.lower()
        if not re.fullmatch(r"[0-9a-f]{64}", hexed):
            raise errors.InputError.at(errors.BAD_FIELD, _("a PDQ hash is 64 hex characters"), field_name="value",
                                       cli_hint=_("compute one with `adtrace link` (images) or the pdqhash package"),
                                       web_hint=_("Search by photo shows a photo's hash"))
        return hexed
    if kind == "regex":
        try:
            re2.compile(value, _re2_options())
        except re2.error as exc:
            why = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else str(exc)
            raise errors.InputError.at(errors.BAD_FIELD, _("not a regular expression RE2 can run (%(why)s)") % {"why": why},
                                       field_name="value", hint=_("Watchlist regexes use RE2 syntax (no "
                                       "back-references or look-arounds); or make it a text phrase to match the "
                                       "words literally"), cli_hint="add it with `--kind phrase` to match the words literally") from None
    return value


def _re2_options() -> Any:
    opts = re2.Options()
    opts.case_sensitive = False
    opts.log_errors = False  # a refused pattern is reported once, as an InputError, not also on stderr
    return opts


def add(store: Store | sa.Engine, kind: str, value: str, *, name: str, owner: str, note: str = "",
        distance: int | None = None, region: str = "US") -> Entry:
    """Watch a value. Adding an active duplicate (same kind, value and watchlist) returns the existing entry."""
    norm = normalise(kind, value, region)
    name = name.strip()
    if not name:
        raise errors.InputError.at(errors.MISSING_FIELD, _("a watchlist entry needs a watchlist name"),
                                   field_name="name", hint=_("e.g. 'Op Lantern'"))
    if kind == "pdq":
        distance = DEFAULT_PDQ_DISTANCE if distance is None else distance
        if not 0 <= distance <= 128:
            raise errors.InputError.at(errors.BAD_FIELD, _("a PDQ distance is between 0 and 128"),
                                       field_name="distance")
    else:
        distance = None
    with write(store) as conn:
        row = watchbook.active_entry(conn, kind, norm, name)
        if row is not None:
            return Entry(**row)
        row = watchbook.insert_entry(conn, kind, norm, name, owner, note.strip()[:2000], distance, now())
    return Entry(**row)


def remove(store: Store | sa.Engine, entry_id: int) -> Entry:
    """Deactivate an entry (kept for the alerts that cite it)."""
    with write(store) as conn:
        watchbook.deactivate_entry(conn, entry_id, now())
        row = watchbook.entry(conn, entry_id)
    if row is None:
        raise errors.InputError(message=_("no watchlist entry %(id)s") % {"id": entry_id},
                                code=errors.BAD_FIELD, http_status=404, detail={"field": "id"},
                                cli_hint=_("list them with `adtrace watchlist list`"),
                                web_hint=_("The Watchlists page lists the active entries"))
    return Entry(**row)


def entries(store: Store | sa.Engine, *, active_only: bool = True, name: str | None = None) -> list[Entry]:
    with read(store) as conn:
        return [Entry(**r) for r in watchbook.entries(conn, active_only=active_only, name=name)]


def phrase_regex(phrase: str) -> str:
    """Words in order, any run of spaces between them, not inside a longer word."""
    words = phrase.split()
    body = r"\s+".join(re.escape(w) for w in words)
    left = r"\b" if re.match(r"\w", words[0]) else ""
    right = r"\b" if re.search(r"\w$", words[-1]) else ""
    return left + body + right


class Matcher:
    """All active entries compiled once; `match` checks one document against every one of them."""

    def __init__(self, active: Iterable[Entry]) -> None:
        self.ids: dict[tuple[str, str], list[Entry]] = {}
        self.pdq: list[tuple[int, Entry]] = []
        self.patterns: dict[str, Entry] = {}
        self.unusable: list[Entry] = []  # regexes stored before RE2 that it cannot run (never matched)
        phrases: list[str] = []
        regexes: list[Entry] = []
        for e in active:
            if e.kind in IDENTIFIER_KINDS:
                self.ids.setdefault((e.kind, e.value), []).append(e)
            elif e.kind == "pdq":
                self.pdq.append((int(e.value, 16), e))
            elif e.kind == "phrase":
                self.patterns[f"w{e.id}"] = e
                phrases.append(f"(?P<w{e.id}>{phrase_regex(e.value)})")
            else:
                regexes.append(e)
        # One alternation per engine scans the text once. Regexes whose own named groups clash run alone.
        self.combined: Any = re.compile("|".join(phrases), re.IGNORECASE) if phrases else None
        self.single: list[tuple[Any, Entry]] = []
        self.combined_regex: Any = None
        usable: list[Entry] = []
        for e in regexes:
            try:
                self.single.append((re2.compile(e.value, _re2_options()), e))
                usable.append(e)
            except re2.error:
                self.unusable.append(e)
        if usable:
            try:
                self.combined_regex = re2.compile("|".join(f"(?P<w{e.id}>{e.value})" for e in usable),
                                                  _re2_options())
                self.single = []
            except re2.error:
                pass  # clashing group names: each pattern alone (correct, slower)
        self.patterns.update((f"w{e.id}", e) for e in usable)
        self.size = sum(len(v) for v in self.ids.values()) + len(self.pdq) + len(self.patterns)

    def match(self, record: dict[str, Any], doc_text: str = "") -> list[Match]:
        out: list[Match] = []
        if self.ids:
            for kind, value in _identifiers(record):
                for e in self.ids.get((kind, value), ()):
                    out.append(Match(e, value))
        if self.pdq:
            for h in _pdqs(record):
                for watched, e in self.pdq:
                    d = (watched ^ int(h, 16)).bit_count()
                    if d <= (e.distance if e.distance is not None else DEFAULT_PDQ_DISTANCE):
                        out.append(Match(e, h, distance=d))
        if doc_text and (self.combined is not None or self.combined_regex is not None or self.single):
            out.extend(self._text(doc_text))
        return _first_per_entry(out)

    def _text(self, doc_text: str) -> Iterator[Match]:
        for combined in (self.combined, self.combined_regex):
            if combined is None:
                continue
            # At one position only the first alternative that matches is reported; an entry whose every
            # match overlaps an earlier entry's is missed (the document still alerts on the earlier one).
            for m in combined.finditer(doc_text):
                group = _entry_group(m)
                if group is not None:
                    yield Match(self.patterns[group], m.group(0), span=m.span())
        for rx, e in self.single:
            if m2 := rx.search(doc_text):
                yield Match(e, m2.group(0), span=m2.span())


def _entry_group(m: Any) -> str | None:
    """The `w<id>` group that matched (a user regex's own inner groups may close after it)."""
    if m.lastgroup and m.lastgroup.startswith("w") and m.lastgroup[1:].isdigit():
        return str(m.lastgroup)
    for name, value in m.groupdict().items():
        if value is not None and name.startswith("w") and name[1:].isdigit():
            return str(name)
    return None


def _identifiers(record: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for p in record.get("phones") or []:
        yield "phone", str(p.get("value", ""))
    for e in record.get("emails") or []:
        yield "email", str(e.get("value", "")).lower()
    for h in record.get("handles") or []:
        yield "handle", handle_value(str(h.get("value", "")))


def _pdqs(record: dict[str, Any]) -> Iterator[str]:
    for img in record.get("images") or []:
        pdq = img.get("pdq") if isinstance(img, dict) else None
        if isinstance(pdq, str) and re.fullmatch(r"[0-9a-fA-F]{64}", pdq):
            yield pdq.lower()


def _first_per_entry(matches: list[Match]) -> list[Match]:
    seen: set[int] = set()
    out = []
    for m in matches:
        if m.entry.id not in seen:
            seen.add(m.entry.id)
            out.append(m)
    return out


_cache: dict[str, tuple[tuple[Any, ...], Matcher]] = {}


def matcher(store: Store | sa.Engine) -> Matcher:
    """The Matcher for the active entries, rebuilt only when an entry was added or removed since."""
    engine = engine_of(store)
    with read(engine) as conn:
        stamp = watchbook.entries_stamp(conn)
    key = str(engine.url)
    cached = _cache.get(key)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    built = Matcher(entries(engine))
    _cache[key] = (stamp, built)
    return built
