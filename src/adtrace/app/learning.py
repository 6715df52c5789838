"""The queue learns: review decisions retrain the learned model in the background.

Each app process keeps one `Learner`. After a decision (and when the queue is opened) it counts the
labels in the database (the newest confirm = 1 or dismiss = 0 per document, as `adtrace train` reads
them from the exported CSV); when `every` labels were added since the last training, one daemon thread
retrains TF-IDF + logistic regression (`adtrace.scoring.model.fit`) on at most `max_labels` of the
newest labels, then scores the waiting documents. Bounded: one training at a time per process, a cap
on labels and on documents scored; while it runs the queue keeps the previous model's order. Counting
in the database (not in memory) keeps every worker of `adtrace serve --workers N` current. The model
lives in memory: a restarted app retrains from the stored decisions on the first queue view.
`adtrace train` stays the way to train offline and save a model file.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from adtrace.cases.decisions import waiting_scores
from adtrace.i18n import gettext
from adtrace.scoring import ranking
from adtrace.storage import corpus, db, reviewlog
from adtrace.storage.db import read

log = logging.getLogger(__name__)
RETRAIN_EVERY = 10  # new labels before the model retrains
MIN_EACH = 5  # confirmed and dismissed documents needed before the first model
MAX_LABELS = 20_000  # newest labels a training reads
MAX_RANKED = 20_000  # waiting documents the model orders (the highest rule scores); the rest follow by rule score



def _full(title: str | None, body: str | None) -> str:
    return f"{title or ''}\n{body or ''}"  # Document.full_text: what `adtrace train` learns from


@dataclass
class Learner:
    engine: sa.Engine
    every: int = RETRAIN_EVERY
    min_each: int = MIN_EACH
    max_labels: int = MAX_LABELS
    model: Any = None
    trained_on: tuple[int, int] = (0, 0)  # (confirmed, dismissed) in the model in use
    trained_at: str = ""
    labels_now: tuple[int, int] = (0, 0)
    error: str = ""
    _seen: int = -1  # label count the last training started from (-1: never)
    _current: tuple[Any, dict[str, float]] = field(default_factory=lambda: (None, {}))  # (model, its cache)
    _thread: threading.Thread | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _count(self) -> tuple[int, int]:
        with read(self.engine) as conn:
            n, pos = reviewlog.label_counts(conn)
        self.labels_now = (pos, n - pos)
        return self.labels_now

    def check(self) -> bool:
        """Start a background retraining when enough new labels arrived; True when one started."""
        pos, neg = self._count()
        if min(pos, neg) < self.min_each:
            return False
        if self._seen >= 0 and pos + neg - self._seen < self.every:
            return False
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return False  # the next decision or queue view checks again
            self._seen = pos + neg
            self._thread = threading.Thread(target=self._train, name="adtrace-learner", daemon=True)
            self._thread.start()
        return True

    def wait(self, timeout: float | None = None) -> None:
        """Block until a running training has finished (tests, and an orderly shutdown)."""
        t = self._thread
        if t is not None:
            t.join(timeout)

    def _train(self) -> None:
        from adtrace.scoring import model as learned

        try:
            with read(self.engine) as conn:
                rows = reviewlog.newest_labels(conn, self.max_labels)
            texts = [_full(t, b) for t, b, _ in rows]
            labels = [1 if d == "confirm" else 0 for _, _, d in rows]
            fitted = learned.fit(texts, [0.0] * len(texts), labels)
            with read(self.engine) as conn:  # score what waits now, so no page view waits for it
                waiting = [i for i, _ in waiting_scores(conn)[:MAX_RANKED]]
                probs = self._score(conn, fitted, waiting, {})
            self._current = (fitted, probs)  # one assignment: a page never pairs a model with another's cache
            self.model = fitted
            self.trained_on = (sum(labels), len(labels) - sum(labels))
            self.trained_at = db.now()
            self.error = ""
        except Exception as exc:  # a failed training leaves the previous model in use, and says why
            log.exception("background training failed")
            self.error = f"{type(exc).__name__}: {str(exc)[:200]}"

    def probabilities(self, conn: sa.Connection, ids: list[str]) -> dict[str, float]:
        """The model's probability for each id (cached until the next training); {} without a model."""
        model, probs = self._current
        if model is None:
            return {}
        probs = self._score(conn, model, ids, probs)
        return {i: probs[i] for i in ids if i in probs}

    @staticmethod
    def _score(conn: sa.Connection, model: Any, ids: list[str], probs: dict[str, float]) -> dict[str, float]:
        """Add the probabilities of `ids` missing from `probs` (in place) and return it."""
        missing = [i for i in ids if i not in probs]
        for s in range(0, len(missing), 900):
            rows = corpus.texts(conn, missing[s:s + 900])
            texts = [_full(t, b) for _, t, b in rows]
            for (doc_id, _, _), p in zip(rows, model.probability(texts, [0.0] * len(texts)) if texts else [],
                                         strict=True):
                probs[doc_id] = p
        return probs

    def rank(self, conn: sa.Connection, waiting: list[tuple[str, float]]) -> list[ranking.Ranked]:
        """The queue's order: combined score with the uncertain slice; rule order alone without a model."""
        top = waiting[:MAX_RANKED]
        out = ranking.order(top, self.probabilities(conn, [i for i, _ in top]))
        return out + [ranking.Ranked(i, s, None, s) for i, s in waiting[MAX_RANKED:]]

    def status(self) -> dict[str, Any]:
        pos, neg = self.labels_now
        running = self._thread is not None and self._thread.is_alive()
        if self.model is not None:  # in the reader's language (adtrace.i18n): status() runs per request
            note = gettext("ordered by rule score and a model trained on %(n)s decisions (%(pos)s confirmed, "
                           "%(neg)s dismissed) at %(at)s UTC; it retrains after every %(every)s new decisions") % {
                "n": sum(self.trained_on), "pos": self.trained_on[0], "neg": self.trained_on[1],
                "at": self.trained_at[11:16], "every": self.every}
        else:
            note = gettext("ordered by rule score: the model needs %(min)s confirmed and %(min)s dismissed documents "
                           "(now %(pos)s and %(neg)s)") % {"min": self.min_each, "pos": pos, "neg": neg}
        return {"trained": self.model is not None, "running": running, "note": note, "error": self.error,
                "confirmed": pos, "dismissed": neg}
