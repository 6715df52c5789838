from __future__ import annotations

from adtrace.exchange.match import PDQ_MAX_DISTANCE, SignalIndex


def _flip(hexed: str, bits: int) -> str:
    value = int(hexed, 16) ^ ((1 << bits) - 1)  # flip the lowest `bits` bits
    return f"{value:064x}"


def _row(i: int, kind: str, h: str) -> dict[str, object]:
    return {"id": i, "issuer": "p", "type": kind, "hash": h, "category": "c", "confidence": 0.5, "bundle_id": "b"}


def test_pdq_matches_within_31_bits_and_not_beyond() -> None:
    base = "a5" * 32
    index = SignalIndex.from_rows([_row(1, "pdq", base)])
    for bits in (0, 1, 17, PDQ_MAX_DISTANCE):
        found = index.match([("pdq", _flip(base, bits))])
        assert [(m.signal_id, m.distance) for m in found] == [(1, bits)]
    for bits in (PDQ_MAX_DISTANCE + 1, 64, 200):
        assert index.match([("pdq", _flip(base, bits))]) == []


def test_keyed_hashes_match_only_exactly_and_by_type() -> None:
    h = "1f" * 32
    index = SignalIndex.from_rows([_row(1, "phone", h), _row(2, "email", h), _row(3, "pdq", "00" * 32)])
    assert [m.signal_id for m in index.match([("phone", h)])] == [1]
    assert index.match([("phone", "1e" + h[2:])]) == []
    assert index.match([("handle", h)]) == []
    assert len(index) == 3
