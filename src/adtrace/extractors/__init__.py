"""Entity extractors, one module per kind, each registered with what it requires and assigns."""

from adtrace.extractors.base import Context, Extractor, entity
from adtrace.extractors.registry import EXTRACTORS, assigned, ordered, register

__all__ = ["EXTRACTORS", "Context", "Extractor", "assigned", "entity", "ordered", "register"]
