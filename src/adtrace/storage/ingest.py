"""Ingest: read files, run the pipeline on a process pool, write batches through one writer.

Why it is safe to kill: each batch and the file's checkpoint (how many items are done) commit in one
transaction. A re-run skips what the checkpoint covers and the writer's idempotent put ignores any
document already stored, so the end state equals that of a clean run. Memory stays bounded: the
reader streams and at most `2 × workers` batches are in flight.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from adtrace import errors
from adtrace.documents import Document
from adtrace.i18n import _
from adtrace.sources import Options, ReadError, read_paths
from adtrace.sources.base import open_binary
from adtrace.sources.jsonl import Line, lines, parse_line, read_jsonl
from adtrace.sources.registry import known_endings, reader_for
from adtrace.storage.base import Checkpoint, Prepared, Store
from adtrace.storage.prepare import prepare

AUTO_POOL_BYTES = 5_000_000  # below this much input a process pool costs more than it saves
# The cyclic collector's first threshold while ingesting (Python's default: 700). Each ad allocates
# thousands of short-lived containers; at 700 a young collection ran every few dozen of them and every
# tenth one walked the older objects too. At 20,000 most temporaries are freed by reference counting
# before any collection sees them: ~11 % less pipeline CPU in the workers (20k realistic synthetic ads
# in one process, two alternating pairs, loaded: 12.2 -> 10.7, 13.3 -> 11.9 CPU-s) with the same output.
GC_YOUNG = 20_000


@dataclass
class Tally:
    """What became of stored documents; shared by `adtrace ingest` and the crawler's feeder."""

    new: int = 0
    updated: int = 0
    duplicate: int = 0
    rejected: int = 0
    reasons: dict[str, int] = field(default_factory=dict)

    def reject(self, code: str) -> None:
        self.rejected += 1
        self.reasons[code] = self.reasons.get(code, 0) + 1

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class FileSummary(Tally):
    path: str = ""
    read: int = 0
    resumed: int = 0  # items skipped because an earlier, interrupted run had stored them
    unchanged: bool = False  # the whole file was ingested before and has not changed

    def to_dict(self) -> dict[str, Any]:
        d = super().to_dict()
        return {k: d[k] for k in ("path", "read", "new", "updated", "duplicate", "rejected", "resumed", "unchanged",
                                  "reasons")}


Failed = tuple[str, str, str]  # (document id, error code, message): the pipeline failed on that document


def processed(docs: Sequence[Document], records: Sequence[dict[str, Any] | Exception]) -> list[Prepared | Failed]:
    """Each document prepared for the store with its Record, or why not: one bug must not stop a feed."""
    out: list[Prepared | Failed] = []
    for doc, record in zip(docs, records, strict=True):
        try:
            if isinstance(record, Exception):
                raise record
            out.append(prepare(doc, record))
        except Exception as exc:
            out.append((doc.id, errors.INTERNAL, f"pipeline failed on document {doc.id}: {type(exc).__name__}: {exc}"))
    return out


def store_batch(store: Store, batch: list[Prepared], checkpoint: Checkpoint | None, tally: Tally,
                rejected: Callable[[str, str], None] | None = None) -> list[str]:
    """Write a batch and its checkpoint in one transaction, count each outcome; the ids stored new or changed.

    `rejected(code, message)` hears of a document the store refused (else the tally just counts it)."""
    changed: list[str] = []
    for outcome in store.put_batch(batch, checkpoint):
        if outcome.status == "rejected":
            if rejected:
                rejected(errors.DB_WRITE_FAILED, f"document {outcome.id} not stored: {outcome.reason}")
            else:
                tally.reject(errors.DB_WRITE_FAILED)
            continue
        setattr(tally, outcome.status, getattr(tally, outcome.status) + 1)
        if outcome.status in ("new", "updated"):
            changed.append(outcome.id)
    return changed


@dataclass
class IngestOptions:
    source: Options = field(default_factory=Options)
    region: str = "US"
    workers: int = 0  # 0: all cores for big inputs, in-process for small ones
    batch_size: int = 500
    on_error: str = "skip"  # skip | fail
    force: bool = False  # re-read files whose checkpoint says they are complete


Reject = Callable[[dict[str, Any]], None]
Advance = Callable[[int], None]
# Called after each committed batch with the ids stored new or changed (alerts hook in here: storage
# does not know about cases, the shell wires them).
Stored = Callable[[list[str]], None]

_pipeline: Any = None


