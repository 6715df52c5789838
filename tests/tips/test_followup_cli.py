"""`adtrace tips withdraw|update`, and `tips import|leads` of what they write: the sender's database and keys
(ngo-a), the partner's copy of the template and keys (ngo-b)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import orjson
import sqlalchemy as sa

from adtrace.exchange import keys as xk
from adtrace.tips import handoff, intake
from adtrace.tips import store as ts
from tests.tips.conftest import CONSORTIUM, org_keys
from tests.tips.test_cli import run


def test_withdraw_and_update_on_the_command_line(app: Any, template: tuple[Path, Path], db_path: Path,
                                                 tmp_path: Path) -> None:
    ours, theirs = org_keys(tmp_path, "ngo-a"), org_keys(tmp_path, "ngo-b")
    partner_db = tmp_path / "partner.db"
    shutil.copy(template[0], partner_db)
    public = tmp_path / "a.json"
    public.write_text(json.dumps(xk.load(ours).public_info()))
    store = app.state.adtrace.store
    tip = intake.submit(store, intake.TipForm("Les quitan el pasaporte en la finca.", country="MX"), link=False)
    ts.decide(store.engine, tip.tip_id, "route", "analyst", partner="ngo-b")
    [(_t, first)] = handoff.send(store, xk.load(ours), CONSORTIUM, "analyst")
    intake.add(store, tip.code, "Son seis personas.", link=False)
    app.state.adtrace.store.close()  # the CLI opens the database itself
    hand = tmp_path / "handoff.json"
    hand.write_bytes(handoff.encoded(first))
    sender = ("--db", str(db_path), "--keys", str(ours))
    receiver = ("--db", str(partner_db), "--keys", str(theirs))

    res = run("tips", "update", str(tip.tip_id), "-o", str(tmp_path / "out"), *sender, "--as", "ana")
    assert res.returncode == 0, res.stderr
    [upd] = json.loads(res.stdout)["updated"]
    assert Path(upd["file"]).name == f"tip-{tip.tip_id}-to-ngo-b-update-1.json" and upd["through"] == 1
    res = run("tips", "withdraw", str(tip.tip_id), "-o", str(tmp_path / "out"), *sender, "--as", "root")
    assert res.returncode == 1 and "AT142" in res.stderr and "needs a reason" in res.stderr
    res = run("tips", "withdraw", str(tip.tip_id), "--reason", "a hoax", "-o", str(tmp_path / "out"), *sender,
              "--as", "root")
    assert res.returncode == 0, res.stderr
    gone = json.loads(res.stdout)["withdrawn"]
    assert Path(gone["file"]).name == f"tip-{tip.tip_id}-to-ngo-b-withdrawal.json" and gone["reason"] == "a hoax"
    res = run("tips", "update", str(tip.tip_id), "-o", str(tmp_path / "out"), *sender)
    assert res.returncode == 1 and "AT124" in res.stderr and "withdrawn" in res.stderr
    with sa.create_engine(f"sqlite:///{db_path}").connect() as conn:
        rows = conn.execute(sa.text("SELECT action, actor FROM audit_log WHERE action IN ('tip_update', "
                                    "'tip_withdrawal') ORDER BY seq")).all()
    assert [tuple(r) for r in rows] == [("tip_update", "ana"), ("tip_withdrawal", "root")]

    # The partner: the withdrawal before its hand-off is refused with the way out; then in any order.
    assert run("exchange", "trust", str(public), "--db", str(partner_db)).returncode == 0
    res = run("tips", "import", gone["file"], *receiver)
    assert res.returncode == 1 and "AT119" in res.stderr and "never imported here" in res.stderr
    assert "adtrace tips import" in res.stderr  # the CLI's hint
    for f in (str(hand), gone["file"], upd["file"], gone["file"]):
        res = run("tips", "import", f, *receiver, "--as", "bo")
        assert res.returncode == 0, res.stderr
    [lead] = json.loads(run("tips", "leads", "--db", str(partner_db)).stdout)["leads"]
    assert (lead["status"], lead["withdrawn_reason"], lead["added_through"]) == ("withdrawn", "a hoax", 1)
    assert "seis" in lead["added_text"] and "pasaporte" in lead["text"]
    assert orjson.loads(Path(gone["file"]).read_bytes())["version"] == 3
