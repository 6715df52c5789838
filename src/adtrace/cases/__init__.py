"""Cases, review decisions, watchlists and alerts (DESIGN §2). Today: review decisions."""

from adtrace.cases.decisions import DECISIONS, Decision, QueueItem, decide, export_labels, history, queue

__all__ = ["DECISIONS", "Decision", "QueueItem", "decide", "export_labels", "history", "queue"]
