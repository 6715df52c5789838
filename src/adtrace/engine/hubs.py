"""The hub rule of `adtrace.linking.Linker.is_hub`, as a pure function of a key's counts.

The engine decides hubs per key bucket, away from any Linker; this must say exactly what the linker
says for the same postings (a test compares the two on a synthetic corpus). Analyst overrides are
not applied here: they live in the database, and the next `adtrace link` applies them.
"""

from __future__ import annotations

import math

from adtrace.linking import HubPolicy


def is_hub(key: str, docs: int, witnesses: int, n_docs: int, policy: HubPolicy) -> bool:
    """`witnesses`: distinct witnesses of the key's documents (the key itself excluded), capped."""
    seen = min(witnesses, policy.cap)
    prefix = key[:4]
    if prefix == "img:":
        return seen >= policy.image_witnesses
    if prefix == "tpl:":
        return seen >= policy.template_witnesses
    if docs < policy.threshold(n_docs):
        return False
    return seen >= min(math.ceil(policy.diversity * docs), policy.cap)
