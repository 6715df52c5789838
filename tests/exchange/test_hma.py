"""ThreatExchange/HMA banks (issue 22): an adtrace PDQ watchlist exported as a bank, fetched and matched by
the `threatexchange` library, and imported back; bad bank lines are errors naming the file and signal."""

from __future__ import annotations

from pathlib import Path

import pytest
from threatexchange.exchanges.impl.file_api import FileCollaborationConfig, LocalFileSignalExchangeAPI
from threatexchange.signal_type.pdq.signal import PdqSignal
from threatexchange.signal_type.raw_text import RawTextSignal
from typer.testing import CliRunner

from adtrace import errors
from adtrace.cases import watchlists as wl
from adtrace.cli.main import _register, app
from adtrace.exchange import hma
from adtrace.storage import open_store

runner = CliRunner()
_register()
PDQS = ["0f" * 32, "a5" * 32, "3c" * 16 + "c3" * 16]


def _near(h: str, flips: int) -> str:
    """`h` with its first `flips` bits flipped (a re-encoded copy of the same photo)."""
    n = int(h, 16) ^ (((1 << flips) - 1) << (256 - flips))
    return f"{n:064x}"


def test_pdq_bank_round_trip_through_threatexchange(db: str, tmp_path: Path) -> None:
    with open_store(db) as store:
        for h in PDQS:
            wl.add(store, "pdq", h, name="bank-a", owner="alice")
        wl.add(store, "phrase", "new  in town", name="bank-a", owner="alice")
        wl.add(store, "phone", "213 473 0188", name="bank-a", owner="alice")
        report = hma.export_bank(store, "bank-a", tmp_path / "bank.txt")
    assert report.written == 4 and report.skipped == {"phone": 1}  # phones never go into a bank file
    assert "213" not in (tmp_path / "bank.txt").read_text()

    # The library side: fetch the bank with its local-file exchange, index the PDQ signals, match a near copy.
    api = LocalFileSignalExchangeAPI.for_collab(FileCollaborationConfig(
        filename=str(tmp_path / "bank.txt"), name="BANK_A", api=LocalFileSignalExchangeAPI.get_name()))
    fetched = {k for delta in api.fetch_iter([PdqSignal, RawTextSignal], None) for k in delta.updates}
    assert fetched == {*(("pdq", h) for h in PDQS), ("raw_text", "new in town")}
    index = PdqSignal.get_index_cls().build([(s, s) for t, s in fetched if t == "pdq"])
    assert [m.metadata for m in index.query(_near(PDQS[1], 12))] == [PDQS[1]]
    assert PdqSignal.compare_hash(PDQS[0], _near(PDQS[0], 12)).match

    # And back: what the library fetched, written as its file format, imports into another watchlist.
    (tmp_path / "back.txt").write_text("".join(f"{t} {s}\n" for t, s in sorted(fetched)))
    with open_store(db) as store:
        back = hma.import_bank(store, tmp_path / "back.txt", watchlist="from-hma", owner="bob")
        assert back.added == 4
        got = {(e.kind, e.value) for e in wl.entries(store, name="from-hma")}
        assert got == {*(("pdq", h) for h in PDQS), ("phrase", "new in town")}
        assert hma.import_bank(store, tmp_path / "back.txt", watchlist="from-hma", owner="bob").already == 4
        # The imported hashes match as any watchlist PDQ entry does.
        assert wl.matcher(store).match({"images": [{"pdq": _near(PDQS[2], 10)}]}, "")


@pytest.mark.parametrize(("line", "why"), [("md5 d41d8cd98f00b204e9800998ecf8427e", "signal_type"),
                                            ("pdq 12345", "signal")])
def test_bad_bank_lines_are_errors(tmp_path: Path, line: str, why: str) -> None:
    bank = tmp_path / "bad.txt"
    bank.write_text(f"pdq {PDQS[0]}\n{line}\n")
    with pytest.raises(errors.InputError) as exc:
        hma.read_bank(bank)
    assert exc.value.detail["field"] == why and str(bank) in exc.value.message


def test_cli_hma_export_import(db: str, tmp_path: Path) -> None:
    with open_store(db) as store:
        wl.add(store, "pdq", PDQS[0], name="w", owner="alice")
    out = tmp_path / "b.txt"
    r = runner.invoke(app, ["exchange", "hma", "export", "--watchlist", "w", "-o", str(out), "--db", db])
    assert r.exit_code == 0, r.output
    assert out.read_text() == f"pdq {PDQS[0]}\n"
    r = runner.invoke(app, ["exchange", "hma", "import", str(out), "--watchlist", "w2", "--db", db])
    assert r.exit_code == 0 and '"added": 1' in r.stdout
