"""Bundles: the versioned, Ed25519-signed JSON that carries signals (or their retraction) between orgs.

The signature covers the canonical bytes of every field but `signature` (keys sorted, compact JSON),
so changing any signal, the issuer, the key id or a date breaks it. See docs/exchange.md.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from adtrace import errors
from adtrace.exchange.keys import OrgKeys
from adtrace.exchange.signals import SCHEME, TYPES
from adtrace.i18n import _
from adtrace.storage.db import now

FORMAT = "adtrace.exchange.bundle"
VERSION = 1
KINDS = ("signals", "retraction")
MAX_ITEMS = 500_000
BAD_SIGNATURE = errors.BAD_SIGNATURE
UNKNOWN_ISSUER = errors.UNKNOWN_ISSUER
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
OPINIONS = ("positive", "negative", "investigation")  # ThreatExchange's opinion classes (exchange.opinions)
_CATEGORY = re.compile(r"^[a-z0-9_.-]{1,64}$")

# Who may verify: (issuer, key id) -> public key, or None when the issuer is not trusted.
KeyLookup = Callable[[str, str], Ed25519PublicKey | None]


@dataclass(frozen=True)
class Signal:
    type: str
    hash: str
    category: str = "indicators_present"
    confidence: float = 0.5
    first_seen: str | None = None
    last_seen: str | None = None
    note: str = ""
    opinion: str | None = None  # positive | negative | investigation (absent: positive)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type, "hash": self.hash, "category": self.category,
                               "confidence": self.confidence, "first_seen": self.first_seen,
                               "last_seen": self.last_seen}
        if self.note:
            out["note"] = self.note
        if self.opinion:
            out["opinion"] = self.opinion
        return out


def canonical(bundle: Mapping[str, Any]) -> bytes:
    return orjson.dumps({k: v for k, v in bundle.items() if k != "signature"}, option=orjson.OPT_SORT_KEYS)


def bundle_id(bundle: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical(bundle)).hexdigest()[:32]


def _sign(body: dict[str, Any], keys: OrgKeys) -> dict[str, Any]:
    body["signature"] = base64.b64encode(keys.private().sign(canonical(body))).decode()
    return body


def _header(kind: str, keys: OrgKeys, consortium_id: str) -> dict[str, Any]:
    return {"format": FORMAT, "version": VERSION, "kind": kind, "issuer": keys.org, "key_id": keys.current,
            "created_at": now(), "hash_scheme": SCHEME, "consortium_key_id": consortium_id}


def make_signals(signals: Iterable[Signal], keys: OrgKeys, consortium_id: str) -> dict[str, Any]:
    body = _header("signals", keys, consortium_id)
    body["signals"] = [s.to_dict() for s in signals]
    _check_items(body)
    return _sign(body, keys)


def make_retraction(items: Iterable[tuple[str, str]], keys: OrgKeys, consortium_id: str,
                    reason: str = "") -> dict[str, Any]:
    body = _header("retraction", keys, consortium_id)
    body["retractions"] = [{"type": t, "hash": h} for t, h in items]
    body["reason"] = reason
    _check_items(body)
    return _sign(body, keys)


def _fail(what: str, field_name: str | None = None, hint: str = "", cli_hint: str = "") -> errors.InputError:
    return errors.InputError.at(errors.BAD_FIELD, what, field_name=field_name, hint=hint or "Ask the issuer for a fresh bundle",
                                cli_hint=cli_hint or ("" if hint else "the issuer makes one with `adtrace exchange export`"))


def check_shape(bundle: Any) -> dict[str, Any]:
    """The header and every item are well-formed (before any signature check)."""
    if not isinstance(bundle, dict):
        raise _fail("a bundle is a JSON object")
    if bundle.get("format") != FORMAT:
        raise _fail(f"not an adtrace exchange bundle (format {str(bundle.get('format'))[:40]!r})", "format")
    if bundle.get("version") != VERSION:
        raise _fail(f"bundle version {bundle.get('version')!r} is not supported (this adtrace reads {VERSION})",
                    "version", "Upgrade adtrace, or ask the issuer to export version 1")
    if bundle.get("kind") not in KINDS:
        raise _fail(f"unknown bundle kind {bundle.get('kind')!r}", "kind")
    for name in ("issuer", "key_id", "created_at", "hash_scheme", "consortium_key_id", "signature"):
        if not isinstance(bundle.get(name), str) or not bundle[name]:
            raise _fail("missing or not a string", name)
    if bundle["hash_scheme"] != SCHEME:
        raise _fail(f"unknown hash scheme {bundle['hash_scheme'][:60]!r}", "hash_scheme")
    _check_items(bundle)
    return bundle


def _check_items(bundle: Mapping[str, Any]) -> None:
    name = "signals" if bundle["kind"] == "signals" else "retractions"
    items = bundle.get(name)
    if not isinstance(items, list):
        raise _fail("must be a list", name)
    if len(items) > MAX_ITEMS:
        raise _fail(f"{len(items):,} items; at most {MAX_ITEMS:,} per bundle", name, "Split the export by date",
                    cli_hint="export what changed since a date with `--since`")
    for n, item in enumerate(items):
        where = f"{name}[{n}]"
        if not isinstance(item, dict) or item.get("type") not in TYPES:
            raise _fail(f"type must be one of {', '.join(TYPES)}", where)
        if not isinstance(item.get("hash"), str) or not _HEX64.match(item["hash"]):
            raise _fail("hash must be 64 lower-case hex digits", where)
        if name == "retractions":
            continue
        conf = item.get("confidence")
        if not isinstance(conf, int | float) or isinstance(conf, bool) or not 0 <= conf <= 1:
            raise _fail("confidence must be a number from 0 to 1", where)
        if not isinstance(item.get("category"), str) or not _CATEGORY.match(item["category"]):
            raise _fail("category must be 1-64 characters of a-z 0-9 _ . -", where)
        for f in ("first_seen", "last_seen"):
            if item.get(f) is not None and not isinstance(item[f], str):
                raise _fail(f"{f} must be an ISO 8601 string or null", where)
        note = item.get("note", "")
        if not isinstance(note, str) or len(note) > 500:
            raise _fail("note must be a string of at most 500 characters", where)
        if item.get("opinion") is not None and item["opinion"] not in OPINIONS:
            raise _fail(f"opinion must be one of {', '.join(OPINIONS)}", where)


def verify(bundle: Any, lookup: KeyLookup) -> dict[str, Any]:
    """Shape, then the issuer's key (must be trusted), then the Ed25519 signature. Returns the bundle."""
    body = check_shape(bundle)
    key = lookup(body["issuer"], body["key_id"])
    if key is None:
        raise errors.AuthError(message=f"issuer {body['issuer'][:60]!r} with key {body['key_id'][:20]!r} is not "
                               "trusted", code=UNKNOWN_ISSUER, http_status=403,
                               detail={"issuer": body["issuer"], "key_id": body["key_id"]},
                               cli_hint="check its public key with the issuer out of band, then run `adtrace exchange "
                               "trust PUBLIC_KEYS.json`",
                               web_hint=_("Ask an administrator to check the issuer's public key with them out of band and to trust it"))
    try:
        key.verify(base64.b64decode(body["signature"], validate=True), canonical(body))
    except (InvalidSignature, ValueError):
        raise errors.AuthError(message="the bundle's signature does not verify: it was changed after signing or "
                               "signed by another key. Do not use it; ask the issuer to send it again",
                               code=BAD_SIGNATURE, http_status=422) from None
    return body


def signals_of(bundle: Mapping[str, Any]) -> list[Signal]:
    return [Signal(s["type"], s["hash"], s["category"], float(s["confidence"]), s.get("first_seen"),
                   s.get("last_seen"), s.get("note", ""), s.get("opinion")) for s in bundle.get("signals", [])]
