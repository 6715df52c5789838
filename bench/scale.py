"""Scale-out benchmark: docs/s on 1 and 2 Dask workers, end to end with clustering and a PostgreSQL load.

    python bench/scale.py --docs 20000            # default 1,000,000 (long)
    python bench/scale.py --docs 20000 --db postgresql://user@host/db   # an existing, empty database

Prints one JSON object. Without --db a throwaway PostgreSQL is started from Debian's binaries, the
way tests/storage's fixture does. Wall-clock figures depend on what else shares the machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.storage.conftest import _free_port, _has_user, _pg_bin, new_pg_database

from adtrace.engine import RunOptions, run
from adtrace.engine.adapters import DaskEngine
from adtrace.engine.load import load
from adtrace.synth import write_corpus


def _corpus(folder: Path, n: int, files: int) -> list[str]:
    per = -(-n // files)
    paths = []
    for i in range(files):
        path = folder / f"part-{i:03d}.jsonl"
        with path.open("wb") as fh:
            write_corpus(min(per, n - i * per), 1000 + i, fh)
        paths.append(str(path))
    return paths


def _engine_run(workers: int, inputs: list[str], out: Path, partition_mb: int) -> dict[str, Any]:
    eng = DaskEngine(workers=workers)
    try:
        t0 = time.perf_counter()
        manifest = run(eng, inputs, str(out), RunOptions(partition_bytes=partition_mb * 1024 * 1024))
        wall = time.perf_counter() - t0
        peak = eng.peak_memory()
    finally:
        eng.close()
    n = manifest["documents"]
    return {"workers": workers, "documents": n, "updated": manifest["updated"], "seconds": round(wall, 2),
            "docs_per_s": round(n / wall, 1), "pipeline_docs_per_s": round(n / manifest["seconds"]["process"], 1),
            "stage_seconds": manifest["seconds"], "cluster_method": manifest["cluster_method"],
            "multi_doc_clusters": manifest["multi_doc_clusters"],
            "peak_rss_mb_per_worker": sorted(round(v / 2**20) for v in peak.values())}


class _Postgres:
    def __enter__(self) -> str:
        bindir = _pg_bin()
        if bindir is None:
            raise SystemExit("no PostgreSQL binaries: apt-get install postgresql, or pass --db")
        self.tmp = Path(tempfile.mkdtemp(prefix="adtrace-bench-pg-"))
        (self.tmp / "sock").mkdir()
        self.prefix: list[str] = []
        if os.geteuid() == 0:
            user = "postgres" if _has_user("postgres") else "nobody"
            for p in (self.tmp, self.tmp / "sock"):
                shutil.chown(p, user)
            self.prefix = ["runuser", "-u", user, "--"]
        self.bindir, port = bindir, _free_port()
        subprocess.run([*self.prefix, str(bindir / "initdb"), "-D", str(self.tmp / "data"), "-U", "adtrace",
                        "--auth=trust", "-E", "UTF8", "--no-sync"], check=True, capture_output=True)
        opts = f"-p {port} -k {self.tmp / 'sock'} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run([*self.prefix, str(bindir / "pg_ctl"), "-D", str(self.tmp / "data"), "-o", opts, "-l",
                        str(self.tmp / "log"), "-w", "start"], check=True, capture_output=True)
        return new_pg_database(f"postgresql://adtrace@127.0.0.1:{port}")

    def __exit__(self, *exc: object) -> None:
        subprocess.run([*self.prefix, str(self.bindir / "pg_ctl"), "-D", str(self.tmp / "data"), "-m",
                        "immediate", "stop"], capture_output=True)
        shutil.rmtree(self.tmp, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--docs", type=int, default=1_000_000)
    ap.add_argument("--files", type=int, default=4)
    ap.add_argument("--partition-mb", type=int, default=4)
    ap.add_argument("--db", help="An empty PostgreSQL database URL (default: a throwaway server)")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="adtrace-bench-scale-"))
    try:
        inputs = _corpus(work, args.docs, args.files)
        runs = [_engine_run(w, inputs, work / f"out-{w}", args.partition_mb) for w in (1, 2)]
        t0 = time.perf_counter()
        if args.db:
            report = load(str(work / "out-2"), args.db)
        else:
            with _Postgres() as url:
                report = load(str(work / "out-2"), url)
        load_s = time.perf_counter() - t0
        result = {
            "documents": args.docs, "cpus": os.cpu_count(), "runs": runs,
            "speedup_2_workers": round(runs[1]["docs_per_s"] / runs[0]["docs_per_s"], 2),
            "pipeline_speedup_2_workers": round(runs[1]["pipeline_docs_per_s"] / runs[0]["pipeline_docs_per_s"], 2),
            "postgres_load_seconds": round(load_s, 2), "load": report.to_dict(),
            "end_to_end_seconds_2_workers": round(runs[1]["seconds"] + load_s, 2),
            "caveat": "measured on a shared 2-core machine while other processes used the CPU",
        }
        print(orjson.dumps(result, option=orjson.OPT_INDENT_2).decode())
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
