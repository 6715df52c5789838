"""Import from the browser: an uploaded file runs through the SAME ingest as `adtrace ingest` (readers,
pipeline, idempotent batches, alerts), then optionally the same linking as `adtrace link`, in a
background thread; the page polls the job's progress.

A job's state lives in `app_settings` (key `import_job:<id>`, JSON), not in memory, so any server
process (`serve --workers N`) can answer the polling. The upload is kept in a private temporary folder
only until its job ends (uploaded ads are personal data), then deleted. Rejected lines keep the readers'
located messages (file, line, field), with the temporary folder replaced by the uploaded file's name.
"""

from __future__ import annotations

import contextvars
import os
import re
import secrets
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import sqlalchemy as sa

from adtrace import errors
from adtrace.i18n import _
from adtrace.sources import Options
from adtrace.sources.registry import known_endings, reader_for
from adtrace.storage import audit, settingstore
from adtrace.storage.base import Store
from adtrace.storage.db import now, read, write

MAX_ERRORS_KEPT = 200  # located errors kept for the page; the counts cover all of them
DEFAULT_MAX_MB = 200
FIELDS = ("text", "title", "id", "url", "posted_at", "location")  # Document fields a CSV column can fill
KEY = "import_job:"
# Reader hints that name CLI options: in the browser the same choice is made on the form.
_BROWSER_HINTS = (("--text-col", "the column mapping (text)"), ("--max-line-bytes", "a smaller line"),
                  ("--format", "a file name ending in .jsonl, .csv, .html or .warc"))


def max_bytes() -> int:
    """The upload limit: ADTRACE_IMPORT_MAX_MB megabytes (default 200)."""
    raw = os.environ.get("ADTRACE_IMPORT_MAX_MB", str(DEFAULT_MAX_MB))
    try:
        return max(1, int(float(raw) * 1_000_000))
    except ValueError:
        raise errors.ConfigError(message=f"ADTRACE_IMPORT_MAX_MB={raw!r} is not a number of megabytes "
                                 f"(default {DEFAULT_MAX_MB})", code=errors.BAD_SETTING) from None


def safe_name(name: str) -> str:
    """The uploaded file's own name, reduced to characters safe in a path (its ending picks the reader)."""
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(name or "").name).strip("._") or "upload"
    return base[-120:]


def check_format(name: str) -> str:
    """The reader's name for this file name, or a located error for the file field."""
    if not name:
        raise errors.InputError.at(errors.BAD_UPLOAD, "choose a file to import", field_name="file")
    try:
        reader = reader_for(name)
    except errors.InputError:
        raise errors.InputError.at(errors.BAD_UPLOAD, f"adtrace reads {', '.join(known_endings())} files "
                                   "(optionally .gz)", path=name, field_name="file",
                                   hint="Rename the file with the ending of its format") from None
    return reader.__name__.removeprefix("read_")


STALE_SECONDS = 900  # a running job not updated for this long died with its server process


def _put(engine: sa.Engine, job: dict[str, Any]) -> None:
    job["updated_at"] = time.time()
    with write(engine) as conn:
        settingstore.put(conn, KEY + job["id"], orjson.dumps(job).decode())


def get(engine: sa.Engine, job_id: str) -> dict[str, Any]:
    with read(engine) as conn:
        raw = settingstore.get(conn, KEY + job_id)
    if raw is None:
        raise errors.InputError(message=f"no import job {job_id!r}", code=errors.NO_SUCH_JOB, http_status=404)
    job: dict[str, Any] = orjson.loads(raw)
    if job["state"] in ("reading", "linking") and time.time() - float(job.get("updated_at", 0)) > STALE_SECONDS:
        # Its thread is gone (the server restarted): say so instead of polling for ever.
        job.update(state="failed", message="the server stopped during this job; upload the file again (documents "
                   "already stored are recognised, not duplicated)")
    return job


def recent(engine: sa.Engine, limit: int = 10) -> list[dict[str, Any]]:
    with read(engine) as conn:
        rows = settingstore.with_prefix(conn, KEY)
    jobs = [orjson.loads(r) for r in rows]
    return sorted(jobs, key=lambda j: j.get("created_at", ""), reverse=True)[:limit]


def new_upload(engine: sa.Engine, actor: str, filename: str, fmt: str) -> tuple[dict[str, Any], Path]:
    """A job waiting for its file (and, for CSV, its column mapping); returns it and where to write the file."""
    folder = Path(tempfile.mkdtemp(prefix="adtrace-import-"))
    job: dict[str, Any] = {"id": secrets.token_hex(8), "user": actor, "file": safe_name(filename), "format": fmt,
           "folder": str(folder), "state": "uploading", "created_at": now(), "total": 0, "done": 0,
           "counts": {}, "errors": [], "rejected": 0, "link": None, "message": ""}
    _put(engine, job)
    return job, folder / job["file"]


