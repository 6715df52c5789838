"""Case pages: collect documents, clusters and entities with notes; export PDF, CSV or a JSON bundle.

Exports mask identifiers of the people in the ads by default; `full=1` is for admins only and the
audit entry says whether an export was redacted. Every view and change of a case is audited.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup, escape

from adtrace import errors
from adtrace.app.auth import Ctx, can, require
from adtrace.app.data.cases import export, log
from adtrace.app.pages.render import render
from adtrace.cases import cases as cs
from adtrace.i18n import gettext, ngettext, term
from adtrace.storage import clusterstore, corpus
from adtrace.storage.db import read

router = APIRouter()


def _cases(request: Request, status: str = "", form: dict[str, str] | None = None,
           errs: dict[str, str] | None = None, code: int = 200) -> Response:
    rows = cs.list_cases(request.app.state.adtrace.store, status or None)
    return render(request, "cases.html", {"cases": rows, "status": status, "statuses": cs.STATUSES,
                                          "form": form or {}, "errors": errs or {}}, status=code)


@router.get("/cases")
def cases_page(request: Request, status: str | None = None, ctx: Ctx = Depends(require("cases"))) -> Response:
    return _cases(request, status or "")


@router.post("/cases")
def cases_create(request: Request, title: str = Form(""), assignee: str = Form(""), kind: str = Form(""),
                 ref: str = Form(""), ctx: Ctx = Depends(require("cases"))) -> Response:
    store = request.app.state.adtrace.store
    try:
        case = cs.create(store, title, ctx.user.username, assignee or None)
    except errors.InputError as exc:  # beside the title field, what was typed kept
        return _cases(request, form={"title": title, "assignee": assignee}, errs={"title": exc.web_text}, code=422)
    log(request, ctx, "case", case.id, op="create")
    if kind and ref:  # "new case with this cluster" from a cluster or entity page
        cs.add_item(store, case.id, kind, ref, ctx.user.username)
        log(request, ctx, "case", case.id, op="add", kind=kind, ref=ref)
    return RedirectResponse(f"/cases/{case.id}", status_code=303)


@router.post("/cases/add")
def add_to_case(request: Request, kind: str = Form(...), ref: str = Form(...), case_id: str = Form(""),
                new_title: str = Form(""), ctx: Ctx = Depends(require("cases"))) -> Response:
    """"Add to case" from a document, the queue preview or a search hit: a picked case, or a new one.

    htmx gets a line to show beside the button (errors too, with status 200 so htmx shows them);
    a plain form post goes on to the case.
    """
    store = request.app.state.adtrace.store
    partial = bool(request.headers.get("hx-request"))
    created = False
    try:
        if case_id == "new" or (not case_id and new_title.strip()):
            if not new_title.strip():
                raise errors.InputError.at(errors.MISSING_FIELD, gettext("give the new case a title"),
                                           field_name="new_title")
            case = cs.create(store, new_title, ctx.user.username)
            created = True
            log(request, ctx, "case", case.id, op="create")
        elif case_id.isdigit():
            case = cs.get(store, int(case_id))
            # The picker shows the open cases first: a title typed without choosing "New case…" was dropped
            # and the item went to the case shown. Say so rather than guess which one was meant. The title of
            # the chosen case itself is no conflict: after "New case…" the picker chooses the case it made and
            # the title stays typed, so a second press adds to that case.
            if new_title.strip() and new_title.strip() != case.title:
                raise errors.InputError(code=errors.BAD_FIELD, message=gettext(
                    "You typed a new case's title but case #%(id)s is chosen: choose “New case…” to open a new "
                    "case, or clear the title to add to #%(id)s.") % {"id": case.id}, detail={"field": "new_title"})
        else:
            raise errors.InputError.at(errors.MISSING_FIELD, gettext("pick a case, or choose New case and give a title"),
                                       field_name="case_id")
        case = cs.add_item(store, case.id, kind, ref, ctx.user.username)
    except errors.InputError as exc:
        if not partial:
            raise
        return Response(Markup('<span class="inline-error" role="alert">{}</span>').format(exc.web_text),
                        media_type="text/html")
    log(request, ctx, "case", case.id, op="add", kind=kind, ref=ref)
    if not partial:
        return RedirectResponse(f"/cases/{case.id}", status_code=303)
    # The sentence is translated with the link as a placeholder; escape() makes the translation markup-safe
    # text, so only the link is HTML and the case title in it is escaped as data.
    link = Markup('<a href="/cases/{}">#{} {}</a>').format(case.id, case.id, case.title)
    added = escape(gettext("Added to %(case)s")) % {"case": link}
    answer = Markup('<span class="ok">{}</span>').format(added)
    return Response(answer + _pickers_choosing(store, case.id) if created else answer, media_type="text/html")


def _pickers_choosing(store: Any, chosen: int) -> Markup:
    """After a new case: every case picker on the page (htmx out of band) lists it, chosen, so the next
    "Add to case" goes to it instead of making another case of the same title."""
    options = Markup("").join(
        Markup('<option value="{}"{}>#{} {}</option>').format(
            c["id"], Markup(" selected") if c["id"] == chosen else "", c["id"], c["title"])
        for c in cs.list_cases(store, "open"))
    options += Markup('<option value="new">{}</option>').format(gettext("New case…"))
    return Markup('<select hx-swap-oob="innerHTML:select[name=case_id]">{}</select>').format(options)


def open_cases(request: Request, ctx: Ctx) -> list[dict[str, Any]]:
    """The case picker's choices ("Add to case" on documents, the queue preview and search hits)."""
    return cs.list_cases(request.app.state.adtrace.store, "open") if can(ctx, "cases") else []


