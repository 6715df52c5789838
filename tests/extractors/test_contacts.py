from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adtrace.extractors.emails import find_emails
from adtrace.extractors.handles import find_handles
from adtrace.extractors.payments import find_payments
from adtrace.extractors.urls import find_urls


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("mail me: Candy.Rose@Example.com!", "candy.rose@example.com"),
        ("candyrose at gmail dot com", "candyrose@gmail.com"),
        ("candyrose [at] yahoo [dot] com", "candyrose@yahoo.com"),
        ("candyrose(at)hotmail(dot)com", "candyrose@hotmail.com"),
        ("candyrose @ gmail", "candyrose@gmail.com"),
        ("write candyrose at gmail dot com. 200 roses", "candyrose@gmail.com"),
        ("candy.rose @ example . com", "candy.rose@example.com"),
        # a dot spelled inside the local part too
        ("candy dot rose at gmail dot com", "candy.rose@gmail.com"),
        ("mail c [dot] j [dot] rose (at) yahoo (dot) com", "c.j.rose@yahoo.com"),
        ("candy.r dot rose@example.com", "candy.r.rose@example.com"),
    ],
)
def test_emails(text: str, want: str) -> None:
    assert [e for e, _ in find_emails(text)] == [want]


@pytest.mark.parametrize("text", ["meet me at home dot", "I'm at work", "5 at 10.30", "@handle only",
                                  "Instagram: instagram@example.com", "snapchat@gmail"])
def test_not_emails(text: str) -> None:
    assert find_emails(text) == []


def test_a_spelled_local_part_is_masked_whole() -> None:
    # The span covers the labels before the spelled dot, so a masked export hides the whole address.
    assert find_emails("hi, candy dot rose at gmail dot com") == [("candy.rose@gmail.com", (4, 35))]


def test_urls_trim_punctuation() -> None:
    got = find_urls("see www.example-site.test/page, or https://a.test/x?y=1.")
    assert [u for u, _ in got] == ["www.example-site.test/page", "https://a.test/x?y=1"]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("snap: sweetcandy22", ("snapchat", "sweetcandy22")),
        ("SC - sweet_candy", ("snapchat", "sweet_candy")),
        ("add my snapchat me: candyx", ("snapchat", "candyx")),
        ("IG @candy.rose", ("instagram", "candy.rose")),
        ("instagram.com/candy.rose", ("instagram", "candy.rose")),
        ("twitter.com/CandyRose_", ("twitter", "CandyRose_")),
        ("telegram: @candy_rose", ("telegram", "candy_rose")),
        ("t.me/candyrose1", ("telegram", "candyrose1")),
        ("kik: candy.r", ("kik", "candy.r")),
        ("onlyfans.com/candyrose", ("onlyfans", "candyrose")),
        ("tiktok.com/@candyrose", ("tiktok", "candyrose")),
        ("wechat id: candy8899", ("wechat", "candy8899")),
        ("微信: candy8899", ("wechat", "candy8899")),
        ("Snapchat qzvbrtx", ("snapchat", "qzvbrtx")),
        # Chinese: a label after a Han character, 号, a full-width colon, no separator, spellings around filters
        ("新到 加微信: candy8899", ("wechat", "candy8899")),
        ("微信号：candy8899", ("wechat", "candy8899")),
        ("请加微信candy8899欢迎预约", ("wechat", "candy8899")),
        ("联系薇信 candy8899", ("wechat", "candy8899")),
        ("加威信candy_88", ("wechat", "candy_88")),
        ("v信：candy8899", ("wechat", "candy8899")),
        ("vx：candy8899", ("wechat", "candy8899")),
    ],
)
def test_handles(text: str, want: tuple[str, str]) -> None:
    assert [(p, h) for p, h, _ in find_handles(text)] == [want]


@pytest.mark.parametrize("text", ["looking for snapchat fun", "find me on Twitter also", "sc only", "ig is fine",
                                  "maxsnap: no", "加vx candy8899"])
