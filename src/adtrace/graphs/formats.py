"""Writing and reading graphs: GraphML and GEXF through networkx, and the CSV link table of i2 / Maltego.

The link table has one row per edge, both ends described (id, type, label, details), the layout i2
Analyst's Notebook's and Maltego's tabular import map onto two entities and a link; a node without an
edge gets a row of its own with the link and second end empty.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import networkx as nx

from adtrace import errors
from adtrace.documents import spreadsheet  # every cell guarded against spreadsheet formulas

FORMATS = ("graphml", "gexf", "i2csv")
I2_FIELDS = ("from_id", "from_type", "from_label", "from_details", "link", "to_id", "to_type", "to_label",
             "to_details")
_DETAILS = ("kind", "source", "posted_at", "risk_level", "risk_score", "cluster", "indicators", "documents", "url")


def _check(fmt: str) -> None:
    if fmt not in FORMATS:
        raise errors.InputError.at(errors.UNKNOWN_FORMAT, f"unknown graph format {fmt!r}", field_name="format",
                                   hint=f"Use one of: {', '.join(FORMATS)}")


def _i2_type(attrs: dict[str, Any]) -> str:
    return "Document" if attrs.get("type") == "document" else str(attrs.get("kind", "identifier")).capitalize()


def _i2_end(graph: nx.Graph, node: str) -> list[str]:
    attrs = graph.nodes[node]
    details = "; ".join(f"{k}={attrs[k]}" for k in _DETAILS if attrs.get(k) not in (None, ""))
    return [node, _i2_type(attrs), str(attrs.get("label", node)), details]


def to_i2csv(graph: nx.Graph) -> str:
    buf = io.StringIO()
    w = spreadsheet.writer(buf)
    w.writerow(I2_FIELDS)
    for a, b, attrs in sorted(graph.edges(data=True), key=lambda e: (e[0], e[1])):
        w.writerow([*_i2_end(graph, a), str(attrs.get("reason", "")), *_i2_end(graph, b)])
    for node in sorted(n for n in graph.nodes if graph.degree(n) == 0):
        w.writerow([*_i2_end(graph, node), "", "", "", "", ""])
    return buf.getvalue()


def from_i2csv(body: str) -> nx.Graph:
    """The link table back as a graph: node ids, types and labels, edges with their reasons."""
    graph = nx.Graph()
    rows = csv.reader(io.StringIO(body))
    if tuple(next(rows, ())) != I2_FIELDS:
        raise errors.InputError.at(errors.BAD_CSV, "not an adtrace i2/Maltego link table (header differs)",
                                   hint=f"The first row must be: {','.join(I2_FIELDS)}")
    for n, row in enumerate(rows, start=2):
        if len(row) != len(I2_FIELDS):
            raise errors.InputError.at(errors.BAD_CSV, f"{len(row)} cells, expected {len(I2_FIELDS)}", line=n)
        a, a_type, a_label, _ad, link, b, b_type, b_label, _bd = (spreadsheet.read_cell(c) for c in row)
        graph.add_node(a, type=a_type, label=a_label)
        if b:
            graph.add_node(b, type=b_type, label=b_label)
            graph.add_edge(a, b, reason=link)
    return graph


def write(graph: nx.Graph, path: str | Path, fmt: str) -> None:
    _check(fmt)
    if fmt == "graphml":
        nx.write_graphml(graph, str(path))
    elif fmt == "gexf":
        nx.write_gexf(graph, str(path))
    else:
        Path(path).write_text(to_i2csv(graph), encoding="utf-8", newline="")


def read(path: str | Path, fmt: str) -> nx.Graph:
    """Read a graph file back (tests, `adtrace evidence`, and anyone checking what was handed over)."""
    _check(fmt)
    if not Path(path).is_file():
        raise errors.InputError.at(errors.FILE_NOT_FOUND, "no such file", path=str(path), hint="Check the path")
    if fmt == "graphml":
        return nx.read_graphml(str(path))
    if fmt == "gexf":
        return nx.read_gexf(str(path))
    return from_i2csv(Path(path).read_text(encoding="utf-8"))
