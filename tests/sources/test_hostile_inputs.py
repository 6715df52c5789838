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


def test_deeply_nested_html_is_refused_before_parsing(tmp_path: Path) -> None:
    from adtrace.sources import pageshape

    path = tmp_path / "deep.html"
    path.write_bytes(b"<html><body>\n" + b"<div>" * 200_000 + b"x" + b"</div>" * 200_000 + b"</body></html>")
    items = list(read_paths([str(path)]))
    assert [type(i) for i in items] == [ReadError]
    err = items[0].error
    assert err.code == errors.PAGE_TOO_DEEP and err.detail == {"path": str(path), "line": 2}
    assert f"nested more than {pageshape.MAX_DEPTH} deep" in err.message


def test_page_shape_follows_the_parser_closely_enough() -> None:
    from adtrace.sources.pageshape import check_page

    ok = [
        b"<div>" * 200 + b"</div>" * 200,  # deep but allowed
        b"<p>" * 5000 + b"<li>" * 5000 + b"<br>" * 5000,  # implied ends and void elements do not nest
        b"<!-- " + b"<div>" * 5000 + b" -->",  # comments, scripts and styles are not markup
        b"<script>var s = '" + b"<div>" * 5000 + b"';</script><style>" + b"<div>" * 5000 + b"</style>",
        b"<svg>" + b"<path d='M0'/>" * 5000 + b"</svg>",  # self-closing inside SVG
        (b"<div><span>" + b"x" * 10 + b"</span></div>") * 5000,  # many siblings
        b"<div>" * 100 + b"<!-- never closed " + b"<div>" * 5000,
    ]
    for page in ok:
        check_page(page, "p.html", scan_from=0)
    for bad in (b"<div/>" * 300, b"<span>" * 300, b"<div>" * 100 + b"</b>" * 300 + b"<div>" * 200,
                b"<a></a>" * 200_001):
        try:
            check_page(bad, "bad.html", scan_from=0)
        except errors.InputError as exc:
            assert exc.code == errors.PAGE_TOO_DEEP
        else:
            raise AssertionError(bad[:40])


def test_ordinary_profile_pages_still_read(tmp_path: Path) -> None:
    path = tmp_path / "ad.html"
    nested = "<div><table><tr><td><span>" * 40 + "New in town, <b>call</b> 213-473-0188" + "</span></td></tr></table></div>" * 40
    path.write_text(f'<html><body><h1 id="adTitle">Hi</h1><div id="adText">{nested}</div></body></html>')
    items = list(read_paths([str(path)]))
    assert [type(i) for i in items] == [Document] and "213-473-0188" in items[0].text