def item_labels(engine: sa.Engine, case: cs.Case) -> dict[tuple[str, str], str]:
    """What each item is, in words: a document's title, a cluster's size, an identifier's kind."""
    out: dict[tuple[str, str], str] = {}
    docs, clusters = case.refs("document"), case.refs("cluster")
    with read(engine) as conn:
        out |= {("document", i): str(t or i) for i, t in corpus.titles(conn, docs).items()}
        out |= {("cluster", c): ngettext("cluster of %(num)s ad", "cluster of %(num)s ads", n) % {"num": n}
                for c, n in clusterstore.sizes(conn, clusters).items()}
    for ref in case.refs("entity"):
        kind, _, value = ref.partition(":")
        out[("entity", ref)] = f"{term(kind)} {value}"
    return out


def _case_page(request: Request, case_id: int, form: dict[str, str] | None = None, error: str = "",
               status: int = 200, errs: dict[str, str] | None = None) -> Response:
    from adtrace.places.hotlines import hotline_for_documents

    store = request.app.state.adtrace.store
    case = cs.get(store, case_id)
    docs = cs.document_ids(store, case)
    return render(request, "case.html", {"case": case, "doc_count": len(docs), "statuses": cs.STATUSES,
                                         "labels": item_labels(request.app.state.adtrace.engine, case),
                                         "form": form or {}, "error": error, "errors": errs or {},
                                         "hotline": hotline_for_documents(store, sorted(docs))}, status=status)


@router.get("/cases/{case_id}")
def case_page(request: Request, case_id: int, ctx: Ctx = Depends(require("cases"))) -> Response:
    cs.get(request.app.state.adtrace.store, case_id)  # a missing case is a 404 before it is audited
    log(request, ctx, "view_case", case_id)
    return _case_page(request, case_id)


@router.post("/cases/{case_id}")
def case_update(request: Request, case_id: int, status: str = Form(""), assignee: str | None = Form(None),
                title: str = Form(""), ctx: Ctx = Depends(require("cases"))) -> Response:
    cs.update(request.app.state.adtrace.store, case_id, status=status or None, assignee=assignee, title=title)
    log(request, ctx, "case", case_id, op="update", status=status, assignee=assignee)
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


@router.post("/cases/{case_id}/items")
def case_add_item(request: Request, case_id: int, kind: str = Form(...), ref: str = Form(...), note: str = Form(""),
                  ctx: Ctx = Depends(require("cases"))) -> Response:
    try:
        cs.add_item(request.app.state.adtrace.store, case_id, kind, ref, ctx.user.username, note)
    except errors.InputError as exc:
        if (exc.detail or {}).get("field") == "case_id":
            raise
        # A wrong id: say so beside the field, keep what was typed (422, the page stays whole).
        return _case_page(request, case_id, {"kind": kind, "ref": ref, "note": note}, exc.web_text, status=422)
    log(request, ctx, "case", case_id, op="add", kind=kind, ref=ref)
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


@router.post("/cases/{case_id}/items/remove")
def case_remove_item(request: Request, case_id: int, kind: str = Form(...), ref: str = Form(...),
                     ctx: Ctx = Depends(require("cases"))) -> Response:
    cs.remove_item(request.app.state.adtrace.store, case_id, kind, ref)
    log(request, ctx, "case", case_id, op="remove", kind=kind, ref=ref)
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


@router.post("/cases/{case_id}/notes")
def case_add_note(request: Request, case_id: int, text: str = Form(...), ctx: Ctx = Depends(require("cases"))) -> Response:
    try:
        cs.add_note(request.app.state.adtrace.store, case_id, ctx.user.username, text)
    except errors.InputError as exc:
        if (exc.detail or {}).get("field") != "text":
            raise
        return _case_page(request, case_id, {"note_text": text}, status=422, errs={"note": exc.web_text})
    log(request, ctx, "case", case_id, op="note")
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


@router.get("/cases/{case_id}/export.{fmt}")
def case_export(request: Request, case_id: int, fmt: str, full: bool = False,
                ctx: Ctx = Depends(require("cases"))) -> Response:
    return export(request, ctx, case_id, fmt, full)
