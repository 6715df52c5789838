"""`adtrace load` survives a damaged engine run: one of its files cut, flipped, replaced or missing.

The property (as tests/sources/test_corrupt_files.py): `engine.load.load`, what `adtrace load` calls,
succeeds or raises an `adtrace.errors` error with a catalogued code naming the file; a load that fails
leaves the database without documents (load fills an empty database, so nothing half-loaded stays
behind to block the next attempt) and `PRAGMA integrity_check` says ok.
"""

from __future__ import annotations

import io
import shutil
import sqlite3
import tempfile
from functools import cache
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adtrace import errors
from adtrace.engine import RunOptions, make_engine, run
from adtrace.engine.load import load
from adtrace.synth import write_corpus
from tests.sources.test_corrupt_files import byte_damage


@cache
def _run() -> Path:
    """A small engine run (local engine), made once."""
    root = Path(tempfile.mkdtemp(prefix="adtrace-loadcorrupt-"))
    buf = io.BytesIO()
    write_corpus(40, 11, buf)
    (root / "a.jsonl").write_bytes(buf.getvalue())
    eng = make_engine("local", workers=1)
    try:
        run(eng, [str(root / "a.jsonl")], str(root / "out"), RunOptions(buckets=3))
    finally:
        eng.close()
    return root / "out"


def _files() -> list[str]:
    return sorted(str(p.relative_to(_run())) for p in _run().rglob("*") if p.is_file())


def damaged_copy(tmp: str, name: str, data: bytes | None) -> Path:
    """A copy of the run in `tmp` whose file `name` holds `data` (None: the file is missing)."""
    out = Path(tmp) / "out"
    shutil.copytree(_run(), out)
    if data is None:
        (out / name).unlink()
    else:
        (out / name).write_bytes(data)
    return out


def check_load(name: str, data: bytes | None) -> None:
    """Load a copy of the run whose file `name` holds `data` (None: the file is missing)."""
    with tempfile.TemporaryDirectory(prefix="adtrace-loadcorrupt-") as tmp:
        out = damaged_copy(tmp, name, data)
        db = Path(tmp) / "l.db"
        try:
            load(str(out), str(db))
        except errors.AdtraceError as exc:
            assert exc.code in errors.CATALOGUE and str(out) in exc.message, exc
            if db.exists():
                with sqlite3.connect(db) as conn:
                    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
                    assert conn.execute("SELECT count(*) FROM documents").fetchone() == (0,), exc
        else:
            with sqlite3.connect(db) as conn:
                assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_damaged_engine_output(data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(_files()))
    raw = (_run() / name).read_bytes()
    check_load(name, data.draw(st.none() | byte_damage(raw)))


def test_cut_or_missing_files_are_named_before_anything_is_loaded() -> None:
    """Was: orjson.JSONDecodeError, AttributeError, pyarrow ArrowInvalid or FileNotFoundError as a
    traceback, and a cut link file left 40 documents loaded without clusters (a second `load` then
    refused the database as not empty)."""
    for name in ("run.json", "link_indexes.json", "documents/part-00000.parquet", "records/part-00000.parquet",
                 "link/part-00000.parquet", "keys/bucket-00001.parquet"):
        for data in ((_run() / name).read_bytes()[:100], None, b"[1]"):
            with tempfile.TemporaryDirectory(prefix="adtrace-loadcorrupt-") as tmp:
                out = damaged_copy(tmp, name, data)
                try:
                    load(str(out), str(Path(tmp) / "l.db"))
                except errors.InputError as exc:
                    assert exc.code in (errors.BAD_ENGINE_OUTPUT, errors.BAD_FIELD, errors.FILE_NOT_FOUND), exc
                    named = out / name if data is not None else (out / name).parent  # a missing file: its folder
                    assert str(named) in exc.message, (name, exc)
                else:
                    raise AssertionError(f"{name} damaged, yet loaded")
                assert not (Path(tmp) / "l.db").exists()  # checked before the database was made


def test_a_record_that_is_not_json_is_named_and_nothing_stays_loaded() -> None:
    """Was: sqlite3.OperationalError "malformed JSON" from the facet rows, as a traceback (a byte flip
    inside a Parquet page that still decodes). Now AT116 naming the partition, its transaction undone."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    with tempfile.TemporaryDirectory(prefix="adtrace-loadcorrupt-") as tmp:
        out = Path(tmp) / "out"
        shutil.copytree(_run(), out)
        part = out / "records" / "part-00000.parquet"
        table = pq.read_table(part)
        records = table.column("record").to_pylist()
        records[3] = records[3][:-7]  # cut short: not JSON any more
        i = table.schema.get_field_index("record")
        pq.write_table(table.set_column(i, table.schema.field(i), pa.array(records, table.schema.field(i).type)), part)
        try:
            load(str(out), str(Path(tmp) / "l.db"))
        except errors.InputError as exc:
            assert exc.code == errors.BAD_ENGINE_OUTPUT and str(out / "documents" / "part-00000.parquet") in exc.message
        else:
            raise AssertionError("a record that is not JSON was loaded")
        with sqlite3.connect(Path(tmp) / "l.db") as conn:
            assert conn.execute("SELECT count(*) FROM documents").fetchone() == (0,)
