"""A small linked synthetic store for the case, export and retention tests (built once, copied per test)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from adtrace.storage import Store, init_db, open_store


@pytest.fixture(scope="session")
def linked_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from adtrace.linking.run import link_store
    from adtrace.storage.ingest import IngestOptions, ingest
    from adtrace.synth import write_corpus

    root = tmp_path_factory.mktemp("casestore")
    corpus = root / "corpus.jsonl"
    with corpus.open("wb") as fh:
        # Compact profile: the export tests expect the biggest cluster to share one phone; on the
        # realistic corpus dates read as phones (issue 17 report) join it to others.
        write_corpus(200, 7, fh, profile="compact")
    db = root / "template.db"
    init_db(str(db))
    with open_store(str(db)) as store:
        ingest(store, [str(corpus)], IngestOptions(workers=1))
        link_store(store.engine)  # type: ignore[attr-defined]
    return db


@pytest.fixture
def linked(linked_template: Path, tmp_path: Path) -> Iterator[Store]:
    dst = tmp_path / "cases.db"
    shutil.copy(linked_template, dst)
    with open_store(str(dst)) as store:
        yield store


def biggest_cluster(store: Store) -> tuple[str, list[str]]:
    """The cluster with the most members, and its members."""
    import sqlalchemy as sa

    with store.engine.connect() as conn:  # type: ignore[attr-defined]
        cid = conn.execute(sa.text("SELECT cluster_id FROM link_summaries ORDER BY documents DESC, cluster_id "
                                   "LIMIT 1")).scalar_one()
        members = [r[0] for r in conn.execute(sa.text("SELECT doc_id FROM link_clusters WHERE cluster_id = :c"),
                                              {"c": cid})]
    return str(cid), sorted(members)
