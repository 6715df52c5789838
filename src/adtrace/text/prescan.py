"""Where the extractors' patterns may match, for all of them in one pass over a text (hyperscan).

Python's `re` engine tries a pattern at every character of a text, one pattern at a time: on real ads
(~450 characters) the extractors' whole-text scans cost more than the work they lead to. Hyperscan
(Intel's multi-pattern engine, PyPI `hyperscan`) runs every registered pattern in one pass in C over
the lower-cased text, encoded one byte per character: ASCII and Latin-1 as themselves, every other
character (emoji, "’", CJK, a lone surrogate) as "?" (`str.encode("latin-1", "replace")`, in C), so
byte offsets are character offsets. Registered patterns are *supersets* of what the caller's exact
Python regex can match there (a "?" may stand for any character), so a caller skips work only where
its regex cannot match, and confirms every candidate with that regex: the output never changes
(tests compare each caller's fast path with its reference path on random texts).

Two kinds of patterns: a *gate* reports only whether it occurs (its first match ends the search for
it), a *candidate* pattern reports the span of every match (see `Scan`). Without hyperscan (it ships
wheels for Linux x86-64 only) `scan` gives None and callers take their reference path.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any, NamedTuple

from adtrace.text.lowered import lowered

_hs: Any
try:  # the wheels are built for Linux x86-64; elsewhere every caller runs its reference path
    import hyperscan as _hs
except ImportError:  # pragma: no cover - depends on the platform
    _hs = None

_PATTERNS: dict[str, tuple[str, bool]] = {}  # name -> (expression, report match spans?)
_local = threading.local()  # a scratch space per thread: hyperscan's cannot be shared by two scans
_built: tuple[Any, tuple[str, ...], tuple[bool, ...]] | None = None
_lock = threading.Lock()

# Classes for writing supersets of Python's str patterns over the encoded text. A byte from \x80 on is
# a Latin-1 character (a letter, "\xa0", "\x85"...); "?" is itself or any character beyond Latin-1.
NON_ASCII = r"\x80-\xff?"  # inside a class: what may stand for any non-ASCII character
SPACE = rf"[\t\n\x0b\x0c\r\x1c-\x1f {NON_ASCII}]"  # Python's \s (str) holds \x1c-\x1f too
NOT_LETTER = r"(?:[^a-z]|$)"  # after a match: no ASCII letter follows (over lower-cased text)


def encodable(literal: str) -> bool:
    """Whether `literal` is found exactly in the encoded text: no character beyond Latin-1, no "?"."""
    return all(ord(ch) < 0x100 and ch != "?" for ch in literal)


def literal_alternation(literals: tuple[str, ...]) -> str:
    """A hyperscan expression matching any of `literals` in the encoded text, every byte escaped; a
    character beyond Latin-1 is "?" there (a superset: confirm such literals' hits with `str` tests)."""
    return "|".join("".join(f"\\x{ord(ch) if ord(ch) < 0x100 else 0x3F:02x}" for ch in lit)
                    for lit in literals if lit)


def register(name: str, expression: str, *, offsets: bool) -> None:
    """Declare a pattern (at import of the module that reads it). `expression`: hyperscan syntax over
    the encoded lower-cased text (see above); `offsets`: report each match's span, else only whether
    it occurs."""
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


class Scan(NamedTuple):
    """What one pass found: the gates that occur, and the candidate patterns' matches (a named tuple:
    built once per text, ~1 µs cheaper than a frozen dataclass)."""

    gates: frozenset[str]
    # (start, end) offsets in the scanned (lower-cased) text, by match end. Hyperscan reports each end
    # once, with the leftmost start: a match that starts later and ends there too is inside.
    spans: dict[str, list[tuple[int, int]]]


@lru_cache(maxsize=256)  # the extractors ask in turn about the same texts, batch by batch (64 documents)
def scan(text: str) -> Scan | None:
    """One hyperscan pass of every registered pattern over `text` lower-cased (adtrace.text.lowered,
    or `text.lower()`); None without hyperscan. Offsets index the lowered text, which has the
    offsets of `text` whenever `lowered(text)` is not None."""
    if _hs is None or not _PATTERNS:
        return None
    db, names, with_spans = _built or _database()
    scratch = _local.__dict__.get(db)
    if scratch is None:
        scratch = _local.__dict__[db] = _hs.Scratch(db)
    low = lowered(text)
    low = text.lower() if low is None else low
    hits: list[tuple[int, int, int]] = []
    db.scan(low.encode("latin-1", "replace"), match_event_handler=_hit, context=hits, scratch=scratch)
    gates: list[str] = []
    spans: dict[str, list[tuple[int, int]]] = {}
    for ident, start, end in hits:
        if with_spans[ident]:
            name = names[ident]
            found = spans.get(name)
            if found is None:
                spans[name] = [(start, end)]
            else:
                found.append((start, end))
        else:
            gates.append(names[ident])
    return Scan(frozenset(gates), spans)


def _hit(ident: int, start: int, end: int, _flags: int, hits: list[tuple[int, int, int]]) -> None:
    hits.append((ident, start, end))
