"""Reader errors in the reader's language (issue 21): a bad line still names its file, line and code."""

from __future__ import annotations

from pathlib import Path

import pytest

from adtrace import errors, i18n
from adtrace.sources import read_paths
from adtrace.sources.base import ReadError


def test_located_reader_errors_are_translated(tmp_path: Path) -> None:
    src = tmp_path / "ads.jsonl"
    src.write_bytes(b'{"text": "ok"}\n{oops\n')
    for lang, words in (("en", "broken JSON"), ("es", "JSON roto"), ("zh_Hans", "JSON 损坏")):
        with i18n.use(lang):
            [bad] = [i for i in read_paths([str(src)]) if isinstance(i, ReadError)]
            assert bad.error.code == errors.BAD_JSON and bad.line == 2
            assert words in bad.error.message and str(src) in bad.error.message
    with i18n.use("es"), pytest.raises(errors.InputError) as e:
        list(read_paths([str(tmp_path / "missing.csv")]))
    assert e.value.code == errors.FILE_NOT_FOUND and "no existe el archivo" in e.value.message
    assert "entrada estándar" in e.value.message  # the hint too
