"""Site profile `patterns` run on RE2, in time linear in the page (adtrace.sources.profiles.linear).

The operator writes the pattern, a hostile site writes the page: on Python's backtracking `re` a sloppy
pattern such as `Ref: ((?:\\w+\\s?)+)$` took 1.4 s on 24 letters and "!", doubling with each letter more,
so one page stalled an ingest, an engine worker or a crawl. Pages and profiles are synthetic."""

from __future__ import annotations

import re
import time
import unicodedata

import pytest
from selectolax.lexbor import LexborHTMLParser

from adtrace import errors
from adtrace.sources.html import extract
from adtrace.sources.profiles import Profile, parse_profile
from adtrace.sources.profiles.linear import compile_pattern


def _profile(**patterns: str) -> Profile:
    return parse_profile({"name": "pattern-test", "hosts": ["patterns.test"],
                          "selectors": {"id": ".ref", "body": ".body", "location": ".loc"}, "patterns": patterns},
                         "pattern-test.yaml")


def _fields(profile: Profile, ref: str, loc: str = "Madrid") -> dict[str, object]:
    page = f'<div class="ref">{ref}</div><div class="loc">{loc}</div><div class="body">Sweet girl</div>'
    return extract(LexborHTMLParser(page), profile, "https://patterns.test/ad/1")


def test_a_backtracking_pattern_finishes_on_a_hostile_page() -> None:
    profile = _profile(id=r"Ref: ((?:\w+\s?)+)$")
    started = time.perf_counter()
    got = _fields(profile, "Ref: " + "a" * 26 + "!")  # Python's re: about 6 s here, a day at 40 letters
    assert time.perf_counter() - started < 1.0
    assert "id" not in got  # no match, as re would finally say
    assert _fields(profile, "Ref: Ab12 cd")["id"] == "Ab12 cd"


CASES = [(r"Ref: (\S+)", "Ref:\u00a0x Ref: Señor-7 y"), (r"(\w+)$", "en Málaga"), (r"(\d+)", "n° ٣٤ 12"),
         (r"Loc:\s*(\w+)", "Loc:\u2003Zürich"), (r"([\w\-.]+)@", "mail: añ.o-b@x"), (r"(\W+)", "abc—·¿def"),
         (r"(?i)(SEÑOR\s\w+)", "el señor Ñandú"), (r"([^\s,]+),", "uno, dos"), (r"(\D+)\d", "abc٣"),
         (r"([[:alpha:]]+)", "ab:[] def]"), (r"[]a]+(\s)", "]a]\u3000"), (r"^(.*?) - ", "Ana - 22")]


@pytest.mark.parametrize(("pattern", "text"), CASES)
def test_rewritten_patterns_find_what_python_finds(pattern: str, text: str) -> None:
    want, got = re.search(pattern, text), compile_pattern(pattern).search(text)
    assert (want and want.groups()) == (got and got.groups()), (pattern, text)


@pytest.mark.parametrize("cls", ["\\d", "\\w", "\\s", "\\D", "\\W", "\\S"])
def test_each_class_means_what_it_means_in_python(cls: str) -> None:
    outside, inside = compile_pattern(cls), compile_pattern(f"[{cls}x]") if cls.islower() else None
    for cp in range(0x30000):
        ch = chr(cp)
        if unicodedata.category(ch) in ("Cn", "Cs"):  # unassigned in Python's Unicode tables (RE2's are newer)
            continue
        want = re.fullmatch(cls, ch) is not None
        assert (outside.fullmatch(ch) is not None) == want, (cls, hex(cp))
        if inside is not None:
            assert (inside.fullmatch(ch) is not None) == (want or ch == "x"), (cls, hex(cp))


@pytest.mark.parametrize("pattern", [r"(a)\1", r"(?=x)y", r"(?<!x)y", r"\bfoo", r"[\W_]+"])
def test_a_pattern_re2_cannot_run_the_same_way_is_refused_when_the_profile_is_read(pattern: str) -> None:
    with pytest.raises(errors.InputError) as exc:
        _profile(id=pattern)
    assert exc.value.code == errors.BAD_FIELD and "pattern for 'id'" in exc.value.message
    assert "pattern-test.yaml" in exc.value.message
