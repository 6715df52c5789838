"""A gzip file that expands far past any ad file (a decompression bomb) is refused with AT117 once it has
expanded MAX_GZIP_RATIO times what was read, instead of being read to its end: 1 MB of gzip can hold a
billion empty lines (over 300 s of CPU). Real ad files expand about 3 times (bench/gzip_ratio.py)."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest

from adtrace import errors
from adtrace.sources import read_paths
from adtrace.sources.base import MAX_GZIP_RATIO, open_binary


def _bomb(path: Path, mib: int = 16) -> None:
    with gzip.open(path, "wb", compresslevel=9) as fh:
        for _ in range(mib):
            fh.write(b"\n" * (1 << 20))


def test_a_gzip_bomb_is_refused_soon_after_it_passes_the_ratio(tmp_path: Path) -> None:
    path = tmp_path / "ads.jsonl.gz"
    _bomb(path)
    assert (16 << 20) / path.stat().st_size > 10 * MAX_GZIP_RATIO  # the file really is a bomb
    with pytest.raises(errors.InputError) as exc:
        list(read_paths([str(path)]))
    assert exc.value.code == errors.DECOMPRESSION_BOMB and str(path) in exc.value.message
    with open_binary(str(path)) as fh, pytest.raises(errors.InputError):
        fh.read()  # a whole-file read is bounded the same way


def test_an_ordinary_gzip_file_is_read_whole(tmp_path: Path) -> None:
    from adtrace.synth import write_corpus

    buf = io.BytesIO()
    write_corpus(300, 5, buf)
    path = tmp_path / "ads.jsonl.gz"
    path.write_bytes(gzip.compress(buf.getvalue(), compresslevel=9))
    docs = list(read_paths([str(path)]))
    assert len(docs) == 300 and all(not hasattr(d, "error") for d in docs)
