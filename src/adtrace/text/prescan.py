"""Where the extractors' patterns may match, for all of them in one pass over a text (hyperscan).

Python's `re` engine tries a pattern at every character of a text, one pattern at a time: on real ads
(~450 characters) the extractors' whole-text scans cost more than the work they lead to. Hyperscan
(Intel's multi-pattern engine, PyPI `hyperscan`) runs every registered pattern in one pass in C over
the UTF-8 bytes of the lower-cased text. Registered patterns are byte-level *supersets* of what the
caller's exact Python regex can match there, so a caller skips work only where its regex cannot
match, and confirms every candidate with that regex: the output never changes (tests compare each
caller's fast path with its reference path on random texts).

Two kinds of patterns: a *gate* reports only whether it occurs (its first match ends the search for
it), a *candidate* pattern reports the character span of every match (see `Scan`). Without hyperscan
(it ships wheels for Linux x86-64 only) `scan` gives None and callers take their reference path.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from adtrace.text.lowered import lowered

_hs: Any
try:  # the wheels are built for Linux x86-64; elsewhere every caller runs its reference path
    import hyperscan as _hs
except ImportError:  # pragma: no cover - depends on the platform
    _hs = None

_PATTERNS: dict[str, tuple[str, bool]] = {}  # name -> (expression over UTF-8 bytes, candidate offsets?)
_local = threading.local()  # a scratch space per thread: hyperscan's cannot be shared by two scans
_built: tuple[Any, tuple[str, ...], tuple[bool, ...]] | None = None
_lock = threading.Lock()


# Byte classes for writing supersets of Python's str patterns over UTF-8: any byte of a non-ASCII
# character may be one of a whitespace, a letter or a digit (every byte of one is in \x80-\xff).
SPACE = r"[\t\n\x0b\x0c\r\x1c-\x1f \x80-\xff]"  # Python's \s (str) holds \x1c-\x1f too
NOT_LETTER = r"(?:[^a-z]|$)"  # after a match: no ASCII letter follows (over lower-cased text)


def literal_alternation(literals: tuple[str, ...]) -> str:
    """A hyperscan expression matching any of `literals` (their UTF-8 bytes, every byte escaped)."""
    return "|".join("".join(f"\\x{b:02x}" for b in lit.encode("utf-8")) for lit in literals if lit)


def register(name: str, expression: str, *, offsets: bool) -> None:
    """Declare a pattern (at import of the module that reads it). `expression`: hyperscan syntax over
    the UTF-8 bytes of the lower-cased text; `offsets`: report each match's start offset (characters),
    else only whether it occurs."""
    global _built
    with _lock:
        _PATTERNS[name] = (expression, offsets)
        _built = None
    scan.cache_clear()


def available() -> bool:
    """Whether the hyperscan pass runs here (else `scan` gives None)."""
    return _hs is not None


def _database() -> tuple[Any, tuple[str, ...], tuple[bool, ...]]:
    global _built
    with _lock:
        if _built is None:
            names = tuple(_PATTERNS)
            db = _hs.Database(mode=_hs.HS_MODE_BLOCK)
            flags = [_hs.HS_FLAG_SOM_LEFTMOST if _PATTERNS[n][1] else _hs.HS_FLAG_SINGLEMATCH for n in names]
            db.compile(expressions=[_PATTERNS[n][0].encode("ascii") for n in names], ids=list(range(len(names))),
                       elements=len(names), flags=flags)
            _built = (db, names, tuple(_PATTERNS[n][1] for n in names))
        return _built


@dataclass(frozen=True, slots=True)
class Scan:
    """What one pass found: the gates that occur, and the candidate patterns' matches."""

    gates: frozenset[str]
    # (start, end) character offsets in the scanned (lower-cased) text, by match end. Hyperscan reports
    # each end once, with the leftmost start: a match that starts later and ends there too is inside.
    spans: dict[str, list[tuple[int, int]]]


@lru_cache(maxsize=256)  # the extractors ask in turn about the same texts, batch by batch (64 documents)
def scan(text: str) -> Scan | None:
    """One hyperscan pass of every registered pattern over `text` lower-cased (adtrace.text.lowered,
    or `text.lower()`); None without hyperscan. Offsets index the lowered text, which has the
    offsets of `text` whenever `lowered(text)` is not None."""
    if _hs is None or not _PATTERNS:
        return None
    db, names, with_offsets = _built or _database()
    scratch = _local.__dict__.get(db)
    if scratch is None:
        scratch = _local.__dict__[db] = _hs.Scratch(db)
    low = lowered(text)
    low = text.lower() if low is None else low
    data = low.encode("utf-8", "surrogatepass")  # a lone surrogate in scraped text is kept, not an error
    hits: list[tuple[int, int, int]] = []
    db.scan(data, match_event_handler=_hit, context=hits, scratch=scratch)
    gates: set[str] = set()
    spans: dict[str, list[tuple[int, int]]] = {}
    ascii_offsets = len(data) == len(low)
    for ident, start, end in hits:
        if with_offsets[ident]:
            span = (start, end) if ascii_offsets else (_char_offset(data, start), _char_offset(data, end - 1) + 1)
            spans.setdefault(names[ident], []).append(span)
        else:
            gates.add(names[ident])
    return Scan(frozenset(gates), spans)


def _hit(ident: int, start: int, end: int, _flags: int, hits: list[tuple[int, int, int]]) -> None:
    hits.append((ident, start, end))


_CONTINUATION = bytes(range(0x80, 0xC0))  # UTF-8 bytes that continue a character


def _char_offset(data: bytes, offset: int) -> int:
    """The offset of the character holding byte `offset` of the text `data` encodes: every character
    starts with exactly one byte that is no continuation byte (a few look-ups per text)."""
    return len(data[:offset + 1].translate(None, _CONTINUATION)) - 1
