import random

import phonenumbers
from phonenumbers import geocoder

from adtrace.places.areacodes import _describe


def _reference(e164: str) -> tuple[str, str | None]:
    """What _describe stands for: phonenumbers' own calls, slow but plain."""
    try:
        num = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return "", None
    region = phonenumbers.region_code_for_number(num)
    if region is None:
        return "", None
    ntype = phonenumbers.number_type(num)
    if ntype == phonenumbers.PhoneNumberType.UNKNOWN:
        return "", region
    if not phonenumbers.is_number_type_geographical(ntype, num.country_code):
        return geocoder.country_name_for_number(num, "en"), region
    return geocoder.description_for_valid_number(num, "en"), region


def test_describe_equals_phonenumbers() -> None:
    rng = random.Random(11)
    numbers = ["+17025550123", "+12075550123", "+18005550123", "+14165550123", "+18765550123", "+442079460000",
               "+5215512345678", "+525512345678", "+61291234567", "+5491123456789", "+33123456789"]
    for _ in range(1500):
        cc = rng.choice(["1", "1", "1", "44", "52", "61", "54", "7", "49", "39", "91", "86"])
        numbers.append("+" + cc + str(rng.randint(2, 9)) + "".join(rng.choice("0123456789") for _ in range(rng.randint(7, 10))))
    for e164 in numbers:
        assert _describe(e164) == _reference(e164), e164
