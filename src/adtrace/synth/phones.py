"""Valid phone numbers for a city and the ways ads write them down (obfuscation kinds).

Every kind keeps the digits recoverable by a reader (that is the point of an ad); `REFERENCE` is the
generator's own reverse mapping so tests can check recoverability without the project's extractor.
"""

from __future__ import annotations

import random
from typing import NamedTuple

from adtrace.synth.vocab import COUNTRY_CODE, City


class Phone(NamedTuple):
    e164: str
    national: str  # digits as written locally, trunk prefix included (GB/AU "0...")
    groups: tuple[str, ...]  # how locals group those digits
    country: str


_MASK = (1 << 64) - 1


def _mix(key: int) -> int:
    """splitmix64: a cheap, stable bijection so a phone can be derived from an integer key."""
    key = (key + 0x9E3779B97F4A7C15) & _MASK
    key = ((key ^ (key >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    key = ((key ^ (key >> 27)) * 0x94D049BB133111EB) & _MASK
    return key ^ (key >> 31)


def phone_for(city: City, key: int) -> Phone:
    """The phone derived from `key` in the city's country and one of its area codes (deterministic)."""
    h = _mix(key)
    code = city.codes[h % len(city.codes)]
    h //= 7
    if city.country in ("US", "CA"):
        exchange = 200 + h % 800
        if exchange % 100 == 11 or exchange == 555:  # N11 service codes and the fictional 555 block
            exchange += 1
        line = f"{(h // 800) % 10000:04d}"
        nat = f"{code}{exchange}{line}"
        return Phone(f"+1{nat}", nat, (code, str(exchange), line), city.country)
    return _foreign(city, code, h)


_VALID_PREFIX: dict[str, bool] = {}


def _foreign(city: City, code: str, h: int) -> Phone:
    import phonenumbers  # only foreign numbers need a validity check; keeps import fast

    cc = COUNTRY_CODE[city.country]
    for _ in range(200):
        if city.country == "MX":
            rest = f"{h % 10**10:010d}"[: 10 - len(code)]
            nsn = code + str(2 + int(rest[0]) % 8) + rest[1:]
        elif city.country == "GB":
            nsn = "7" + str(4 + h % 6) + f"{(h // 6) % 10**8:08d}"
        else:  # AU mobiles
            nsn = "4" + f"{h % 10**8:08d}"
        # Validity of these fixed-length plans is decided by the first six digits (the metadata's
        # ranges), so one check per prefix serves every number under it.
        ok = _VALID_PREFIX.get(cc + nsn[:6])
        if ok is None:
            ok = _VALID_PREFIX[cc + nsn[:6]] = phonenumbers.is_valid_number(phonenumbers.parse(f"+{cc}{nsn}"))
        if ok:
            break
        h = _mix(h)
    if city.country == "MX":
        groups = (nsn[:-8], nsn[-8:-4], nsn[-4:]) if len(code) == 2 else (nsn[:3], nsn[3:6], nsn[6:])
        return Phone(f"+{cc}{nsn}", nsn, groups, "MX")
    nat = "0" + nsn
    parts: tuple[str, ...] = (nat[:5], nat[5:]) if city.country == "GB" else (nat[:4], nat[4:7], nat[7:])
    return Phone(f"+{cc}{nsn}", nat, parts, city.country)


# --- how digits get written -------------------------------------------------------------------
_WORDS_EN = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_WORDS_ES = ("cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve")
_MISSPELT = (("oh", "zer0"), ("wun",), ("tw0",), ("thre", "thr33"), ("fuor", "fore"), ("fyve", "fiv"),
             ("sixx", "siks"), ("sevn", "sevin"), ("eigth", "eigh"), ("nyne", "nien"))
_FULLWIDTH = tuple(chr(0xFF10 + d) for d in range(10))
_CIRCLED = ("⓪", *(chr(0x2460 + d) for d in range(9)))
_KEYCAP = tuple(f"{d}\ufe0f\u20e3" for d in range(10))
_CJK = ("零", "一", "二", "三", "四", "五", "六", "七", "八", "九")
CYRILLIC_O = "\u041e"

# Reverse mapping of every non-digit form planted above (tests decode with it).
REFERENCE: dict[str, str] = {}
for _d in range(10):
    for _form in (_WORDS_EN[_d], _WORDS_ES[_d], *_MISSPELT[_d], _FULLWIDTH[_d], _CIRCLED[_d], _KEYCAP[_d],
                  _CJK[_d]):
        REFERENCE[_form] = str(_d)
REFERENCE.update({"o": "0", "O": "0", CYRILLIC_O: "0"})

KINDS = ("plain", "separators", "letter_o", "spelled", "misspelled", "fullwidth", "cyrillic", "circled",
         "keycap", "split_lines", "url", "cjk")

_US_PLAIN = ("({0}) {1}-{2}", "{0}-{1}-{2}", "{0}.{1}.{2}", "{0}{1}{2}", "{0} {1} {2}", "+1 {0} {1} {2}",
             "1-{0}-{1}-{2}")


def write(phone: Phone, kind: str, rng: random.Random, lang: str = "en") -> tuple[str, str]:
    """The phone as an ad writes it with this obfuscation kind -> (text, kind actually used).

    A kind that does not apply (no zero to disguise) falls back to another; the caller records the
    returned kind. "url" returns an empty text: the digits go in the URL instead.
    """
    r = rng.random
    d = phone.national
    g = phone.groups
    if kind == "plain":
        if phone.country in ("US", "CA"):
            return _US_PLAIN[int(r() * len(_US_PLAIN))].format(*g), kind
        if r() < 0.5:
            return f"+{COUNTRY_CODE[phone.country]} {phone.e164[len(COUNTRY_CODE[phone.country]) + 1:]}", kind
        return " ".join(g), kind
    if kind in ("letter_o", "cyrillic") and "0" not in d:
        kind = "separators"
    if kind == "separators":
        sep = (" . ", "-", "*", " ", "..", "_")[int(r() * 6)]
        if r() < 0.5:
            return sep.join(d), kind
        return sep.join(g), kind
    if kind == "letter_o":
        return "-".join(g).replace("0", "o" if r() < 0.7 else "O"), kind
    if kind == "cyrillic":
        return " ".join(g).replace("0", CYRILLIC_O), kind
    if kind in ("spelled", "misspelled"):
        words = _WORDS_ES if lang == "es" else _WORDS_EN
        out = []
        for ch in d:
            v = int(ch)
            p = r()
            if kind == "misspelled" and p < 0.45:
                alts = _MISSPELT[v]
                out.append(alts[int(r() * len(alts))])
            elif p < 0.75:
                out.append(words[v])
            else:
                out.append(ch)
        return " ".join(out), kind
    if kind == "fullwidth":
        return " ".join("".join(_FULLWIDTH[int(c)] for c in grp) for grp in g), kind
    if kind == "circled":
        return "".join(_CIRCLED[int(c)] for c in d), kind
    if kind == "keycap":
        return "".join(_KEYCAP[int(c)] for c in d), kind
    if kind == "cjk":
        return "".join(_CJK[int(c)] for c in d), kind
    if kind == "split_lines":
        return "\n".join(g), kind
    if kind == "url":
        return "", kind
    raise ValueError(f"unknown obfuscation kind {kind!r}")
