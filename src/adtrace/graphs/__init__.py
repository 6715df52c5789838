"""Graphs for the tools investigators already use: a case, a cluster or an entity's neighbourhood as
GraphML, GEXF (Gephi) or the CSV link table i2 Analyst's Notebook and Maltego import.

Nodes are documents and the identifiers they hold; edges carry the reason they exist. Identifiers are
masked as case exports mask them (`adtrace.cases.exports.Masker`) unless a full export is asked for,
which the caller audits.
"""

from adtrace.graphs.build import Selection, build, select
from adtrace.graphs.formats import FORMATS, read, write

__all__ = ["FORMATS", "Selection", "build", "read", "select", "write"]
