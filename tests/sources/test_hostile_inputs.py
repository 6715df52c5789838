"""Issue 20: hostile files stay within bounded memory and time, with located errors."""

from __future__ import annotations

import gzip
import tracemalloc
from pathlib import Path

from adtrace import errors
from adtrace.documents import Document
from adtrace.sources import Options, ReadError, read_paths

LIMIT = 64 * 1024


def test_csv_unclosed_quote_is_refused_within_the_record_bound(tmp_path: Path) -> None:
    path = tmp_path / "runaway.csv.gz"
    filler = ("call 213-473-0188, plain words here " * 30 + "\n").encode()  # ~1 KB lines
    with gzip.open(path, "wb") as fh:
        fh.write(b"id,text\n1,fine ad\n2,\"this quote never closes\n")
        for _ in range(16_000):  # ~17 MB once decompressed, a few KB on disk
            fh.write(filler)
    tracemalloc.start()
    items = list(read_paths([str(path)], Options(max_line_bytes=LIMIT)))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert isinstance(items[0], Document) and items[0].text == "fine ad"
    assert len(items) == 2 and isinstance(items[1], ReadError)
    err = items[1].error
    assert (err.code, items[1].path, items[1].line) == (errors.LINE_TOO_LONG, str(path), 3)
    assert "line 3" in err.message and "unclosed quote" in err.message
    assert peak < 16 * LIMIT  # the record was never held whole (without the bound: the whole 17 MB)


def test_csv_long_line_without_newline_is_bounded(tmp_path: Path) -> None:
    path = tmp_path / "oneline.csv"
    path.write_bytes(b"id,text\n1," + b"x" * (3 * LIMIT))
    items = list(read_paths([str(path)], Options(max_line_bytes=LIMIT)))
    assert [type(i) for i in items] == [ReadError] and items[0].line == 2


def test_csv_multiline_quoted_fields_still_read(tmp_path: Path) -> None:
    path = tmp_path / "ok.csv"
    path.write_text('id,text\n1,"first line\nsecond line"\n2,"a ""quoted"" word"\n', encoding="utf-8")
    items = list(read_paths([str(path)], Options(max_line_bytes=LIMIT)))
    assert [(d.id, d.text) for d in items if isinstance(d, Document)] == [
        ("1", "first line\nsecond line"), ("2", 'a "quoted" word')]
