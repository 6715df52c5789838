"""Private set intersection (DH-PSI, semi-honest): two organisations learn which identifiers they share,
and nothing about the others beyond how many each holds.

Protocol, over NIST P-256 (docs/exchange.md has the full write-up):
  A (initiator) picks a secret scalar a, sends X_i = a·H(x_i), shuffled.           -> `psi start`
  B (responder) picks b, returns Z_i = b·X_i in A's order, and Y_j = b·H(y_j) shuffled. -> `psi respond`
  A computes a·Y_j and compares with Z_i = ab·H(x_i): equal exactly when x_i = y_j.   -> `psi finish`
H hashes to the curve by try-and-increment on SHA-256 (the discrete log of H(x) is unknown to all).
`cryptography` exposes scalar multiplication only as ECDH, which returns the x-coordinate; that is
enough, because x(k·P) = x(k·(-P)): re-blinding the point with either y gives the same x.
Security rests on the decisional Diffie-Hellman assumption in P-256 with H a random oracle; both
parties must follow the protocol (semi-honest). A party can still put guesses in its own set; cap set
sizes and audit runs (docs/exchange.md).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec

from adtrace import errors
from adtrace.exchange.signals import normalise

FORMAT = "adtrace.psi"
VERSION = 1
CURVE = ec.SECP256R1()
_P = 2**256 - 2**224 + 2**192 + 2**96 - 1  # the P-256 field prime
_DOMAIN = b"adtrace-psi-v1\x00"
MAX_ITEMS = 1_000_000


def element(line: str) -> str:
    """`type:value` (e.g. `phone:+1 213 555 0147`) -> the normalised element both sides compare."""
    kind, sep, value = line.strip().partition(":")
    if not sep:
        raise errors.InputError.at(errors.BAD_FIELD, "expected type:value", field_name="identifier",
                                   hint="Write one identifier a line, e.g. phone:+12135550147 or handle:instagram:name")
    return f"{kind.strip().lower()}:{normalise(kind.strip().lower(), value)}"


def hash_to_curve(item: str) -> bytes:
    """The x-coordinate (32 bytes) of a curve point derived from `item` (try-and-increment)."""
    data = item.encode()
    for ctr in range(256):
        x = int.from_bytes(hashlib.sha256(_DOMAIN + bytes([ctr]) + data).digest(), "big")
        if x >= _P:
            continue
        raw = x.to_bytes(32, "big")
        try:
            ec.EllipticCurvePublicKey.from_encoded_point(CURVE, b"\x02" + raw)
        except ValueError:  # x^3 - 3x + b is not a square: no point with this x; try the next counter
            continue
        return raw
    raise AssertionError("no curve point in 256 tries (probability 2^-256)")  # pragma: no cover


def new_secret() -> int:
    return int(ec.generate_private_key(CURVE).private_numbers().private_value)


def blind(secret: int, x: bytes) -> bytes:
    """x(secret·P) for the point P with x-coordinate `x` (either y: the x of the result is the same)."""
    try:
        point = ec.EllipticCurvePublicKey.from_encoded_point(CURVE, b"\x02" + x)
    except ValueError:
        raise errors.InputError.at(errors.BAD_FIELD, "a PSI item is not a point on P-256", field_name="items",
                                   hint="The file was damaged or made by another program; start again") from None
    return ec.derive_private_key(secret, CURVE).exchange(ec.ECDH(), point)


def _shuffled(items: list[str]) -> list[str]:
    out = list(items)
    secrets.SystemRandom().shuffle(out)
    return out


def read_identifiers(path: str) -> list[str]:
    """The lines of an identifiers file (`type:value` a line), or a located error."""
    try:
        return Path(path).read_bytes().decode("utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        code = errors.BAD_UTF8 if isinstance(exc, UnicodeDecodeError) else errors.FILE_NOT_FOUND
        raise errors.InputError.at(code, f"cannot read the identifiers ({exc})", path=path,
                                   hint="Give a UTF-8 text file with one type:value a line") from None


def _elements(lines: Iterable[str], path: str | None = None) -> list[str]:
    found = set()
    for n, s in enumerate(lines, 1):
        if not s.strip() or s.lstrip().startswith("#"):
            continue
        try:
            found.add(element(s))
        except errors.InputError as exc:  # said with the file and line, when there is a file
            if path is None:
                raise
            raise exc.in_file(path, n) from None
    items = sorted(found)
    if len(items) > MAX_ITEMS:
        raise errors.InputError.at(errors.BAD_FIELD, f"{len(items):,} identifiers; at most {MAX_ITEMS:,}",
                                   field_name="identifiers")
    return items


def start(lines: Iterable[str], path: str | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """Initiator, step 1: (request to send, private state to keep). `path`: the identifiers' file, for errors."""
    a = new_secret()
    order = _shuffled(_elements(lines, path))
    request = {"format": FORMAT, "version": VERSION, "step": "request", "curve": "P-256",
               "items": [blind(a, hash_to_curve(e)).hex() for e in order]}
    state = {"format": FORMAT, "version": VERSION, "step": "state", "secret": f"{a:064x}", "order": order}
    return request, state


