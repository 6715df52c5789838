"""CSV reader with column mapping (--text-col body --title-col title ...).

Memory is bounded like JSONL lines are: no line and no record (a quoted field may span lines) is held
past `--max-line-bytes` characters. A record past it stops the file with a located error: after a runaway
quote nothing that follows can be read reliably.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator
from typing import IO, Any

from adtrace import errors
from adtrace.documents import Document
from adtrace.i18n import _
from adtrace.sources.base import DAMAGED, Item, Options, ReadError, damaged

csv.field_size_limit(sys.maxsize)  # fields are bounded by the record bound below, per file


class _RecordTooLong(Exception):
    pass


# Column separators a CSV is saved with: a spreadsheet whose decimal mark is a comma (Spain, Latin America,
# most of Europe) writes semicolons; tab- and pipe-separated exports are common too.
SEPARATORS = (",", ";", "\t", "|")


def separator_of(header: str) -> str:
    """The separator the header line holds most of (a comma when it holds none): column names rarely hold
    one, while the text below often does, so the header alone decides."""
    return max(SEPARATORS, key=lambda sep: (header.count(sep), sep == ","))


class _Bounded:
    """The file's lines for csv.reader, refusing to let one record grow past `limit` characters.
    The reader calls `record_done()` after each record (csv.reader never reads ahead). `head()` reads the
    first line ahead (to find the separator) and hands it to the reader first."""

    def __init__(self, text: IO[str], limit: int) -> None:
        self.text, self.limit, self.pending = text, limit, 0
        self.ahead: str | None = None

    def __iter__(self) -> Iterator[str]:
        return self

    def head(self) -> str:
        self.ahead = self.text.readline(self.limit + 1)
        return self.ahead

    def __next__(self) -> str:
        if self.ahead is not None:
            line, self.ahead = self.ahead, None
        else:
            line = self.text.readline(self.limit + 1 - self.pending)
        if not line:
            raise StopIteration
        self.pending += len(line)
        if self.pending > self.limit:
            raise _RecordTooLong
        return line

    def record_done(self) -> None:
        self.pending = 0


UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def encoding_of(head: bytes) -> str:
    """UTF-16 when the file opens with its byte-order mark (Excel's "Unicode text" export), else UTF-8."""
    return "utf-16" if head[:2] in UTF16_BOMS else "utf-8"


def _head(fh: IO[bytes]) -> bytes:
    """The first bytes, left in the stream (files, gzip and stdin peek; other streams seek back)."""
    try:
        peek = getattr(fh, "peek", None)
        if peek is not None:
            return bytes(peek(2)[:2])
        start = fh.tell()
        head = fh.read(2)
        fh.seek(start)
        return head
    except DAMAGED:  # a cut .csv.gz: the read below meets the damage again and says where
        return b""


def read_csv(fh: IO[bytes], path: str, opts: Options) -> Iterator[Item]:
    encoding = encoding_of(_head(fh))
    text = io.TextIOWrapper(fh, encoding=encoding, errors="strict", newline="")
    lines = _Bounded(text, opts.max_line_bytes)
    # A damaged file is said in its own encoding: "invalid UTF-8" is the wrong advice for a cut UTF-16 file.
    utf16 = encoding == "utf-16"

    def too_long(line: int) -> ReadError:
        err = errors.InputError.at(
            errors.LINE_TOO_LONG, _("the record starting here is longer than %(n)s characters (an unclosed quote?); "
                                     "the rest of the file cannot be read reliably") % {"n": f"{opts.max_line_bytes:,}"},
            path=path, line=line, hint=_("Close the quote, split the record, or raise the line-length limit"),
            cli_hint="raise it with `--max-line-bytes`")
        return ReadError(path, line, err)

    try:
        rows = csv.reader(lines, delimiter=separator_of(lines.head()))
        header = next(rows)
    except StopIteration:
        return
    except _RecordTooLong:
        yield too_long(1)
        return
    except DAMAGED as exc:
        yield ReadError(path, 1, damaged(path, 1, exc))
        return
    except UnicodeDecodeError as exc:
        what = (_("invalid UTF-16 in the header (%(why)s)") if utf16 else _("invalid UTF-8 in the header (%(why)s)"))
        raise errors.InputError.at(errors.BAD_UTF8, what % {"why": exc.reason}, path=path, line=1,
                                   hint=_("Re-encode the file as UTF-8")) from None
    header = [h.strip().lstrip("\ufeff") for h in header]
    if any("\0" in h for h in header):  # UTF-16 saved without its byte-order mark reads as NULs between letters
        raise errors.InputError.at(errors.BAD_UTF8, _("the header holds NUL characters: the file looks like UTF-16 "
                                                      "without a byte-order mark, not UTF-8"), path=path, line=1,
                                   hint=_("Save it from your spreadsheet as “CSV UTF-8” (or re-encode it as UTF-8)"))
    if opts.text_col not in header:
        raise errors.InputError.at(
            errors.MISSING_FIELD, _("no column named '%(col)s' (columns: %(columns)s)")
            % {"col": opts.text_col, "columns": ", ".join(header)},
            path=path, line=1, field_name=opts.text_col, hint=_("Name the column that holds the text"), cli_hint="name it with `--text-col`")
    mapping = {
        opts.text_col: "text", opts.title_col: "title", opts.id_col: "id", opts.url_col: "url",
        opts.date_col: "posted_at", opts.location_col: "location",
    }
    while True:
        lines.record_done()
        start = rows.line_num + 1
        try:
            row = next(rows)
        except StopIteration:
            return
        except _RecordTooLong:
            yield too_long(start)
            return
        except DAMAGED as exc:  # a cut .csv.gz: the records before the damage stand
            line = rows.line_num + 1
            yield ReadError(path, line, damaged(path, line, exc))
            return
        except UnicodeDecodeError as exc:
            line = rows.line_num + 1
            what = (_("invalid UTF-16 (%(why)s); the rest of the file cannot be read reliably") if utf16
                    else _("invalid UTF-8 (%(why)s); the rest of the file cannot be read reliably"))
            err = errors.InputError.at(errors.BAD_UTF8, what % {"why": exc.reason}, path=path, line=line,
                                       hint=_("Save it again from the spreadsheet (a copy cut short?), or as “CSV "
                                              "UTF-8”") if utf16 else _("Re-encode the file as UTF-8"))
            yield ReadError(path, line, err)
            return
        except csv.Error as exc:
            line = rows.line_num
            yield ReadError(path, line, errors.InputError.at(errors.BAD_CSV, _("malformed CSV (%(why)s)") % {"why": exc},
                                                             path=path, line=line,
                                                             hint=_("Check quoting on this row")))
            continue
        line = rows.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            err = errors.InputError.at(errors.BAD_CSV, _("%(n)s cells where the header has %(header)s")
                                       % {"n": len(row), "header": len(header)}, path=path, line=line,
                                       hint=_("Check quoting and delimiters on this row"))
            yield ReadError(path, line, err, ",".join(row)[:200])
            continue
        obj: dict[str, Any] = {}
        for name, value in zip(header, row, strict=True):
            if value == "":
                continue
            obj[mapping.get(name, name)] = value
        if opts.source and "source" not in obj:
            obj["source"] = opts.source
        if opts.kind and "kind" not in obj:
            obj["kind"] = opts.kind
        try:
            yield Document.from_dict(obj, path=path, line=line)
        except errors.InputError as err:
            yield ReadError(path, line, err, ",".join(row)[:200])
