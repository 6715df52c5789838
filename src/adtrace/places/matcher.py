"""Find places in text: gazetteer names as whole words, accepted by tier, disambiguated by context.

Rules (why: many city names are English words or the names of the people in the ads):
- PLAIN names (most cities, multi-word names, states, countries, nicknames like "Vegas") match in
  any case, except: a city abroad under 500,000 people (every reading outside the document's country,
  from its location field or else the deployment's region) needs context like a WORD name ("Layla",
  "Soma" in Californian ads), and so does a town under 100,000 in another state than the field's; a one-word name right after a name cue is a person ("ask for London",
  "I'm Milan").
- Any name followed by a street type ("Alvarado St") is a street. A location cue counts only written
  right before the name (a colon aside), or as a place word after it ("Milano centro"). One-word
  alternate names (transliterations, old names: "Thai" is one of Alor Setar's) are WORD names.
- WORD names (city names that are ordinary lower-case English words, or shorter than 4 letters:
  "Mobile", "Orange", "Normal", "Nice", "Split", "Reading") must be capitalised *and* have context:
  a location cue right before ("in", "from", "visiting", "near", "outcall to" ...; "to" and "at" only
  after a word of going, and no cue alone in a run of capitals: "ready to Come"), their state or
  country right after ("Mobile, AL"), or agreement with the location field. A capitalised WORD name of
  a city of 500,000+ inside lower-case prose ("just landed in ... Buffalo" aside) also counts, when it
  is the city's own name, not an alternate one ("Solo" is Surakarta's).
- PERSON names (given names that are also places: "Destiny", "Savannah", "Paris", "Aurora") must be
  capitalised and have the same context, and no name cue right before them ("I'm", "ask for", "sexy").
- CODE (standalone state codes, "NV") needs upper case and a location cue; ABBR ("LA", "SF", "DC")
  needs upper case only.
Ambiguous names (several entries) go to the entry whose state/country follows the name, else whose
state/country the document names elsewhere (other places, the location field), else the primary
name with the largest population. Those decided by population alone keep their alternatives, so a
later step (the phone area code) can still re-decide them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from adtrace.places.gazetteer import (
    ABBR,
    CODE,
    PERSON,
    PLAIN,
    Gazetteer,
    Place,
    fold_text,
    get_gazetteer,
    has_cjk,
    log_population,
)
from adtrace.places.lexicon import (
    LOCATION_CUES,
    LOCATION_CUES_AFTER,
    MOVES,
    NAME_CUE_PAIRS,
    NAME_CUES_AFTER,
    NAME_CUES_BEFORE,
    NAME_CUES_STRONG,
    STREET_WORDS,
    WEAK_CUES,
)
from adtrace.text import View, normalise

BIG_CITY = 500_000
SMALL_TOWN = 100_000
_GAP_CHARS = frozenset(" ,-/(\t")


@dataclass(slots=True)
class Hints:
    """What the document says elsewhere about where it is: (country, admin) pairs and countries."""

    admins: set[tuple[str, str]] = field(default_factory=set)
    countries: set[str] = field(default_factory=set)
    place_ids: set[int] = field(default_factory=set)
    # The country the deployment reads ads for (`--region`): for a site's own location field, a
    # tie-breaker below any evidence in the document, so the phone's area code can still re-decide.
    default_country: str | None = None
    # The same country for free text, where it decides no reading (a US deployment still reads "Paris"
    # as the French one): only whether a small city abroad needs context (`_far_from_home`).
    home_country: str | None = None

    def add(self, place: Place) -> None:
        self.countries.add(place.country)
        if place.admin:
            self.admins.add((place.country, place.admin))
        self.place_ids.add(place.id)


@dataclass(slots=True)
class Match:
    place: Place
    span: tuple[int, int]  # into the original text
    alternatives: tuple[Place, ...] = ()  # other readings when only population decided


@dataclass(slots=True)
class _Cand:
    start: int  # view offsets of the name
    end: int
    key: str
    ext_end: int = 0  # end including a state/country suffix
    suffix: frozenset[tuple[str, str | None]] = frozenset()


def _raw(gz: Gazetteer, text: str, lowered: str, cased: str | None) -> list[_Cand]:
    out: list[_Cand] = []
    kept_case: list[_Cand] = []
    for end, (padded, key, forms) in gz.ci.find(lowered):
        # Padded keys start at the space before the word; text is padded with one space at each end,
        # so the name's view offsets are [start, end - 1).
        start = end - len(padded) + 1
        if forms is None:
            out.append(_Cand(start, end - 1, key))
        elif cased is not None and cased[start:end + 1] in forms:
            # A case-kept name, found lower-cased: kept where the case-kept text is one of its spellings
            # (what a search of the case-kept text for those spellings finds, in the same order).
            kept_case.append(_Cand(start, end - 1, key))
    # Every CJK key holds a CJK letter, which folding keeps: a folded text that is all ASCII (most ads,
    # emoji included: they fold to spaces) holds none, and the test is O(1) on a str.
    if not lowered.isascii() and has_cjk(text):
        for end, (key, _, _) in gz.cjk.find(lowered):
            out.append(_Cand(end - len(key), end, key))
    if cased is not None:
        if len(gz.cs) and (gz.cs_ascii or not cased.isascii()):
            for end, (padded, key, _) in gz.cs.find(cased):
                kept_case.append(_Cand(end - len(padded) + 1, end - 1, key))
            kept_case.sort(key=lambda c: (c.end, c.start))  # the order of one case-kept search
        out += kept_case
    return out


def _words_before(lowered: str, start: int, n: int = 2) -> list[str]:
    # `lowered` is padded by one leading space, so view offset `start` is lowered[start + 1].
    return lowered[max(0, start - 30):start + 1].split()[-n:]


def _suffix(gz: Gazetteer, text: str, lowered: str, end: int) -> tuple[int, frozenset[tuple[str, str | None]]]:
    """A state or country written right after a name ("Las Vegas, NV", "Toronto (Canada)")."""
    i = end
    while i < len(text) and i - end < 4 and text[i] in _GAP_CHARS:
        i += 1
    if i == end or lowered[i + 1:lowered.find(" ", i + 1)] not in gz.suffix_starts:
        return end, frozenset()
    # Up to four whole words from view offset i (lowered is shifted by its leading pad space).
    words: list[tuple[int, int]] = []
    pos = i
    for token in lowered[i + 1:i + 41].split(" "):
        if token:
            if lowered[pos + 1 + len(token)] != " ":
                break  # cut by the window: not a whole word
            words.append((pos, pos + len(token)))
            if len(words) == 4:
                break
        pos += len(token) + 1
    if not words or words[0][0] != i:
        return end, frozenset()
    for n in range(len(words), 0, -1):
        first, last = words[0][0], words[n - 1][1]
        hit = gz.suffixes.get(" ".join(lowered[a + 1:b + 1] for a, b in words[:n]))
        # A bare code must be written in capitals: "Dallas in" or "Paris me" name no state.
        if hit and (n > 1 or last - first > 3 or text[first:last].isupper()):
            return last, frozenset(hit)
    return end, frozenset()


_PART_SEPARATORS = frozenset(",/;|()&+\n")


def _whole_part(text: str, start: int, end: int) -> bool:
    """Whether [start, end) is a whole part of a list such as "Springfield, Metro Area / Downtown"."""
    before = text[:start].rstrip(" \t-")
    after = text[end:].lstrip(" \t-.!")
    return (not before or before[-1] in _PART_SEPARATORS) and (not after or after[0] in _PART_SEPARATORS)


def _capitalised(word: str) -> bool:
    return word[:1].isupper()


def _caps_run(text: str, start: int, end: int) -> bool:
    """Whether [start, end) sits among words written in capitals ("READY TO COME SEE ME")."""
    words = [w for w in text[max(0, start - 20):start].split()[-2:] + text[end:end + 20].split()[:2]
             if w[:1].isalpha()]
    return bool(words) and all(w.isupper() for w in words) and text[start:end].isupper()


def _lowercase_prose(text: str, start: int, end: int) -> bool:
    """Whether the words around [start, end) are lower case (so a capital letter means a name)."""
    before = text[max(0, start - 20):start].split()[-2:]
    after = text[end:end + 20].split()[:2]
    words = [w for w in before + after if w[:1].isalpha()]
    return bool(words) and all(w[:1].islower() for w in words)


def _word_after(lowered: str, end: int) -> str:
    """The word right after view offset `end` (folded), or ""."""
    after = lowered[end + 1:end + 16].split(maxsplit=1)
    return after[0] if after and lowered[end + 1:end + 2] == " " else ""


def _street(lowered: str, end: int) -> bool:
    """Whether the word right after view offset `end` is a street type ("Alvarado St")."""
    return _word_after(lowered, end) in STREET_WORDS


def _named_as_person(before: list[str]) -> bool:
    return bool(before) and (before[-1] in NAME_CUES_STRONG or tuple(before[-2:]) in NAME_CUE_PAIRS)


def _far_from_home(cands: list[tuple[Place, bool]], hints: Hints | None) -> bool:
    """Every reading a city under BIG_CITY outside the document's country (its location field's, else
    the deployment's): named without context, such a name is far more often a person's name, a word
    or a local namesake ("Soma", "Layla", "Discovery Bay" in California ads) than the town abroad."""
    if hints is None:
        return False
    home = hints.countries or ({hints.home_country} if hints.home_country else set())

    def far(p: Place) -> bool:
        if p.country not in home:
            return p.population < BIG_CITY
        # In the document's own country, a town under SMALL_TOWN in another state than its location
        # field's is as often a local namesake or a worker's name ("Eastlake", "Donna" in Californian ads).
        return bool(hints.admins) and p.population < SMALL_TOWN and (p.country, p.admin) not in hints.admins

    return bool(home) and all(p.kind == "city" and far(p) for p, _ in cands)


def _accepted(gz: Gazetteer, c: _Cand, text: str, lowered: str, field_mode: bool, hints: Hints | None) -> bool:
    tier = gz.tier(c.key)
    if tier == ABBR or (field_mode and tier == PLAIN):
        return True
    if field_mode:
        # A site's location field lists places ("North Side, Springfield", "City of Springfield"): a
        # name that is also a word ("Bay", "Of", "Come") counts only as a whole part of the list.
        return _whole_part(text, c.start, c.ext_end)
    if not c.suffix and _street(lowered, c.ext_end):
        return False
    before = _words_before(lowered, c.start)
    # Only a cue written right before the name (a colon aside: "Touring: Dallas"): one across other
    # punctuation or a symbol ("now in. Come see me", "come visit ~ Mon-Sun") belongs to another phrase.
    last = text[:c.start].rstrip()[-1:]
    cue_before = bool(before) and before[-1] in LOCATION_CUES and (last.isalpha() or last == ":")
    cue = cue_before or _word_after(lowered, c.ext_end) in LOCATION_CUES_AFTER
    if tier == PLAIN:
        if has_cjk(c.key):
            return True
        if " " not in c.key and not cue and _named_as_person(before):
            return False
        if cue or c.suffix:
            return True
        cands = gz.candidates(c.key)
        return not _far_from_home(cands, hints) or _agrees(cands, hints)
    if tier == CODE:
        return cue
    if not _capitalised(text[c.start:c.end]):
        return False
    cands = gz.candidates(c.key)
    # Each test below only when the ones before it did not decide (speed: most names have no suffix).
    fits_suffix = bool(c.suffix) and any((p.country, p.admin) in c.suffix or (p.country, None) in c.suffix
                                         for p, _ in cands)
    if tier == PERSON:
        after = lowered[c.end + 1:c.end + 20].split()[:1]
        named = (bool(before) and before[-1] in NAME_CUES_BEFORE and not cue) or (
            bool(after) and after[0] in NAME_CUES_AFTER and not fits_suffix)
        return not named and (cue or fits_suffix or _agrees(cands, hints))
    weak = cue_before and before[-1] in WEAK_CUES and not (len(before) > 1 and before[-2] in MOVES)
    if cue_before and (weak or _caps_run(text, c.start, c.end)):
        # A common word after "to" or "at" is as often a verb or a noun ("ready to Come", "looking to
        # Date"), and in a run of capitals its capital says nothing: that cue alone is not enough.
        cue = _word_after(lowered, c.ext_end) in LOCATION_CUES_AFTER
    if cue or fits_suffix or _agrees(cands, hints):
        return True
    # Only a city's own name: an alternate name that is a word ("Solo" for Surakarta) is not a sign.
    return any(p.population >= BIG_CITY for p, primary in cands if primary) and c.start > 0 \
        and _lowercase_prose(text, c.start, c.end)


def _agrees(cands: list[tuple[Place, bool]], hints: Hints | None) -> bool:
    return hints is not None and any(p.id in hints.place_ids for p, _ in cands)


def _score(place: Place, primary: bool, c: _Cand, hints: Hints) -> float:
    s = 3.0 if primary else 0.0
    if (place.country, place.admin) in c.suffix:
        s += 1000
    elif (place.country, None) in c.suffix:
        s += 500
    if place.admin and (place.country, place.admin) in hints.admins:
        s += 100
    elif place.country in hints.countries:
        s += 50
    elif place.country == hints.default_country:
        s += 20
    return s + log_population(place)


def find(view: View, field_mode: bool = False, hints: Hints | None = None) -> list[Match]:
    """Places named in the view, in order of appearance; spans index `view.original`."""
    gz = get_gazetteer()
    text = view.text
    cased_src = text.title() if field_mode and len(text.title()) == len(text) else text
    low, cas = fold_text(cased_src)
    lowered = f" {low} "
    cased = f" {cas} " if low != cas else None  # nothing capitalised: the case-kept search finds nothing
    raw = _raw(gz, text, lowered, cased)
    if not raw:
        return []
    for c in raw:
        c.ext_end, c.suffix = _suffix(gz, text, lowered, c.end)
        if c.suffix and not any(p.kind == "city" and ((p.country, p.admin) in c.suffix or (p.country, None) in c.suffix)
                                for p, _ in gz.candidates(c.key)):
            # "Fresno Victoria" in a list: no Fresno lies in Victoria (AU), so it qualifies nothing;
            # nor does a state qualify itself ("Victoria, Victoria" is the city named twice).
            c.ext_end, c.suffix = c.end, frozenset()
    kept = [c for c in raw if _accepted(gz, c, cased_src, lowered, field_mode, hints)]
    chosen = _non_overlapping(kept)
    doc_hints = Hints() if hints is None else Hints(set(hints.admins), set(hints.countries), set(hints.place_ids),
                                                    hints.default_country, hints.home_country)
    if field_mode and len(chosen) > 1:  # first: a part it drops leaves no hint behind
        chosen = _field_consensus(gz, chosen, doc_hints)
    for c in chosen:
        for country, admin in c.suffix:
            doc_hints.countries.add(country)
            if admin:
                doc_hints.admins.add((country, admin))
        cands = gz.candidates(c.key)
        if len(cands) == 1:
            doc_hints.add(cands[0][0])
    out: list[Match] = []
    for c in chosen:
        ranked = sorted(gz.candidates(c.key), key=lambda pp: -_score(pp[0], pp[1], c, doc_hints))
        best = ranked[0][0]
        decided = _score(best, ranked[0][1], c, doc_hints) >= 50 or len(ranked) == 1 or (
            # A site's field naming the one place of that name in the deployment's country ("San Diego"
            # on a US site; Spain's and Colombia's are abroad) is decided: it is evidence for the text.
            field_mode and best.country == doc_hints.default_country
            and sum(p.country == best.country for p, _ in ranked) == 1)
        alts = () if decided else tuple(p for p, _ in ranked[1:6])
        out.append(Match(best, view.span(c.start, c.ext_end), alts))
    return out


def _field_consensus(gz: Gazetteer, chosen: list[_Cand], hints: Hints) -> list[_Cand]:
    """A site's location field names one area ("Richmond, Pasadena, Glendale"): a state or country
    that readings of two or more of its parts share decides the ambiguous parts, and a part that can
    only be read in another country is a local namesake (a neighbourhood named after a foreign city),
    dropped unless a state or country is written after it."""
    home = hints.default_country
    if home and any(p.country == home for c in chosen for p, _ in gz.candidates(c.key)):
        # The site lists places in the deployment's country: a part read only abroad is a local
        # namesake ("SoMa" in San Francisco is no Turkish town), and only home readings vote (two
        # parts that both have a Colombian namesake do not make the field Colombian).
        chosen = [c for c in chosen if c.suffix or any(p.country == home for p, _ in gz.candidates(c.key))]
    votes: dict[tuple[str, str | None], int] = {}
    for key in {c.key for c in chosen}:  # a name written twice is one part's evidence
        for pair in {(p.country, p.admin) for p, _ in gz.candidates(key)}:
            if not home or pair[0] == home or not any(p.country == home for p, _ in gz.candidates(key)):
                votes[pair] = votes.get(pair, 0) + 1
    top = max(votes.values(), default=0)
    leaders = [pair for pair, n in votes.items() if n == top]
    if top < 2 or len({country for country, _ in leaders}) > 1:
        return chosen  # no area that two parts share, or two countries tie: nothing to decide
    country = leaders[0][0]
    hints.countries.add(country)
    hints.admins.update((c, a) for c, a in leaders if a)
    return [c for c in chosen if c.suffix or any(p.country == country for p, _ in gz.candidates(c.key))]


def _non_overlapping(cands: Iterable[_Cand]) -> list[_Cand]:
    """Longest first (a suffix counts), then leftmost; the result in text order."""
    taken: list[_Cand] = []
    for c in sorted(cands, key=lambda c: (-(c.ext_end - c.start), c.start)):
        if all(c.ext_end <= t.start or c.start >= t.ext_end for t in taken):
            taken.append(c)
    return sorted(taken, key=lambda c: c.start)


def resolve(text: str) -> list[Place]:
    """Distinct places named in free text, in order of first appearance."""
    seen: set[int] = set()
    out: list[Place] = []
    for m in find(normalise(text)):
        if m.place.id not in seen:
            seen.add(m.place.id)
            out.append(m.place)
    return out


__all__ = ["PLAIN", "Hints", "Match", "find", "resolve"]