def respond(request: dict[str, Any], lines: Iterable[str], path: str | None = None) -> dict[str, Any]:
    """Responder: re-blind the initiator's items (same order) and blind our own (shuffled)."""
    _check(request, "request")
    b = new_secret()
    ours = _shuffled(_elements(lines, path))
    return {"format": FORMAT, "version": VERSION, "step": "response", "curve": "P-256",
            "double": [blind(b, _hex32(x)).hex() for x in request["items"]],
            "items": [blind(b, hash_to_curve(e)).hex() for e in ours]}


def finish(state: dict[str, Any], response: dict[str, Any]) -> list[str]:
    """Initiator, step 2: the identifiers both sides hold (sorted)."""
    _check(state, "state")
    _check(response, "response")
    order: list[str] = state["order"]
    if len(response["double"]) != len(order):
        raise errors.InputError.at(errors.BAD_FIELD, "the response does not answer this request (item counts "
                                   "differ)", field_name="double", hint="Use the state file from the same `psi start`")
    a = int(state["secret"], 16)
    theirs = {blind(a, _hex32(y)) for y in response["items"]}
    return sorted(e for e, z in zip(order, response["double"], strict=True) if _hex32(z) in theirs)


def _hex32(value: Any) -> bytes:
    try:
        raw = bytes.fromhex(str(value))
    except ValueError:
        raw = b""
    if len(raw) != 32:
        raise errors.InputError.at(errors.BAD_FIELD, "a PSI item is not 32 bytes of hex", field_name="items")
    return raw


_FIELDS = {"request": ("items",), "response": ("double", "items"), "state": ("order",)}


def _check(msg: Any, step: str) -> None:
    if not isinstance(msg, dict) or msg.get("format") != FORMAT or msg.get("version") != VERSION:
        raise errors.InputError.at(errors.BAD_FIELD, f"not an adtrace PSI {step} file", field_name="format",
                                   cli_hint="pass the files `adtrace exchange psi start|respond` wrote")
    if msg.get("step") != step:
        raise errors.InputError.at(errors.BAD_FIELD, f"expected the {step} file, got a {msg.get('step')!r} file",
                                   field_name="step")
    for name in _FIELDS[step]:  # each step's lists must be there: a damaged file is refused here, not midway
        if not isinstance(msg.get(name), list) or len(msg[name]) > MAX_ITEMS:
            raise errors.InputError.at(errors.BAD_FIELD, "must be a list", field_name=name)
    if step == "state" and (not all(isinstance(e, str) for e in msg["order"])
                            or not re.fullmatch(r"[0-9a-f]{64}", str(msg.get("secret")))):
        raise errors.InputError.at(errors.BAD_FIELD, "not a PSI state file", field_name="secret",
                                   cli_hint="use the state file `adtrace exchange psi start` wrote for this exchange")
