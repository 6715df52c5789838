"""What spreadsheets and scripts commonly save: a JSON array of documents, UTF-16 text, .tsv files."""

from __future__ import annotations

import gzip
from pathlib import Path

import orjson
import pytest

from adtrace import errors
from adtrace.documents import Document
from adtrace.sources import Options, ReadError, read_paths

ROWS = [{"id": "s1", "text": "Front desk job, call 213 555 0142"}, {"id": "s2", "text": "Café staff wanted 急聘"}]


def _read(path: Path, opts: Options | None = None) -> list[object]:
    return list(read_paths([str(path)], opts or Options()))


@pytest.mark.parametrize("indent", [False, True])
def test_a_json_array_of_documents_is_read(tmp_path: Path, indent: bool) -> None:
    """`json.dump(list_of_ads)` (one line or pretty-printed) is a common export; it was refused ("not JSON
    Lines, an X/Twitter export or a Telegram export")."""
    path = tmp_path / "ads.json"
    path.write_bytes(orjson.dumps(ROWS, option=orjson.OPT_INDENT_2 if indent else 0))
    docs = _read(path, Options(source="mine", kind="job"))
    assert [(d.id, d.text, d.source, d.kind) for d in docs if isinstance(d, Document)] == [
        ("s1", ROWS[0]["text"], "mine", "job"), ("s2", ROWS[1]["text"], "mine", "job")]


def test_a_json_arrays_bad_items_are_rejected_one_by_one(tmp_path: Path) -> None:
    path = tmp_path / "ads.json"
    path.write_bytes(orjson.dumps([ROWS[0], "just a string", {"id": "s3"}, ROWS[1]]))
    items = _read(path)
    assert [d.id for d in items if isinstance(d, Document)] == ["s1", "s2"]
    bad = [i for i in items if isinstance(i, ReadError)]
    assert [b.line for b in bad] == [2, 3]
    assert "item 2" in bad[0].error.message and "object" in bad[0].error.message
    assert "item 3" in bad[1].error.message


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_a_utf16_csv_is_read(tmp_path: Path, encoding: str) -> None:
    """Excel's "Unicode text" is UTF-16 with a byte-order mark, tab-separated; it was refused as invalid UTF-8."""
    path = tmp_path / "ads.csv"
    body = "id\ttext\n" + "".join(f"{r['id']}\t{r['text']}\n" for r in ROWS)
    path.write_bytes(("\ufeff" + body).encode(encoding) if encoding.endswith("be") else body.encode(encoding))
    docs = _read(path)
    assert [(d.id, d.text) for d in docs if isinstance(d, Document)] == [(r["id"], r["text"]) for r in ROWS]
    gz = tmp_path / "ads.csv.gz"
    gz.write_bytes(gzip.compress(path.read_bytes()))
    assert len([d for d in _read(gz) if isinstance(d, Document)]) == 2


def test_a_tsv_file_is_read_as_csv(tmp_path: Path) -> None:
    path = tmp_path / "ads.tsv"
    path.write_text("id\ttext\n" + "".join(f"{r['id']}\t{r['text']}\n" for r in ROWS), encoding="utf-8")
    assert [d.id for d in _read(path) if isinstance(d, Document)] == ["s1", "s2"]


def test_utf16_without_a_byte_order_mark_still_says_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "ads.csv"
    path.write_bytes("id,text\ns1,hello\n".encode("utf-16-le"))
    with pytest.raises(errors.InputError) as exc:
        _read(path)
    assert exc.value.code == errors.BAD_UTF8 and "UTF-8" in exc.value.message


def test_a_damaged_utf16_csv_says_utf16(tmp_path: Path) -> None:
    """A UTF-16 file cut in the middle of a character said "invalid UTF-8", the wrong advice for it."""
    path = tmp_path / "ads.csv"
    path.write_bytes("id\ttext\ns1\thello\n".encode("utf-16")[:-1])
    bad = [i for i in _read(path) if isinstance(i, ReadError)]
    assert len(bad) == 1 and "invalid UTF-16" in bad[0].error.message, bad
    assert "invalid UTF-8" not in bad[0].error.message and "Re-encode the file as UTF-8" not in bad[0].error.message
