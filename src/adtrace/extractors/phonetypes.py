"""`phonenumbers`' number typing and validation: the same answers at a fraction of the cost.

`phonenumbers` checks a national number against up to eleven descriptions one at a time, looking
each pattern up in re's cache on the way (~2 µs a description; a NANP number can meet 25 regions'
worth). Here the descriptions that a number of a given length can match are compiled once per
region and length into one alternation, tried in `phonenumbers`' order, so a number costs one or two
regex calls. Every answer equals `phonenumbers`' (tests/extractors/test_phonetypes.py compares them).
"""

from __future__ import annotations

import re
from typing import Any

from phonenumbers import (
    COUNTRY_CODE_TO_REGION_CODE,
    REGION_CODE_FOR_NON_GEO_ENTITY,
    PhoneMetadata,
    PhoneNumberType,
    country_code_for_valid_region,
)

# `_number_type_helper`'s order: the first description that matches names the type.
_ORDER = (
    ("premium_rate", PhoneNumberType.PREMIUM_RATE), ("toll_free", PhoneNumberType.TOLL_FREE),
    ("shared_cost", PhoneNumberType.SHARED_COST), ("voip", PhoneNumberType.VOIP),
    ("personal_number", PhoneNumberType.PERSONAL_NUMBER), ("pager", PhoneNumberType.PAGER),
    ("uan", PhoneNumberType.UAN), ("voicemail", PhoneNumberType.VOICEMAIL),
    ("fixed_line", PhoneNumberType.FIXED_LINE), ("mobile", PhoneNumberType.MOBILE),
)

_Typer = tuple["re.Pattern[str] | None", "re.Pattern[str] | None", tuple[int, ...], "re.Pattern[str] | None"]
# (id(metadata), length) -> typer; the metadata object is kept so its id stays its own.
_TYPERS: dict[tuple[int, int], tuple[Any, _Typer]] = {}


def _pattern(desc: Any, length: int) -> str | None:
    """A description's pattern when a number of `length` digits can match it (as `_is_number_matching_desc`)."""
    if desc is None:
        return None
    if len(desc.possible_length) > 0 and length not in desc.possible_length:
        return None
    pattern: str | None = desc.national_number_pattern
    return pattern or None


def _typer(metadata: Any, length: int) -> _Typer:
    key = (id(metadata), length)
    hit = _TYPERS.get(key)
    if hit is not None and hit[0] is metadata:
        return hit[1]
    general = _pattern(metadata.general_desc, length)
    same = metadata.same_mobile_and_fixed_line_pattern
    branches: list[str] = []
    kinds: list[int] = []
    for name, kind in _ORDER:
        if name == "mobile" and same:
            continue  # phonenumbers tries mobile on its own only when it differs from fixed line
        pattern = _pattern(getattr(metadata, name), length)
        if pattern is not None:
            branches.append(f"(?P<t{len(kinds)}>{pattern})")
            kinds.append(kind)
    mobile = _pattern(metadata.mobile, length)
    typer: _Typer = (
        re.compile(general) if general else None,
        re.compile("|".join(branches)) if branches else None,
        tuple(kinds),
        re.compile(mobile) if mobile and not same else None,
    )
    _TYPERS[key] = (metadata, typer)
    return typer


def number_type(nsn: str, metadata: Any) -> int:
    """What `phonenumberutil._number_type_helper(nsn, metadata)` returns."""
    general, union, kinds, mobile = _typer(metadata, len(nsn))
    if general is None or union is None or general.fullmatch(nsn) is None:
        return PhoneNumberType.UNKNOWN
    m = union.fullmatch(nsn)  # the alternation's first branch that matches the whole number
    if m is None:
        return PhoneNumberType.UNKNOWN
    kind = next(k for i, k in enumerate(kinds) if m.group(f"t{i}") is not None)
    if kind == PhoneNumberType.FIXED_LINE and (
            metadata.same_mobile_and_fixed_line_pattern or (mobile is not None and mobile.fullmatch(nsn))):
        return PhoneNumberType.FIXED_LINE_OR_MOBILE
    return kind


def valid_for_region(cc: int, nsn: str, region: str | None) -> bool:
    """What `phonenumbers.is_valid_number_for_region` returns for the number cc + nsn."""
    if region is None:
        return False
    metadata = PhoneMetadata.metadata_for_region_or_calling_code(cc, region.upper())
    if metadata is None or (region != REGION_CODE_FOR_NON_GEO_ENTITY and cc != country_code_for_valid_region(region)):
        return False
    return number_type(nsn, metadata) != PhoneNumberType.UNKNOWN


def region_for(cc: int, nsn: str) -> str | None:
    """What `phonenumbers.region_code_for_number` returns for the number cc + nsn."""
    regions = COUNTRY_CODE_TO_REGION_CODE.get(cc)
    if regions is None:
        return None
    if len(regions) == 1:
        return str(regions[0])
    finder = _region_finder(cc, len(nsn))
    m = finder.match(nsn) if finder is not None else None
    return None if m is None or m.lastgroup is None else str(regions[int(m.lastgroup[1:])])


_FINDERS: dict[tuple[int, int], re.Pattern[str] | None] = {}


def _region_finder(cc: int, length: int) -> re.Pattern[str] | None:
    """One alternation over the regions of a shared calling code, in `_region_code_for_number_from_list`'s
    order: a region wins when its leading digits start the number, or (when it has none) when the
    number has a type there (its general and some type description match the whole number). Each
    branch is group r<index>; the patterns hold no groups of their own, so `lastgroup` names the winner.
    """
    key = (cc, length)
    if key in _FINDERS:
        return _FINDERS[key]
    branches = []
    for i, region in enumerate(COUNTRY_CODE_TO_REGION_CODE[cc]):
        metadata = PhoneMetadata.metadata_for_region(region.upper(), None)
        if metadata is None:
            continue
        if metadata.leading_digits is not None:
            branches.append(f"(?P<r{i}>(?=(?:{metadata.leading_digits})))")
            continue
        general = _pattern(metadata.general_desc, length)
        types = [_pattern(getattr(metadata, name), length) for name, _ in _ORDER]
        types_ = [t for t in types if t is not None]
        if general is not None and types_:
            branches.append(f"(?P<r{i}>(?=(?:{general})\\Z)(?:{'|'.join(types_)})\\Z)")
    finder = re.compile("|".join(branches)) if branches else None
    _FINDERS[key] = finder
    return finder


def is_valid(cc: int, nsn: str) -> bool:
    """What `phonenumbers.is_valid_number` returns for the number cc + nsn."""
    return valid_for_region(cc, nsn, region_for(cc, nsn))
