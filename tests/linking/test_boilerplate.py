"""Boilerplate is not a link: wording many templates share (a site disclaimer) stops joining ads, while
one poster's reposts still join; incremental runs through the tables give the rebuild's clusters."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import orjson
import pytest
from typer.testing import CliRunner

from adtrace.cli.main import _register, app
from adtrace.linking import Linker, prepare
from adtrace.linking import boilerplate as bp

# Written for this test: the kind of notice many unrelated posters paste under their ads.
DISCLAIMER = ("by reading further you confirm that you are not working with or for any police or law enforcement "
              "agency and that you are over the legal age where you live all time spent together is for "
              "companionship only this notice is part of every listing on this board so please read it "
              "before you write")
_SYLL = ["ka", "lo", "mi", "ren", "tu", "sa", "vel", "dor", "pi", "nex", "qua", "bri", "mo", "zan", "fe", "gu"]


def _words(rng: random.Random, n: int) -> list[str]:
    return ["".join(rng.choice(_SYLL) for _ in range(3)) for _ in range(n)]


def _ads(posters: int = 10, seed: int = 4) -> list[tuple[str, str, str]]:
    """(doc id, poster, text): each poster writes her own lines (the first three at length, so they found
    templates of their own) above the shared disclaimer, and reposts them at another rate (numbers are
    masked: the repost has the same skeleton)."""
    rng = random.Random(seed)
    out = []
    for p in range(posters):
        own = _words(rng, 40 if p < 3 else 12)
        for r in range(2):
            out.append((f"p{p}r{r}", f"p{p}", " ".join(own) + f" rate {150 + 50 * r} " + DISCLAIMER))
    return out


def _partition(db: str) -> set[frozenset[str]]:
    from sqlalchemy import text

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


def _clusters(lk: Linker) -> set[frozenset[str]]:
    return {frozenset(m) for m in lk.clusters().values() if len(m) > 1}


def _link(ads: list[tuple[str, str, str]]) -> Linker:
    lk = Linker()
    lk.add(prepare(d, {}, text, ("templates",)) for d, _p, text in ads)
    return lk


def test_shared_disclaimer_does_not_join_posters_but_reposts_join(monkeypatch: pytest.MonkeyPatch) -> None:
    ads = _ads()
    truth = {frozenset(d for d, p, _t in ads if p == poster) for poster in {p for _d, p, _t in ads}}
    assert _clusters(_link(ads)) == truth
    # the same ads with the boilerplate rule off: the disclaimer alone joins posters (the test can fail)
    monkeypatch.setattr(bp, "DF_MIN", 10**6)
    merged = _clusters(_link(ads))
    assert merged != truth and max(len(c) for c in merged) > 2


def test_counts_sketch_equals_exact_counts_and_round_trips() -> None:
    rng = np.random.default_rng(3)
    sigs = rng.integers(0, 2**32, size=(200, 64), dtype=np.uint64)
    sigs[100:, :20] = sigs[0, :20]  # a hundred founders sharing twenty values
    one, many = bp.new_counts(), bp.new_counts()
    touched = np.concatenate([bp.add(one, s) for s in sigs])
    bp.add_many(many, sigs)
    assert np.array_equal(one, many)
    assert int(one[bp.cells(sigs[0])[:20]].min()) == 101 and int(one[bp.cells(sigs[1])].max()) == 1
    back = bp.from_chunks(bp.chunks(one))
    assert np.array_equal(back, one) and len(bp.chunks(one, touched)) == len(bp.chunks(one))


def test_incremental_runs_equal_rebuild_with_boilerplate(tmp_path: Path) -> None:
    _register()
    runner = CliRunner()
    ads = _ads(posters=8, seed=9)
    docs = [{"id": d, "source": "test", "text": t} for d, _p, t in ads]
    db = str(tmp_path / "t.db")
    steps = [["init", "--db", db]]
    for n, part in enumerate((docs[:5], docs[5:11], docs[11:])):
        (tmp_path / f"{n}.jsonl").write_bytes(b"".join(orjson.dumps(d) + b"\n" for d in part))
        steps += [["ingest", str(tmp_path / f"{n}.jsonl"), "--db", db, "--no-alerts"], ["link", "--db", db]]
    for args in steps:
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
    incremental = _partition(db)
    assert incremental == {frozenset(d for d, p, _t in ads if p == poster) for poster in {p for _d, p, _t in ads}}
    result = runner.invoke(app, ["link", "--db", db, "--rebuild"])
    assert result.exit_code == 0, result.output
    assert _partition(db) == incremental
