"""Key custody: the organisation's Ed25519 signing keys (rotated, old ones kept) and the consortium key.

Both live in one directory readable by the owner only ($ADTRACE_EXCHANGE_KEYS, else the user's data
directory). Private keys never enter the database or a bundle; partners receive only public keys.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from adtrace import errors
from adtrace.i18n import _
from adtrace.storage.db import now

ENV_VAR = "ADTRACE_EXCHANGE_KEYS"
NO_KEYS = errors.NO_KEYS


def keys_dir(path: str | Path | None = None) -> Path:
    if path:
        return Path(path)
    if env := os.environ.get(ENV_VAR):
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir("adtrace", appauthor=False)) / "exchange"


def key_id(public_raw: bytes) -> str:
    """A short public name for a key: the first 16 hex digits of SHA-256 of its raw public bytes."""
    return hashlib.sha256(public_raw).hexdigest()[:16]


@dataclass
class OrgKeys:
    """The organisation's name and its signing keys; `current` signs, the others only verify."""

    org: str
    current: str
    keys: list[dict[str, Any]] = field(default_factory=list)

    def private(self, kid: str | None = None) -> Ed25519PrivateKey:
        entry = self._entry(kid or self.current)
        return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(entry["private"]))

    def public(self, kid: str) -> Ed25519PublicKey:
        return Ed25519PublicKey.from_public_bytes(bytes.fromhex(self._entry(kid)["public"]))

    def _entry(self, kid: str) -> dict[str, Any]:
        for k in self.keys:
            if k["id"] == kid:
                return k
        raise errors.ConfigError(f"no key {kid!r} for {self.org}", code=NO_KEYS)

    def public_info(self) -> dict[str, Any]:
        """What partners need to verify our bundles (old keys too: old bundles stay verifiable)."""
        return {"org": self.org, "current": self.current,
                "keys": [{"id": k["id"], "public": k["public"], "created_at": k["created_at"],
                          "retired_at": k.get("retired_at")} for k in self.keys]}


def _new_entry() -> dict[str, Any]:
    priv = Ed25519PrivateKey.generate()
    raw = priv.public_key().public_bytes_raw()
    return {"id": key_id(raw), "public": raw.hex(), "private": priv.private_bytes_raw().hex(),
            "created_at": now(), "retired_at": None}


def _write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    tmp.replace(path)


def load(directory: str | Path | None = None) -> OrgKeys:
    path = keys_dir(directory) / "org.json"
    if not path.exists():
        raise errors.ConfigError(f"no organisation keys in {path.parent}", code=NO_KEYS,
                                 cli_hint="make them with `adtrace exchange keys --org NAME`",
                                 web_hint=_("Ask an administrator to make the organisation's exchange keys"))
    try:
        raw = orjson.loads(path.read_bytes())  # not json.loads: it lets lone surrogates through, orjson refuses them
    except (OSError, orjson.JSONDecodeError) as exc:
        raise _damaged(path, str(exc)) from None
    keys = raw.get("keys") if isinstance(raw, dict) else None
    if not isinstance(keys, list) or not all(_entry_ok(k) for k in keys) or not isinstance(raw.get("org"), str) \
            or raw.get("current") not in [k["id"] for k in keys]:
        raise _damaged(path, "not the org, current and keys an adtrace key file holds")
    return OrgKeys(raw["org"], raw["current"], keys)


def _entry_ok(entry: Any) -> bool:
    """A key entry as `_new_entry` writes it: id, when it was made, and public and private keys in hex."""
    try:
        return isinstance(entry, dict) and isinstance(entry.get("id"), str) and isinstance(entry.get("created_at"), str) \
            and len(bytes.fromhex(entry["public"])) == 32 and len(bytes.fromhex(entry["private"])) == 32
    except (KeyError, TypeError, ValueError):
        return False


def _damaged(path: Path, why: str) -> errors.ConfigError:
    # The key files are the installation's, not the input's: a configuration error (exit 3), named.
    return errors.ConfigError(f"{path}: the key file cannot be read ({why[:160]}). Restore it from your backup; "
                              "never make new keys to replace lost ones without telling your partners",
                              code=errors.CONFIG, detail={"path": str(path)})


def save(keys: OrgKeys, directory: str | Path | None = None) -> Path:
    path = keys_dir(directory) / "org.json"
    _write_private(path, json.dumps({"org": keys.org, "current": keys.current, "keys": keys.keys}, indent=2).encode())
    return path


# An organisation's exchange name. Partners route tips to it, hand-offs and trust lists carry it
# (adtrace.tips checks a route with it), so a name that cannot be routed to is refused when the keys are made.
ORG_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def generate(org: str, directory: str | Path | None = None) -> OrgKeys:
    """A first keypair for `org`; refuses to overwrite existing keys (rotate instead)."""
    if not org.strip():
        raise errors.InputError.at(errors.BAD_FIELD, "empty organisation name", field_name="org",
                                   hint="Give your organisation's short name", cli_hint="pass `--org NAME`")
    if not ORG_NAME.match(org.strip()):
        raise errors.InputError.at(errors.BAD_FIELD, f"organisation name {org.strip()[:40]!r} has other characters "
                                   "than letters, digits, '_', '.' and '-' (or is over 64)", field_name="org",
                                   hint="Give a short name partners can route tips to, such as ngo-b")
    if (keys_dir(directory) / "org.json").exists():
        raise errors.ConfigError("organisation keys already exist", code=errors.KEYS_EXIST,
                                 cli_hint="rotate them with `adtrace exchange keys --rotate`")
    entry = _new_entry()
    keys = OrgKeys(org.strip(), entry["id"], [entry])
    save(keys, directory)
    return keys


def rotate(directory: str | Path | None = None) -> OrgKeys:
    """A new signing key becomes current; the old ones are marked retired and kept for verification."""
    keys = load(directory)
    entry = _new_entry()
    for k in keys.keys:
        if k["id"] == keys.current:
            k["retired_at"] = entry["created_at"]
    keys.keys.append(entry)
    keys.current = entry["id"]
    save(keys, directory)
    return keys


def consortium_key(directory: str | Path | None = None) -> bytes:
    path = keys_dir(directory) / "consortium.key"
    if not path.exists():
        raise errors.ConfigError(f"no consortium key in {path.parent}", code=NO_KEYS,
                                 cli_hint="make one (the first member) with `adtrace exchange keys --new-consortium-key`, "
                                 "or install the one your consortium shares with `adtrace exchange keys "
                                 "--consortium-key FILE`",
                                 web_hint=_("Ask an administrator to install the consortium key"))
    try:
        key = bytes.fromhex(path.read_bytes().decode("ascii").strip())
    except (OSError, ValueError) as exc:  # UnicodeDecodeError is a ValueError
        raise _damaged(path, str(exc)) from None
    if len(key) < 32:
        raise errors.ConfigError(f"{path}: the consortium key is shorter than 32 bytes", code=NO_KEYS)
    return key


def set_consortium_key(key: bytes | None = None, directory: str | Path | None = None) -> bytes:
    """Install the consortium's shared HMAC key (a new random one when `key` is None)."""
    key = key if key is not None else secrets.token_bytes(32)
    if len(key) < 32:
        raise errors.InputError.at(errors.BAD_FIELD, "the consortium key is shorter than 32 bytes",
                                   field_name="consortium-key", hint="Use the 64-hex-digit key your consortium shares")
    _write_private(keys_dir(directory) / "consortium.key", key.hex().encode() + b"\n")
    return key
