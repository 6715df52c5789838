"""A list that shows ad titles, identifiers or reported content is a view of personal data (DESIGN §6).

Opening one document writes `view_document`; a list shows many at once (the review queue's titles, the
dashboard's newest high-risk ads, watchlist values, alerts with their matched identifiers, partners' tip
leads), so it writes one `view_list` row naming the page and the ids it showed, as the Tips queue's
`view_tips` does. An empty list shows nothing and writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi import Request

from adtrace.app.auth import Ctx
from adtrace.storage import audit


def audit_list(request: Request, ctx: Ctx, page: str, ids: Iterable[Any], **detail: Any) -> None:
    """One `view_list` audit row for `page` (e.g. "queue") with the ids shown; nothing when none were."""
    shown = [str(i) for i in ids]
    if shown:
        audit.append(request.app.state.adtrace.engine, ctx.user.username, "view_list", page, {"ids": shown, **detail})


def audit_view(request: Request, ctx: Ctx, rows: list[audit.Entry], filters: dict[str, Any], **detail: Any) -> None:
    """Reading the audit log is a view of personal data too: its rows carry what analysts searched for (a
    phone, an e-mail) and which ads they opened. One `view_list` row names the range of entries shown and
    the filters, not every seq, so the auditors' own trail stays readable. Nothing shown, nothing written."""
    if rows:
        seqs = [r.seq for r in rows]
        audit.append(request.app.state.adtrace.engine, ctx.user.username, "view_list", "audit",
                     {"rows": len(rows), "seq_from": min(seqs), "seq_to": max(seqs),
                      **{k: v for k, v in filters.items() if v}, **detail})
