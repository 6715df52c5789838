import json
import subprocess
import sys
from pathlib import Path


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "adtrace", *args], input=stdin, capture_output=True,
                          timeout=120)


def test_extract_stdin_to_stdout() -> None:
    res = run("extract", stdin=b'{"id": "a1", "text": "call 7o2 555 o147 or candy at gmail dot com"}\n')
    assert res.returncode == 0, res.stderr
    rec = json.loads(res.stdout)
    assert rec["id"] == "a1"
    assert rec["phones"][0]["value"] == "+17025550147"
    assert rec["emails"][0]["value"] == "candy@gmail.com"
    assert b"1 document read, 0 rejected" in res.stderr  # singular (it said "1 documents read")


def test_skip_counts_and_logs_bad_lines(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text('{"text": "ok 702-555-0147"}\n{oops\n{"text": "fine"}\n', encoding="utf-8")
    errs = tmp_path / "errors.jsonl"
    out = tmp_path / "out.jsonl"
    res = run("extract", str(src), "-o", str(out), "--errors-file", str(errs))
    assert res.returncode == 0, res.stderr
    assert len(out.read_text().splitlines()) == 2
    logged = [json.loads(line) for line in errs.read_text().splitlines()]
    assert logged[0]["line"] == 2 and logged[0]["code"] == "AT101"
    assert b"1 rejected" in res.stderr


def test_fail_policy_exits_1_with_location(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text('{"text": "ok"}\n{"kind": "ad"}\n', encoding="utf-8")
    res = run("extract", str(src), "--on-error", "fail")
    assert res.returncode == 1
    err = res.stderr.decode()
    assert "line 2" in err and "'text'" in err and "Traceback" not in err
    # Records of the lines before the bad one are written, though they share its batch.
    assert len(res.stdout.decode().splitlines()) == 1


def test_missing_file_and_usage_errors(tmp_path: Path) -> None:
    res = run("extract", str(tmp_path / "missing.jsonl"))
    assert res.returncode == 1 and b"no such file" in res.stderr and b"Traceback" not in res.stderr
    res = run("extract", "--format", "xml")
    assert res.returncode == 2
    res = run("no-such-verb")
    assert res.returncode == 2


def test_csv_in_csv_out(tmp_path: Path) -> None:
    src = tmp_path / "ads.csv"
    src.write_text("id,body\n7,\"snap: candyx99, 702.555.0147\"\n", encoding="utf-8")
    res = run("extract", str(src), "--text-col", "body", "--format", "csv")
    assert res.returncode == 0, res.stderr
    lines = res.stdout.decode().splitlines()
    assert lines[0].startswith("id,phones,emails,handles")
    assert lines[1].startswith("7,+17025550147,,snapchat:candyx99")
