"""Every command that reads a user's file, given a damaged one, through the real entry point (`main`):
a located `error ATnnn` on stderr and its exit code, never a traceback and never click's bare "Aborted!".

The property tests (tests/*/test_corrupt_*.py) cover each reader's functions with random damage; this
sweep checks the last step, the shell, once per command with one damage each.
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

import orjson
import pytest

from adtrace.cli.main import main
from adtrace.exchange import keys as xk
from adtrace.storage import init_db


def _run(argv: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    monkeypatch.setattr(sys, "argv", ["adtrace", *argv])
    with pytest.raises(SystemExit) as exc:
        main()
    out = capsys.readouterr()
    return int(exc.value.code or 0), out.out + out.err


@pytest.fixture
def place(tmp_path: Path) -> Path:
    init_db(str(tmp_path / "x.db"))
    xk.generate("ngo-a", tmp_path / "keys")
    xk.set_consortium_key(bytes(range(32)), tmp_path / "keys")
    (tmp_path / "garbage.json").write_bytes(b'{"format": "adtrace')
    (tmp_path / "cut.jsonl.gz").write_bytes(gzip.compress(b'{"id": "a1", "text": "call 702 555 0147"}\n' * 50)[:40])
    (tmp_path / "bad.yaml").write_text("name: bad\nhosts: [bad.test]\nselectors: {body: 'div['}\n")
    (tmp_path / "bad.test").mkdir()
    (tmp_path / "bad.test" / "1.html").write_text("<div>x</div>")
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "run.json").write_bytes(b"{")
    (tmp_path / "bank.txt").write_bytes(b"raw_text caf\xe9\n")
    (tmp_path / "ids.txt").write_bytes(b"phone:+1 213 473 0188\nemail:caf\xe9@example.org\n")
    (tmp_path / "labels.csv").write_bytes(b"text,label\nnew in town,1\nsofa \xff,0\n")
    (tmp_path / "cp.jsonl").write_bytes(b'{"kind": "nope"}\n')
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "p.yaml").write_text("name: fuzz\nhosts: [f.test]\nselectors: {body: p}\n"
                                                  "crawl: {start_urls: ['https://f.test/'], ads: ['a['], delay: 1}\n")
    broken_keys = tmp_path / "broken-keys"
    broken_keys.mkdir()
    (broken_keys / "org.json").write_bytes(orjson.dumps({"org": "ngo-a", "current": "k", "keys": [1]}))
    return tmp_path


CASES = {  # command -> the code its damaged file must give
    "ingest-cut-gzip": (["ingest", "--db", "{p}/x.db", "--no-alerts", "--on-error", "fail", "{p}/cut.jsonl.gz"],
                        "AT115"),
    "ingest-bad-profile": (["ingest", "--db", "{p}/x.db", "--no-alerts", "--profiles", "{p}/bad.yaml",
                            "{p}/bad.test/1.html"], "AT104"),
    "load": (["load", "{p}/run", "--db", "{p}/l.db"], "AT116"),
    "exchange-import": (["exchange", "import", "{p}/garbage.json", "--db", "{p}/x.db", "--keys", "{p}/keys"],
                        "AT101"),
    "exchange-trust": (["exchange", "trust", "{p}/garbage.json", "--db", "{p}/x.db"], "AT101"),
    "exchange-keys": (["exchange", "keys", "--keys", "{p}/broken-keys"], "AT400"),
    "hma-import": (["exchange", "hma", "import", "{p}/bank.txt", "--watchlist", "w", "--db", "{p}/x.db"], "AT102"),
    "psi-respond": (["exchange", "psi", "respond", "{p}/garbage.json", "{p}/ids.txt", "--response", "{p}/r.json"],
                    "AT102"),
    "train": (["train", "--labels", "{p}/labels.csv", "-o", "{p}/m.skops"], "AT102"),
    "evaluate": (["evaluate", "--labels", "{p}/labels.csv"], "AT102"),
    "evidence-verify": (["evidence", "verify", "{p}/garbage.json"], "AT101"),
    "tips-import": (["tips", "import", "{p}/garbage.json", "--db", "{p}/x.db", "--keys", "{p}/keys"], "AT101"),
    "audit-verify": (["audit", "verify", "--db", "{p}/x.db", "--checkpoints", "{p}/cp.jsonl"], "AT111"),
    "crawl": (["crawl", "--profile", "fuzz", "--profiles", "{p}/profiles", "--db", "{p}/x.db", "--warc-dir", ""],
              "AT104"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_damaged_file_gives_a_located_error(case: str, place: Path, capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    argv, code = CASES[case]
    status, output = _run([a.replace("{p}", str(place)) for a in argv], capsys, monkeypatch)
    assert "Traceback" not in output and "Aborted" not in output, output
    assert f"error {code}:" in output and status in (1, 3), (status, output)
    assert str(place) in output  # the file (or its folder) is named
