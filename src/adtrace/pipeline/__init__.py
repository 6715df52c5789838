"""Composes the stages: the one pure `process(document) -> Record`."""

from adtrace.pipeline.process import RECORD_FIELDS, Pipeline, extract, process

__all__ = ["RECORD_FIELDS", "Pipeline", "extract", "process"]
