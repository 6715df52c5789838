"""Signals: normalised identifiers turned into keyed hashes (HMAC-SHA256 with a consortium key).

Why keyed: a phone number has ~10^10 possible values, so a plain SHA-256 of one is reversed by hashing
every number in an afternoon. With HMAC, only holders of the consortium key can test a guess. Images are
the exception: PDQ hashes stay PDQ, because a keyed hash would destroy the similarity that lets two
re-encoded copies of one photo match (Hamming distance <= 31).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import phonenumbers

from adtrace import errors
from adtrace.i18n import _

TYPES = ("phone", "email", "handle", "payment", "pdq")
KEYED = ("phone", "email", "handle", "payment")
SCHEME = "hmac-sha256/adtrace-signal-v1"
_GMAIL = ("gmail.com", "googlemail.com")


@dataclass(frozen=True)
class Identifier:
    """One normalised identifier as found in a Record (never leaves the organisation)."""

    type: str
    value: str


def normalise(kind: str, value: str, platform: str | None = None, region: str = "US") -> str:
    """The one spelling every organisation agrees on, so equal identifiers hash equal.

    phone: E.164; email: lower case (gmail: dots and +tags removed, googlemail -> gmail);
    handle/payment: "platform:name" lower case without @ or $; pdq: 64 lower-case hex digits.
    """
    value = value.strip()
    if kind == "phone":
        try:
            num = phonenumbers.parse(value, None if value.startswith("+") else region)
        except phonenumbers.NumberParseException:
            num = None
        if num is None or not phonenumbers.is_possible_number(num):
            raise _bad(kind, value, "Write phones with a country code, e.g. +1 213 555 0147")
        return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)
    if kind == "email":
        local, at, domain = value.lower().rpartition("@")
        if not at or not local or "." not in domain:
            raise _bad(kind, value, "Write emails as name@domain")
        if domain in _GMAIL:  # Gmail ignores dots and everything after '+': one mailbox, many spellings
            local, domain = local.split("+", 1)[0].replace(".", ""), "gmail.com"
        return f"{local}@{domain}"
    if kind in ("handle", "payment"):
        if platform is None and ":" in value:
            platform, value = value.split(":", 1)
        name = value.strip().lstrip("@$").lower()
        plat = (platform or "").strip().lower()
        if not name or not plat:
            raise _bad(kind, value, "Write handles as platform:name, e.g. instagram:some_name")
        return f"{plat}:{name}"
    if kind == "pdq":
        hexed = value.lower()
        if len(hexed) != 64 or any(c not in "0123456789abcdef" for c in hexed):
            raise _bad(kind, value, "A PDQ hash is 64 hexadecimal digits")
        return hexed
    raise _bad(kind, value, f"Use one of: {', '.join(TYPES)}")


def _bad(kind: str, value: str, hint: str) -> errors.InputError:
    # Never echo the whole identifier back: messages end up in logs.
    shown = value[:3] + "…" if len(value) > 3 else value
    return errors.InputError.at(errors.BAD_FIELD, f"cannot read {kind} {shown!r}", field_name=kind, hint=hint)


def keyed_hash(key: bytes, kind: str, normalised: str) -> str:
    """HMAC-SHA256 of one normalised identifier; the type is bound in, so a phone never equals an email."""
    if kind not in KEYED:
        raise errors.InputError.at(errors.BAD_FIELD, f"{kind} signals are not keyed-hashed", field_name="type",
                                   hint=f"only {', '.join(KEYED)} signals are; PDQ image hashes are shared as they are")
    if len(key) < 32:
        raise errors.ConfigError("the consortium key must be at least 32 bytes", code=errors.WEAK_CONSORTIUM_KEY,
                                 cli_hint="make one with `adtrace exchange keys --new-consortium-key`",
                                 web_hint=_("Ask an administrator to install a new consortium key"))
    msg = f"{SCHEME}\x00{kind}\x00{normalised}".encode()
    return hmac.new(key, msg, hashlib.sha256).hexdigest()


def consortium_key_id(key: bytes) -> str:
    """A public name for a consortium key (bundles carry it so a mismatch is caught, not silently missed)."""
    return hmac.new(key, b"adtrace consortium key id", hashlib.sha256).hexdigest()[:16]


def identifiers(record: Mapping[str, Any], region: str = "US") -> list[Identifier]:
    """Every identifier of a Record, normalised; values that cannot be normalised are skipped."""
    found: list[tuple[str, str, str | None]] = []
    found += [("phone", str(p.get("value", "")), None) for p in record.get("phones") or ()]
    found += [("email", str(e.get("value", "")), None) for e in record.get("emails") or ()]
    found += [("handle", str(h.get("value", "")), h.get("platform")) for h in record.get("handles") or ()]
    found += [("payment", str(p.get("value", "")), p.get("platform")) for p in record.get("payments") or ()]
    found += [("pdq", str(i.get("pdq")), None) for i in record.get("images") or ()
              if isinstance(i, Mapping) and isinstance(i.get("pdq"), str)]
    out: dict[tuple[str, str], Identifier] = {}
    for kind, value, platform in found:
        try:
            norm = normalise(kind, value, platform or None, region)
        except errors.InputError:
            continue
        out.setdefault((kind, norm), Identifier(kind, norm))
    return list(out.values())


def signal_hashes(key: bytes, idents: Iterable[Identifier]) -> list[tuple[str, str]]:
    """(type, hash) for each identifier: HMAC for keyed types, the PDQ hex itself for images."""
    return [(i.type, i.value if i.type == "pdq" else keyed_hash(key, i.type, i.value)) for i in idents]
