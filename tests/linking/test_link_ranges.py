"""Workers read their batches' rows from the SQLite file by sequence range (`run._prepare_at`): the same
rows, in the same batches, as the caller reading them (`store.link_rows`)."""

from __future__ import annotations

from pathlib import Path

import orjson

from adtrace.linking import store as ls
from adtrace.storage import corpus, init_db, open_store
from adtrace.storage.db import engine_of
from adtrace.storage.ingest import IngestOptions, ingest
from adtrace.synth import generate


def test_ranges_read_the_batches_of_link_rows(tmp_path: Path) -> None:
    src = tmp_path / "a.jsonl"
    src.write_bytes(b"".join(orjson.dumps(d) + b"\n" for d, _t in generate(230, seed=9)))
    db = str(tmp_path / "t.db")
    init_db(db)
    store = open_store(db)
    try:
        ingest(store, [str(src)], IngestOptions(workers=1))
        engine = engine_of(store)
        for after in (0, 50):
            direct = list(ls.link_rows(engine, after, 37))
            ranged = [ls.rows_of(corpus.link_inputs_at(db, lo, hi)) for lo, hi in ls.link_ranges(engine, after, 37)]
            assert ranged == direct
            assert len(direct) > 3 and all(len(b) == 37 for b in direct[:-1])
    finally:
        store.close()
