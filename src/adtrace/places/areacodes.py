"""The "places.area_code" extractor: where a phone number's area code is, as weaker evidence.

`phonenumbers`' offline geocoder names the area ("Las Vegas, NV", "Nevada", "London"); we keep it
only when that resolves to a city or state/province in the gazetteer (a bare country says little),
and only when it adds something: a 702 number in a Las Vegas ad adds nothing, in a Dallas ad it does.
An area code also re-decides names in the text that only population had decided ("Portland" with
a 207 number is Portland, Maine).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import phonenumbers
from phonenumbers import PhoneMetadata, geocoder
from phonenumbers.geodata import GEOCODE_DATA, GEOCODE_LONGEST_PREFIX

from adtrace.extractors.base import Context, Extractor
from adtrace.extractors.phonetypes import number_type, region_for
from adtrace.extractors.registry import register
from adtrace.places.extract import AMBIGUOUS
from adtrace.places.gazetteer import Place, lookup


@lru_cache(maxsize=4096)
def area_place(e164: str) -> Place | None:
    """The city or state a phone number's area code belongs to, if the geocoder knows it."""
    desc, region = _describe(e164)
    if not desc or not region:
        return None
    return _place_named(desc, region)


@lru_cache(maxsize=4096)
def _place_named(desc: str, region: str) -> Place | None:
    # Speed: numbers are mostly new, their descriptions are not (a few hundred in 100,000 ads).
    place: Place | None
    if ", " in desc:
        city, admin = desc.rsplit(", ", 1)
        place = lookup(city, admin, region)
    else:
        # "Oregon" is the state, not Oregon, Ohio; "London" is a city.
        place = lookup(desc, country=region, kind="admin") or lookup(desc, country=region)
    if place is None or place.kind == "country":
        return None
    return place


def _describe(e164: str) -> tuple[str, str | None]:
    """The geocoder's description of a number and its region: what `geocoder.description_for_number`
    and `phonenumbers.region_code_for_number` return, with the number read and typed once.

    Speed: parsing "+1..." costs ~10 µs where building the PhoneNumber costs ~1 µs, and
    `description_for_number` works out the region (costly for the ~25 NANP regions) twice more.
    """
    if len(e164) == 12 and e164.startswith("+1") and e164[2:].isdigit():
        num = phonenumbers.PhoneNumber(country_code=1, national_number=int(e164[2:]))
    else:
        try:
            num = phonenumbers.parse(e164, None)
        except phonenumbers.NumberParseException:
            return "", None
    # As `number_type`, without working out the region again; phonetypes gives phonenumbers' answers faster.
    cc = num.country_code
    if cc is None:
        return "", None
    nsn = phonenumbers.national_significant_number(num)
    region = region_for(cc, nsn)
    if region is None:
        return "", None  # no region: no place, whatever the description
    metadata = PhoneMetadata.metadata_for_region_or_calling_code(cc, region)
    if metadata is None:
        return "", region
    ntype = number_type(nsn, metadata)
    if ntype == phonenumbers.PhoneNumberType.UNKNOWN:
        return "", region
    if not phonenumbers.is_number_type_geographical(ntype, cc):
        return geocoder.country_name_for_number(num, "en"), region
    return _area_description(num, cc, nsn), region


def _area_description(num: phonenumbers.PhoneNumber, cc: int, nsn: str) -> str:
    """`geocoder.description_for_valid_number(num, "en")`, without the number's region: it works that
    out first (~25 regions' patterns for a NANP number) but, asked for no caller region, never uses it.
    """
    token = phonenumbers.country_mobile_token(cc)
    if token and nsn.startswith(token):
        return str(geocoder.description_for_valid_number(num, "en"))  # a mobile token (AR, MX): as is
    # The geocoder's own longest-prefix lookup over its public data: the E.164 digits are the country code
    # then the national significant number; the longest prefix with an English name wins.
    digits, found = f"{cc}{nsn}", ""
    for n in range(min(GEOCODE_LONGEST_PREFIX, len(digits)), 0, -1):
        names = GEOCODE_DATA.get(digits[:n])
        if names and "en" in names:
            found = names["en"]
            break
    return str(found) if found else str(geocoder.country_name_for_number(num, "en"))


def _redecide(places: list[dict[str, Any]], ambiguous: dict[int, tuple[Place, ...]], area: Place) -> None:
    for index, alternatives in ambiguous.items():
        current = places[index]
        if (current["country"], current["admin"]) == (area.country, area.admin):
            continue
        # A place in the area code's state first; else the state itself, when the name can mean it
        # ("Cali" with a 916 number is California, lexicon.STATE_NICKNAMES).
        there = [a for a in alternatives if (a.country, a.admin) == (area.country, area.admin)]
        alt = next((a for a in there if a.kind != "admin"), there[0] if there else None)
        if alt is not None:
            places[index] = alt.to_record(current["via"], tuple(current["span"]) if current["span"] else None,
                                          **({"field": current["field"]} if "field" in current else {}))


def _run(ctx: Context) -> None:
    places: list[dict[str, Any]] = ctx.record.setdefault("places", [])
    ambiguous: dict[int, tuple[Place, ...]] = ctx.record.get(AMBIGUOUS, {})
    for phone in ctx.record.get("phones", []):
        area = area_place(phone["value"])
        if area is None:
            continue
        if ambiguous and area.admin:
            _redecide(places, ambiguous, area)
        # Nothing new when the place, or another place in the same state, is already known.
        if any(p.get("geonameid") == area.id or (area.admin and (p["country"], p["admin"]) == (area.country, area.admin))
               for p in places):
            continue
        places.append(area.to_record("area_code", None, phone=phone["value"]))


register(Extractor("places.area_code", _run, assigns=("places.area_code",), requires=("phones",)))
