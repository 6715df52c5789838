import random

import phonenumbers
from phonenumbers import PhoneMetadata
from phonenumbers.phonenumberutil import COUNTRY_CODE_TO_REGION_CODE, _number_type_helper

from adtrace.extractors.phonetypes import is_valid, number_type, region_for, valid_for_region


def _numbers(rng: random.Random, n: int) -> list[str]:
    out = []
    for _ in range(n):
        length = rng.randint(4, 13)
        out.append(str(rng.randint(1, 9)) + "".join(rng.choice("0123456789") for _ in range(length - 1)))
    return out


def test_same_answers_as_phonenumbers() -> None:
    rng = random.Random(7)
    for cc in [1, 44, 52, 61, 7, 33, 39, 49, 55, 86, 91, 852, 800, 882]:
        regions = COUNTRY_CODE_TO_REGION_CODE[cc]
        for nsn in _numbers(rng, 300):
            num = phonenumbers.PhoneNumber(country_code=cc, national_number=int(nsn))
            assert region_for(cc, nsn) == phonenumbers.region_code_for_number(num)
            assert is_valid(cc, nsn) == phonenumbers.is_valid_number(num)
            for region in regions[:6]:
                assert valid_for_region(cc, nsn, region) == phonenumbers.is_valid_number_for_region(num, region)
                metadata = PhoneMetadata.metadata_for_region_or_calling_code(cc, region)
                if metadata is not None:
                    assert number_type(nsn, metadata) == _number_type_helper(nsn, metadata)


def test_valid_nanp_numbers_of_every_type() -> None:
    # Real shapes: random digits above are mostly invalid, these are mostly valid.
    rng = random.Random(3)
    for region in ["US", "CA", "JM", "PR", "BS"]:
        metadata = PhoneMetadata.metadata_for_region(region)
        assert metadata is not None
        for _ in range(400):
            nsn = str(rng.choice([rng.randint(2, 9) * 100 + rng.randint(0, 99), 800, 888, 900, 876, 787]))
            nsn += str(rng.randint(2, 9)) + "".join(rng.choice("0123456789") for _ in range(6))
            num = phonenumbers.PhoneNumber(country_code=1, national_number=int(nsn))
            assert number_type(nsn, metadata) == _number_type_helper(nsn, metadata)
            assert is_valid(1, nsn) == phonenumbers.is_valid_number(num)
            assert region_for(1, nsn) == phonenumbers.region_code_for_number(num)
