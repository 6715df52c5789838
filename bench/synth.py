"""Throughput of `adtrace synth` (no images/HTML): documents per second and peak RSS, as JSON.

    .venv/bin/python bench/synth.py [--docs 1000000] [--seed 0] [--truth]
Writes to /dev/null so only generation and serialisation are timed.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--truth", action="store_true", help="also write the truth file (to /dev/null)")
    args = ap.parse_args()
    from adtrace.synth import write_corpus

    with open(os.devnull, "wb") as out, open(os.devnull, "wb") as truth:
        t0, c0 = time.perf_counter(), time.process_time()
        summary = write_corpus(args.docs, args.seed, out, truth=truth if args.truth else None)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(json.dumps({
        "docs": summary.documents, "networks": summary.networks, "truth": args.truth,
        "seconds": round(wall, 2), "cpu_seconds": round(cpu, 2),
        "docs_per_s": round(summary.documents / wall), "docs_per_cpu_s": round(summary.documents / cpu),
        "peak_rss_mb": round(rss / 1024 if sys.platform != "darwin" else rss / 2**20, 1),
    }))


if __name__ == "__main__":
    main()
