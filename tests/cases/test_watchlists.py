"""Watchlists: normalisation, every kind matches what it should and nothing else, entries come and go."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adtrace import errors
from adtrace.cases import watchlists as w
from adtrace.storage import Store, init_db, open_store

PDQ = "f" * 32 + "0" * 32


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    url = f"sqlite:///{tmp_path / 'w.db'}"
    init_db(url)
    with open_store(url) as s:
        yield s


def _entry(i: int, kind: str, value: str, distance: int | None = None) -> w.Entry:
    return w.Entry(i, kind, value, "L", "me", "", distance, True, "2024-01-01")


def test_identifiers_are_normalised_as_the_index_stores_them(store: Store) -> None:
    assert w.add(store, "phone", "(702) 555-0199", name="L", owner="a").value == "+17025550199"
    assert w.add(store, "email", " Someone@Example.COM ", name="L", owner="a").value == "someone@example.com"
    assert w.add(store, "handle", "telegram:@Sunny_Girl", name="L", owner="a").value == "sunny_girl"


@pytest.mark.parametrize(("kind", "value"), [("phone", "12"), ("pdq", "xyz"), ("regex", "(unclosed"),
                                             ("colour", "red"), ("phrase", "  ")])
def test_bad_entries_are_refused_with_a_hint(store: Store, kind: str, value: str) -> None:
    with pytest.raises(errors.InputError):
        w.add(store, kind, value, name="L", owner="a")


def test_add_is_idempotent_and_remove_deactivates(store: Store) -> None:
    a = w.add(store, "phone", "702-555-0199", name="L", owner="a")
    assert w.add(store, "phone", "+1 702 555 0199", name="L", owner="b").id == a.id
    removed = w.remove(store, a.id)
    assert not removed.active and removed.removed_at
    assert w.entries(store) == [] and [e.id for e in w.entries(store, active_only=False)] == [a.id]
    with pytest.raises(errors.InputError):
        w.remove(store, 999)


def test_matcher_each_kind() -> None:
    m = w.Matcher([_entry(1, "phone", "+17025550199"), _entry(2, "email", "x@example.com"),
                   _entry(3, "handle", "sunny_girl"), _entry(4, "pdq", PDQ, 10),
                   _entry(5, "phrase", "new in town"), _entry(6, "regex", r"fresh\s+face\w*")])
    near = PDQ[:-1] + "7"  # 3 bits away
    far = "0" * 32 + "f" * 32
    record = {"phones": [{"value": "+17025550199"}], "emails": [{"value": "X@example.com"}],
              "handles": [{"platform": "telegram", "value": "@Sunny_Girl"}],
              "images": [{"pdq": near}, {"pdq": far}]}
    found = {m.entry.id: m for m in m.match(record, "Hi, I'm NEW in   town, fresh faces only")}
    assert set(found) == {1, 2, 3, 4, 5, 6}
    assert found[4].distance == 3
    assert found[5].span == (8, 21)
    assert m.match({"phones": [{"value": "+17025550100"}], "images": [{"pdq": far}]}, "renewing in townhouse") == []


def test_phrase_does_not_match_inside_words() -> None:
    m = w.Matcher([_entry(1, "phrase", "in town")])
    assert m.match({}, "staying within townsend") == []
    assert len(m.match({}, "now IN TOWN!")) == 1


def test_regexes_that_cannot_be_combined_still_match() -> None:
    m = w.Matcher([_entry(1, "regex", r"(?P<x>ab)c"), _entry(2, "regex", r"(?P<x>de)f")])
    assert {x.entry.id for x in m.match({}, "abc def")} == {1, 2}


def test_a_catastrophic_regex_runs_in_linear_time() -> None:
    """Issue 20: on Python's backtracking `re`, (a+)+$ against 40 a's and a b takes ~2^40 steps (it never
    finished); RE2 answers at once. Phrases and regexes still combine and report their spans."""
    m = w.Matcher([_entry(1, "regex", r"(a+)+$"), _entry(2, "phrase", "new in town"), _entry(3, "regex", "x(y+)z")])
    assert m.match({}, "a" * 40 + "b") == []
    found = {x.entry.id: x.span for x in m.match({}, "New in town, xyyz and aaaa")}
    assert found == {1: (22, 26), 2: (0, 11), 3: (13, 17)}


def test_regexes_re2_cannot_run_are_refused_or_skipped(store: Store) -> None:
    for pattern in (r"(a)\1", r"(?=x)y", r"(?<!a)b"):
        with pytest.raises(errors.InputError, match="RE2"):
            w.add(store, "regex", pattern, name="L", owner="a")
    stored_before = _entry(9, "regex", r"(?=x)y")  # an entry added before RE2: never matched, listed
    m = w.Matcher([stored_before, _entry(10, "regex", "ok")])
    assert m.unusable == [stored_before] and [x.entry.id for x in m.match({}, "ok xy")] == [10]


def test_matcher_cache_follows_changes(store: Store) -> None:
    assert w.matcher(store).size == 0
    e = w.add(store, "phrase", "brand new", name="L", owner="a")
    assert w.matcher(store).size == 1
    w.remove(store, e.id)
    assert w.matcher(store).size == 0


@given(st.text(alphabet="abc xyz", max_size=40), st.sampled_from(["abc", "x y", "zz"]))
def test_phrase_matching_agrees_with_a_plain_search(text: str, phrase: str) -> None:
    import re

    m = w.Matcher([_entry(1, "phrase", phrase)])
    expected = re.search(r"\b" + r"\s+".join(map(re.escape, phrase.split())) + r"\b", text, re.IGNORECASE)
    assert bool(m.match({}, text)) == bool(expected)
