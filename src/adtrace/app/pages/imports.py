"""Import (admins and analysts): upload a JSONL, CSV, HTML or WARC file, map a CSV's columns, watch the
progress, then link. The work is `adtrace.app.importjobs`, i.e. the CLI's ingest and linking."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from adtrace import errors
from adtrace.app import importjobs
from adtrace.app.auth import Ctx, require
from adtrace.app.pages.render import render
from adtrace.i18n import gettext

router = APIRouter()
CHUNK = 1 << 20


def _page(request: Request, *, errs: dict[str, str] | None = None, form: dict[str, Any] | None = None,
          status: int = 200) -> Response:
    engine = request.app.state.adtrace.engine
    return render(request, "import.html", {"errors": errs or {}, "form": form or {}, "jobs": importjobs.recent(engine),
                                           "max_mb": importjobs.max_bytes() // 1_000_000}, status=status)


def _too_large(size: int) -> errors.InputError:
    limit = importjobs.max_bytes()
    return errors.InputError(message=gettext("the file is %(size)s MB; the limit is %(limit)s MB (ADTRACE_IMPORT_MAX_MB on the "
                                             "server); split it into smaller files")
                             % {"size": f"{size / 1e6:,.1f}", "limit": f"{limit / 1e6:,.0f}"},
                             code=errors.UPLOAD_TOO_LARGE, http_status=413, detail={"field": "file"})


def declared_size(request: Request) -> None:
    """Refuse an upload whose declared length is past the limit before its body is read."""
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > importjobs.max_bytes() + 100_000:  # + the form's other fields
        raise _too_large(int(length))


@router.get("/import")
def import_page(request: Request, ctx: Ctx = Depends(require("import"))) -> Response:
    return _page(request)


@router.post("/import", dependencies=[Depends(declared_size)])
async def upload(request: Request, ctx: Ctx = Depends(require("import"))) -> Response:
    """Store the upload (bounded), then ask for the CSV mapping or start the job at once."""
    state = request.app.state.adtrace
    form = await request.form()
    typed = {k: str(form.get(k) or "") for k in ("source", "kind", "region")}
    typed["link"] = "1" if form.get("link") else ""
    file = form.get("file")
    name = file.filename or "" if isinstance(file, UploadFile) else ""
    try:
        fmt = importjobs.check_format(name)
    except errors.InputError as exc:
        return _page(request, errs={"file": exc.web_text}, form=typed, status=422)
    assert isinstance(file, UploadFile)
    job, path = importjobs.new_upload(state.engine, ctx.user.username, name, fmt)
    size = 0
    with path.open("wb") as out:
        while chunk := await file.read(CHUNK):
            size += len(chunk)
            if size > importjobs.max_bytes():
                break
            out.write(chunk)
    if size > importjobs.max_bytes() or size == 0:
        importjobs.discard(state.engine, job)
        refused = _too_large(size) if size else errors.InputError(message=gettext("the file is empty"), code=errors.BAD_UPLOAD)
        return _page(request, errs={"file": refused.web_text}, form=typed, status=refused.http_status)
    importjobs.uploaded(state.engine, job, size)
    if fmt == "csv":
        return RedirectResponse(f"/import/{job['id']}?" + "&".join(f"{k}={v}" for k, v in typed.items() if v),
                                status_code=303)
    importjobs.start(state.engine, state.store, job, source=typed["source"].strip(), kind=typed["kind"].strip(),
                     region=(typed["region"].strip() or "US").upper(), link=bool(typed["link"]))
    return RedirectResponse(f"/import/{job['id']}", status_code=303)


def _job_page(request: Request, job: dict[str, Any], *, errs: dict[str, str] | None = None,
              form: dict[str, Any] | None = None, status: int = 200) -> Response:
    ctx: dict[str, Any] = {"job": job, "errors": errs or {}, "form": form or {}, "fields": importjobs.FIELDS}
    if job["state"] == "mapping":
        try:
            header, sample = importjobs.csv_preview(job)
        except errors.InputError as exc:
            importjobs.discard(request.app.state.adtrace.engine, job)
            return _page(request, errs={"file": exc.web_text}, status=422)
        guess = importjobs.guess_mapping(header)
        ctx.update(header=header, sample=sample, mapping={f: (form or {}).get(f, guess[f]) for f in importjobs.FIELDS})
    return render(request, "import_job.html", ctx, status=status)


@router.get("/import/{job_id}")
def job_page(request: Request, job_id: str, source: str = "", kind: str = "", region: str = "", link: str = "",
             ctx: Ctx = Depends(require("import"))) -> Response:
    job = importjobs.get(request.app.state.adtrace.engine, job_id)
    return _job_page(request, job, form={"source": source, "kind": kind, "region": region, "link": link})


@router.get("/import/{job_id}/progress")
def job_progress(request: Request, job_id: str, ctx: Ctx = Depends(require("import"))) -> Response:
    """The progress fragment htmx polls while the job runs (it stops polling once the job has ended)."""
    job = importjobs.get(request.app.state.adtrace.engine, job_id)
    return render(request, "_import_progress.html", {"job": job})


@router.post("/import/{job_id}/start")
def start_csv(request: Request, job_id: str, source: str = Form(""), kind: str = Form(""), region: str = Form("US"),
              link: str = Form(""), text: str = Form(""), title: str = Form(""), id: str = Form(""),
              url: str = Form(""), posted_at: str = Form(""), location: str = Form(""),
              ctx: Ctx = Depends(require("import"))) -> Response:
    state = request.app.state.adtrace
    job = importjobs.get(state.engine, job_id)
    mapping = {"text": text, "title": title, "id": id, "url": url, "posted_at": posted_at, "location": location}
    typed = {"source": source, "kind": kind, "region": region, "link": link, **mapping}
    if job["state"] != "mapping":
        return RedirectResponse(f"/import/{job_id}", status_code=303)
    try:
        importjobs.check_mapping(job, mapping)
    except errors.InputError as exc:
        return _job_page(request, job, errs={str(exc.detail.get("field", "text")): exc.web_text}, form=typed,
                         status=422)
    importjobs.start(state.engine, state.store, job, mapping=mapping, source=source.strip(), kind=kind.strip(),
                     region=(region.strip() or "US").upper(), link=bool(link))
    return RedirectResponse(f"/import/{job_id}", status_code=303)


@router.post("/import/link")
def link(request: Request, rebuild: str = Form(""), ctx: Ctx = Depends(require("import"))) -> Response:
    """Link the store now (after a purge: rebuild), as a job polled like an import."""
    job = importjobs.link_now(request.app.state.adtrace.engine, ctx.user.username, bool(rebuild))
    return RedirectResponse(f"/import/{job['id']}", status_code=303)
