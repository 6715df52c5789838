"""Holds on case, cluster and document pages (who/when/why; placed and released by admins and analysts),
and graph / STIX / report-draft downloads from case and cluster pages: masked, admin-only full, audited."""

from __future__ import annotations

import io
from collections.abc import Callable

import networkx as nx
import orjson
import sqlalchemy as sa
import stix2
from fastapi.testclient import TestClient

from adtrace.cases import cases as cs
from adtrace.cases import holds
from adtrace.storage import audit, docsets
from tests.app.conftest import csrf_of


def _setup(app: object) -> tuple[int, str, str]:
    """Link the store; a case holding the biggest cluster; (case id, cluster id, a member document)."""
    from adtrace.linking.run import link_store

    engine: sa.Engine = app.state.adtrace.engine  # type: ignore[attr-defined]
    link_store(engine)
    with engine.connect() as conn:
        cid, doc = conn.execute(sa.text("SELECT c.cluster_id, min(c.doc_id) FROM link_clusters c JOIN link_summaries "
                                        "s ON s.cluster_id = c.cluster_id GROUP BY c.cluster_id, s.documents "
                                        "ORDER BY s.documents DESC, c.cluster_id LIMIT 1")).one()
    store = app.state.adtrace.store  # type: ignore[attr-defined]
    case = cs.create(store, "ring", "analyst")
    cs.add_item(store, case.id, "cluster", str(cid), "analyst")
    return case.id, str(cid), str(doc)


def test_holds_placed_shown_and_released_in_the_pages(app: object, login: Callable[[str], TestClient]) -> None:
    case_id, cluster, doc = _setup(app)
    analyst = login("analyst")
    page = analyst.get(f"/cases/{case_id}").text
    assert "No legal hold." in page and "Place hold" in page
    token = csrf_of(analyst)
    for kind, ref in (("case", str(case_id)), ("cluster", doc), ("document", doc)):  # a member's id names its cluster
        r = analyst.post("/holds", data={"kind": kind, "ref": ref, "reason": f"court order for the {kind}",
                                         "csrf": token}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].endswith("#holds")
    html = analyst.get(f"/documents/{doc}").text  # the document is also kept by the case and cluster holds
    assert f"Kept by the hold on <a href=\"/cases/{case_id}#holds\">case {case_id}</a>" in html
    assert f"cluster {cluster}</a>" in html
    for url, kind in ((f"/cases/{case_id}", "case"), (f"/clusters/{cluster}", "cluster"), (f"/documents/{doc}", "document")):
        html = analyst.get(url).text
        assert "Under legal hold" in html and f"court order for the {kind}" in html and "analyst" in html
    reviewer = login("reviewer")  # sees the hold, cannot place or release one
    html = reviewer.get(f"/documents/{doc}").text
    assert "court order for the document" in html and "Place hold" not in html
    r = reviewer.post("/holds", data={"kind": "document", "ref": doc, "reason": "x", "csrf": csrf_of(reviewer)},
                      follow_redirects=False)
    assert r.status_code == 403
    hold = holds.list_holds(app.state.adtrace.engine, kind="document", ref=doc)[0]  # type: ignore[attr-defined]
    r = analyst.post(f"/holds/{hold.id}/release", data={"reason": "order lifted", "csrf": token},
                     follow_redirects=False)
    assert r.status_code == 303
    assert "court order for the document" not in analyst.get(f"/documents/{doc}").text
    ops = [e.detail["op"] for e in audit.entries(app.state.adtrace.engine, action=holds.AUDIT_ACTION)]  # type: ignore[attr-defined]
    assert sorted(ops) == ["place", "place", "place", "release"]


def test_graph_stix_and_draft_downloads_are_masked_and_audited(app: object, login: Callable[[str], TestClient]) -> None:
    case_id, cluster, _doc = _setup(app)
    engine = app.state.adtrace.engine  # type: ignore[attr-defined]
    analyst, admin = login("analyst"), login("admin")
    assert "/graph.graphml" in analyst.get(f"/cases/{case_id}").text
    assert "/stix.json" in analyst.get(f"/clusters/{cluster}").text
    r = analyst.get(f"/cases/{case_id}/graph.graphml")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    graph = nx.read_graphml(io.BytesIO(r.content))
    docs = {n for n, a in graph.nodes(data=True) if a.get("type") == "document"}
    assert docs == {f"doc:{d}" for d in cs.document_ids(engine, cs.get(engine, case_id))}
    assert all(n.startswith(("doc:", "phone:[phone ", "email:[email ", "handle:[handle ", "payment:[payment "))
               for n in graph.nodes)
    assert analyst.get(f"/clusters/{cluster}/graph.gexf").status_code == 200
    assert analyst.get(f"/cases/{case_id}/graph.i2csv").text.startswith("from_id,")
    assert analyst.get(f"/cases/{case_id}/graph.graphml?full=1").status_code == 403
    assert admin.get(f"/cases/{case_id}/graph.graphml?full=1").status_code == 200
    bundle = stix2.parse(analyst.get(f"/clusters/{cluster}/stix.json").content, allow_custom=True)
    with engine.connect() as conn:
        members = docsets.cluster_docs(conn, [cluster])
    assert sum(o["type"] == "observed-data" for o in bundle.objects) == len(members)
    assert analyst.get(f"/cases/{case_id}/stix.json?full=1").status_code == 403
    draft = orjson.loads(analyst.get(f"/cases/{case_id}/draft.ncmec.json?status=possible").content)
    assert draft["sent"] is False and draft["report"]["x_adtrace"]["traffickingStatus"]["set_by"] == "analyst"
    assert analyst.get(f"/cases/{case_id}/draft.htcds.json?status=confirmed").status_code == 422
    exports = audit.entries(engine, action="export")
    kinds = sorted((e.detail.get("kind"), e.detail.get("redacted")) for e in exports)
    assert kinds.count(("graph", True)) == 3 and ("graph", False) in kinds and ("stix", True) in kinds
    assert ("draft", True) in kinds