def test_not_handles(text: str) -> None:
    assert find_handles(text) == []


def test_handle_after_refused_label() -> None:
    got = find_handles("Visit TWITTER   Snapchat : qzvbrtx")
    assert [(p, h) for p, h, _ in got] == [("snapchat", "qzvbrtx")]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("cashapp $CandyRose22 deposit", ("cashapp", "$CandyRose22")),
        ("venmo: @candy-rose", ("venmo", "@candy-rose")),
        ("zelle candy.rose@example.com", ("zelle", "candy.rose@example.com")),
        ("paypal.me/candyrose", ("paypal", "candyrose")),
        ("btc bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh", ("bitcoin", "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh")),
        ("eth 0x52908400098527886E0F7030069857D2E4169EE7", ("ethereum", "0x52908400098527886E0F7030069857D2E4169EE7")),
    ],
)
def test_payments(text: str, want: tuple[str, str]) -> None:
    assert [(p, h) for p, h, _ in find_payments(text)] == [want]


def test_prices_are_not_cashtags() -> None:
    assert find_payments("$200 hh, $300/hr, venmo accepted") == []


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_contacts_never_crash_and_spans_valid(text: str) -> None:
    found: list[Any] = [s for _, s in find_emails(text)] + [s for _, s in find_urls(text)]
    found += [s for _, _, s in find_handles(text)] + [s for _, _, s in find_payments(text)]
    for a, b in found:
        assert 0 <= a < b <= len(text)


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("🌹 SNAP: BobBy_9 🌹", [("snapchat", "BobBy_9")]),  # lowered text matched, the handle as written
        ("xsnap: bob_9 and ſ", []),  # a label inside a word; "ſ" keeps the case-insensitive pattern
        ("ſ SNAP: BobBy_9", [("snapchat", "BobBy_9")]),
        ("kik me: Ann_2 @Mia.x a@b", [("kik", "Ann_2"), ("kik", "Mia.x")]),
    ],
)
def test_handles_on_lowered_and_case_insensitive_paths(text: str, want: list[tuple[str, str]]) -> None:
    assert [(p, h) for p, h, _ in find_handles(text)] == want


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("🌹 see WWW.Example.COM/x now", ["WWW.Example.COM/x"]),
        ("mi sitio: Ejemplo.CLUB 🌹", ["Ejemplo.CLUB"]),
        ("ſee Example.COM", ["Example.COM"]),  # "ſ": the case-insensitive scan without the hint
        ("the community.", []),
    ],
)
def test_urls_with_and_without_the_hint(text: str, want: list[str]) -> None:
    from adtrace.extractors.urls import find_urls

    assert [u for u, _ in find_urls(text)] == want


_EMAIL_PIECES = [*"ab1_.-+%@()[]{}<> \n", " at ", "at", " dot ", ".com", "gmail", "[at]", "(dot)", " . ", "yahoo",
                 "İ", "x" * 70]


@given(st.lists(st.sampled_from(_EMAIL_PIECES), max_size=25).map("".join))
@settings(max_examples=600, deadline=None)
def test_email_gates_and_possessive_local_part_change_nothing(text: str) -> None:
    import re

    from adtrace.extractors import emails

    # The gate only skips texts the full scan finds nothing in.
    assert emails.find_emails(text) == emails._scan(text)
    # The possessive local part matches exactly what the backtracking one matches.
    backtracking = re.compile(emails._EMAIL.pattern.replace("{0,63}+", "{0,63}"), re.I)
    assert [m.span() for m in emails._EMAIL.finditer(text)] == [m.span() for m in backtracking.finditer(text)]


def test_email_gate_lets_a_provider_before_a_hyphen_through() -> None:
    # Found by the e-mail gate property test (failing before this branch): the full scan reads it.
    from adtrace.extractors import emails

    assert emails.find_emails("aaa at yahoo-") == [("aaa@yahoo.com", (0, 12))]
