from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adtrace import errors
from adtrace.exchange.signals import consortium_key_id, identifiers, keyed_hash, normalise, signal_hashes

KEY = bytes(range(32))


def test_same_phone_written_three_ways_gives_one_hash() -> None:
    ways = ["+1 (213) 473-0188", "213.473.0188", "2134730188"]
    hashes = {keyed_hash(KEY, "phone", normalise("phone", w)) for w in ways}
    assert len(hashes) == 1
    assert normalise("phone", ways[1]) == "+12134730188"


def test_gmail_dots_and_plus_tags_are_one_mailbox() -> None:
    a = normalise("email", "Jane.Doe+ads@gmail.com")
    assert a == normalise("email", "janedoe@googlemail.com") == "janedoe@gmail.com"
    # Other providers keep dots: they may be different mailboxes there.
    assert normalise("email", "Jane.Doe@Example.org") == "jane.doe@example.org"


def test_handles_are_platform_scoped_and_lower_case() -> None:
    assert normalise("handle", "@Sweet_Jane", "Instagram") == "instagram:sweet_jane"
    assert normalise("handle", "instagram:SWEET_JANE") == "instagram:sweet_jane"
    assert normalise("payment", "$JaneD", "cashapp") == "cashapp:janed"
    with pytest.raises(errors.InputError):
        normalise("handle", "no_platform")


def test_hash_depends_on_key_and_type() -> None:
    other = bytes(32)
    assert keyed_hash(KEY, "phone", "+12134730188") != keyed_hash(other, "phone", "+12134730188")
    assert keyed_hash(KEY, "handle", "x:a") != keyed_hash(KEY, "payment", "x:a")
    assert consortium_key_id(KEY) != consortium_key_id(other)


def test_pdq_is_not_keyed_and_plain_phone_hash_never_appears() -> None:
    import hashlib

    record = {"phones": [{"value": "+12134730188"}], "images": [{"pdq": "AB" * 32}]}
    out = dict(signal_hashes(KEY, identifiers(record)))
    assert out["pdq"] == "ab" * 32
    assert out["phone"] != hashlib.sha256(b"+12134730188").hexdigest()
    with pytest.raises(errors.InputError):
        keyed_hash(KEY, "pdq", "ab" * 32)


def test_short_key_refused() -> None:
    with pytest.raises(errors.ConfigError):
        keyed_hash(b"short", "phone", "+12134730188")


@given(st.from_regex(r"[a-z][a-z0-9._]{0,10}(\+[a-z0-9]{1,5})?", fullmatch=True))
def test_gmail_normalisation_is_idempotent_and_case_blind(local: str) -> None:
    once = normalise("email", f"{local}@gmail.com")
    assert normalise("email", once) == once
    assert normalise("email", f"{local.upper()}@GMAIL.COM") == once
    assert "+" not in once and "." not in once.split("@")[0]
