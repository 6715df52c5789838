"""JSON Lines reader: one Document per line; blank lines are ignored."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

import orjson

from adtrace import errors
from adtrace.documents import Document
from adtrace.i18n import _
from adtrace.sources.base import Item, Options, ReadError, bounded_lines


def read_jsonl(fh: IO[bytes], path: str, opts: Options) -> Iterator[Item]:
    for line, raw in bounded_lines(fh, opts.max_line_bytes):
        if raw is None:
            err = errors.InputError.at(
                errors.LINE_TOO_LONG, _("line is longer than %(n)s bytes") % {"n": f"{opts.max_line_bytes:,}"},
                path=path, line=line, hint=_("Split the document or raise the limit with --max-line-bytes"))
            yield ReadError(path, line, err)
            continue
        if not raw.strip():
            continue
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            err = errors.InputError.at(
                errors.BAD_UTF8, _("invalid UTF-8 at byte %(at)s") % {"at": exc.start}, path=path, line=line,
                hint=_("Re-encode the file as UTF-8 (e.g. iconv -f latin1 -t utf-8)"))
            yield ReadError(path, line, err, raw[:200].decode("utf-8", "replace"))
            continue
        try:
            obj = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            err = errors.InputError.at(errors.BAD_JSON, _("broken JSON (%(why)s)") % {"why": exc}, path=path,
                                       line=line, hint=_("Each line must be one complete JSON object"))
            yield ReadError(path, line, err, raw[:200].decode("utf-8", "replace"))
            continue
        if isinstance(obj, dict):
            if opts.source and not obj.get("source"):
                obj["source"] = opts.source
            if opts.kind and not obj.get("kind"):
                obj["kind"] = opts.kind
        try:
            yield Document.from_dict(obj, path=path, line=line)
        except errors.InputError as err:
            yield ReadError(path, line, err, raw[:200].decode("utf-8", "replace"))
