"""Run the pure pipeline and linking over partitions on an engine: local, Dask (default) or Spark.

    from adtrace.engine import make_engine, run, RunOptions, load
    eng = make_engine("dask", workers=2)
    manifest = run(eng, ["corpus/*.jsonl.gz"], "out/", RunOptions()); eng.close()
    load("out/", "ads.db")
"""

from adtrace.engine.adapters import ENGINES, Engine, make_engine
from adtrace.engine.run import RunOptions, run

__all__ = ["ENGINES", "Engine", "RunOptions", "make_engine", "run"]
