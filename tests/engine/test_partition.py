"""Byte ranges of a plain JSONL file own each line exactly once, whatever the range size."""

from __future__ import annotations

from pathlib import Path

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from adtrace.engine.partition import plan, read_partition
from adtrace.sources import Options


@settings(max_examples=40, deadline=None)
@given(lengths=st.lists(st.integers(0, 120), min_size=1, max_size=40), size=st.integers(1, 400),
       trailing_newline=st.booleans())
def test_ranges_cover_every_line_once(tmp_path_factory: object, lengths: list[int], size: int,
                                      trailing_newline: bool) -> None:
    folder = tmp_path_factory.mktemp("p")  # type: ignore[attr-defined]
    path = Path(folder) / "x.jsonl"
    lines = [orjson.dumps({"id": f"d{i}", "text": "é" * n + "x"}) for i, n in enumerate(lengths)]
    path.write_bytes(b"\n".join(lines) + (b"\n" if trailing_newline else b""))
    parts = plan([str(path)], Options(), partition_bytes=size)
    got = [doc.id for p in parts for doc in read_partition(p, Options())]  # type: ignore[attr-defined]
    assert got == [f"d{i}" for i in range(len(lengths))]


def test_gzip_and_small_files_are_one_partition(tmp_path: Path) -> None:
    import gzip

    big = tmp_path / "big.jsonl.gz"
    with gzip.open(big, "wb") as fh:
        fh.write(b"".join(orjson.dumps({"text": f"ad {i}"}) + b"\n" for i in range(2000)))
    assert len(plan([str(big)], Options(), partition_bytes=100)) == 1
