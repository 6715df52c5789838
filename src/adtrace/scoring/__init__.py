"""Risk scoring: the transparent rule score (always), a learned model from analyst labels (optional).

The learned model lives in `adtrace.scoring.model` and imports scikit-learn lazily, so scoring with
rules alone stays fast to start.
"""

from adtrace.scoring.rules import LEVELS, level_of, score, thresholds
from adtrace.scoring.stage import indicate_and_score

__all__ = ["LEVELS", "indicate_and_score", "level_of", "score", "thresholds"]
