"""adtrace: find likely human trafficking in online ads, with evidence an analyst can defend."""

__version__ = "0.1.0"
