"""The phone reader's shortcuts in chaining and cutting (adtrace.extractors.phones) change nothing: the
age-and-id split is looked at only in a URL or beside written links, the blocks of a chain only past
MAX_BLOCK digits, and a chain read whole as one number has no leftover to read. Compared with the
former code on random digit-laden texts."""

from hypothesis import given, settings
from hypothesis import strategies as st

from adtrace.extractors import phones
from adtrace.extractors.phones import _GAP, MAX_BLOCK, MIN_DIGITS, _Unit
from adtrace.text.hidden_digits import HIDDEN_GAP
from adtrace.text.normalise import View, normalise

_PIECES = ["702", "555", "0147", "7025550147", "22", "55218528", "1234567890123", "+1", "+44", "7911", "123456",
           " ", "-", ".", "(", ")", "/", "\n", "\n\n", "x", "r", " candy ", "seven", "oh", "o", "two", "twenty", "six",
           "s e v e n", "2024-03-24", "17:41", "5'7", "Post ID: ", "#", "$", "mg", " lbs", "🌹", "７", "İ"]


def _chains_before(text: str, units: list[_Unit], url: bool = False,
                   links: list[tuple[int, int]] | None = None, hidden: bool = False) -> list[list[_Unit]]:
    gap_pattern = HIDDEN_GAP if hidden else _GAP
    chains: list[list[_Unit]] = []
    current: list[_Unit] = []
    for unit in units:
        if current and current[-1].end < unit.start and phones._age_and_id(current[-1], unit) and (
                url or any(a <= current[-1].start and unit.end <= b for a, b in links or ())):
            chains.append(current)
            current = [unit]
            continue
        if current:
            gap = text[current[-1].end:unit.start]
            if gap == "" or gap_pattern.fullmatch(gap) or (len(gap) == 1 and gap.isascii() and gap.isalpha()
                                                     and not unit.spelled and not current[-1].spelled):
                current.append(unit)
                continue
            chains.append(current)
        current = [unit]
    if current:
        chains.append(current)
    return [c for c in chains if sum(len(u.digits) for u in c) >= MIN_DIGITS]


def _kept_before(text: str, chain: list[_Unit]) -> bool:
    return not any(sum(len(u.digits) for u in chain[i:k]) > MAX_BLOCK and not any(u.spelled for u in chain[i:k])
                   for i, k in phones._blocks(text, chain))


def _cut_before(view: View, chain: list[_Unit], regions: tuple[str, ...]) -> list[object]:
    n = len(chain)
    glued = [False] + [chain[k].start == chain[k - 1].end and not chain[k].spelled and not chain[k - 1].spelled
                       for k in range(1, n)] + [False]
    out = phones._greedy(view, chain, 0, n, regions, False, glued)
    rest: list[tuple[int, int, object]] = []
    lo = 0
    for i, j in [*[(i, j) for i, j, _ in out], (n, n)]:
        if i - lo > 0:
            rest.extend(phones._greedy(view, chain, lo, i, regions, True, glued))
        lo = j
    return [hit for _, _, hit in sorted(out + rest, key=lambda h: h[0])]  # type: ignore[arg-type,return-value]


@given(st.lists(st.sampled_from(_PIECES), max_size=24).map("".join), st.booleans(), st.booleans())
@settings(max_examples=1500, deadline=None, derandomize=True)
def test_chains_and_cuts_as_before(text: str, url: bool, hidden: bool) -> None:
    view = normalise(text)
    units = phones._units(view.text)
    links = [(0, len(view.text) // 2)] if hidden else None
    chains = phones._chains(view.text, units, url, links, hidden)
    assert [[(u.start, u.end) for u in c] for c in chains] == \
        [[(u.start, u.end) for u in c] for c in _chains_before(view.text, units, url, links, hidden)]
    found = phones._read(view, chains, ("US", "GB"))
    assert found == [hit for c in chains if _kept_before(view.text, c) for hit in _cut_before(view, c, ("US", "GB"))]


def test_a_long_block_is_still_no_phone_and_a_number_still_reads() -> None:
    view = normalise("ref 70255501471234 or call 702-555-0147")
    assert [e for e, _, _ in phones.find_phones(view, ("US",))] == ["+17025550147"]
