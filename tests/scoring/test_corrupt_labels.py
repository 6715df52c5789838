"""`adtrace train` / `evaluate` labels files survive corruption (as tests/sources/test_corrupt_files.py).

The property: `read_labels` and `label_groups`, what the two commands call on `--labels`, return or
raise an `adtrace.errors` error with a catalogued code naming the file; nothing else escapes.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adtrace import errors
from adtrace.documents import Document
from adtrace.scoring.labels import label_groups, read_labels
from tests.sources.test_corrupt_files import byte_damage

LABELS = (b"id,text,label,group\n"
          b"d1,,1,a\n"
          b",\"new in town, call 702-555-0147\",yes,a\n"
          b"d2,,0,\n"
          b",\"sofa for sale, \"\"like new\"\"\",no,b\n")
CORPUS = [Document(id="d1", text="sweet and discreet, incall only"), Document(id="d2", text="blue bicycle")]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_labels_file(data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory(prefix="adtrace-labels-") as tmp:
        path = Path(tmp) / "labels.csv"
        path.write_bytes(data.draw(byte_damage(LABELS)))
        for read in (lambda: read_labels(str(path), CORPUS), lambda: label_groups(str(path))):
            try:
                read()
            except errors.AdtraceError as exc:
                assert exc.code in errors.CATALOGUE and str(path) in exc.message, exc


def test_labels_not_utf8_or_with_a_bom(tmp_path: Path) -> None:
    """Was: UnicodeDecodeError as a traceback; and a spreadsheet's BOM hid the first column ("columns are
    ['\\ufefftext', 'label']"). Now a located BAD_UTF8, and the BOM is dropped."""
    path = tmp_path / "labels.csv"
    path.write_bytes(b"text,label\nnew in town,1\nsofa \xff for sale,0\n")
    for read in (read_labels, label_groups):
        with pytest.raises(errors.InputError) as exc:
            read(str(path))
        assert exc.value.code == errors.BAD_UTF8 and exc.value.detail["path"] == str(path)
    path.write_bytes(b"\xef\xbb\xbftext,label,group\nnew in town,1,a\nsofa,0,\n")
    assert [y for _, y in read_labels(str(path))] == [1, 0]
    assert label_groups(str(path)) == ["a", "row:3"]
