"""Every page or API read that can show personal data writes an audit row (DESIGN §6: every view of
personal data, search and export is audited), or is listed in EXEMPT with the reason it shows none.

The routes come from the app's own route table (the same walk tests/app/test_app_rbac.py checks against
its table), so a new read route fails here until it audits or is exempted with a reason. Each is read as
an admin over a store where every list has something in it (a linked store, a case, a watchlist entry,
an alert, an escalation, a tip and a partner's tip lead). Changes (POST, DELETE) are audited by the code
that makes them (docs/security.md, second review).
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from fastapi.testclient import TestClient

from adtrace.app import accounts
from tests.app.conftest import csrf_of
from tests.app.test_app_rbac import PUBLIC, _api_routes, _doc_with_image, _fill, _investigation_fixtures

EXEMPT: dict[str, str] = {
    "/account": "the signed-in user's own account",
    "/api/v1/me": "the signed-in user's own name and role",
    "/audit/verify": "whether the chain is intact: counts and hashes",
    "/api/v1/audit/verify": "as /audit/verify",
    "/cases": "case numbers, analysts' titles and counts; opening a case is audited (view_case)",
    "/api/v1/cases": "as /cases",
    "/api/v1/decisions": "reviewers' decisions: document ids, decisions and their reasons, no ad content",
    "/map": "the page around /api/v1/map: no data of its own",
    "/api/v1/map": "counts of ads per city and routes between cities: no ad, no identifier",
    "/clusters": "cluster ids, sizes, counts of phones and cities; opening a cluster is audited (view_cluster)",
    "/settings": "thresholds and retention", "/api/v1/settings": "thresholds and retention",
    "/api/v1/tokens": "staff API tokens (names and dates)", "/users": "staff accounts",
    "/tips/rules": "routing rules: partner names, countries, languages",
    "/documents/{doc_id}/alike": "a block of the document page, whose view is audited (view_document)",
    "/documents/{doc_id}/images/{n}/blurred": "a 32 px blur: the clear photo needs the audited reveal",
    "/documents/{doc_id}/images/{n}": "served only with the key the audited reveal (reveal_image) hands out",
    "/photos": "the photo search form; a search is audited (search_photo)",
    "/import": "the upload form",
    "/import/{job_id}": "the importer's own upload (sample rows for the column mapping); the import is audited",
    "/import/{job_id}/progress": "a job's progress counts",
    "/api/v1/exchange/signals": "partners' signals: keyed hashes, categories and opinions, no ad or identifier",
    "/api/v1/exchange/issuers": "partner organisations and their key ids",
}
QUERY = {"/search": "?q=rbac", "/api/v1/search": "?q=rbac"}  # a search page without a query is only the form


def _rows(app: object) -> int:
    with app.state.adtrace.engine.connect() as conn:  # type: ignore[attr-defined]
        return int(conn.execute(sa.text("SELECT count(*) FROM audit_log")).scalar_one())


def _partner_lead(app: object, doc_id: str) -> None:
    """One partner signal that matched one of our ads, so /api/v1/exchange/leads lists a lead."""
    from adtrace.storage import partnerbank
    from adtrace.storage.db import write

    with write(app.state.adtrace.engine) as conn:  # type: ignore[attr-defined]
        partnerbank.put_signal(conn, None, {"i": "ngo-a", "t": "phone", "h": "ab" * 32, "c": "trafficking",
                                            "conf": 0.9, "f": None, "l": None, "n": "", "b": "b-1",
                                            "at": "2026-01-01T00:00:00+00:00"})
        sid = partnerbank.signal_id(conn, "ngo-a", "phone", "ab" * 32)
        assert sid is not None
        partnerbank.add_lead(conn, doc_id, sid, "ngo-a", "phone", "trafficking", 0.9, "b-1", None)


def _escalation_and_tip_lead(app: object, doc_id: str) -> None:
    from adtrace.cases.decisions import decide
    from adtrace.storage import tipbook
    from adtrace.storage.db import write

    with write(app.state.adtrace.engine) as conn:  # type: ignore[attr-defined]
        decide(conn, doc_id, "escalate", "a senior look", "analyst")
        tipbook.insert_lead(conn, {"handoff_id": "h-1", "issuer": "ngo-a", "signals_bundle": "{}", "signals": "[]",
                                   "text": "[phone 3fa9c1] was seen", "country": "MX", "about": "labour",
                                   "lang": "es", "indicators": "[]", "sent_at": "2026-01-01T00:00:00+00:00",
                                   "imported_at": "2026-01-01T00:00:00+00:00", "imported_by": "admin"})


def _reads(app: object) -> set[str]:
    return {r.path for r in _api_routes(app) if "GET" in r.methods and ("GET", r.path) not in PUBLIC}


def test_every_read_route_is_audited_or_exempt_with_a_reason(app: object,
                                                             login: Callable[[str], TestClient]) -> None:
    doc_id = _doc_with_image(app)
    subs = _investigation_fixtures(app, doc_id)
    _escalation_and_tip_lead(app, doc_id)
    client = login("admin")
    csrf_of(client)
    token = accounts.add_token(app.state.adtrace.engine, "admin", "audit")  # type: ignore[attr-defined]
    _partner_lead(app, doc_id)
    reads = _reads(app)
    assert set(EXEMPT) <= reads, f"exempt but no such route: {set(EXEMPT) - reads}"
    silent = []
    for path in sorted(reads - set(EXEMPT)):
        headers = {"Authorization": f"Bearer {token}"} if path.startswith("/api/") else {}
        before = _rows(app)
        r = client.get(_fill(path, subs) + QUERY.get(path, ""), headers=headers, follow_redirects=False)
        assert r.status_code == 200, (path, r.status_code)
        if _rows(app) == before:
            silent.append(path)
    assert silent == [], f"these reads wrote no audit row: audit them or add them to EXEMPT with why: {silent}"