def uploaded(engine: sa.Engine, job: dict[str, Any], size: int) -> None:
    job.update(size=size, state="mapping" if job["format"] == "csv" else "ready")
    _put(engine, job)


def discard(engine: sa.Engine, job: dict[str, Any]) -> None:
    shutil.rmtree(job["folder"], ignore_errors=True)
    with write(engine) as conn:
        settingstore.delete(conn, KEY + job["id"])


def csv_preview(job: dict[str, Any], rows: int = 3) -> tuple[list[str], list[list[str]]]:
    """The CSV's header and first rows (for the mapping form), or a located error."""
    import codecs
    import csv
    import gzip
    import io

    from adtrace.sources.base import DAMAGED
    from adtrace.sources.csvfile import encoding_of, separator_of

    path = Path(job["folder"]) / job["file"]
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        with opener(path, "rb") as fh:  # type: ignore[operator]
            head = fh.read(256_000)
        # Not final: a character the 256,000-byte cut splits is left out, not called invalid UTF-8.
        utf16 = encoding_of(head) == "utf-16"  # Excel's "Unicode text", as the CSV reader takes it
        text = codecs.getincrementaldecoder("utf-16" if utf16 else "utf-8-sig")(errors="strict").decode(head, final=False)
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator_of(text.partition("\n")[0]))
        header = [h.strip().lstrip("\ufeff") for h in next(reader, [])]
        sample = [r for _, r in zip(range(rows), reader, strict=False)]
    except UnicodeDecodeError as exc:  # a spreadsheet's old encoding (Windows-1252...): say what to do, not the codec
        raise errors.InputError.at(errors.BAD_CSV, _("not UTF-8 text (byte %(at)s cannot be read)") % {"at": exc.start + 1},
                                   path=job["file"], line=1, field_name="file",
                                   hint=_("Save it from your spreadsheet as “CSV UTF-8” (or re-encode it as UTF-8), "
                                          "then upload it again")) from None
    except (OSError, csv.Error, *DAMAGED) as exc:  # DAMAGED: a cut .csv.gz
        raise errors.InputError.at(errors.BAD_CSV, _("cannot read the start of the file (%(why)s)") % {"why": exc},
                                   path=job["file"], line=1, field_name="file",
                                   hint=_("Check that the file is a whole CSV, then upload it again")) from None
    if not header:
        raise errors.InputError.at(errors.BAD_UPLOAD, "the file is empty", path=job["file"], field_name="file")
    if any("\0" in h for h in header):  # UTF-16 saved without its byte-order mark
        raise errors.InputError.at(errors.BAD_CSV, _("the header holds NUL characters: the file looks like UTF-16 "
                                                     "without a byte-order mark, not UTF-8"), path=job["file"], line=1,
                                   field_name="file", hint=_("Save it from your spreadsheet as “CSV UTF-8” (or re-encode "
                                                             "it as UTF-8), then upload it again"))
    return header, sample


def guess_mapping(header: list[str]) -> dict[str, str]:
    """A first guess at which column fills which field (the analyst changes it on the form)."""
    lower = {h.lower(): h for h in header}
    aliases = {"text": ("text", "body", "description", "content", "message"), "title": ("title", "subject", "headline"),
               "id": ("id", "ad_id", "post_id"), "url": ("url", "link"), "posted_at": ("posted_at", "date", "posted",
                                                                                         "created_at", "timestamp"),
               "location": ("location", "city", "place")}
    return {f: next((lower[a] for a in names if a in lower), "") for f, names in aliases.items()}


def check_mapping(job: dict[str, Any], mapping: dict[str, str]) -> None:
    header, _ = csv_preview(job, 0)
    if not mapping.get("text"):
        raise errors.InputError.at(errors.BAD_MAPPING, "choose the column that holds the ad's text",
                                   field_name="text")
    for f, col in mapping.items():
        if col and col not in header:
            raise errors.InputError.at(errors.BAD_MAPPING, f"the file has no column {col!r}", field_name=f)
    used = [c for c in mapping.values() if c]
    if len(used) != len(set(used)):
        dup = next(c for c in used if used.count(c) > 1)
        field = next(f for f, c in mapping.items() if c == dup and f != "text")
        raise errors.InputError.at(errors.BAD_MAPPING, f"column {dup!r} is chosen for two fields", field_name=field)


def _estimate(path: Path, fmt: str) -> int:
    """Items to expect, for the progress bar: lines for JSONL/CSV (a CSV record may span lines, so this
    can overshoot; the bar then ends at 100 % when the job does), 1 for an HTML page, 0 (unknown) for WARC."""
    if fmt == "html":
        return 1
    if fmt not in ("jsonl", "csv", "json") or path.name.lower().endswith(".gz"):
        return 0
    n = 0
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            n += block.count(b"\n")
    return max(1, n - (1 if fmt == "csv" else 0))


