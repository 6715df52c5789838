"""Case audit entries and exports (PDF, CSV, JSON bundle; identifiers masked unless an admin asks)."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import Request
from fastapi.responses import Response

from adtrace import errors
from adtrace.app.auth import Ctx, can
from adtrace.app.downloads import attachment
from adtrace.cases import cases as cs
from adtrace.cases import exports
from adtrace.i18n import gettext
from adtrace.storage import audit

FORMATS = {"pdf": "application/pdf", "csv": "text/csv; charset=utf-8", "json": "application/json"}


def check_unmasked(ctx: Ctx, full: bool) -> None:
    """Identifiers leave unmasked only when an admin asks (`full=1`); every export says which in the audit log."""
    if full and not can(ctx, "admin"):
        raise errors.AuthError(message=gettext("only an admin may export identifiers unmasked"), code=errors.FORBIDDEN,
                               http_status=403)


def log(request: Request, ctx: Ctx, action: str, case_id: int, **detail: Any) -> None:
    audit.append(request.app.state.adtrace.engine, ctx.user.username, action, f"case:{case_id}", detail)


def export(request: Request, ctx: Ctx, case_id: int, fmt: str, full: bool) -> Response:
    if fmt not in FORMATS:
        raise errors.InputError.at(errors.BAD_FIELD, f"unknown export format {fmt!r}", field_name="fmt",
                                   hint="Use pdf, csv or json")
    check_unmasked(ctx, full)
    store = request.app.state.adtrace.store
    case = cs.get(store, case_id)
    data = exports.bundle(store, case, actor=ctx.user.username, redact=not full)
    if fmt == "pdf":
        body = exports.to_pdf(data)
    elif fmt == "csv":
        body = exports.to_csv(data).encode()
    else:
        body = orjson.dumps(data, option=orjson.OPT_INDENT_2)
    log(request, ctx, "export", case_id, format=fmt, redacted=not full, documents=len(data["documents"]))
    name = f"case-{case_id}{'-FULL' if full else ''}.{fmt}"
    return attachment(body, FORMATS[fmt], name)
