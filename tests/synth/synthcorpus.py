"""Small corpora for the synth tests."""

from __future__ import annotations

import io
from typing import Any

import orjson

from adtrace.synth import Mixture, write_corpus


def corpus(n: int, seed: int, mixture: Mixture | None = None, **kw: Any) -> tuple[bytes, bytes]:
    out, truth = io.BytesIO(), io.BytesIO()
    write_corpus(n, seed, out, truth=truth, mixture=mixture, **kw)
    return out.getvalue(), truth.getvalue()


def lines(raw: bytes) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in raw.splitlines()]
