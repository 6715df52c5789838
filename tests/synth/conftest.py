from __future__ import annotations

from typing import Any

import pytest
from synthcorpus import corpus, lines


@pytest.fixture(scope="session")
def sample() -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """(documents, document truth, network truth) for 4000 documents, seed 11."""
    docs, truth = corpus(4000, 11)
    facts = lines(truth)
    return lines(docs), [f for f in facts if f["type"] == "document"], [f for f in facts if f["type"] == "network"]
