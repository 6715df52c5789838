"""`adtrace search` in plain text: titles read as the pages show them (HTML entities decoded for display, the
stored title unchanged). The ads are synthetic, written for this test."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from adtrace.cli import main
from adtrace.documents import Document
from adtrace.pipeline import process
from adtrace.storage import init_db, open_store
from adtrace.storage.prepare import prepare


def test_plain_search_prints_titles_decoded(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'a.db'}"
    init_db(db)
    doc = Document.from_dict({"id": "cli-rnb", "source": "cli-site", "title": "R&amp;B &lt;night&gt; caf&eacute;",
                              "text": "Live R&amp;B tonight at the caf&eacute;", "posted_at": "2030-01-02"})
    with open_store(db) as store:
        store.put_batch([prepare(doc, process(doc))])
    main._register()
    done = CliRunner().invoke(main.app, ["search", "R&B", "--db", db])
    assert done.exit_code == 0, done.output
    assert "R&B <night> café" in done.output and "&amp;" not in done.output and "&eacute;" not in done.output
    with open_store(db) as store:  # decoded for display only: the store keeps the title as it came
        assert store.get_document("cli-rnb").title == "R&amp;B &lt;night&gt; caf&eacute;"  # type: ignore[union-attr]
