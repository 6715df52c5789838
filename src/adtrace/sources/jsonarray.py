"""A JSON array of documents, read one element at a time.

`json.dump` of a list of ads writes one array, often one line of hundreds of megabytes. Parsed whole, a
200 MB array peaked at 889 MB of resident memory (`/usr/bin/time -v`, synthetic ads) and one of the
512 MB the whole-file exports allow would take over 2 GB, in the web server for an upload. Here only
one element (at most `--max-line-bytes`, as a JSON line) and one read chunk are held: the element's
extent is found by a scan of its strings and brackets (a regular expression: a string is one token, so
a bracket inside one never counts), then orjson parses just that element, as it parses a JSON line.
A broken element is rejected and the next one read; a broken array (unclosed, missing comma) stops the
file at that item, the items before it read.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from typing import IO

from adtrace.i18n import _

CHUNK = 1 << 20
# A complete string, a bracket or brace, or a lone quote (a string not finished in the bytes read so far).
_TOKEN = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]|"', re.DOTALL)
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_SCALAR = re.compile(rb"[^,\]\s]+")  # a number, true, false, null (or something broken: orjson says)
_SPACE = re.compile(rb"[ \t\r\n]*")


class Broken(Exception):
    """The array's structure is broken at this item: nothing after it can be read reliably."""

    def __init__(self, item: int, what: str) -> None:
        super().__init__(what)
        self.item, self.what = item, what


class TooLong(Exception):
    """An element past the byte limit (an unclosed brace or string makes one too)."""

    def __init__(self, item: int) -> None:
        super().__init__(item)
        self.item = item


class _Buffer:
    def __init__(self, head: bytes, read: Callable[[int], bytes]) -> None:
        self.buf, self.pos, self.read, self.eof = head, 0, read, False

    def more(self) -> bool:
        """Read another chunk, dropping what was consumed; False at the end of the file."""
        if self.eof:
            return False
        chunk = self.read(CHUNK)
        if not chunk:
            self.eof = True
            return False
        self.buf = self.buf[self.pos:] + chunk
        self.pos = 0
        return True

    def skip_space(self) -> int | None:
        """The next byte that is not white space (not consumed), None at the end of the file."""
        while True:
            self.pos = _SPACE.match(self.buf, self.pos).end()  # type: ignore[union-attr]  # always matches
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self.more():
                return None


def elements(head: bytes, read: Callable[[int], bytes], limit: int) -> Iterator[bytes]:
    """The raw bytes of each element of the array that `head` (then `read`) holds, from its "[" on.
    Raises Broken or TooLong (after the elements before it)."""
    b = _Buffer(head, read)
    if b.skip_space() != ord("["):
        raise Broken(1, _("not a JSON array"))
    b.pos += 1
    item = 0
    while True:
        item += 1
        c = b.skip_space()
        if c is None:
            raise Broken(item, _("the array is not closed"))
        if c == ord("]") and item == 1:
            break
        yield _element(b, item, limit)
        c = b.skip_space()
        if c == ord(","):
            b.pos += 1
            continue
        if c == ord("]"):
            break
        raise Broken(item + 1, _("the array is not closed") if c is None else _("a comma or ']' is missing"))
    b.pos += 1
    if b.skip_space() is not None:
        raise Broken(item + 1, _("more JSON after the array's closing ']'"))


def _element(b: _Buffer, item: int, limit: int) -> bytes:
    """One element's bytes, consumed: an object or array by its brackets, anything else by its token."""
    while True:
        start, depth, at = b.pos, 0, b.pos
        if b.buf[start] not in b"{[":
            m = (_STRING if b.buf[start] == ord('"') else _SCALAR).match(b.buf, start)
            if m is None and b.buf[start] != ord('"'):
                raise Broken(item, _("an item is missing"))
            if m is not None and (m.end() < len(b.buf) or b.eof):
                b.pos = m.end()
                return b.buf[start:m.end()]
        else:
            while (m := _TOKEN.search(b.buf, at)) is not None and m.group() != b'"':
                at = m.end()
                depth += {b"{": 1, b"[": 1, b"}": -1, b"]": -1}.get(m.group(), 0)
                if depth == 0:
                    b.pos = at
                    return b.buf[start:at]
                if at - start > limit:
                    raise TooLong(item)
        if len(b.buf) - start > limit:
            raise TooLong(item)
        if not b.more():
            raise Broken(item, _("the array ends inside this item"))


class Joined(io.RawIOBase):
    """`head`, then the rest of `fh`: what a reader that peeked at a file's start reads on with."""

    def __init__(self, head: bytes, fh: IO[bytes]) -> None:
        self.head, self.fh = head, fh

    def readable(self) -> bool:
        return True

    def readinto(self, out: bytearray | memoryview) -> int:  # type: ignore[override]
        if self.head:
            n = min(len(out), len(self.head))
            out[:n], self.head = self.head[:n], self.head[n:]
            return n
        data = self.fh.read(len(out))
        out[:len(data)] = data
        return len(data)
