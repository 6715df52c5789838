"""The phone reader's shortcuts in chaining and cutting (adtrace.extractors.phonechains) change nothing:
the age-and-id split is looked at only in a URL or beside written links, the blocks of a chain only past
MAX_BLOCK digits, a chain read whole as one number has no leftover to read, and the units inside stamps
are skipped in the chaining loop, not dropped by a pass of their own first. Compared with the former
code on random digit-laden texts."""

from hypothesis import given, settings
from hypothesis import strategies as st

from adtrace.extractors import phonechains, phones
from adtrace.extractors.phonechains import GAP, MAX_BLOCK, Unit
from adtrace.extractors.phoneunits import MIN_DIGITS
from adtrace.text.hidden_digits import HIDDEN_GAP
from adtrace.text.normalise import View, normalise
from adtrace.text.stamps import stamp_spans

_PIECES = ["702", "555", "0147", "7025550147", "22", "55218528", "1234567890123", "+1", "+44", "7911", "123456",
           " ", "-", ".", "(", ")", "/", "\n", "\n\n", "x", "r", " candy ", "seven", "oh", "o", "two", "twenty", "six",
           "s e v e n", "2024-03-24", "17:41", "5'7", "Post ID: ", "#", "$", "mg", " lbs", "🌹", "７", "İ"]


def _chains_before(text: str, units: list[Unit], url: bool = False,
                   links: list[tuple[int, int]] | None = None, hidden: bool = False) -> list[list[Unit]]:
    gap_pattern = HIDDEN_GAP if hidden else GAP
    chains: list[list[Unit]] = []
    current: list[Unit] = []
    for unit in units:
        if current and current[-1][1] < unit[0] and phonechains.age_and_id(current[-1], unit) and (
                url or any(a <= current[-1][0] and unit[1] <= b for a, b in links or ())):
            chains.append(current)
            current = [unit]
            continue
        if current:
            gap = text[current[-1][1]:unit[0]]
            if gap == "" or gap_pattern.fullmatch(gap) or (len(gap) == 1 and gap.isascii() and gap.isalpha()
                                                     and not unit[3] and not current[-1][3]):
                current.append(unit)
                continue
            chains.append(current)
        current = [unit]
    if current:
        chains.append(current)
    return [c for c in chains if sum(len(u[2]) for u in c) >= MIN_DIGITS]


def _kept_before(text: str, chain: list[Unit]) -> bool:
    return not any(sum(len(u[2]) for u in chain[i:k]) > MAX_BLOCK and not any(u[3] for u in chain[i:k])
                   for i, k in phonechains.blocks(text, chain))


def _cut_before(view: View, chain: list[Unit], regions: tuple[str, ...]) -> list[object]:
    n = len(chain)
    glued = [False] + [chain[k][0] == chain[k - 1][1] and not chain[k][3] and not chain[k - 1][3]
                       for k in range(1, n)] + [False]
    out = phonechains.greedy(view, chain, 0, n, regions, False, glued)
    rest: list[tuple[int, int, object]] = []
    lo = 0
    for i, j in [*[(i, j) for i, j, _ in out], (n, n)]:
        if i - lo > 0:
            rest.extend(phonechains.greedy(view, chain, lo, i, regions, True, glued))
        lo = j
    return [hit for _, _, hit in sorted(out + rest, key=lambda h: h[0])]  # type: ignore[arg-type,return-value]


@given(st.lists(st.sampled_from(_PIECES), max_size=24).map("".join), st.booleans(), st.booleans())
@settings(max_examples=1500, deadline=None, derandomize=True)
def test_chains_and_cuts_as_before(text: str, url: bool, hidden: bool) -> None:
    view = normalise(text)
    units = phones._units(view.text)
    links = [(0, len(view.text) // 2)] if hidden else None
    chains = phonechains.chains(view.text, units, url, links, hidden)
    assert chains == _chains_before(view.text, units, url, links, hidden)
    stamps = stamp_spans(view.text)
    unstamped = [u for u in units if not any(a < u[1] and u[0] < b for a, b in stamps)]
    assert phonechains.chains(view.text, units, url, links, hidden, stamps=stamps) == \
        _chains_before(view.text, unstamped, url, links, hidden)
    found = phonechains.read(view, chains, ("US", "GB"))
    assert found == [hit for c in chains if _kept_before(view.text, c) for hit in _cut_before(view, c, ("US", "GB"))]


def test_a_long_block_is_still_no_phone_and_a_number_still_reads() -> None:
    view = normalise("ref 70255501471234 or call 702-555-0147")
    assert [e for e, _, _ in phones.find_phones(view, ("US",))] == ["+17025550147"]
