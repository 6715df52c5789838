"""Linking: documents joined into clusters by shared keys, photos and templates, explained edge by edge.

    from adtrace.linking import Linker, prepare
    lk = Linker(); lk.add(prepare(rec["id"], rec, text) for rec, text in ...)
    lk.clusters(); lk.edges(members); lk.explain(a, b); lk.hub_keys()

What can link two documents is a registry of signals (`adtrace.linking.signals`): keys, images,
templates, and any a plugin registers through the `adtrace.linking_signals` entry point group.
"""

from adtrace.linking.linker import BatchReport, HubPolicy, Linker, LinkItem, prepare
from adtrace.linking.signals import Signal

__all__ = ["BatchReport", "HubPolicy", "LinkItem", "Linker", "Signal", "prepare"]
