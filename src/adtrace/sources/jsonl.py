"""JSON Lines reader: one Document per line; blank lines are ignored.

Reading is split in two so ingest can hand the second half to its workers: `lines` cuts the file into
numbered raw lines (refusing over-long ones), `parse_line` turns one into a Document or a located error.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

import orjson

from adtrace import errors
from adtrace.documents import Document
from adtrace.i18n import _
from adtrace.sources.base import DAMAGED, Item, Options, ReadError, bounded_lines, damaged

Line = tuple[int, bytes]  # (line number, the line's bytes without its newline)


def read_jsonl(fh: IO[bytes], path: str, opts: Options) -> Iterator[Item]:
    for item in lines(fh, path, opts):
        yield item if isinstance(item, ReadError) else parse_line(item[1], path, item[0], opts)


def lines(fh: IO[bytes], path: str, opts: Options) -> Iterator[Line | ReadError]:
    """The file's non-blank lines, unparsed, in the order `read_jsonl` yields their items."""
    line = 0
    try:
        for line, raw in bounded_lines(fh, opts.max_line_bytes):
            if raw is None:
                err = errors.InputError.at(
                    errors.LINE_TOO_LONG, _("line is longer than %(n)s bytes") % {"n": f"{opts.max_line_bytes:,}"},
                    path=path, line=line, hint=_("Split the document or raise the line-length limit"),
                    cli_hint="raise it with `--max-line-bytes`")
                yield ReadError(path, line, err)
                continue
            if raw.strip():
                yield line, raw
    except DAMAGED as exc:  # a cut .gz: the lines before the damage stand, the file stops here
        yield ReadError(path, line + 1, damaged(path, line + 1, exc))


def parse_line(raw: bytes, path: str, line: int, opts: Options) -> Item:
    """One non-blank line as a Document, or the ReadError that says why not."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        err = errors.InputError.at(
            errors.BAD_UTF8, _("invalid UTF-8 at byte %(at)s") % {"at": exc.start}, path=path, line=line,
            hint=_("Re-encode the file as UTF-8 (e.g. iconv -f latin1 -t utf-8)"))
        return ReadError(path, line, err, raw[:200].decode("utf-8", "replace"))
    try:
        obj = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        # The column in the reader's words; orjson's own (English) words only as the detail in brackets.
        err = errors.InputError.at(errors.BAD_JSON, _("broken JSON at column %(col)s (%(why)s)")
                                   % {"col": exc.colno, "why": exc.msg}, path=path, line=line,
                                   hint=_("Each line must be one complete JSON object"))
        return ReadError(path, line, err, raw[:200].decode("utf-8", "replace"))
    if isinstance(obj, dict):
        if opts.source and not obj.get("source"):
            obj["source"] = opts.source
        if opts.kind and not obj.get("kind"):
            obj["kind"] = opts.kind
    try:
        return Document.from_dict(obj, path=path, line=line)
    except errors.InputError as err:
        return ReadError(path, line, err, raw[:200].decode("utf-8", "replace"))
