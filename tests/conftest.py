"""Every test starts from the same process environment.

Some CLI commands set ADTRACE_* variables for the worker processes they fork (--ocr, --images,
serve's settings); run in-process by CliRunner, they would stay set for every later test. The
ingest worker's pipeline is built once per process and reads the OCR setting then, so it is
dropped too when a test changed that setting."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _restore_environment() -> Iterator[None]:
    before = {k: v for k, v in os.environ.items() if k.startswith("ADTRACE_")}
    yield
    after = {k: v for k, v in os.environ.items() if k.startswith("ADTRACE_")}
    if after == before:
        return
    for k in after.keys() - before.keys():
        del os.environ[k]
    os.environ.update(before)
    import adtrace.storage.ingest as ingest

    ingest._pipeline = None  # built under the changed settings
