"""A contact found only in a document's image (OCR: entities marked via "image") joins like one in text,
and its edge says "phone in image", in a rebuild and in an incremental run alike."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import text

from adtrace.linking import Linker, prepare
from adtrace.linking.keys import evidence, image_only_keys


def _rec(doc_id: str, phone: str, via_image: bool) -> dict[str, Any]:
    p: dict[str, Any] = {"value": phone, "span": [5, 17], "obfuscated": False}
    if via_image:
        p |= {"field": "image_text", "image": 0, "via": "image"}
    return {"id": doc_id, "phones": [p], "image_text": [{"image": 0, "text": "CALL 702 864 3321", "confidence": 91.0}]
            if via_image else []}


def test_image_only_keys_are_those_never_written_in_the_text() -> None:
    both = _rec("a", "+17028643321", True)
    both["phones"].append({"value": "+17028643321", "span": [0, 12]})
    assert image_only_keys(_rec("a", "+17028643321", True)) == ["phone:+17028643321"]
    assert image_only_keys(both) == []  # also in the text: an ordinary phone edge
    assert image_only_keys(_rec("b", "+17028643321", False)) == []


def test_edge_reason_and_evidence_say_the_phone_came_from_the_image() -> None:
    lk = Linker()
    recs = [_rec("pic", "+17028643321", True), _rec("txt1", "+17028643321", False), _rec("txt2", "+17028643321", False)]
    lk.add([prepare(r["id"], r, "Call me: 702 864 3321 now", ["keys"]) for r in recs])
    assert lk.cluster_of("pic") == lk.cluster_of("txt1") == lk.cluster_of("txt2")
    [edge] = lk.edges(["pic", "txt1", "txt2"])
    assert edge["via"] == {"pic": "image"}
    assert edge["reasons"] == {"pic": "phone in image", "txt1": "phone", "txt2": "phone"}
    assert evidence("phone:+17028643321", recs[0], "Call me: 702 864 3321 now") == ["702 864 3321 (in image 1)"]


def test_incremental_run_keeps_the_reason(tmp_path: Path) -> None:
    from adtrace.linking.run import link_store
    from adtrace.storage import init_db, open_store
    from adtrace.storage.db import engine_of

    db = str(tmp_path / "t.db")
    init_db(db)
    store = open_store(db)
    try:
        engine = engine_of(store)
        from adtrace.storage.ingest import IngestOptions, ingest

        def add(name: str, docs: list[dict[str, Any]]) -> None:
            path = tmp_path / name
            path.write_bytes(b"".join(orjson.dumps(d) + b"\n" for d in docs))
            ingest(store, [str(path)], IngestOptions(workers=1))

        add("a.jsonl", [{"id": "txt1", "source": "t", "text": "Call me at 702 864 3321 tonight"}])
        link_store(engine)
        add("b.jsonl", [{"id": "pic", "source": "t", "text": "number in my picture, sweetie"}])
        # the OCR stage's output, written as it would store it (no Tesseract needed here)
        rec = store.get_record("pic")
        rec |= {"phones": [{"value": "+17028643321", "span": [5, 17], "obfuscated": False, "field": "image_text",
                            "image": 0, "via": "image"}],
                "image_text": [{"image": 0, "text": "CALL 702 864 3321", "confidence": 90.0}]}
        with engine.begin() as conn:
            conn.execute(text("UPDATE records SET record = :r WHERE doc_id = :d"),
                         {"r": orjson.dumps(rec).decode(), "d": "pic"})
        report = link_store(engine)  # incremental: only "pic" is new
        assert report.linked == 1
        with engine.connect() as conn:
            summary = orjson.loads(conn.execute(text(
                "SELECT s.summary FROM link_summaries s JOIN link_clusters c ON c.cluster_id = s.cluster_id "
                "WHERE c.doc_id = 'pic'")).scalar_one())
        [edge] = [e for e in summary["edges"] if e["key"] == "phone:+17028643321"]
        assert edge["reasons"] == {"txt1": "phone", "pic": "phone in image"}
    finally:
        store.close()
