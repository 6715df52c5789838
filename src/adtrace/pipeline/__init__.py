"""Composes the stages: the one pure `process(document) -> Record`."""

from adtrace.pipeline.process import BATCH, RECORD_FIELDS, Outcome, Pipeline, batches, extract, process

__all__ = ["BATCH", "RECORD_FIELDS", "Outcome", "Pipeline", "batches", "extract", "process"]
