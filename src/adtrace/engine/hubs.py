"""The linker's hub rule (`adtrace.linking.linker.hub_rule`) over a key's bucketed counts.

The engine decides hubs per key bucket, away from any Linker; this must say exactly what the linker
says for the same postings (a test compares the two on a synthetic corpus). Analyst overrides are
not applied here: they live in the database, and the next `adtrace link` applies them.
"""

from __future__ import annotations

from adtrace.linking import HubPolicy
from adtrace.linking.linker import hub_rule


def is_hub(key: str, docs: int, witnesses: int, n_docs: int, policy: HubPolicy) -> bool:
    """`witnesses`: distinct witnesses of the key's documents (the key itself excluded), capped.

    The same rule as the linker's (so engine runs and `adtrace link` agree on hubs)."""
    return hub_rule(policy, key, docs, min(witnesses, policy.cap), n_docs)
