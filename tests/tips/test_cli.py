"""`adtrace tips ...`: route writes signed hand-offs for routed tips, import makes the partner's lead."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from adtrace.exchange import keys as xk
from adtrace.tips import intake
from adtrace.tips import store as ts
from tests.tips.conftest import ad_phone

CONSORTIUM = bytes(range(32))


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ADTRACE_EXCHANGE_KEYS": ""}
    return subprocess.run([sys.executable, "-m", "adtrace", *args], capture_output=True, text=True, timeout=300,
                          env=env)


def test_route_then_import_on_the_command_line(app: Any, template: tuple[Path, Path], db_path: Path,
                                               tmp_path: Path) -> None:
    partner_db = tmp_path / "partner.db"
    shutil.copy(template[0], partner_db)
    ours, theirs = tmp_path / "keys-a", tmp_path / "keys-b"
    for org, d in (("ngo-a", ours), ("ngo-b", theirs)):
        xk.generate(org, d)
        xk.set_consortium_key(CONSORTIUM, d)
    public = tmp_path / "a.json"
    public.write_text(json.dumps(xk.load(ours).public_info()))
    phone, ads = ad_phone(app)
    store = app.state.adtrace.store
    tip = intake.submit(store, intake.TipForm(f"Ofrecen trabajo, llamar al {phone[2:]}"), link=False)
    ts.decide(store.engine, tip.tip_id, "route", "analyst", partner="ngo-b")
    app.state.adtrace.store.close()  # the CLI opens the database itself

    res = run("tips", "route", "-o", str(tmp_path / "out"), "--db", str(db_path), "--keys", str(ours), "--as", "ana")
    assert res.returncode == 0, res.stderr
    [written] = json.loads(res.stdout)["handed_off"]
    assert written["to"] == "ngo-b" and Path(written["file"]).name == f"tip-{tip.tip_id}-to-ngo-b.json"
    again = run("tips", "route", "-o", str(tmp_path / "out"), "--db", str(db_path), "--keys", str(ours))
    assert json.loads(again.stdout)["handed_off"] == []  # handed off once

    res = run("tips", "import", written["file"], "--db", str(partner_db), "--keys", str(theirs))
    assert res.returncode == 2 and "not trusted" in res.stderr  # AT312 (auth group): trust first, out of band
    assert run("exchange", "trust", str(public), "--db", str(partner_db)).returncode == 0
    res = run("tips", "import", written["file"], "--db", str(partner_db), "--keys", str(theirs), "--as", "bo")
    assert res.returncode == 0, res.stderr
    lead = json.loads(res.stdout)
    assert sorted(a["doc_id"] for a in lead["ads"]) == ads
    assert [x["id"] for x in json.loads(run("tips", "leads", "--db", str(partner_db)).stdout)["leads"]] == [lead["id"]]


def test_rules_and_hotline_commands(db_path: Path) -> None:
    res = run("tips", "rules", "--db", str(db_path), "--add", "ngo-mx", "--country", "Mexico", "--about", "labour")
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["rules"][0]["country"] == "MX"
    bad = run("tips", "rules", "--db", str(db_path), "--add", "ngo mx")
    assert bad.returncode == 1 and "AT142" in bad.stderr
    res = run("tips", "hotline", "gb")
    assert res.returncode == 0 and json.loads(res.stdout)["phone"] == "08000 121 700"
    assert run("tips", "hotline", "FR").returncode == 1
    assert run("tips", "--help").returncode == 0