def start(engine: sa.Engine, store: Store, job: dict[str, Any], *, mapping: dict[str, str] | None = None,
          source: str = "", kind: str = "", region: str = "US", link: bool = True) -> None:
    """Run the job in a background thread (the page polls `get`)."""
    path = Path(job["folder"]) / job["file"]
    job.update(state="reading", total=_estimate(path, job["format"]), mapping=mapping or {}, source=source,
               kind=kind, region=region, do_link=link, started_at=now())
    _put(engine, job)
    _in_background(f"import-{job['id']}", _run, engine, store, job)


def _in_background(name: str, run: Callable[..., None], *args: Any) -> None:
    """Run in a daemon thread that keeps the request's context: its language above all, so rejected lines
    and failures are written in the words of whoever started the job (a thread starts with an empty one)."""
    context = contextvars.copy_context()
    threading.Thread(target=context.run, args=(run, *args), name=name, daemon=True).start()


def _browser(message: str, folder: str) -> str:
    message = message.replace(folder + os.sep, "").replace(folder, "")
    for flag, words in _BROWSER_HINTS:
        message = message.replace(f"with {flag}", f"with {words}").replace(flag, words)
    return message


def _run(engine: sa.Engine, store: Store, job: dict[str, Any]) -> None:
    from adtrace.cases import alerts
    from adtrace.cases.notify import Notifier
    from adtrace.storage.ingest import IngestOptions, ingest

    folder = job["folder"]
    m = job["mapping"]
    opts = IngestOptions(source=Options(text_col=m.get("text") or "text", title_col=m.get("title") or "\0title",
                                        id_col=m.get("id") or "\0id", url_col=m.get("url") or "\0url",
                                        date_col=m.get("posted_at") or "\0posted_at",
                                        location_col=m.get("location") or "\0location",
                                        source=job["source"] or job["file"], kind=job["kind"] or None),
                         region=job["region"], workers=1, batch_size=100, force=True)
    notifier = Notifier()
    raised = 0

    def reject(item: dict[str, Any]) -> None:
        job["rejected"] += 1
        if len(job["errors"]) < MAX_ERRORS_KEPT:
            job["errors"].append({"line": item.get("line"), "code": item.get("code"),
                                  "message": _browser(str(item.get("message", "")), folder)})

    def advance(n: int) -> None:
        job["done"] += n
        _put(engine, job)

    def on_stored(ids: list[str]) -> None:
        nonlocal raised
        raised += len(alerts.evaluate(store, ids, notifier=notifier))

    try:
        summaries = ingest(store, [str(Path(folder) / job["file"])], opts, reject=reject, advance=advance,
                           stored=on_stored)
        s = summaries[0]
        job["counts"] = {k: getattr(s, k) for k in ("read", "new", "updated", "duplicate", "rejected")}
        job["alerts"] = raised
        audit.append(engine, job["user"], "import", job["file"], {"format": job["format"], **job["counts"],
                                                                   "size": job.get("size", 0)})
        if job["do_link"] and (s.new or s.updated):
            job["state"] = "linking"
            _put(engine, job)
            job["link"] = _link(engine, job["user"])
        job["state"] = "done"
    except errors.AdtraceError as exc:
        job.update(state="failed", message=_browser(exc.web_text, folder))
    except Exception as exc:  # a bug: the page says so in one line instead of polling for ever
        job.update(state="failed", message=f"internal error ({type(exc).__name__}); nothing after it was stored")
    finally:
        job["finished_at"] = now()
        _put(engine, job)
        shutil.rmtree(folder, ignore_errors=True)


def _link(engine: sa.Engine, actor: str, rebuild: bool = False) -> dict[str, Any]:
    """The same incremental linking as `adtrace link` (or --rebuild), audited."""
    from adtrace.linking.run import link_store

    report = link_store(engine, rebuild=rebuild, workers=1).to_dict()
    keep = {k: report.get(k) for k in ("linked", "total_documents", "multi_doc_clusters", "rebuild")}
    audit.append(engine, actor, "link", "store", keep)
    return keep


def link_now(engine: sa.Engine, actor: str, rebuild: bool) -> dict[str, Any]:
    """A link-only job (after a purge the clusters need a rebuild): same job record, polled the same way."""
    job: dict[str, Any] = {"id": secrets.token_hex(8), "user": actor, "file": "", "format": "link", "folder": "",
           "state": "linking", "created_at": now(), "started_at": now(), "total": 0, "done": 0, "counts": {},
           "errors": [], "rejected": 0, "link": None, "message": ""}
    _put(engine, job)

    def run() -> None:
        try:
            job["link"] = _link(engine, actor, rebuild)
            job["state"] = "done"
        except errors.AdtraceError as exc:
            job.update(state="failed", message=exc.web_text)
        except Exception as exc:  # a bug, or the database (locked by another writer): the page says so in one
            # line instead of polling a job that will never end (seen: "database is locked" in a test run)
            job.update(state="failed", message=f"linking stopped ({type(exc).__name__}: {exc}); run it again")
        finally:
            job["finished_at"] = now()
            _put(engine, job)

    _in_background(f"link-{job['id']}", run)
    return job
