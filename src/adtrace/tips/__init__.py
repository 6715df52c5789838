"""Public tips: the hotline table, anonymous intake, triage, routing rules and hand-off to partners.

See docs/tips.md. The app's routes (`adtrace.app.pages.tips`, `adtrace.app.pages.publictip`) are thin
shells over the functions here.
"""

from adtrace.places.hotlines import Hotline, hotline_for, hotline_or_default

__all__ = ["Hotline", "hotline_for", "hotline_or_default"]
