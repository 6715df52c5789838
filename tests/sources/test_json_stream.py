"""A `.json` file is read on from the file, never held whole (adtrace.sources.jsonarray).

A JSON array of documents was parsed whole: 889 MB of peak resident memory for a 200 MB array, over
2 GB for one at the 512 MB limit, in the web server for an upload. And a JSON Lines file named `.json`
was read only up to that limit: the lines past it were dropped without a word. Synthetic documents."""

from __future__ import annotations

import gzip
import tracemalloc
from pathlib import Path

import orjson
import pytest

from adtrace import errors
from adtrace.documents import Document
from adtrace.sources import Options, ReadError, read_paths, social


def _read(path: Path, opts: Options | None = None) -> list[Document | ReadError]:
    return list(read_paths([str(path)], opts or Options()))


def _docs(n: int) -> list[dict[str, object]]:
    return [{"id": f"s{i}", "source": "site", "text": f"ad {i} with a [bracket] and a {{brace}} \"quoted\" \\ here",
             "title": "x" * (i % 50)} for i in range(n)]


def test_a_big_array_is_read_one_element_at_a_time(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_bytes(orjson.dumps(_docs(60_000)))  # one line of about 9 MB, as json.dump writes it
    tracemalloc.start()
    count = 0
    for item in read_paths([str(path)], Options(max_line_bytes=256 * 1024)):
        assert isinstance(item, Document)
        count += 1
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert count == 60_000
    # Before: 134 MB, every object at once (and the bytes twice). Now the first line's bound and a chunk.
    assert peak < path.stat().st_size / 2, peak


def test_a_json_lines_file_named_json_is_read_past_the_export_limit(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(social, "MAX_EXPORT_BYTES", 4096)
    path = tmp_path / "lines.json.gz"
    path.write_bytes(gzip.compress(b"\n".join(orjson.dumps(d) for d in _docs(500)) + b"\n"))
    got = _read(path)
    assert len(got) == 500 and all(isinstance(d, Document) for d in got)  # before: 31, the rest dropped


def test_items_are_rejected_one_by_one_and_a_broken_array_stops_where_it_breaks(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_bytes(b'[{"id": "a", "text": "one, [two]"}, {"id": "b", "text": tru}, 7, "x,y",\n'
                     b' {"id": "c", "text": "three"} {"id": "d", "text": "four"}]')
    got = _read(path)
    assert [d.id for d in got if isinstance(d, Document)] == ["a", "c"]
    problems = [g.error.message for g in got if isinstance(g, ReadError)]
    assert len(problems) == 4 and "item 2" in problems[0] and "item 3" in problems[1] and "item 4" in problems[2]
    assert "item 6" in problems[3] and "a comma or ']' is missing" in problems[3]
    path.write_bytes(b'[{"id": "a", "text": "one"}, {"id": "b", "text": "two')
    got = _read(path)
    assert [d.id for d in got if isinstance(d, Document)] == ["a"] and "item 2" in got[1].error.message  # type: ignore[union-attr]


def test_an_item_past_the_line_bound_stops_the_file(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_bytes(b'[{"id": "a", "text": "one"},\n{"id": "b", "text": "' + b"x" * 5000 + b'"}, {"id": "c"}]')
    got = _read(path, Options(max_line_bytes=1000))
    assert isinstance(got[0], Document) and len(got) == 2
    assert isinstance(got[1], ReadError) and got[1].error.code == errors.LINE_TOO_LONG
    assert "item 2" in got[1].error.message


def test_small_and_odd_arrays(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    for raw, ids in ((b"[]", []), (b"\xef\xbb\xbf [ ]\n", []), (b'[{"id":"a","text":"t"}]\n\n', ["a"]),
                     (b'\n\n[\n {"id":"a","text":"\\"]}"}\n]', ["a"])):
        path.write_bytes(raw)
        got = _read(path)
        assert [d.id for d in got if isinstance(d, Document)] == ids and len(got) == len(ids), raw
    path.write_bytes(b'[{"id":"a","text":"t"}] [1]')
    assert isinstance(_read(path)[-1], ReadError)
