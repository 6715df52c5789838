"""The import page survives damaged uploads (as tests/sources/test_corrupt_files.py does for ingest).

The CSV mapping form previews the header of the uploaded file (`importjobs.csv_preview`); the job then
runs the same `ingest` the property tests of tests/sources cover. Here: the preview returns or raises a
catalogued `adtrace.errors` error, and a damaged upload's job ends "done" or "failed" with the
readers' message, never "internal error".
"""

from __future__ import annotations

import gzip
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adtrace import errors, i18n
from adtrace.app import importjobs
from tests.app.conftest import csrf_of
from tests.app.test_import_jobs import _wait
from tests.sources.test_corrupt_files import byte_damage, csv_bytes, gz, jsonl_bytes, jsonl_objects


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), st.booleans())
def test_csv_preview(data: st.DataObject, compressed: bool) -> None:
    raw = data.draw(byte_damage(gz(csv_bytes()) if compressed else csv_bytes()))
    with tempfile.TemporaryDirectory(prefix="adtrace-upload-") as tmp:
        name = "ads.csv.gz" if compressed else "ads.csv"
        (Path(tmp) / name).write_bytes(raw)
        try:
            importjobs.csv_preview({"folder": tmp, "file": name})
        except errors.AdtraceError as exc:
            assert exc.code in errors.CATALOGUE and name in exc.message, exc


def test_preview_of_a_cut_gzip_and_of_a_character_split_at_the_preview_size(tmp_path: Path) -> None:
    """Was: EOFError out of the mapping form for a .csv.gz cut short, and BAD_CSV "cannot read the header"
    for a valid UTF-8 file whose 256,000th byte falls inside a character."""
    (tmp_path / "cut.csv.gz").write_bytes(gz(csv_bytes())[:40])
    try:
        importjobs.csv_preview({"folder": str(tmp_path), "file": "cut.csv.gz"})
    except errors.InputError as exc:
        assert exc.code == errors.BAD_CSV and "cut.csv.gz" in exc.message
    else:
        raise AssertionError("a cut .csv.gz previewed")
    head = b"id,text\n"
    row = "1,caf\u00e9 \u00e9t\u00e9\n".encode()
    rows = row * ((256_000 - len(head)) // len(row) - 1)
    filler = b"1," + b"a" * (256_000 - len(head) - len(rows) - 3)  # byte 255,999 is the first of "é"
    body = head + rows + filler + "\u00e9".encode() + b"\n"
    assert body[:256_000].decode("utf-8", "replace").endswith("\ufffd")  # the cut splits the character
    (tmp_path / "big.csv").write_bytes(body)
    header, sample = importjobs.csv_preview({"folder": str(tmp_path), "file": "big.csv"})
    assert header == ["id", "text"] and sample[0] == ["1", "caf\u00e9 \u00e9t\u00e9"]


def test_damaged_uploads_end_with_the_readers_message(app: Any, login: Callable[[str], TestClient]) -> None:
    engine = app.state.adtrace.engine
    client = login("analyst")
    whole = jsonl_bytes(jsonl_objects())
    for name, body in (("cut.jsonl.gz", gzip.compress(whole)[:70]), ("nul.jsonl", whole.replace(b":", b"\x00", 3)),
                       ("bad.jsonl", b"\xff\xfe" + whole), ("x.json", b'{"data": [{"id": "1", "text": "hi", '
                                                                       b'"author_id": [1]}], "includes": []}')):
        r = client.post("/import", data={"csrf": csrf_of(client), "link": ""}, files={"file": (name, body)},
                        follow_redirects=False)
        assert r.status_code == 303, (name, r.text[:300])
        job = _wait(engine, r.headers["location"].rsplit("/", 1)[1])
        assert "internal error" not in job["message"], (name, job)
        assert all(e["code"] in errors.CATALOGUE and e["message"].startswith(name) for e in job["errors"]), job


def test_a_damaged_truth_file_is_named(app: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """ADTRACE_TRUTH, the synthetic truth file an admin may point the Settings page at. Was: JSONDecodeError
    (or AttributeError for a line that is not an object) out of the page. Now AT420 naming file and line."""
    from adtrace.app.data.settings import false_positive_rates

    truth = tmp_path / "truth.jsonl"
    monkeypatch.setenv("ADTRACE_TRUTH", str(truth))
    for body in (b'{"type": "document", "id": "a", "benign": true}\n{"type": "docu\n', b"[1]\n"):
        truth.write_bytes(body)
        with pytest.raises(errors.ConfigError) as exc:
            false_positive_rates(app.state.adtrace.engine, {"elevated": 40.0, "high": 70.0})
        assert exc.value.code == errors.BAD_SETTING and str(truth) in exc.value.message
    with i18n.use("es"), pytest.raises(errors.ConfigError) as exc:  # the web hint in the reader's language
        false_positive_rates(app.state.adtrace.engine, {"elevated": 40.0, "high": 70.0})
    assert exc.value.web_hint == "Pida a un administrador que corrija o elimine ADTRACE_TRUTH"
