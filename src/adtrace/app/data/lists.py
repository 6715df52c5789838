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
