"""Which lexicon patterns can match a text at all, decided in one hyperscan pass.

Python's engine tries each lexicon pattern (`\\b(?:your|the applicant's)\\s+(?:bank account|...)`)
at every position of the text once RE2's atoms let it run; on real ads "your" or a "$" lets the
costliest run on most documents, and they almost never match. Here every pattern is rewritten into a
*superset* in hyperscan syntax over the matching text in UTF-8 (code points, `HS_FLAG_UTF8`; no
offsets are needed, only which patterns matched), and one pass says which patterns may match: a
pattern whose superset does not match anywhere cannot match, so skipping it changes no hit. A pattern
the rewrite does not understand is always run; so is every pattern on a text UTF-8 cannot encode (a
lone surrogate).

The rewrite (sound by construction, and checked against Python's matches by a property test):
`\\b` and lookarounds are dropped (a superset: fewer conditions); `\\s` is Python's whitespace (the
characters `str.isspace` accepts, listed), `\\d` and `\\w` their ASCII members plus every non-ASCII
character; a negated class excludes only its listed characters, not its `\\s`/`\\d`/`\\w`.
Why not one byte per character as `adtrace.text.prescan` does: emoji and CJK all become "?" there, so
every CJK pattern's superset matched any two emoji.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from adtrace.indicators.prefilter import without_lookarounds

_hs: Any
try:  # Linux x86-64 wheels only; elsewhere the caller keeps its RE2 prefilter
    import hyperscan as _hs
except ImportError:  # pragma: no cover - depends on the platform
    _hs = None

_NON_ASCII = r"\x{80}-\x{d7ff}\x{e000}-\x{10ffff}"  # every code point UTF-8 can hold beyond ASCII
# Python's \s for str: exactly the characters `str.isspace` accepts (a test enumerates them).
SPACES = r"\t\n\x{b}\x{c}\r\x{1c}-\x{1f} \x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}"
_CLASSES = {"s": SPACES, "d": f"0-9{_NON_ASCII}", "w": f"0-9A-Za-z_{_NON_ASCII}"}
_ESCAPED_CHARS = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v"}
_QUANTIFIERS = "?*+"


class Unsupported(ValueError):
    """A construct the rewrite does not handle: the pattern is then always run."""


def _char(ch: str) -> str:
    """One character, escaped for hyperscan's UTF-8 mode."""
    if 0xD800 <= ord(ch) <= 0xDFFF:
        raise Unsupported("a surrogate")
    return f"\\x{{{ord(ch):x}}}"


def _class(body: str) -> str:
    """A Python character class body (without the brackets) as a hyperscan class."""
    negated = body.startswith("^")
    if negated:
        body = body[1:]
    members: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\":
            if i + 1 >= len(body):
                raise Unsupported("a class ends with a backslash")
            nxt = body[i + 1]
            i += 2
            if nxt in _CLASSES:
                if negated:
                    continue  # excluding less is a superset
                members.append(_CLASSES[nxt])
                continue
            if nxt.isalnum() and nxt not in _ESCAPED_CHARS:
                raise Unsupported(f"escape \\{nxt} in a class")
            lo = _ESCAPED_CHARS.get(nxt, nxt)
        else:
            lo = ch
            i += 1
        if i + 1 < len(body) and body[i] == "-":
            hi = body[i + 1]
            if hi == "\\":
                raise Unsupported("an escaped range end")
            i += 2
            members.append(_range(lo, hi, negated))
        else:
            members.append(_range(lo, lo, negated))
    inside = "".join(members)
    if negated:
        return f"[^{inside}]" if inside else f"[\\x00-\\x7f{_NON_ASCII}]"
    if not inside:
        raise Unsupported("an empty class")
    return f"[{inside}]"


def _range(lo: str, hi: str, negated: bool) -> str:
    """One range of a class (or one character: lo == hi)."""
    if ord(lo) > ord(hi):
        raise Unsupported("a reversed range")
    return _char(lo) if lo == hi else f"{_char(lo)}-{_char(hi)}"


