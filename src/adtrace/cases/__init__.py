"""Cases, review decisions, watchlists and alerts (DESIGN §2). Today: review decisions."""

from adtrace.cases.alerts import Alert, evaluate, raise_alert
from adtrace.cases.decisions import (
    DECISIONS,
    Decision,
    QueueItem,
    current,
    decide,
    escalated,
    export_labels,
    history,
    queue,
    waiting,
    withdraw,
)
from adtrace.cases.notify import Notifier, NotifyConfig
from adtrace.cases.watchlists import Entry, Matcher

__all__ = ["DECISIONS", "Alert", "Decision", "Entry", "Matcher", "Notifier", "NotifyConfig", "QueueItem", "current",
           "decide", "escalated", "evaluate", "export_labels", "history", "queue", "raise_alert", "waiting", "withdraw"]
