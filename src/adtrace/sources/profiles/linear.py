"""Site profile `patterns` run on RE2: time linear in the page, whatever the pattern.

A profile is the operator's own file, but its patterns run on text a hostile site writes. Python's
backtracking `re` takes time exponential in the text for a sloppy pattern: `Ref: ((?:\\w+\\s?)+)$` took
1.4 s on 24 letters and "!", doubling with each letter more, so one page stalled an ingest, an engine
worker or a crawl for good. RE2 (google-re2, as watchlists use) never backtracks.

RE2's `\\d`, `\\w` and `\\s` are ASCII; Python's, which profiles were written for, are Unicode. So they are
rewritten to the Unicode classes Python means (`\\w` is `[\\p{L}\\p{N}_]`, as `str.isalnum()` or "_"; `\\d` is
`\\p{Nd}`; `\\s` is `str.isspace()`), and a pattern RE2 cannot run the same way is refused when the profile
is read, with what to write instead: back-references and look-arounds (RE2 has none), `\\b`/`\\B` (RE2's
are ASCII-only) and a negated class (`\\W`, `\\D`, `\\S`) inside `[...]`. tests/sources/test_profile_patterns.py
checks the rewritten patterns find what `re` finds.
"""

from __future__ import annotations

from typing import Any

import re2

_CLASSES = {"d": r"\p{Nd}", "w": r"\p{L}\p{N}_", "s": r"\t-\r\x{1c}-\x{1f}\x{85}\p{Z}"}


class Refused(ValueError):
    """A pattern RE2 cannot run as Python would: the reason, in words for the profile's author."""


def rewrite(pattern: str) -> str:
    """`pattern` with Python's Unicode `\\d \\w \\s \\D \\W \\S` spelt as RE2 classes; Refused for `\\b`, `\\B`
    and a negated class inside brackets."""
    out: list[str] = []
    i, in_class = 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            e = pattern[i + 1]
            i += 2
            if e.lower() in _CLASSES:
                inner = _CLASSES[e.lower()]
                if in_class and e.isupper():
                    raise Refused(f"\\{e} inside [...]")
                out.append(inner if in_class else (f"[{inner}]" if e.islower() else f"[^{inner}]"))
            elif e in "bB":
                raise Refused(f"\\{e}")
            else:
                out.append(c + e)
            continue
        if in_class:
            if c == "[":  # Python reads "[" inside brackets as itself ("[[:alpha:]]" is no POSIX class there)
                out.append("\\[")
                i += 1
                continue
            if c == "]":
                in_class = False
        elif c == "[":
            in_class = True
            out.append(c)
            i += 1
            for lead in ("^", "]"):  # "[^" and a "]" right after "[" or "[^" are part of the class
                if pattern.startswith(lead, i):
                    out.append(lead)
                    i += 1
            continue
        out.append(c)
        i += 1
    return "".join(out)


def _options() -> Any:
    opts = re2.Options()
    opts.log_errors = False  # a refused pattern is reported once, as the profile's error
    return opts


def compile_pattern(pattern: str) -> Any:
    """The RE2 program of a profile pattern, or Refused with the reason."""
    try:
        return re2.compile(rewrite(pattern), _options())
    except re2.error as exc:
        why = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise Refused(why) from None
