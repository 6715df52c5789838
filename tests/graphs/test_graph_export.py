"""Graph exports (issue 22): GraphML / GEXF / i2 CSV read back with the same nodes and edges; masked
unless --full; every export audited."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from adtrace import errors, evidence, graphs
from adtrace.cases import cases as cs
from adtrace.cli.main import _register, app
from adtrace.exchange import keys as xk
from adtrace.storage import Store, audit
from tests.cases.linked_fixtures import biggest_cluster, linked, linked_template  # noqa: F401  (fixtures)
from tests.storage.conftest import new_pg_database, pg_server  # noqa: F401  (the throwaway PostgreSQL)

runner = CliRunner()
_register()


def _edges(g: nx.Graph) -> set[frozenset[str]]:
    return {frozenset((str(a), str(b))) for a, b in g.edges()}


def _phones(store: Store, ids: list[str]) -> set[str]:
    return {str(p["value"]) for d in ids for p in (store.get_record(d) or {}).get("phones") or []}


@pytest.mark.parametrize("fmt", graphs.FORMATS)
def test_cluster_graph_round_trips(linked: Store, tmp_path: Path, fmt: str) -> None:  # noqa: F811
    cid, members = biggest_cluster(linked)
    graph = graphs.build(linked, graphs.select(linked, cluster=cid))
    docs = {n for n, a in graph.nodes(data=True) if a["type"] == "document"}
    assert docs == {f"doc:{d}" for d in members}
    assert any(a["type"] == "identifier" for _n, a in graph.nodes(data=True))
    reasons = {r for _a, _b, r in graph.edges(data="reason")}
    assert "holds phone" in reasons and all(reasons)
    out = tmp_path / f"g.{fmt}"
    graphs.write(graph, out, fmt)
    back = graphs.read(out, fmt)
    assert set(map(str, back.nodes)) == set(graph.nodes)
    assert _edges(back) == _edges(graph)
    for a, b, reason in graph.edges(data="reason"):
        assert back.edges[a, b]["reason"] == reason
    for n in docs:
        assert back.nodes[n]["label"] == graph.nodes[n]["label"]
    text = out.read_text()
    assert not {p for p in _phones(linked, members) if p in text}  # masked by default


def test_case_and_entity_selection_and_full_export_is_audited(linked: Store, tmp_path: Path) -> None:  # noqa: F811
    engine = linked.engine  # type: ignore[attr-defined]
    cid, members = biggest_cluster(linked)
    phone = sorted(_phones(linked, members))[0]
    case = cs.create(linked, "graph", "alice")
    cs.add_item(linked, case.id, "cluster", cid, "alice")
    sel = graphs.select(linked, case=case.id)
    assert sel.doc_ids == cs.document_ids(linked, cs.get(linked, case.id))
    ent = graphs.select(linked, entity=f"phone:{phone}")
    assert ent.doc_ids == sorted(linked.lookup("phone", phone)) and ent.doc_ids
    out = tmp_path / "full.gexf"
    keys = tmp_path / "keys"
    xk.generate("ngo-a", keys)
    r = runner.invoke(app, ["graph", "export", "--db", str(engine.url.database), "--entity", f"phone:{phone}",
                            "--format", "gexf", "--full", "--as", "bob", "-o", str(out), "--keys", str(keys)])
    assert r.exit_code == 0, r.output
    assert evidence.verify(out).ok  # the signed manifest next to the export
    back = nx.read_gexf(str(out))
    assert f"phone:{phone}" in back  # full export: the identifier itself
    assert {n for n in back if n.startswith("doc:")} == {f"doc:{d}" for d in ent.doc_ids}
    entry = audit.entries(engine, action="export")[0]
    assert entry.actor == "bob" and entry.target == "entity:phone" and entry.detail["redacted"] is False
    assert phone not in str(entry.detail)  # the audit log names the kind, not the number


def test_bad_selection_is_a_clear_error(linked: Store) -> None:  # noqa: F811
    with pytest.raises(errors.InputError, match="exactly one"):
        graphs.select(linked)
    with pytest.raises(errors.InputError, match="no cluster"):
        graphs.select(linked, cluster="nope")
    with pytest.raises(errors.InputError, match="not an entity"):
        graphs.select(linked, entity="shoe:42")
    with pytest.raises(errors.InputError, match="unknown graph format"):
        graphs.write(nx.Graph(), "x", "dot")
    with pytest.raises(errors.InputError, match="no case"):
        graphs.select(linked, case=999)


def test_linker_edges_carry_reasons(linked: Store) -> None:  # noqa: F811
    engine = linked.engine  # type: ignore[attr-defined]
    with engine.connect() as conn:  # a cluster whose summary has reused-text or reused-photo edges
        rows = conn.execute(sa.text("SELECT cluster_id, summary FROM link_summaries WHERE documents > 1")).all()
    cid = next((c for c, s in rows if '"kind":"template"' in s or '"kind":"image"' in s), None)
    if cid is None:
        pytest.skip("the synthetic corpus made no template/photo edges")
    graph = graphs.build(linked, graphs.select(linked, cluster=cid))
    doc_doc = [r for a, b, r in graph.edges(data="reason") if a.startswith("doc:") and b.startswith("doc:")]
    assert doc_doc and all(r.startswith(("same ad text", "same photo")) for r in doc_doc)


def test_entity_graph_on_postgres(pg_server: str, tmp_path: Path) -> None:  # noqa: F811
    from adtrace.documents import Document
    from adtrace.pipeline import Pipeline
    from adtrace.storage import init_db, open_store
    from adtrace.storage.prepare import prepare

    url = new_pg_database(pg_server)
    init_db(url)
    ads = [{"id": "p1", "text": "synthetic ad, call 702-555-0142, email sam.q@example.org"},
           {"id": "p2", "text": "another synthetic ad, text 702 555 0142"},
           {"id": "p3", "text": "unrelated synthetic ad, call 702-555-0199"}]
    with open_store(url) as store:
        store.put_batch([prepare(d, Pipeline().process(d)) for d in (Document.from_dict(a) for a in ads)])
        graph = graphs.build(store, graphs.select(store, entity="phone:702-555-0142"))
    assert {n for n in graph if n.startswith("doc:")} == {"doc:p1", "doc:p2"}
    kinds = sorted(a["kind"] for _n, a in graph.nodes(data=True) if a["type"] == "identifier")
    assert kinds == ["email", "phone"] and graph.degree(next(n for n in graph if n.startswith("phone:"))) == 2
    out = tmp_path / "pg.graphml"
    graphs.write(graph, out, "graphml")
    assert _edges(graphs.read(out, "graphml")) == _edges(graph)
