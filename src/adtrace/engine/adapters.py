"""Engines behind one small interface: `map(fn, tasks) -> results in task order`, and `close()`.

The stages never know which engine runs them. Local runs in this process (tests, small inputs);
Dask is the default for scale (a `distributed.LocalCluster` of processes, or `--scheduler` for a
running cluster); Spark runs the same functions as an RDD map (`--master`, or spark-submit's).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from adtrace import errors
from adtrace.registry import Registry


class Engine(Protocol):
    name: str
    workers: int

    def map(self, fn: Callable[[Any], Any], tasks: Sequence[Any]) -> list[Any]: ...

    def close(self) -> None: ...


class LocalEngine:
    name = "local"
    workers = 1

    def map(self, fn: Callable[[Any], Any], tasks: Sequence[Any]) -> list[Any]:
        return [fn(t) for t in tasks]

    def close(self) -> None:
        pass


def _missing(what: str, exc: ImportError) -> errors.ConfigError:
    return errors.ConfigError(f"the {what} engine needs the 'engine' extra: pip install 'adtrace[engine]' "
                              f"({exc})", code=errors.EXTRA_MISSING)


class DaskEngine:
    """A Dask client: to `scheduler` when given, else to a new LocalCluster of `workers` processes."""

    name = "dask"

    client: Any

    def __init__(self, scheduler: str | None = None, workers: int = 0, memory_limit: str = "auto") -> None:
        try:
            import distributed
        except ImportError as exc:
            raise _missing("Dask", exc) from None
        # distributed ships no type hints for these; held as Any.
        Client: Any = distributed.Client
        LocalCluster: Any = distributed.LocalCluster
        self.cluster: Any = None
        if scheduler:
            try:
                self.client = Client(scheduler, timeout="30s")
            except OSError as exc:
                raise errors.ConfigError(f"cannot reach the Dask scheduler at {scheduler} ({exc}). Check the "
                                         "address and that the scheduler runs", code=errors.SCHEDULER_UNREACHABLE) from None
        else:
            n = workers or os.cpu_count() or 1
            # Processes, one thread each: the pipeline is pure Python and holds the GIL.
            self.cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                        memory_limit=memory_limit, dashboard_address=None)
            self.client = Client(self.cluster)
        self.workers = max(1, len(self.client.scheduler_info().get("workers", {})))

    def map(self, fn: Callable[[Any], Any], tasks: Sequence[Any]) -> list[Any]:
        if not tasks:
            return []
        futures = self.client.map(fn, list(tasks), pure=False)
        return list(self.client.gather(futures))

    def peak_memory(self) -> dict[str, int]:
        """Resident memory of each worker process now (bytes), keyed by worker address."""

        def rss() -> int:
            import resource

            return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) * 1024

        return {str(k): int(v) for k, v in self.client.run(rss).items()}

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


class SparkEngine:
    """A SparkContext: `master` (e.g. local[2], spark://host:7077), or the one spark-submit configured."""

    name = "spark"

    def __init__(self, master: str | None = None, workers: int = 0) -> None:
        try:
            from pyspark import SparkConf, SparkContext
        except ImportError as exc:
            raise _missing("Spark", exc) from None
        # Executors must run this interpreter, where adtrace is installed.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
        conf = SparkConf().setAppName("adtrace")
        if master or not SparkContext._active_spark_context:
            conf = conf.setIfMissing("spark.master", master or f"local[{workers or os.cpu_count() or 1}]")
        conf = (conf.set("spark.ui.enabled", "false").set("spark.ui.showConsoleProgress", "false")
                .set("spark.python.worker.reuse", "true"))
        try:
            self.sc = SparkContext.getOrCreate(conf)
        except Exception as exc:  # no Java, or a master that cannot be reached
            raise errors.ConfigError(f"cannot start Spark ({str(exc).strip().splitlines()[0][:200]}). Spark needs "
                                     "Java 17+ (apt-get install openjdk-17-jre-headless)", code=errors.NO_JAVA) from None
        self.sc.setLogLevel("ERROR")
        self.workers = int(self.sc.defaultParallelism)

    def map(self, fn: Callable[[Any], Any], tasks: Sequence[Any]) -> list[Any]:
        if not tasks:
            return []
        # One task per slice, in order: collect() returns results in task order.
        return list(self.sc.parallelize(list(tasks), len(tasks)).map(fn).collect())

    def close(self) -> None:
        self.sc.stop()


# name -> factory(scheduler or master, workers); plugins add engines through "adtrace.engines" entry points.
EngineFactory = Callable[[str | None, int], Engine]
REGISTRY: Registry[EngineFactory] = Registry("engine", "adtrace.engines")
REGISTRY.register("local", lambda scheduler, workers: LocalEngine())
REGISTRY.register("dask", DaskEngine)
REGISTRY.register("spark", SparkEngine)
ENGINES = tuple(REGISTRY)  # the built-ins, for --help


def make_engine(name: str, *, scheduler: str | None = None, workers: int = 0) -> Engine:
    if name not in REGISTRY.load():
        raise errors.InputError.at(errors.BAD_FIELD, f"unknown engine {name!r}", field_name="engine",
                                   hint=f"Use one of: {', '.join(REGISTRY)}")
    return REGISTRY[name](scheduler, workers)
