"""Text normalisation that keeps an offset map, so every span points into the original text."""

from adtrace.text.normalise import View, normalise

__all__ = ["View", "normalise"]
