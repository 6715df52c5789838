"""What every reader shares: options, located errors, and opening plain/gzip files or stdin."""

from __future__ import annotations

import gzip
import io
import sys
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from adtrace import errors
from adtrace.documents import Document
from adtrace.i18n import _

# A line past this many bytes is refused, and skipped without ever being held in memory whole.
DEFAULT_MAX_LINE_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class Options:
    """How to read. Column names map CSV headers onto Document fields."""

    text_col: str = "text"
    title_col: str = "title"
    id_col: str = "id"
    url_col: str = "url"
    date_col: str = "posted_at"
    location_col: str = "location"
    source: str | None = None  # default source name; the file name when None
    kind: str | None = None
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES
    format: str | None = None  # force a reader instead of choosing by extension
    # Extra site profiles (sources.profiles.Profile) loaded by the caller: carried with the options so that
    # readers in other processes (an engine's workers) know them too.
    profiles: tuple[Any, ...] = ()


@dataclass(frozen=True)
class ReadError:
    """One rejected line: where, and the error that says why."""

    path: str
    line: int
    error: errors.InputError
    raw: str = ""  # the first bytes of the line, for the errors file

    def to_json(self) -> dict[str, object]:
        """The record of an errors file (`--errors-file`, an engine run's errors): with the error's
        command-line advice as `hint` when it has one (these files are read at the command line)."""
        return {"path": self.path, "line": self.line, "code": self.error.code, "message": self.error.message,
                "raw": self.raw, **({"hint": self.error.cli_hint} if self.error.cli_hint else {})}


Item = Document | ReadError
Reader = Callable[[IO[bytes], str, Options], Iterator[Item]]


@dataclass(frozen=True)
class Format:
    """A source format a plugin registers (entry-point group "adtrace.sources"): its reader and endings."""

    name: str
    reader: Reader
    endings: tuple[str, ...] = ()


BOM = b"\xef\xbb\xbf"  # UTF-8's byte-order mark
# What reading a cut or damaged gzip stream raises: a missing end (EOFError), a bad header or checksum
# (BadGzipFile), corrupt deflate data (zlib.error). Each means nothing past that point can be read.
DAMAGED = (EOFError, gzip.BadGzipFile, zlib.error)


def damaged(path: str, line: int | None, exc: Exception) -> errors.InputError:
    """The error for a gzip stream that broke while line `line` was read (None: a whole-file read)."""
    return errors.InputError.at(
        errors.DAMAGED_GZIP, _("the compressed file is cut short or damaged (%(why)s); the rest of the file "
                               "cannot be read") % {"why": exc}, path=path, line=line,
        hint=_("Copy or download the file again (gzip -t FILE checks it)"))


# A gzip file may expand at most this many times its compressed size. Real ad files expand 2.9-3.1 times
# (the two real dev files) and synthetic ones 4.6 (bench/gzip_ratio.py); gzip itself goes up to ~1,030, so a
# 1 MB file of newlines is a billion empty lines (over 300 s of CPU before this bound). Checked once more
# than MIN_BOMB_BYTES came out, so a small file is never refused.
MAX_GZIP_RATIO = 100
MIN_BOMB_BYTES = 1 << 20


class _Counting:
    """The compressed stream under a GzipFile, counting the bytes gzip took from it."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw, self.taken = raw, 0

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.taken += len(data)
        return data

    def seek(self, offset: int, whence: int = 0) -> int:
        return self.raw.seek(offset, whence)

    def tell(self) -> int:
        return self.raw.tell()

    def close(self) -> None:
        self.raw.close()


class BoundedGzip(gzip.GzipFile):
    """A GzipFile that refuses (AT117) to expand past MAX_GZIP_RATIO times what it has read."""

    def __init__(self, raw: IO[bytes], path: str) -> None:
        self._counting, self._path, self._out = _Counting(raw), path, 0
        super().__init__(fileobj=self._counting)  # type: ignore[arg-type]

    def _took(self, n: int) -> None:
        self._out += n
        if self._out > MIN_BOMB_BYTES and self._out > MAX_GZIP_RATIO * max(1, self._counting.taken):
            raise errors.InputError.at(
                errors.DECOMPRESSION_BOMB, _("the compressed file expands more than %(ratio)s times its size: a "
                                             "decompression bomb, not ads; read up to here") % {"ratio": MAX_GZIP_RATIO},
                path=self._path, hint=_("Check where the file came from; real ad files expand a few times"))

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self._took(len(data))
        return data

    def read1(self, size: int = -1) -> bytes:
        data = super().read1(size)
        self._took(len(data))
        return data

    def readline(self, size: int | None = -1) -> bytes:
        data = super().readline(size)
        self._took(len(data))
        return data


@dataclass
class Counts:
    read: int = 0
    rejected: int = 0
    by_path: dict[str, list[int]] = field(default_factory=dict)


def open_binary(path: str) -> IO[bytes]:
    """Open a path (or '-' for stdin) for binary reading; gzip is detected by its magic bytes."""
    if path == "-":
        raw: IO[bytes] = sys.stdin.buffer
        peek = raw.peek(2)[:2] if isinstance(raw, io.BufferedReader) else b""
        return BoundedGzip(raw, path) if peek == b"\x1f\x8b" else raw  # type: ignore[return-value]
    p = Path(path)
    if not p.exists():
        raise errors.InputError.at(errors.FILE_NOT_FOUND, _("no such file"), path=path,
                                   hint=_("Check the path; use '-' to read standard input"))
    if p.is_dir():
        raise errors.InputError.at(errors.UNKNOWN_FORMAT, _("is a folder"), path=path,
                                   hint=_("Name the files inside it, e.g. folder/*.jsonl"))
    fh = p.open("rb")
    if fh.peek(2)[:2] == b"\x1f\x8b":
        return BoundedGzip(fh, path)  # type: ignore[return-value]
    return fh


def bounded_lines(fh: IO[bytes], limit: int) -> Iterator[tuple[int, bytes | None]]:
    """Yield (line number, bytes) with the newline stripped; None for a line longer than `limit`.

    An over-long line is consumed in chunks so a 50 MB line never sits in memory. A UTF-8 byte-order mark
    opening the file (Windows editors write one) is not part of the first line.
    """
    number = 0
    while True:
        chunk = fh.readline(limit + 1)
        if not chunk:
            return
        number += 1
        if number == 1:
            chunk = chunk.removeprefix(BOM)
        if len(chunk) > limit and not chunk.endswith(b"\n"):
            while chunk and not chunk.endswith(b"\n"):
                chunk = fh.readline(1 << 20)
            yield number, None
            continue
        yield number, chunk.rstrip(b"\r\n")
