"""`adtrace graph export`: a case, a cluster or an entity's neighbourhood for Gephi, i2 or Maltego."""

from __future__ import annotations

import getpass

import typer

from adtrace.cli.io import err_console, report_manifest
from adtrace.cli.main import app
from adtrace.i18n import gettext

graph_app = typer.Typer(help="Graphs of documents and identifiers for Gephi (GraphML, GEXF), i2 Analyst's "
                        "Notebook and Maltego (CSV link table). Identifiers are masked unless --full.",
                        no_args_is_help=True)
app.add_typer(graph_app, name="graph")


@graph_app.command("export")
def export_cmd(
    out: str = typer.Option(..., "-o", "--output", help="File to write."),
    fmt: str = typer.Option("graphml", "--format", help="graphml, gexf or i2csv."),
    case: int = typer.Option(None, "--case", help="A case id: its documents, clusters' and entities' documents."),
    cluster: str = typer.Option(None, "--cluster", help="A cluster id (or any member document's id)."),
    entity: str = typer.Option(None, "--entity", help="kind:value (phone:+17025550123): the documents holding it."),
    full: bool = typer.Option(False, "--full", help="Do not mask identifiers (audited; for those allowed to "
                              "see them, e.g. a referral to law enforcement)."),
    actor: str = typer.Option(None, "--as", help="Who exports, for the audit log (default: login name)."),
    db: str = typer.Option(None, "--db", help="Database URL or path (default: $ADTRACE_DB)."),
    keys: str = typer.Option(None, "--keys", help="Signing keys for the evidence manifest (default: "
                             "$ADTRACE_EXCHANGE_KEYS, else the user data dir; none there: no manifest)."),
) -> None:
    """Write the graph: nodes = documents and identifiers with their attributes, edges with reasons."""
    from adtrace import evidence, graphs
    from adtrace.storage import audit, open_store

    who = actor or getpass.getuser()
    with open_store(db) as store:
        selection = graphs.select(store, case=case, cluster=cluster, entity=entity)
        graph = graphs.build(store, selection, redact=not full)
        graphs.write(graph, out, fmt)
        item = evidence.file_item(out, what=f"graph {selection.what} {fmt}{'' if full else ' masked'}")
        manifest = evidence.sign_if_keys(out, [item], created_by=who, purpose="graph export", keys_dir=keys)
        engine = store.engine  # type: ignore[attr-defined]
        seq = audit.append(engine, who, "export", selection.what,
                           {"format": fmt, "redacted": not full, "nodes": graph.number_of_nodes(),
                            "edges": graph.number_of_edges(), "kind": "graph", "sha256": item["sha256"]})
    done = (gettext("%(nodes)s nodes, %(edges)s edges (masked; audit #%(seq)s) -> %(out)s") if not full else
            gettext("%(nodes)s nodes, %(edges)s edges (FULL, audited; audit #%(seq)s) -> %(out)s"))
    err_console.print(done % {"nodes": f"{graph.number_of_nodes():,}", "edges": f"{graph.number_of_edges():,}",
                              "seq": seq, "out": out}, highlight=False)
    report_manifest(manifest)