def _process_chunk(items: Sequence[Document] | Sequence[Line], region: str,
                   source: tuple[str, Options] | None = None) -> list[Prepared | Failed | None]:
    """Worker side: the pure pipeline. A document the pipeline chokes on is rejected, not fatal.

    With `source` (the file's path and reading options) the items are raw JSONL lines, parsed here: the
    writer then neither parses nor pickles Documents (~25 µs an ad of its CPU). A line that does not
    parse gives None; the writer parses it again for its located error (rare, and the error stays the
    reader's own)."""
    global _pipeline
    if _pipeline is None or _pipeline.default_region != region:
        from adtrace.pipeline import Pipeline

        _pipeline = Pipeline(default_region=region)
    parsed: list[Any] = list(items) if source is None else [
        parse_line(raw, source[0], line, source[1]) for line, raw in cast("Sequence[Line]", items)]
    docs = [d for d in parsed if isinstance(d, Document)]
    # A bug in one stage must not stop a million-document ingest: that document is rejected.
    done = iter(processed(docs, _pipeline.process_many(docs)))
    return [next(done) if isinstance(d, Document) else None for d in parsed]


class _Inline(Executor):
    """The in-process executor for small inputs and tests."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        fut: Future[Any] = Future()
        fut.set_result(fn(*args, **kwargs))
        return fut


def expand(paths: list[str]) -> list[str]:
    """Files to read: folders are walked (sorted) for files whose ending names a known format."""
    out: list[str] = []
    for p in paths:
        path = Path(p)
        if p != "-" and not path.exists():
            raise errors.InputError.at(errors.FILE_NOT_FOUND, _("no such file or folder"), path=p,
                                       hint=_("Check the path; nothing was ingested"))
        if p != "-" and path.is_dir():
            found = [str(c) for c in sorted(path.rglob("*")) if c.is_file() and _known(str(c))]
            if not found:  # silently ingesting nothing reads as success
                raise errors.InputError.at(errors.FILE_NOT_FOUND, _("no file with a known ending in this folder"), path=p,
                                           hint=_("Add files ending in %(endings)s (or those + .gz); nothing was "
                                                  "ingested") % {"endings": ", ".join(known_endings())})
            out.extend(found)
        else:
            out.append(p)
    return out


def _known(path: str) -> bool:
    try:
        reader_for(path)
        return True
    except errors.InputError:
        return False


def _workers(opts: IngestOptions, files: list[str]) -> int:
    if opts.workers > 0:
        return opts.workers
    size = sum(Path(f).stat().st_size for f in files if f != "-" and Path(f).is_file())
    return (os.cpu_count() or 1) if size >= AUTO_POOL_BYTES else 1


def ingest(store: Store, paths: list[str], opts: IngestOptions, *, reject: Reject | None = None,
           advance: Advance | None = None, stored: Stored | None = None) -> list[FileSummary]:
    files = expand(paths)
    workers = _workers(opts, files)
    if workers > 1:
        ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
        pool: Executor = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_fewer_collections)
    else:
        pool = _Inline()
    summaries = []
    before = gc.get_threshold()
    _fewer_collections()  # the writer too: its batches' rows are as short-lived
    try:
        for path in files:
            summaries.append(_ingest_file(store, path, opts, pool, max(2, 2 * workers), reject, advance, stored))
    finally:
        gc.set_threshold(*before)
        pool.shutdown(cancel_futures=True)
    return summaries


def _fewer_collections() -> None:
    """Collect young objects every GC_YOUNG allocations, not every 700 (see GC_YOUNG)."""
    gc.set_threshold(GC_YOUNG, *gc.get_threshold()[1:])


def _fingerprint(path: str) -> str | None:
    if path == "-":
        return None
    try:
        st = Path(path).stat()
    except OSError:
        return None
    return f"{st.st_size}:{st.st_mtime_ns}"


def _ingest_file(store: Store, path: str, opts: IngestOptions, pool: Executor, depth: int,
                 reject: Reject | None, advance: Advance | None, stored: Stored | None = None) -> FileSummary:
    summary = FileSummary(path=path)
    key = str(Path(path).absolute()) if path != "-" else None
    fp = _fingerprint(path)
    skip = 0
    if key and fp and not opts.force and (cp := store.checkpoint(key)) and cp.fingerprint == fp:
        if cp.complete:
            summary.unchanged = True
            return summary
        skip = cp.items_done

    def rejected(code: str, message: str, line: int | None, raw: str = "", cli_hint: str = "") -> None:
        summary.reject(code)
        if reject:  # the CLI prints `cli_hint` (a flag to pass); the import page shows only the message
            reject({"path": path, "line": line, "code": code, "message": message, "raw": raw,
                    **({"cli_hint": cli_hint} if cli_hint else {})})

    # JSONL goes to the workers as raw lines (see _process_chunk); other formats as Documents.
    source = (path, opts.source) if _deferred(path, opts) else None
    inflight: deque[tuple[Future[list[Any]], int, list[Any]]] = deque()

    def drain(keep: int) -> None:
        while len(inflight) > keep:
            fut, done, items = inflight.popleft()
            results = fut.result()
            good: list[Prepared] = []
            answers = iter(results)
            for item in items:
                if isinstance(item, ReadError):  # refused by the reader: reported in line order
                    rejected(item.error.code, item.error.message, item.line, item.raw, item.error.cli_hint)
                    continue
                r = next(answers)
                if r is None:  # a raw line that did not parse: the reader's located error, parsed again here
                    bad = parse_line(item[1], path, item[0], opts.source)
                    assert isinstance(bad, ReadError)
                    if opts.on_error == "fail":  # as if read here: nothing of this batch is stored
                        raise bad.error
                    rejected(bad.error.code, bad.error.message, bad.line, bad.raw, bad.error.cli_hint)
                    continue
                if source is not None:
                    summary.read += 1
                if isinstance(r, Prepared):
                    good.append(r)
                else:  # the pipeline failed on it (AT500): a bug, and the CLI says so
                    rejected(r[1], r[2], None, cli_hint=errors.BUG_HINT)
            cp = Checkpoint(key, fp, done, False) if key and fp else None
            changed = store_batch(store, good, cp, summary, lambda code, message: rejected(code, message, None))
            if stored and changed:
                stored(changed)
            if advance:
                advance(sum(r is not None for r in results))

    def submit(items: list[Any], done: int) -> None:
        work = [i for i in items if not isinstance(i, ReadError)]
        inflight.append((pool.submit(_process_chunk, work, opts.region, source), done, items))

    chunk: list[Any] = []
    size = index = 0
    cut = False  # the file's gzip stream broke: what it held past that point was never read
    for index, item in enumerate(_lines(path, opts) if source else _items(path, opts), start=1):
        if index <= skip:
            summary.resumed += 1
            continue
        if isinstance(item, ReadError):
            cut = cut or item.error.code == errors.DAMAGED_GZIP
            if opts.on_error == "fail":
                drain(0)
                for line, raw in chunk if source else ():  # an unparsed line before it may be bad too: first wins
                    if isinstance(bad := parse_line(raw, path, line, opts.source), ReadError):
                        raise bad.error
                raise item.error
            if source is None:
                rejected(item.error.code, item.error.message, item.line, item.raw, item.error.cli_hint)
            else:  # reported with its batch, after the lines before it
                chunk.append(item)
            continue
        if source is None:
            summary.read += 1
        chunk.append(item)
        size += 1
        if size >= opts.batch_size:
            submit(chunk, index)
            chunk, size = [], 0
            drain(depth)
    if chunk:
        submit(chunk, index)
    drain(0)
    if key and fp:
        # A cut file is not complete: run again unchanged, it resumes at the damage and reports it again
        # (marked complete, it said "unchanged, skipped", as if it had been read whole).
        store.put_batch([], Checkpoint(key, fp, index - 1 if cut else index, not cut))
    return summary


def _deferred(path: str, opts: IngestOptions) -> bool:
    """Whether `path` is JSONL, whose lines the workers parse."""
    try:
        return reader_for(path, opts.source.format) is read_jsonl
    except errors.InputError:
        return False  # _items reports it


def _lines(path: str, opts: IngestOptions) -> Iterator[Line | ReadError]:
    """A JSONL file's raw lines: the items `_items` gives, before parsing (sources.jsonl.lines)."""
    try:
        fh = open_binary(path)
    except errors.InputError as exc:
        if opts.on_error == "fail":
            raise
        yield ReadError(path, exc.detail.get("line") or 0, exc)  # a whole-file error: 0, unless it says its line
        return
    try:
        yield from lines(fh, path, opts.source)
    finally:
        if path != "-":
            fh.close()


def _items(path: str, opts: IngestOptions) -> Iterator[Document | ReadError]:
    try:
        yield from read_paths([path], opts.source)
    except errors.InputError as exc:  # the whole file is unreadable: one rejection, the run goes on
        if opts.on_error == "fail":
            raise
        yield ReadError(path, exc.detail.get("line") or 0, exc)  # a whole-file error: 0, unless it says its line