def superset(pattern: str) -> str:
    """`pattern` (Python `re`) as a hyperscan expression (UTF-8 mode) that matches a text wherever
    `pattern` can match in it; raises Unsupported for constructs it does not handle."""
    p = without_lookarounds(pattern)
    out: list[str] = []
    i, n = 0, len(p)
    while i < n:
        ch = p[i]
        if ch == "\\":
            if i + 1 >= n:
                raise Unsupported("a trailing backslash")
            nxt = p[i + 1]
            i += 2
            if nxt in ("b", "B"):
                continue  # a zero-width condition: without it the pattern matches more
            if nxt in _CLASSES:
                out.append(f"[{_CLASSES[nxt]}]")
            elif nxt in _ESCAPED_CHARS:
                out.append(_char(_ESCAPED_CHARS[nxt]))
            elif nxt.isalnum():
                raise Unsupported(f"escape \\{nxt}")  # backreferences, \A, \Z, \u...
            else:
                out.append(_char(nxt))
        elif ch == "[":
            j = i + 1
            if j < n and p[j] == "^":
                j += 1
            if j < n and p[j] == "]":
                j += 1
            while j < n and p[j] != "]":
                j += 2 if p[j] == "\\" else 1
            if j >= n:
                raise Unsupported("an unclosed class")
            out.append(_class(p[i + 1:j]))
            i = j + 1
        elif ch == "(":
            if p.startswith("(?:", i):
                i += 3
            elif p.startswith("(?", i):
                raise Unsupported("a group with flags or a name")
            else:
                i += 1  # capturing: no backreferences are allowed above, so the capture does not matter
            out.append("(?:")
        elif ch in ")|.":
            out.append(ch)
            i += 1
        elif ch in _QUANTIFIERS:
            if p.startswith("+", i + 1):
                raise Unsupported("a possessive quantifier")
            out.append(ch)
            i += 1
        elif ch == "{":
            j = p.find("}", i)
            body = p[i + 1:j] if j > 0 else ""
            if not body or not all(c.isdigit() or c == "," for c in body) or not body[0].isdigit():
                raise Unsupported("a brace that is not a counted repetition")
            out.append("{" + body + "}")
            i = j + 1
        elif ch in "^$":
            raise Unsupported("an anchor")
        else:
            out.append(_char(ch))
            i += 1
    return "".join(out)


class Gate:
    """`possible(text)`: the indexes of `patterns` that may match `text` (hyperscan, one pass)."""

    def __init__(self, patterns: Sequence[str]) -> None:
        self.count = len(patterns)
        self.always: set[int] = set()
        exprs: list[bytes] = []
        self._ids: list[int] = []
        for k, pattern in enumerate(patterns):
            try:
                exprs.append(superset(pattern).encode("ascii"))
                self._ids.append(k)
            except Unsupported:
                self.always.add(k)
        try:
            self._db = _compile(exprs) if exprs else None
        except _hs.error:  # one pattern hyperscan refuses: find it (each alone) and always run it
            ok = []
            for k, expr in zip(list(self._ids), exprs, strict=True):
                try:
                    _compile([expr])
                    ok.append((k, expr))
                except _hs.error:
                    self.always.add(k)
            self._ids = [k for k, _ in ok]
            self._db = _compile([e for _, e in ok]) if ok else None
        self._local = threading.local()  # hyperscan's scratch cannot be shared by two scans

    def possible(self, text: str) -> set[int]:
        found = set(self.always)
        if self._db is None:
            return found
        try:
            encoded = text.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: hyperscan needs valid UTF-8, so run every pattern
            return set(range(self.count))
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            scratch = self._local.scratch = _hs.Scratch(self._db)
        hits: list[int] = []
        self._db.scan(encoded, match_event_handler=_hit, context=hits, scratch=scratch)
        ids = self._ids
        found.update(ids[h] for h in hits)
        return found


# SINGLEMATCH: only whether each pattern matches (measured on backpage-dev: 1.9 µs per ad, against 7.5
# with SOM_LEFTMOST and 2.5 with neither).
_FLAGS = (_hs.HS_FLAG_UTF8 | _hs.HS_FLAG_SINGLEMATCH | _hs.HS_FLAG_ALLOWEMPTY) if _hs is not None else 0


def _compile(exprs: list[bytes]) -> Any:
    """The database of `exprs`, from the on-disk cache when this very list was compiled before.

    Why a cache: hyperscan's compiler takes ~1.5 s for the lexicons' ~45 patterns (a few alternations
    of words around `\\s+` cost most of it), at the first `indicate` of every process; loading the
    serialized database takes milliseconds. The key covers the patterns, the flags and hyperscan's
    version, so a changed lexicon compiles anew; a cache that cannot be read or written is skipped.
    """
    key = hashlib.sha256(b"\0".join([repr((_FLAGS, _hs.__version__)).encode(), *exprs])).hexdigest()[:32]
    try:
        path: Path | None = _cache_dir() / f"lexicon-gate-{key}.hsdb"
    except RuntimeError:  # no home directory to cache in
        path = None
    if path is not None:
        try:
            return _hs.loadb(path.read_bytes(), _hs.HS_MODE_BLOCK)
        except (OSError, _hs.error):
            pass
    db = _hs.Database(mode=_hs.HS_MODE_BLOCK)
    db.compile(expressions=exprs, ids=list(range(len(exprs))), elements=len(exprs),
               flags=[_FLAGS] * len(exprs))
    if path is None:
        return db
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(_hs.dumpb(db))
        os.replace(tmp, path)  # atomic: a parallel process reads the old file or the whole new one
    except OSError:
        pass
    return db


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "adtrace" / "hyperscan"


def _hit(ident: int, _start: int, _end: int, _flags: int, hits: list[int]) -> None:
    hits.append(ident)


def available() -> bool:
    return _hs is not None


