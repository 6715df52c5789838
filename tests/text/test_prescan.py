"""One hyperscan pass for many patterns (adtrace.text.prescan): gates, and match spans in characters."""

import pytest

from adtrace.text import prescan

pytestmark = pytest.mark.skipif(not prescan.available(), reason="hyperscan has no wheel for this platform")


@pytest.fixture
def patterns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prescan, "_PATTERNS", {})
    monkeypatch.setattr(prescan, "_built", None)
    prescan.register("test.money", prescan.literal_alternation(("£", "roses")), offsets=False)
    prescan.register("test.word", r"(?:^|[^a-z])seven", offsets=True)
    yield
    prescan.scan.cache_clear()


@pytest.mark.usefixtures("patterns")
def test_spans_are_character_offsets_after_non_ascii_text() -> None:
    text = "🌹é SEVEN, 100£ seven\ud83dseven"
    found = prescan.scan(text)
    assert found is not None
    assert found.gates == {"test.money"}
    # A match starts at the character before the word (the non-letter that the pattern needs), or at 0.
    assert found.spans["test.word"] == [(2, 8), (14, 20), (20, 26)]
    assert text[3:8] == "SEVEN" and text[15:20] == "seven" and text[21:26] == "seven"


@pytest.mark.usefixtures("patterns")
def test_a_gate_is_absent_when_its_literals_are() -> None:
    found = prescan.scan("seven roses")
    assert found is not None and found.gates == {"test.money"} and found.spans == {"test.word": [(0, 5)]}
    found = prescan.scan("no money here, only € and 🌹")
    assert found is not None and found.gates == frozenset() and found.spans == {}


def test_literals_are_escaped_byte_by_byte() -> None:
    # Latin-1 as itself; beyond it, "?" (a superset: such literals are not `encodable`).
    assert prescan.literal_alternation(("a.", "£", "i’m")) == r"\x61\x2e|\xa3|\x69\x3f\x6d"
    assert prescan.encodable("£5") and not prescan.encodable("i’m") and not prescan.encodable("why?")


def test_threads_scan_with_their_own_scratch() -> None:
    # Hyperscan's scratch space serves one scan at a time: each thread gets its own.
    from concurrent.futures import ThreadPoolExecutor

    import adtrace.extractors.phoneunits  # noqa: F401  (registers its patterns)

    texts = [f"call seven {i} oh two, {i * 7919} five five · s e v e n · " * 3 for i in range(400)]

    def run(chunk: list[str]) -> list[prescan.Scan | None]:
        return [prescan.scan.__wrapped__(t) for t in chunk]  # uncached: every call scans

    alone = run(texts)
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = [s for part in pool.map(run, [texts[k::4] for k in range(4)]) for s in part]
    order = [t for k in range(4) for t in texts[k::4]]
    assert together == [alone[texts.index(t)] for t in order]
