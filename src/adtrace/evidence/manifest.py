"""Signed evidence manifests: which bytes left (or were captured), when, from where, signed by whom.

A manifest is JSON next to the evidence (`FILE.manifest.json`). Each item names a file relative to the
manifest's folder and, for a WARC capture, one record in it (`record` = WARC-Record-ID), with the
SHA-256 of the file (or of the record's block), the time (`exported_at` or the WARC-Date) and the source
URL. The signature is Ed25519 over the canonical JSON of every other field, as exchange bundles are
signed (`adtrace.exchange.bundles.canonical`), with the public key inside so anyone can check it; the
key id tells a court or partner which of the organisation's published keys made it.
"""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from adtrace import __version__, errors
from adtrace.exchange.bundles import canonical
from adtrace.exchange.keys import OrgKeys, key_id
from adtrace.i18n import _
from adtrace.storage.db import now

FORMAT = "adtrace.evidence-manifest"
VERSION = 1
SUFFIX = ".manifest.json"
_CHUNK = 1 << 20


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def _sha256_stream(stream: Any) -> str:
    h = hashlib.sha256()
    while chunk := stream.read(_CHUNK):
        h.update(chunk)
    return h.hexdigest()


def manifest_path(evidence: str | Path) -> Path:
    return Path(f"{evidence}{SUFFIX}")


def file_item(path: str | Path, *, source_url: str | None = None, exported_at: str | None = None,
              what: str = "") -> dict[str, Any]:
    """One exported file: name (no folders), size, SHA-256, when, and what it is (e.g. `graph case:3`)."""
    p = Path(path)
    if not p.is_file():
        raise errors.InputError.at(errors.FILE_NOT_FOUND, "no such file", path=str(path), hint="Check the path")
    item: dict[str, Any] = {"name": p.name, "bytes": p.stat().st_size, "sha256": _sha256_file(p),
                            "exported_at": exported_at or now()}
    if source_url:
        item["source_url"] = source_url
    if what:
        item["what"] = what
    return item


def _warc_records(path: Path) -> Iterable[tuple[str, str, str, str, str]]:
    """(record id, type, date, target URI, SHA-256 of the block) of each record, in file order."""
    from warcio.archiveiterator import ArchiveIterator

    with path.open("rb") as fh:
        for rec in ArchiveIterator(fh, no_record_parse=True):
            h = rec.rec_headers
            yield (str(h.get_header("WARC-Record-ID") or ""), str(rec.rec_type), str(h.get_header("WARC-Date") or ""),
                   str(h.get_header("WARC-Target-URI") or ""), _sha256_stream(rec.raw_stream))


def warc_items(path: str | Path) -> list[dict[str, Any]]:
    """One item per captured record (request, response, metadata ...), plus the file as a whole."""
    p = Path(path)
    whole = file_item(p, what="warc file")
    items = [whole]
    try:
        for rid, rtype, date, uri, digest in _warc_records(p):
            item = {"name": p.name, "record": rid, "type": rtype, "sha256": digest, "captured_at": date}
            if uri:
                item["source_url"] = uri
            items.append(item)
    except Exception as exc:  # warcio raises plain exceptions on a damaged file
        raise errors.InputError.at(errors.UNKNOWN_FORMAT, f"not a readable WARC file ({exc})", path=str(p)) from None
    return items


def make(items: list[dict[str, Any]], keys: OrgKeys, *, created_by: str, purpose: str = "") -> dict[str, Any]:
    public = keys.public(keys.current).public_bytes_raw()
    body: dict[str, Any] = {"format": FORMAT, "version": VERSION, "adtrace": __version__, "issuer": keys.org,
                            "key_id": keys.current, "public_key": public.hex(), "created_at": now(),
                            "created_by": created_by, "purpose": purpose, "hash": "sha256", "items": items}
    body["signature"] = base64.b64encode(keys.private().sign(canonical(body))).decode()
    return body


def write_for(evidence: str | Path, items: list[dict[str, Any]], keys: OrgKeys, *, created_by: str,
              purpose: str = "") -> Path:
    """Sign `items` and write the manifest next to `evidence` (FILE.manifest.json)."""
    out = manifest_path(evidence)
    tmp = out.with_suffix(".tmp")
    tmp.write_bytes(orjson.dumps(make(items, keys, created_by=created_by, purpose=purpose),
                                 option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE))
    os.replace(tmp, out)
    return out


