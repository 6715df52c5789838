"""WARC / WARC.gz crawls: each HTML response becomes a Document through the profile for its host.

Responses that are not HTML, not 200, or that no profile (or no ad body) fits are crawl noise
(index pages, scripts, other sites) and are passed over silently.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import IO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from adtrace import errors
from adtrace.i18n import _
from adtrace.sources.base import Item, Options, ReadError
from adtrace.sources.html import page_document


def read_warc(fh: IO[bytes], path: str, opts: Options) -> Iterator[Item]:
    number = 0
    try:
        for record in ArchiveIterator(fh):
            number += 1
            if record.rec_type != "response" or record.http_headers is None:
                continue
            ctype = record.http_headers.get_header("Content-Type") or ""
            if "html" not in ctype.lower() or record.http_headers.get_statuscode() != "200":
                continue
            url = record.rec_headers.get_header("WARC-Target-URI")
            raw = record.content_stream().read(opts.max_line_bytes + 1)
            where = _("%(path)s record %(n)s") % {"path": path, "n": number}
            if len(raw) > opts.max_line_bytes:
                err = errors.InputError.at(errors.LINE_TOO_LONG, _("page %(url)s is larger than %(n)s bytes")
                                           % {"url": url, "n": f"{opts.max_line_bytes:,}"}, path=where)
                yield ReadError(path, number, err)
                continue
            try:
                doc = page_document(raw, url, opts, path=where, strict=False)
            except errors.InputError as exc:
                yield ReadError(path, number, exc)
                continue
            if doc is not None:
                yield doc
    # warcio raises several kinds on a damaged or truncated file; all mean the rest is unreadable.
    except (ArchiveLoadFailed, ValueError, AttributeError, EOFError, OSError, zlib.error) as exc:
        err = errors.InputError.at(errors.UNKNOWN_FORMAT, _("not a readable WARC (%(why)s)") % {"why": exc},
                                   path=path, line=number + 1, hint=_("Check the file is a complete WARC or WARC.gz"))
        yield ReadError(path, number + 1, err)
