"""Issue 20: the audit chain alone passes a cut tail with a moved head, a wiped log and a recomputed chain;
a head hash kept elsewhere (--expect-head) and signed checkpoints (Ed25519, the organisation's key) catch
all three."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from adtrace.app import checkpoints
from adtrace.exchange import keys
from adtrace.storage import audit


@pytest.fixture
def engine(app: object) -> sa.Engine:
    e: sa.Engine = app.state.adtrace.engine  # type: ignore[attr-defined]
    for i in range(6):
        audit.append(e, "alice", "search", "", {"q": f"query {i}"})
    return e


@pytest.fixture
def keydir(tmp_path: Path) -> Path:
    d = tmp_path / "keys"
    keys.generate("ngo-test", d)
    return d


def _cut_tail(engine: sa.Engine, keep: int) -> None:
    """What someone with write access does to hide the last rows: delete them and move the head back."""
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM audit_log WHERE seq > :k"), {"k": keep})
        h = conn.execute(sa.text("SELECT hash FROM audit_log WHERE seq = :k"), {"k": keep}).scalar()
        conn.execute(sa.text("UPDATE audit_head SET seq = :k, hash = :h WHERE id = 1"), {"k": keep, "h": h})


def _wipe(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM audit_log"))
        conn.execute(sa.text("DELETE FROM audit_head"))


def _recompute(engine: sa.Engine) -> None:
    """Edit an early row, then rebuild every hash after it so the chain is consistent again."""
    with engine.begin() as conn:
        rows = conn.execute(sa.text("SELECT seq, at, actor, action, target, detail FROM audit_log ORDER BY seq")).all()
        prev = audit.GENESIS
        for r in rows:
            actor = "mallory" if r.seq == 2 else r.actor
            h = audit.row_hash(prev, r.seq, r.at, actor, r.action, r.target, r.detail)
            conn.execute(sa.text("UPDATE audit_log SET actor = :a, prev_hash = :p, hash = :h WHERE seq = :s"),
                         {"a": actor, "p": prev, "h": h, "s": r.seq})
            prev = h
        conn.execute(sa.text("UPDATE audit_head SET hash = :h WHERE id = 1"), {"h": prev})


@pytest.mark.parametrize("tamper", [lambda e: _cut_tail(e, 3), _wipe, _recompute], ids=["cut", "wipe", "recompute"])
def test_checkpoints_catch_what_the_chain_cannot(engine: sa.Engine, keydir: Path, tmp_path: Path, tamper) -> None:  # type: ignore[no-untyped-def]
    c = checkpoints.make(engine, keydir, actor="admin")
    path = checkpoints.write(c, tmp_path / "outside" / "audit-checkpoints.jsonl")
    assert checkpoints.check(engine, checkpoints.read_file(path), keydir).ok
    assert checkpoints.has_head(engine, c["hash"])
    tamper(engine)
    assert audit.verify(engine).ok  # the chain alone is fooled ...
    result = checkpoints.check(engine, checkpoints.read_file(path), keydir)
    assert not result.ok and result.problems  # ... the checkpoint is not
    assert not checkpoints.has_head(engine, c["hash"])


def test_a_forged_checkpoint_is_refused(engine: sa.Engine, keydir: Path, tmp_path: Path) -> None:
    c = checkpoints.make(engine, keydir)
    c["seq"] = 1  # point it at an older row without re-signing
    result = checkpoints.check(engine, [c], keydir)
    assert not result.ok and "signature" in result.problems[0]


def test_cli_verify_expect_head_and_checkpoints(engine: sa.Engine, db_path: Path, keydir: Path,
                                                tmp_path: Path) -> None:
    from adtrace.cli.main import _register
    from adtrace.cli.main import app as cli_app

    _register()
    runner = CliRunner()
    db, out = str(db_path), str(tmp_path / "cp.jsonl")
    made = runner.invoke(cli_app, ["audit", "checkpoint", "--out", out, "--keys", str(keydir), "--db", db])
    assert made.exit_code == 0, made.output
    head = audit.verify(engine).head_hash
    ok = runner.invoke(cli_app, ["audit", "verify", "--db", db, "--expect-head", head, "--checkpoints", out,
                                 "--keys", str(keydir)])
    assert ok.exit_code == 0 and "intact" in ok.output
    assert audit.entries(engine, action="audit_checkpoint")
    _wipe(engine)
    plain = runner.invoke(cli_app, ["audit", "verify", "--db", db])
    assert plain.exit_code == 0  # "intact: 0 entries": why the options exist
    broken = runner.invoke(cli_app, ["audit", "verify", "--db", db, "--expect-head", head])
    assert broken.exit_code == 1 and "expected head" in broken.output
    broken = runner.invoke(cli_app, ["audit", "verify", "--db", db, "--checkpoints", out, "--keys", str(keydir)])
    assert broken.exit_code == 1 and "gone" in broken.output


def test_periodic_checkpoints_from_the_server(app: object, keydir: Path, tmp_path: Path) -> None:
    from adtrace.app.checkpoints import Periodic

    out = tmp_path / "cp.jsonl"
    engine: sa.Engine = app.state.adtrace.engine  # type: ignore[attr-defined]
    p = Periodic(engine, out, keydir, every=3600)
    p.tick()
    audit.append(engine, "alice", "search", "", {})
    p.tick()
    lines = checkpoints.read_file(out)
    assert len(lines) == 2 and lines[1]["seq"] > lines[0]["seq"]
    assert checkpoints.check(engine, lines, keydir).ok
