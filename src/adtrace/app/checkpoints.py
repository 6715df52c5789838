"""Signed audit-head checkpoints: proof, kept outside the database, of how far the audit log reached.

The chain in `audit_log` catches an edited or deleted row, but someone who can write the whole database
can cut the tail and move the head back, wipe the log, or recompute a fresh chain. A checkpoint is the
head's (seq, hash) at a moment, signed with the organisation's Ed25519 key (the exchange keys,
`adtrace exchange keys --org NAME`; the private key never enters the database) and appended as one JSON
line to a file elsewhere (another disk, a partner, a printout). Checking the database against those
lines finds each of the three: the row a checkpoint names must still be there with the same hash.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import sqlalchemy as sa
from cryptography.exceptions import InvalidSignature

from adtrace import errors
from adtrace.storage import audit
from adtrace.storage.db import now, read

KIND = "adtrace.audit-checkpoint.v1"


def _body(c: dict[str, Any]) -> bytes:
    return orjson.dumps({k: c[k] for k in ("kind", "org", "key", "seq", "hash", "at")}, option=orjson.OPT_SORT_KEYS)


def make(engine: sa.Engine, keys_dir: str | Path | None = None, actor: str = "cli") -> dict[str, Any]:
    """Sign the current audit head with the organisation's current key; the checkpoint is audited too."""
    from adtrace.exchange import keys as org_keys

    k = org_keys.load(keys_dir)
    with read(engine) as conn:
        head = audit.head(conn)
    seq, h = head if head else (0, audit.GENESIS)
    c: dict[str, Any] = {"kind": KIND, "org": k.org, "key": k.current, "seq": seq, "hash": h, "at": now()}
    c["sig"] = k.private().sign(_body(c)).hex()
    audit.append(engine, actor, "audit_checkpoint", str(seq), {"hash": h, "key": k.current})
    return c


def write(checkpoint: dict[str, Any], path: str | Path) -> Path:
    """Append one checkpoint as a JSON line (the file only grows; keep it off the database's disk)."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    with p.open("ab") as fh:
        fh.write(orjson.dumps(checkpoint) + b"\n")
    return p


def read_file(path: str | Path) -> list[dict[str, Any]]:
    p = Path(path)
    if not p.is_file():
        raise errors.InputError.at(errors.FILE_NOT_FOUND, "no such checkpoint file", path=str(p),
                                   cli_hint="write checkpoints with `adtrace audit checkpoint --out FILE`")
    out = []
    for n, line in enumerate(p.read_bytes().splitlines(), 1):
        if not line.strip():
            continue
        try:
            c = orjson.loads(line)
            if not isinstance(c, dict) or c.get("kind") != KIND:
                raise ValueError
            int(c["seq"]), str(c["hash"]), bytes.fromhex(c["sig"])
        except (ValueError, KeyError, TypeError, orjson.JSONDecodeError):
            raise errors.InputError.at(errors.BAD_CHECKPOINT, "not an audit checkpoint", path=str(p), line=n,
                                       cli_hint="each line is one JSON object written by `adtrace audit checkpoint`") from None
        out.append(c)
    return out


@dataclass
class Check:
    ok: bool
    checked: int
    problems: list[str] = field(default_factory=list)


def check(engine: sa.Engine, checkpoints: list[dict[str, Any]], keys_dir: str | Path | None = None) -> Check:
    """Each checkpoint's signature must verify with the organisation's keys, and the database must still
    hold its row with its hash: a cut tail, a wiped log or a recomputed chain each break that."""
    from adtrace.exchange import keys as org_keys

    k = org_keys.load(keys_dir)
    problems: list[str] = []
    with read(engine) as conn:
        for c in checkpoints:
            seq, h = int(c["seq"]), str(c["hash"])
            try:
                k.public(str(c["key"])).verify(bytes.fromhex(c["sig"]), _body(c))
            except (InvalidSignature, errors.ConfigError, ValueError, KeyError):
                problems.append(f"checkpoint at row {seq}: its signature does not verify with {k.org}'s keys "
                                "(forged or altered checkpoint)")
                continue
            if seq == 0:
                continue
            stored = audit.hash_at(conn, seq)
            if stored is None:
                problems.append(f"checkpoint at row {seq} ({c['at']}): that row is gone (the log was cut or wiped)")
            elif stored != h:
                problems.append(f"checkpoint at row {seq} ({c['at']}): the row's hash differs (the chain was "
                                "rewritten)")
    return Check(not problems, len(checkpoints), problems)


def has_head(engine: sa.Engine, head_hash: str) -> bool:
    """True when some row of the log has this hash (a head written down earlier is still in the chain)."""
    if head_hash == audit.GENESIS:
        return True
    with read(engine) as conn:
        return audit.holds_hash(conn, head_hash)


class Periodic:
    """Writes a checkpoint every `every` seconds while the server runs (`adtrace serve --audit-checkpoints
    FILE`), skipping periods in which nothing but the previous checkpoint was audited."""

    def __init__(self, engine: sa.Engine, path: str | Path, keys_dir: str | Path | None = None,
                 every: float = 3600.0) -> None:
        import threading

        self.engine, self.path, self.keys_dir, self.every = engine, Path(path), keys_dir, every
        self._last = -1
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="audit-checkpoints", daemon=True)

    def tick(self) -> bool:
        with read(self.engine) as conn:
            head = audit.head(conn)
        seq = head[0] if head else None
        if seq is not None and seq <= self._last + 1:  # only our own checkpoint row since the last one
            return False
        c = make(self.engine, self.keys_dir, actor="server")
        write(c, self.path)
        self._last = int(c["seq"])
        return True

    def start(self) -> Periodic:
        self.tick()  # at start-up: fails here, clearly, when the keys are missing
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        import logging

        while not self._stop.wait(self.every):
            try:
                self.tick()
            except Exception:  # a full disk must not stop the server; the next period tries again
                logging.getLogger("adtrace").exception("audit checkpoint failed")
