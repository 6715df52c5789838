"""Every update waiting for a partner in one go (docs/tips.md, "After the hand-off"): the Routed tab's
"Sign and download the updates of N tips for ngo-b" and `adtrace tips update --partner ngo-b`, as the
hand-offs' download: the tips handed off to that partner whose tipster added something not yet sent,
withdrawn tips left out, each audited `tip_update`."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient

from adtrace.exchange import keys as xk
from adtrace.tips import followup, handoff, intake
from adtrace.tips import store as ts
from tests.app.conftest import csrf_of
from tests.tips.conftest import CONSORTIUM, audit_rows, org_keys
from tests.tips.test_cli import run


def _handed_off(app: Any, tmp_path: Path, partner: str, added: int) -> intake.Receipt:
    store = app.state.adtrace.store
    tip = intake.submit(store, intake.TipForm("Les quitan el pasaporte en la finca.", country="MX", about="labour",
                                              lang="es"), link=False)
    ts.decide(store.engine, tip.tip_id, "route", "analyst", partner=partner)
    handoff.send(store, xk.load(org_keys(tmp_path, "ngo-a")), CONSORTIUM, "analyst", partner)
    for n in range(added):
        intake.add(store, tip.code, f"Addition {n + 1}: son seis personas.", link=False)
    return tip


def _five(app: Any, tmp_path: Path) -> dict[str, int]:
    """Two tips with additions for ngo-b, one for ngo-c, one withdrawn and one with nothing new for ngo-b."""
    tips = {"b1": _handed_off(app, tmp_path, "ngo-b", 1), "b2": _handed_off(app, tmp_path, "ngo-b", 2),
            "c1": _handed_off(app, tmp_path, "ngo-c", 1), "gone": _handed_off(app, tmp_path, "ngo-b", 1),
            "none": _handed_off(app, tmp_path, "ngo-b", 0)}
    followup.withdraw(app.state.adtrace.engine, tips["gone"].tip_id, "a hoax",
                      xk.load(org_keys(tmp_path, "ngo-a")), "admin")
    return {k: t.tip_id for k, t in tips.items()}


def test_every_update_waiting_for_a_partner_is_signed_at_once(app: Any, tmp_path: Path) -> None:
    store, engine = app.state.adtrace.store, app.state.adtrace.engine
    ids = _five(app, tmp_path)
    assert followup.updates_by_partner(engine) == [("ngo-b", 2), ("ngo-c", 1)]
    sent = followup.send_updates(store, xk.load(org_keys(tmp_path, "ngo-a")), CONSORTIUM, "ana", "ngo-b")
    assert [(t["id"], b["kind"], b["to"], b["update"]["through"]) for t, b in sent] == [
        (ids["b1"], "update", "ngo-b", 1), (ids["b2"], "update", "ngo-b", 2)]
    assert [(a, d["tip"]) for a, _t, d in audit_rows(engine, "tip_update")] == [("ana", ids["b1"]), ("ana", ids["b2"])]
    assert followup.updates_by_partner(engine) == [("ngo-c", 1)]
    assert followup.send_updates(store, xk.load(org_keys(tmp_path, "ngo-a")), CONSORTIUM, "ana", "ngo-b") == []


def test_the_routed_tab_downloads_a_partners_updates_in_one_zip(
        app: Any, login: Callable[[str], TestClient], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(xk.ENV_VAR, str(org_keys(tmp_path, "ngo-a")))
    engine = app.state.adtrace.engine
    ids = _five(app, tmp_path)
    client = login("analyst")
    page = client.get("/tips?status=routed").text
    section = page.split('id="updates"', 1)[1].split("</section>", 1)[0]
    assert "Sign and download the updates of 2 tips for ngo-b" in section
    assert "Sign and download the update of 1 tip for ngo-c" in section

    res = client.post("/tips/updates", data={"partner": "ngo-b", "csrf": csrf_of(client)})
    assert res.status_code == 200, res.text[:300]
    assert 'filename="tip-updates-to-ngo-b.zip"' in res.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(res.content)) as z:
        files = {n: orjson.loads(z.read(n)) for n in z.namelist()}
    assert sorted(files) == [f"tip-{ids['b1']}-to-ngo-b-update-1.json", f"tip-{ids['b2']}-to-ngo-b-update-2.json"]
    assert all(f["kind"] == "update" and f["to"] == "ngo-b" for f in files.values())
    [(actor, _target, detail)] = [r for r in audit_rows(engine, "export") if r[2].get("format") == "zip"]
    assert (actor, detail["to"], detail["tips"], detail["kind"]) == ("analyst", "ngo-b", [ids["b1"], ids["b2"]],
                                                                      "update")
    assert len(audit_rows(engine, "tip_update")) == 2

    # A second click (or a crafted partner): nothing waits, 422, nothing signed.
    for partner in ("ngo-b", "", "ngo-z"):
        res = client.post("/tips/updates", data={"partner": partner, "csrf": csrf_of(client)})
        assert res.status_code == 422 and "No update is waiting" in res.text
    assert len(audit_rows(engine, "tip_update")) == 2
    section = client.get("/tips?status=routed").text.split('id="updates"', 1)[1].split("</section>", 1)[0]
    assert "ngo-b" not in section and "ngo-c" in section
    assert login("auditor").post("/tips/updates", data={"partner": "ngo-c"}).status_code == 403


def test_tips_update_partner_on_the_command_line(app: Any, db_path: Path, tmp_path: Path) -> None:
    ids = _five(app, tmp_path)
    app.state.adtrace.store.close()  # the CLI opens the database itself
    sender = ("--db", str(db_path), "--keys", str(org_keys(tmp_path, "ngo-a")))
    res = run("tips", "update", str(ids["b1"]), "--partner", "ngo-b", "-o", str(tmp_path / "out"), *sender)
    assert res.returncode == 2 and "not both" in res.stderr
    res = run("tips", "update", "--partner", "ngo-b", "-o", str(tmp_path / "out"), *sender, "--as", "ana")
    assert res.returncode == 0, res.stderr
    got = json.loads(res.stdout)["updated"]
    assert [(u["tip"], u["through"], Path(u["file"]).name) for u in got] == [
        (ids["b1"], 1, f"tip-{ids['b1']}-to-ngo-b-update-1.json"), (ids["b2"], 2, f"tip-{ids['b2']}-to-ngo-b-update-2.json")]
    assert orjson.loads(Path(got[0]["file"]).read_bytes())["kind"] == "update"
    res = run("tips", "update", "-o", str(tmp_path / "out"), *sender)  # every partner: what is left, ngo-c's
    assert res.returncode == 0 and [u["tip"] for u in json.loads(res.stdout)["updated"]] == [ids["c1"]]
