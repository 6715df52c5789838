import gzip
from pathlib import Path

import pytest

from adtrace import errors
from adtrace.documents import Document
from adtrace.sources import Options, ReadError, read_paths


def _items(path: Path, **kw: object) -> list[Document | ReadError]:
    return list(read_paths([str(path)], Options(**kw)))  # type: ignore[arg-type]


def test_jsonl_good_bad_and_blank_lines(tmp_path: Path) -> None:
    p = tmp_path / "in.jsonl"
    p.write_bytes(b'{"text": "one"}\n\n{broken\n{"title": "no text"}\n\xff\xfe{"text": "x"}\n{"text": "two"}\n')
    items = _items(p)
    docs = [i for i in items if isinstance(i, Document)]
    bad = [i for i in items if isinstance(i, ReadError)]
    assert [d.text for d in docs] == ["one", "two"]
    assert [(b.line, b.error.code) for b in bad] == [
        (3, errors.BAD_JSON), (4, errors.MISSING_FIELD), (5, errors.BAD_UTF8)]
    assert all(str(p) in b.error.message for b in bad)


def test_gzip_detected_by_magic(tmp_path: Path) -> None:
    p = tmp_path / "in.jsonl.gz"
    p.write_bytes(gzip.compress(b'{"text": "zipped"}\n'))
    assert [d.text for d in _items(p) if isinstance(d, Document)] == ["zipped"]


def test_over_long_line_refused_without_stopping(tmp_path: Path) -> None:
    p = tmp_path / "big.jsonl"
    with p.open("wb") as fh:
        fh.write(b'{"text": "' + b"a" * (3 * 1024 * 1024) + b'"}\n{"text": "after"}\n')
    items = _items(p, max_line_bytes=1024 * 1024)
    assert isinstance(items[0], ReadError) and items[0].error.code == errors.LINE_TOO_LONG
    assert isinstance(items[1], Document) and items[1].text == "after"


def test_csv_with_column_mapping(tmp_path: Path) -> None:
    p = tmp_path / "ads.csv"
    p.write_text('ad_id,body,headline,city\n1,"call 702 555 0199, ""Sam""",Hi,Reno\n2,,x,y\n3,third,t,z\n',
                 encoding="utf-8")
    items = _items(p, text_col="body", title_col="headline", id_col="ad_id")
    docs = [i for i in items if isinstance(i, Document)]
    assert [d.id for d in docs] == ["1", "3"]
    assert docs[0].title == "Hi" and docs[0].meta == {"city": "Reno"}
    bad = [i for i in items if isinstance(i, ReadError)]
    assert len(bad) == 1 and bad[0].line == 3 and bad[0].error.code == errors.MISSING_FIELD


def test_csv_separated_by_semicolons_or_tabs(tmp_path: Path) -> None:
    """A spreadsheet saved as CSV where the decimal mark is a comma (Spain, Latin America, most of Europe)
    separates its columns with semicolons; a tab-separated export is common too. The header line says which:
    the separator it holds most of (a comma if none), so commas inside the text stay text."""
    for sep in (";", "\t"):
        p = tmp_path / "ads.csv"
        p.write_text(f'id{sep}body{sep}city\n1{sep}call 702 555 0199, ask for Sam, new in town{sep}Reno\n'
                     f'2{sep}"quoted{sep} still text"{sep}Elko\n', encoding="utf-8")
        docs = [i for i in _items(p, text_col="body") if isinstance(i, Document)]
        assert [d.id for d in docs] == ["1", "2"], sep
        assert docs[0].text == "call 702 555 0199, ask for Sam, new in town" and docs[0].meta == {"city": "Reno"}
        assert docs[1].text == f"quoted{sep} still text"
    p.write_text('id,body\n1,"semicolons; inside; the text"\n', encoding="utf-8")
    assert [d.text for d in _items(p, text_col="body") if isinstance(d, Document)] == ["semicolons; inside; the text"]


def test_csv_missing_text_column_is_a_clear_error(tmp_path: Path) -> None:
    p = tmp_path / "ads.csv"
    p.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(errors.InputError) as info:
        _items(p)
    assert "Name the column that holds the text" in info.value.message and info.value.code == errors.MISSING_FIELD
    assert "--text-col" in info.value.cli_hint and "--text-col" not in info.value.message


def test_unknown_extension_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(errors.InputError) as info:
        _items(tmp_path / "nope.jsonl")
    assert info.value.code == errors.FILE_NOT_FOUND
    odd = tmp_path / "x.parquet"
    odd.write_bytes(b"x")
    with pytest.raises(errors.InputError) as info:
        _items(odd)
    assert info.value.code == errors.UNKNOWN_FORMAT
    # A missing file is named as missing, even when its name has no known ending; a folder as a folder.
    with pytest.raises(errors.InputError) as info:
        _items(tmp_path / "nope")
    assert info.value.code == errors.FILE_NOT_FOUND
    with pytest.raises(errors.InputError, match="is a folder"):
        _items(tmp_path)


def test_ingest_of_a_folder_without_readable_files_says_so(tmp_path: Path) -> None:
    from adtrace.storage.ingest import expand

    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(errors.InputError, match="no file with a known ending") as info:
        expand([str(tmp_path)])
    assert info.value.code == errors.FILE_NOT_FOUND and ".jsonl" in str(info.value)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "ads.jsonl.gz").write_bytes(b"")
    assert expand([str(tmp_path)]) == [str(tmp_path / "sub" / "ads.jsonl.gz")]
