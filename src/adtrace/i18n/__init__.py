"""What users read, in their language (Babel/gettext catalogues).

Seed: until the catalogues are built every function returns the English text, so code and
templates can already mark their strings with `_()` / `{{ _("...") }}`.
"""

from __future__ import annotations


def gettext(message: str) -> str:
    """The message in the current language (English until catalogues exist)."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    """Singular or plural form of a message for count `n`."""
    return singular if n == 1 else plural


_ = gettext