def sign_if_keys(evidence: str | Path, items: list[dict[str, Any]], *, created_by: str, purpose: str = "",
                 keys_dir: str | Path | None = None) -> Path | None:
    """Write the manifest when the organisation has signing keys; None (nothing written) when it has none."""
    from adtrace.exchange import keys as xk

    try:
        ring = xk.load(keys_dir)
    except errors.ConfigError:
        return None
    return write_for(evidence, items, ring, created_by=created_by, purpose=purpose)


@dataclass
class Verdict:
    ok: bool
    manifest: str
    issuer: str = ""
    key_id: str = ""
    signature: str = "not checked"  # valid | invalid | untrusted key | not checked
    items: int = 0
    problems: list[str] = field(default_factory=list)  # each names the item

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _load(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise errors.InputError.at(errors.FILE_NOT_FOUND, _("no such file"), path=str(path),
                                   hint=_("Give the manifest or the file it describes (its manifest ends %(suffix)s)")
                                   % {"suffix": SUFFIX})
    try:
        body = orjson.loads(path.read_bytes())
    except orjson.JSONDecodeError as exc:
        raise errors.InputError.at(errors.BAD_JSON, _("broken JSON at column %(col)s (%(why)s)")
                                   % {"col": exc.colno, "why": exc.msg}, path=str(path), line=exc.lineno) from None
    if not isinstance(body, dict) or body.get("format") != FORMAT:
        raise errors.InputError.at(errors.BAD_FIELD, _("not an adtrace evidence manifest"), path=str(path),
                                   field_name="format")
    for name in ("issuer", "key_id", "public_key", "signature"):
        if not isinstance(body.get(name), str):
            raise errors.InputError.at(errors.MISSING_FIELD, "missing or not a string", path=str(path),
                                       field_name=name)
    if not isinstance(body.get("items"), list):
        raise errors.InputError.at(errors.BAD_FIELD, "must be a list", path=str(path), field_name="items")
    return body


def _check_signature(body: Mapping[str, Any], trusted: Mapping[str, str] | None) -> str:
    try:
        raw = bytes.fromhex(body["public_key"])
        public = Ed25519PublicKey.from_public_bytes(raw)
        public.verify(base64.b64decode(body["signature"], validate=True), canonical(body))
    except (ValueError, InvalidSignature):
        return "invalid"
    if key_id(raw) != body["key_id"]:
        return "invalid"
    if trusted is not None and trusted.get(body["key_id"]) != body["public_key"]:
        return "untrusted key"
    return "valid"


def _item_label(item: Mapping[str, Any]) -> str:
    return f"{item.get('name')} record {item['record']}" if item.get("record") else str(item.get("name"))


def verify(path: str | Path, trusted: Mapping[str, str] | None = None) -> Verdict:
    """Check the signature, then every item's SHA-256 against the files next to the manifest.

    `path` is the manifest or the evidence file (then FILE.manifest.json is read). `trusted`: key id ->
    public key hex of keys known to be the issuer's (from `adtrace exchange keys --public`)."""
    p = Path(path)
    if not p.name.endswith(SUFFIX) and manifest_path(p).is_file():
        p = manifest_path(p)
    body = _load(p)
    verdict = Verdict(False, str(p), str(body["issuer"]), str(body["key_id"]), items=len(body["items"]))
    verdict.signature = _check_signature(body, trusted)
    if verdict.signature != "valid":
        verdict.problems.append(f"manifest: signature {verdict.signature}")
    warcs: dict[str, dict[str, str]] = {}
    for item in body["items"]:
        name = str(item.get("name", "")) if isinstance(item, dict) else ""
        target = p.parent / name
        if not name or Path(name).name != name:  # names are plain file names: nothing outside the folder
            verdict.problems.append(f"{name or '?'}: not a plain file name")
            continue
        if not target.is_file():
            verdict.problems.append(f"{_item_label(item)}: missing")
            continue
        if item.get("record"):
            if name not in warcs:
                try:
                    warcs[name] = {rid: digest for rid, _t, _d, _u, digest in _warc_records(target)}
                except Exception:  # warcio raises plain exceptions on a damaged file
                    warcs[name] = {}
                    verdict.problems.append(f"{name}: not a readable WARC file (altered or damaged)")
            got = warcs[name].get(str(item["record"]))
        else:
            got = _sha256_file(target)
        if got is None:
            verdict.problems.append(f"{_item_label(item)}: record missing")
        elif got != item.get("sha256"):
            verdict.problems.append(f"{_item_label(item)}: SHA-256 differs (altered)")
    verdict.ok = not verdict.problems
    return verdict
