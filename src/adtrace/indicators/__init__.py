"""Named, versioned indicators with evidence spans (DESIGN §3, §5)."""

from adtrace.indicators.base import Example, Indicator, Lexicon, Subject
from adtrace.indicators.registry import active_indicators, all_indicators, get, indicate, register

__all__ = ["Example", "Indicator", "Lexicon", "Subject", "active_indicators", "all_indicators", "get", "indicate", "register"]
