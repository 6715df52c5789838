"""Exchange (DESIGN §2): platform screening, keyed-hash signals, signed bundles, matching, PSI.

Organisations share keyed hashes of identifiers (HMAC with a consortium key) and PDQ photo hashes,
never raw personal data; matches become leads for an analyst, never automatic actions.
"""

from adtrace.exchange.bundles import Signal, make_retraction, make_signals, verify
from adtrace.exchange.match import Match, SignalIndex, match_record, match_store
from adtrace.exchange.signals import identifiers, keyed_hash, normalise, signal_hashes

__all__ = ["Match", "Signal", "SignalIndex", "identifiers", "keyed_hash", "make_retraction", "make_signals",
           "match_record", "match_store", "normalise", "signal_hashes", "verify"]
