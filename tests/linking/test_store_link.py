"""`adtrace link` through the database: incremental runs equal a rebuild; show and export work."""

from __future__ import annotations

from pathlib import Path

import orjson
from sqlalchemy import text
from typer.testing import CliRunner

from adtrace.cli.main import _register, app
from adtrace.synth import generate


def _write(path: Path, docs: list[dict[str, object]]) -> None:
    path.write_bytes(b"".join(orjson.dumps(d) + b"\n" for d in docs))


def _partition(db: str) -> set[frozenset[str]]:
    from adtrace.storage import open_store
    from adtrace.storage.db import engine_of

    store = open_store(db)
    try:
        with engine_of(store).connect() as conn:
            rows = conn.execute(text("SELECT doc_id, cluster_id FROM link_clusters")).all()
    finally:
        store.close()
    groups: dict[str, set[str]] = {}
    for d, c in rows:
        groups.setdefault(c, set()).add(d)
    return {frozenset(g) for g in groups.values() if len(g) > 1}


def test_incremental_link_equals_rebuild(tmp_path: Path) -> None:
    _register()
    runner = CliRunner()
    docs = [d for d, _t in generate(400, seed=11)]
    _write(tmp_path / "a.jsonl", docs[:250])
    _write(tmp_path / "b.jsonl", docs[250:])
    db = str(tmp_path / "t.db")
    for args in (["init", "--db", db], ["ingest", str(tmp_path / "a.jsonl"), "--db", db], ["link", "--db", db],
                 ["ingest", str(tmp_path / "b.jsonl"), "--db", db]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["link", "--db", db])
    assert result.exit_code == 0, result.output
    assert orjson.loads(result.stdout)["linked"] == 150
    incremental = _partition(db)
    assert incremental  # the planted networks give multi-document clusters
    result = runner.invoke(app, ["link", "--db", db, "--rebuild"])
    assert result.exit_code == 0, result.output
    assert _partition(db) == incremental

    exported = runner.invoke(app, ["link", "export", "--db", db, "--limit", "1"])
    first = orjson.loads(exported.stdout.splitlines()[0])
    shown = runner.invoke(app, ["link", "show", first["cluster"], "--db", db])
    assert orjson.loads(shown.stdout)["documents"] == first["documents"]
    geo = runner.invoke(app, ["link", "show", first["cluster"], "--db", db, "--geojson"])
    assert orjson.loads(geo.stdout)["type"] == "FeatureCollection"
    missing = runner.invoke(app, ["link", "show", "no-such-cluster", "--db", db])
    assert missing.exit_code != 0


def test_incremental_template_slots_equal_rebuild(tmp_path: Path) -> None:
    """A later ad joins an earlier template through the tables only when its slots agree (as a rebuild)."""
    _register()
    runner = CliRunner()
    body = ("Hi gentlemen, my name is {n}. Sweet and discreet, visiting {c} this week only. Upscale incall, "
            "no rush, private and clean place, call me for an appointment today")
    ads = [("a0", "Ann", "Phoenix"), ("a1", "Bea", "Reno"), ("a2", "Ann", "Reno"), ("a3", "Cat", "Phoenix")]
    docs = [{"id": i, "source": "test", "text": body.format(n=n, c=c)} for i, n, c in ads]
    _write(tmp_path / "a.jsonl", docs[:1])
    _write(tmp_path / "b.jsonl", docs[1:])
    db = str(tmp_path / "t.db")
    for args in (["init", "--db", db], ["ingest", str(tmp_path / "a.jsonl"), "--db", db], ["link", "--db", db],
                 ["ingest", str(tmp_path / "b.jsonl"), "--db", db], ["link", "--db", db]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
    incremental = _partition(db)
    assert incremental == {frozenset({"a0", "a2"})}  # Bea and Cat copy Ann's wording under their own names
    result = runner.invoke(app, ["link", "--db", db, "--rebuild"])
    assert result.exit_code == 0, result.output
    assert _partition(db) == incremental


def test_incremental_link_fills_network_scores_of_summaries_from_before_0024(tmp_path: Path) -> None:
    """Summaries written before migration 0024 have no network score, so the clusters list showed them
    last with "—" until a rebuild. The next incremental run gives each the score a rebuild gives."""
    from adtrace.storage import open_store
    from adtrace.storage.db import engine_of

    _register()
    runner = CliRunner()
    docs = [d for d, _t in generate(300, seed=7)]
    _write(tmp_path / "a.jsonl", docs[:280])
    _write(tmp_path / "b.jsonl", docs[280:])
    db = str(tmp_path / "t.db")
    for args in (["init", "--db", db], ["ingest", str(tmp_path / "a.jsonl"), "--db", db], ["link", "--db", db]):
        assert runner.invoke(app, args).exit_code == 0

    def scores() -> dict[str, tuple[float | None, float | None, float | None]]:
        store = open_store(db)
        try:
            with engine_of(store).connect() as conn:
                rows = conn.execute(text("SELECT cluster_id, network_score, summary FROM link_summaries")).all()
        finally:
            store.close()
        return {c: (s, orjson.loads(j).get("network_score"), orjson.loads(j).get("median_member_evidence"))
                for c, s, j in rows}

    linked = scores()
    assert linked and all(s is not None for s, _j, _m in linked.values())
    store = open_store(db)
    try:  # as migration 0024 leaves a store linked before it: no column value, no key in the JSON
        with engine_of(store).begin() as conn:
            for c, raw in conn.execute(text("SELECT cluster_id, summary FROM link_summaries")).all():
                summ = orjson.loads(raw)
                del summ["network_score"], summ["median_member_evidence"]
                conn.execute(text("UPDATE link_summaries SET network_score = NULL, summary = :j WHERE cluster_id = :c"),
                             {"c": c, "j": orjson.dumps(summ).decode()})
    finally:
        store.close()
    assert runner.invoke(app, ["ingest", str(tmp_path / "b.jsonl"), "--db", db]).exit_code == 0
    result = runner.invoke(app, ["link", "--db", db])
    assert result.exit_code == 0, result.output
    report = orjson.loads(result.stdout)
    assert 0 < report["network_scores_filled"] <= len(linked)
    filled = scores()
    assert all(s is not None and s == j for s, j, _m in filled.values())
    assert runner.invoke(app, ["link", "--db", db, "--rebuild"]).exit_code == 0
    assert filled == scores()  # the scores a rebuild gives
    again = runner.invoke(app, ["link", "--db", db])
    assert orjson.loads(again.stdout)["network_scores_filled"] == 0
