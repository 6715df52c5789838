"""Matching partner signals against documents: keyed hashes by equality, PDQ hashes by Hamming distance.

A match becomes a *lead* with its provenance (issuer, bundle, category, confidence): something for an
analyst to look at in the review queue, never an automatic action on a document or a person.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import orjson
import sqlalchemy as sa

from adtrace.exchange import store as xs
from adtrace.exchange.signals import identifiers, signal_hashes
from adtrace.storage import corpus
from adtrace.storage import partnerbank as bank
from adtrace.storage.db import read, write

PDQ_MAX_DISTANCE = 31  # Meta's published threshold for PDQ matches (also adtrace.linking.images)
_POP8 = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)
STATE_KEY = "match_last_seq"


@dataclass
class Match:
    signal_id: int
    issuer: str
    type: str
    category: str
    confidence: float
    bundle_id: str
    distance: int | None = None  # PDQ only

    def to_dict(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        if self.distance is None:
            out.pop("distance")
        return out


@dataclass
class SignalIndex:
    """Active (not retracted) partner signals in memory: a dict for keyed hashes, a matrix for PDQ."""

    exact: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    pdq_rows: list[dict[str, Any]] = field(default_factory=list)
    pdq: np.ndarray = field(default_factory=lambda: np.zeros((0, 32), dtype=np.uint8))

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, Any]]) -> SignalIndex:
        idx = cls()
        pdq: list[bytes] = []
        for r in rows:
            row = dict(r)
            if row["type"] == "pdq":
                idx.pdq_rows.append(row)
                pdq.append(bytes.fromhex(row["hash"]))
            else:
                idx.exact.setdefault((row["type"], row["hash"]), []).append(row)
        if pdq:
            idx.pdq = np.frombuffer(b"".join(pdq), dtype=np.uint8).reshape(-1, 32)
        return idx

    @classmethod
    def load(cls, engine: sa.Engine) -> SignalIndex:
        return cls.from_rows(xs.active_signals(engine))

    def __len__(self) -> int:
        return sum(len(v) for v in self.exact.values()) + len(self.pdq_rows)

    def match(self, hashes: Iterable[tuple[str, str]], max_distance: int = PDQ_MAX_DISTANCE) -> list[Match]:
        out: list[Match] = []
        for kind, h in hashes:
            if kind != "pdq":
                out += [_match(r) for r in self.exact.get((kind, h), ())]
            elif len(self.pdq_rows):
                # Brute force over partner photos: fine to ~10^5 signals (a few ms); see docs/exchange.md.
                xor = self.pdq ^ np.frombuffer(bytes.fromhex(h), dtype=np.uint8)
                dist = _POP8[xor].sum(axis=1, dtype=np.int64)
                out += [_match(self.pdq_rows[i], int(dist[i])) for i in np.nonzero(dist <= max_distance)[0]]
        return out


def _match(row: Mapping[str, Any], distance: int | None = None) -> Match:
    return Match(int(row["id"]), str(row["issuer"]), str(row["type"]), str(row["category"]),
                 float(row["confidence"]), str(row["bundle_id"]), distance)


def match_record(index: SignalIndex, key: bytes, record: Mapping[str, Any]) -> list[Match]:
    """Partner signals matching one Record's phones, emails, handles, payment handles and photos."""
    if not len(index):
        return []
    return index.match(signal_hashes(key, identifiers(record)))


def alert_partner_match(engine: sa.Engine, doc_id: str, matches: Iterable[Match]) -> None:
    """A lead is also an alert (issue 11): shown in the app and sent by e-mail/webhook when configured.

    The alert carries the signal's provenance, never an automatic action; dedup keeps re-runs quiet.
    """
    from adtrace.cases import alerts
    from adtrace.cases.notify import Notifier

    reasons = [{"kind": "partner_signal", "text": f"{m.type} matched a signal from {m.issuer} ({m.category})",
                **m.to_dict()} for m in matches]
    alerts.raise_alert(engine, "partner_signal", reasons, doc_id=doc_id, notifier=Notifier())


def save_leads(conn: sa.Connection, doc_id: str, matches: Iterable[Match]) -> int:
    """Insert one lead per (document, signal); an existing lead is kept as it is (idempotent)."""
    n = 0
    for m in matches:
        n += bank.add_lead(conn, doc_id, m.signal_id, m.issuer, m.type, m.category, m.confidence, m.bundle_id,
                           m.distance)
    return n


@dataclass
class MatchReport:
    documents: int = 0
    signals: int = 0
    new_leads: int = 0
    last_seq: int = 0
    quarantined: list[int] = field(default_factory=list)  # signals that matched past the limit in this run

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def match_store(engine: sa.Engine, key: bytes, *, full: bool = False, batch: int = 2000,
                on_progress: Callable[[int], None] | None = None) -> MatchReport:
    """Match signals against stored documents: the new ones since the last run, or all (`full`, which
    an import runs so old documents meet new signals). Leads are stored; re-runs add no duplicates."""
    from adtrace.exchange import opinions

    index = SignalIndex.load(engine)
    report = MatchReport(signals=len(index))
    limit = opinions.quarantine_limit(engine)
    with read(engine) as conn:
        released = bank.released_signal_ids(conn)
    quarantined: set[int] = set()
    with read(engine) as conn:
        saved = bank.get_state(conn, STATE_KEY)
    after = 0 if full or saved is None else int(saved)
    high = after
    while True:
        with read(engine) as conn:
            rows = corpus.records_after(conn, after, batch)
        if not rows:
            break
        found = [(str(doc_id), match_record(index, key, orjson.loads(rec))) for _, doc_id, rec in rows]
        after = rows[-1][0]
        high = max(high, after)
        leads: list[tuple[str, list[Match]]] = []
        with write(engine) as conn:
            for doc_id, matches in found:
                matches = [m for m in matches if m.signal_id not in quarantined]
                if matches and save_leads(conn, doc_id, matches):
                    leads.append((doc_id, matches))
            touched = sorted({m.signal_id for _, ms in leads for m in ms} - released)
            if touched:
                for sid, n in bank.lead_counts(conn, touched).items():
                    if n > limit:  # matches far too much: a shared number, not one person's
                        opinions.quarantine(conn, sid, n, limit)
                        quarantined.add(sid)
                        report.quarantined.append(sid)
        leads = [(d, [m for m in ms if m.signal_id not in quarantined]) for d, ms in leads]
        leads = [(d, ms) for d, ms in leads if ms]
        report.new_leads += sum(len(m) for _, m in leads)
        for doc_id, matches in leads:
            alert_partner_match(engine, doc_id, matches)
        report.documents += len(rows)
        if on_progress:
            on_progress(len(rows))
    with write(engine) as conn:
        prev = bank.get_state(conn, STATE_KEY)
        bank.set_state(conn, STATE_KEY, str(max(high, int(prev or 0))))
    report.last_seq = high
    return report
