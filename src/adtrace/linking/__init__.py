"""Linking: documents joined into clusters by shared keys, photos and templates, explained edge by edge.

    from adtrace.linking import Linker, prepare
    lk = Linker(); lk.add(prepare(rec["id"], rec, text) for rec, text in ...)
    lk.clusters(); lk.edges(members); lk.explain(a, b); lk.hub_keys()
"""

from adtrace.linking.linker import ALL_SIGNALS, BatchReport, HubPolicy, Linker, LinkItem, prepare

__all__ = ["ALL_SIGNALS", "BatchReport", "HubPolicy", "LinkItem", "Linker", "prepare"]
