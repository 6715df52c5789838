"""How far real and synthetic ad files expand when gunzipped: the evidence for the decompression-ratio
bound of `adtrace.sources.base` (docs/security.md). Prints aggregates only (never a text).

    .venv/bin/python bench/gzip_ratio.py ../shared/realdata/*.jsonl
"""

from __future__ import annotations

import gzip
import io
import statistics
import sys

import orjson


def ratios(paths: list[str]) -> dict[str, object]:
    found = []
    for path in paths:
        with open(path, "rb") as fh:
            raw = fh.read()
        found.append(len(raw) / len(gzip.compress(raw, compresslevel=9)))
    return {"files": len(found), "min": round(min(found), 2), "median": round(statistics.median(found), 2),
            "max": round(max(found), 2)}


def synthetic(n: int = 2000, seed: int = 11) -> float:
    from adtrace.synth import write_corpus

    buf = io.BytesIO()
    write_corpus(n, seed, buf)
    raw = buf.getvalue()
    return round(len(raw) / len(gzip.compress(raw, compresslevel=9)), 2)


if __name__ == "__main__":
    print(orjson.dumps({"real": ratios(sys.argv[1:]) if sys.argv[1:] else None,
                        "synthetic_2000_seed11": synthetic()}).decode())
