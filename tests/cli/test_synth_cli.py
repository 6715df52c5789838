"""`adtrace synth --start`: postings span the 366 days from the given date (the demo starts a year back so
the default retention keeps its ads); a wrong date is a clear error, not a traceback."""

import json
import subprocess
import sys
from datetime import date, timedelta


def run(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "adtrace", *args], capture_output=True, timeout=120)


def test_start_moves_every_posting_date() -> None:
    res = run("synth", "--docs", "200", "--seed", "2", "--profile", "compact", "--start", "2026-03-01")
    assert res.returncode == 0, res.stderr
    days = {json.loads(line)["posted_at"][:10] for line in res.stdout.splitlines()}
    first = date(2026, 3, 1)
    assert days and all(first <= date.fromisoformat(d) < first + timedelta(days=366) for d in days)


def test_a_wrong_start_is_a_clear_error() -> None:
    res = run("synth", "--docs", "1", "--start", "last spring")
    assert res.returncode == 1
    assert b"--start must be a date" in res.stderr and b"Traceback" not in res.stderr
