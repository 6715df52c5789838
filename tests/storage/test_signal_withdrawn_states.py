"""A signal both withdrawn (it came only with tips whose hand-offs the sender withdrew) and disabled or
quarantined, on SQLite and PostgreSQL alike: enabling or releasing it ends only the analyst's hold, so its
leads stay `withdrawn` (and the answer says so) until its issuer shares it again; sharing it again while it
is disabled or quarantined reopens nothing either (docs/exchange.md, "Lead statuses")."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from adtrace.exchange import opinions
from adtrace.storage import connect, init_db
from adtrace.storage import partnerbank as bank
from adtrace.storage.db import read, write
from adtrace.tips import followup

AT = "2026-01-01T00:00:00+00:00"
WHY = ("2026-02-01T00:00:00+00:00", "a hoax")


@pytest.fixture
def engine(db_url: str) -> Iterator[sa.Engine]:
    init_db(db_url)
    eng = connect.make_engine(connect.resolve_url(db_url))
    try:
        yield eng
    finally:
        eng.dispose()


def _signal_with_leads(engine: sa.Engine) -> int:
    """ngo-a's phone signal, carried by one bundle only, with leads on two ads."""
    with write(engine) as conn:
        for doc in ("ad-1", "ad-2"):
            conn.execute(sa.text("INSERT INTO documents (id, source, kind, url, text, content_hash, doc_hash, doc, "
                                 "ingested_at, updated_at) VALUES (:d, 'test', 'ad', :u, 'x', :d, :d, '{}', :t, :t)"),
                         {"d": doc, "u": f"https://example.org/{doc}", "t": AT})
        bank.add_bundle(conn, "T", "ngo-a", "k", "signals", AT, "in", 1)
        bank.put_signal(conn, None, {"i": "ngo-a", "t": "phone", "h": "h1", "c": "tip", "conf": 0.5, "f": AT,
                                     "l": AT, "n": "", "b": "T", "at": AT})
        sid = bank.signal_id(conn, "ngo-a", "phone", "h1")
        assert sid is not None
        for doc in ("ad-1", "ad-2"):
            bank.add_lead(conn, doc, sid, "ngo-a", "phone", "tip", 0.5, "T", None)
    return sid


def _withdraw(engine: sa.Engine, sid: int) -> None:
    # What importing a withdrawal does to a signal that came only with the withdrawn tip (tips.followup.settle).
    with write(engine) as conn:
        bank.set_withdrawn(conn, sid, *WHY)
        bank.set_lead_status(conn, sid, "open", "withdrawn")


def _statuses(engine: sa.Engine, sid: int) -> list[str]:
    with read(engine) as conn:
        return sorted(str(s) for s in conn.execute(sa.text("SELECT status FROM exchange_leads WHERE signal_id = :i"),
                                                   {"i": sid}).scalars())


def _disable(engine: sa.Engine, sid: int) -> None:
    opinions.disable(engine, sid, "admin", "checking it")


def _quarantine(engine: sa.Engine, sid: int) -> None:
    with write(engine) as conn:
        opinions.quarantine(conn, sid, 40, 30)


HOLDS: list[tuple[str, Callable[[sa.Engine, int], None], Callable[[sa.Engine, int, str], dict[str, Any]], str]] = [
    ("disabled", _disable, opinions.enable, "disabled"),
    ("quarantined", _quarantine, opinions.release, "quarantined"),
]


@pytest.mark.parametrize(("held", "hold", "end_hold", "status"), HOLDS, ids=[h[0] for h in HOLDS])
def test_ending_a_hold_on_a_withdrawn_signal_leaves_its_leads_withdrawn(
        engine: sa.Engine, held: str, hold: Callable[[sa.Engine, int], None],
        end_hold: Callable[[sa.Engine, int, str], dict[str, Any]], status: str) -> None:
    sid = _signal_with_leads(engine)
    hold(engine, sid)
    _withdraw(engine, sid)  # the leads were held already: the withdrawal moves none
    assert _statuses(engine, sid) == [status, status]

    answer = end_hold(engine, sid, "admin")
    assert _statuses(engine, sid) == ["withdrawn", "withdrawn"]
    assert answer["state"] == "withdrawn" and answer[f"{held}_at"] is None
    assert answer["leads_status"] == "withdrawn" and answer["withdrawn_reason"] == WHY[1]
    assert "withdrawn" in answer["note"]

    # Shared again in an ordinary bundle: the signal matches again and its leads reopen.
    with write(engine) as conn:
        bank.carried_by(conn, "ngo-a", "phone", "h1", "T")
        assert followup.settle(conn, "ngo-a", [["phone", "h1"]]) == (0, 1)
    assert _statuses(engine, sid) == ["open", "open"]


@pytest.mark.parametrize(("held", "hold", "end_hold", "status"), HOLDS, ids=[h[0] for h in HOLDS])
def test_a_withdrawn_signal_held_and_shared_again_keeps_its_leads_held(
        engine: sa.Engine, held: str, hold: Callable[[sa.Engine, int], None],
        end_hold: Callable[[sa.Engine, int, str], dict[str, Any]], status: str) -> None:
    sid = _signal_with_leads(engine)
    _withdraw(engine, sid)
    hold(engine, sid)  # no open lead to hold
    with write(engine) as conn:
        bank.carried_by(conn, "ngo-a", "phone", "h1", "T")
        followup.settle(conn, "ngo-a", [["phone", "h1"]])
    assert _statuses(engine, sid) == [status, status]  # not open while the analyst's hold stands
    answer = end_hold(engine, sid, "admin")
    assert _statuses(engine, sid) == ["open", "open"] and answer["leads_status"] == "open"
    assert "note" not in answer


def test_enabling_a_signal_not_withdrawn_reopens_its_leads(engine: sa.Engine) -> None:
    sid = _signal_with_leads(engine)
    _disable(engine, sid)
    assert _statuses(engine, sid) == ["disabled", "disabled"]
    answer = opinions.enable(engine, sid, "admin")
    assert _statuses(engine, sid) == ["open", "open"] and answer["state"] == "active"
