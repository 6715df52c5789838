"""What users read, in their language: gettext catalogues (Babel) and locale-aware formatting.

English is the source language; Spanish (`es`) and Simplified Chinese (`zh_Hans`) have catalogues in
`locales/<lang>/LC_MESSAGES/adtrace.po`, compiled to `.mo` next to them (docs/i18n.md). The current
language is per request (a context variable set by the app's middleware and the signed-in account),
so the same process serves many languages at once; outside a request it is English.

`gettext`/`_` and `ngettext` translate at call time; `lazy_gettext` for module-level strings that must
follow the language of whoever reads them later (indicator descriptions, form labels).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar, Token
from datetime import date, datetime
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from babel import Locale, negotiate_locale, numbers
from babel import dates as babel_dates
from babel.support import LazyProxy, NullTranslations, Translations

DOMAIN = "adtrace"
DEFAULT = "en"
# zh_Hans, not zh_CN: the script is what matters to a reader (Simplified characters are read in
# China, Singapore, Malaysia and by many in the Mekong region); the country would wrongly narrow it.
LOCALES = ("en", "es", "zh_Hans")
NAMES = {"en": "English", "es": "Español", "zh_Hans": "简体中文"}  # each in its own language
HTML_LANG = {"en": "en", "es": "es", "zh_Hans": "zh-Hans"}
LOCALE_DIR = Path(__file__).parent / "locales"

_current: ContextVar[str] = ContextVar("adtrace_locale", default=DEFAULT)


@cache
def translations(locale: str) -> NullTranslations:
    """The compiled catalogue of `locale` (English and unknown locales: the message itself)."""
    if locale == DEFAULT or locale not in LOCALES:
        return NullTranslations()
    found = Translations.load(str(LOCALE_DIR), [locale], DOMAIN)
    return found if isinstance(found, Translations) else NullTranslations()


def get_locale() -> str:
    return _current.get()


def set_locale(locale: str) -> Token[str]:
    """Make `locale` current for the rest of this context (a request, a CLI run); unknown ones mean English."""
    return _current.set(locale if locale in LOCALES else DEFAULT)


@contextmanager
def use(locale: str) -> Iterator[str]:
    """`with use("es"): ...` - everything inside reads Spanish; the previous language comes back after."""
    token = set_locale(locale)
    try:
        yield get_locale()
    finally:
        _current.reset(token)


def gettext(message: str) -> str:
    """The message in the current language (the English message when a catalogue lacks it)."""
    locale = _current.get()
    if locale == DEFAULT or not message:  # gettext("") would answer the catalogue's header
        return message
    return translations(locale).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Singular or plural form of a message for count `n`, in the current language."""
    locale = _current.get()
    if locale == DEFAULT:
        return singular if n == 1 else plural
    return translations(locale).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """The message as used in `context`: one English word that reads differently in two places ("confirmed"
    as a queue row's state, Spanish "confirmado"; as a column of counts, "confirmados") gets a catalogue
    entry per context (`msgctxt`). Without a translation in that context, the English message."""
    locale = _current.get()
    if locale == DEFAULT or not message:
        return message
    return str(translations(locale).pgettext(context, message))


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    """`ngettext` in a context (see `pgettext`)."""
    locale = _current.get()
    if locale == DEFAULT:
        return singular if n == 1 else plural
    return str(translations(locale).npgettext(context, singular, plural, n))


CONTEXT_SEP = "\x04"  # how gettext joins a context and its message in one key (also the page scripts' key)


def NP_(context: str, message: str) -> str:
    """Marks a message in a context for extraction (`pgettext`'s `N_`); returns the key "context<EOT>message",
    which `pgettext_key` translates where it is shown."""
    return f"{context}{CONTEXT_SEP}{message}"


def pgettext_key(key: str) -> str:
    """A message marked by `N_` (a plain key) or `NP_` (context<EOT>message), in the current language."""
    context, sep, message = key.partition(CONTEXT_SEP)
    return pgettext(context, message) if sep else gettext(key)


def lazy_gettext(message: str) -> LazyProxy:
    """A string that translates each time it is used, into the language current at that moment."""
    return LazyProxy(gettext, message, enable_cache=False)


def N_(message: str) -> str:
    """Marks a message for extraction without translating it now (translated where it is shown)."""
    return message


_ = gettext


def normalise(tag: str | None) -> str | None:
    """One of LOCALES for a language tag (`es-MX`, `zh-CN`, `zh_Hans`, `ZH`), or None. Any Chinese tag
    means Simplified Chinese, the only Chinese catalogue (docs/i18n.md)."""
    if not tag:
        return None
    lang = re.split(r"[-_]", tag.strip())[0].lower()
    return {"en": "en", "es": "es", "zh": "zh_Hans"}.get(lang)


_Q = re.compile(r"^\s*([A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*|\*)\s*(?:;\s*q\s*=\s*([0-9.]+))?\s*$")


def negotiate(accept_language: str | None) -> str | None:
    """The best of LOCALES for an `Accept-Language` header (Babel's negotiate_locale), or None."""
    if not accept_language:
        return None
    ranked: list[tuple[float, int, str]] = []
    for i, part in enumerate(accept_language.split(",")[:20]):  # a header is short; ignore a flood
        m = _Q.match(part)
        if not m or m.group(1) == "*":
            continue
        try:
            q = float(m.group(2)) if m.group(2) else 1.0
        except ValueError:
            continue
        if q > 0:
            ranked.append((-q, i, m.group(1)))
    preferred = [tag for _, _, tag in sorted(ranked)]
    found = negotiate_locale(preferred, ["en", "es", "zh"], sep="-")
    return normalise(found)


def choose(*, explicit: str | None = None, account: str | None = None, cookie: str | None = None,
           accept_language: str | None = None) -> str:
    """The request's language: a `?lang=` switch, else the account's setting, else the browser's choice
    remembered in a cookie, else `Accept-Language`, else English."""
    for candidate in (explicit, account, cookie):
        found = normalise(candidate)
        if found:
            return found
    return negotiate(accept_language) or DEFAULT


def from_environment(env: Mapping[str, str] | None = None) -> str:
    """The CLI's language: ADTRACE_LANG (en, es, zh_Hans; `es_MX.UTF-8` works too), else English. The
    POSIX LANG is not read on purpose: scripts that parse adtrace's output keep English unless asked."""
    value = (env if env is not None else os.environ).get("ADTRACE_LANG", "")
    return normalise(value.split(".")[0]) or DEFAULT


def babel_locale(locale: str | None = None) -> Locale:
    return _babel_locale(locale or _current.get())


@lru_cache(maxsize=8)
def _babel_locale(locale: str) -> Locale:
    return Locale.parse(locale if locale in LOCALES else DEFAULT)


def _when(value: str | date | datetime | None) -> date | datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


def format_date(value: str | date | datetime | None, format: str = "medium") -> str:
    """A date in the current locale (`12 mar 2026`, `2026年3月12日`); ISO strings are parsed; an
    unparseable value is shown as it is."""
    when = _when(value)
    if when is None:
        return "" if value is None else str(value)
    return babel_dates.format_date(when, format=format, locale=babel_locale())


def format_datetime(value: str | datetime | None, format: str = "medium") -> str:
    """A date and time in the current locale (times as stored: UTC)."""
    when = _when(value)
    if when is None:
        return "" if value is None else str(value)
    if not isinstance(when, datetime):
        return format_date(when, format)
    return babel_dates.format_datetime(when, format=format, locale=babel_locale())


def format_number(value: float | int | Decimal | str | None) -> str:
    """A number with the locale's grouping and decimal signs (1,234.5 / 1234,5 / 1,234.5)."""
    if value is None or value == "":
        return ""
    return numbers.format_decimal(value, locale=babel_locale())


def format_percent(value: float | int | Decimal | None) -> str:
    if value is None:
        return ""
    return numbers.format_percent(value, locale=babel_locale())


def format_currency(value: float | int | Decimal | str | None, currency: str = "USD") -> str:
    """An amount in `currency` (ISO 4217) written the locale's way (US$200.00 / 200,00 US$ / US$200.00)."""
    if value is None or value == "":
        return ""
    return numbers.format_currency(value, currency or "USD", locale=babel_locale())


def term(value: object) -> str:
    """A word the code chooses from a fixed set (a level, a decision, a status), in the current language.
    Unlike `_()` in a template it never %-formats, so any value is safe; unknown words stay as they are."""
    return gettext(str(value)) if value not in (None, "") else ""


def country(code: object, english: str = "") -> str:
    """A country's name from its ISO 3166 code in the current language (Babel's CLDR data); `english`
    (else the code) when CLDR does not know the code."""
    key = str(code or "").upper()
    name = Locale.parse(_current.get()).territories.get(key) if key else None
    return name or english or key


def template_filters() -> dict[str, Any]:
    """The formatting filters every Jinja environment of adtrace installs."""
    return {"date": format_date, "datetime": format_datetime, "number": format_number,
            "percent": format_percent, "currency": format_currency, "term": term,
            "country": country}


def _per_render(f: Any) -> Any:
    """A filter Jinja must call at render time: it folds filters on constants (`{{ 'high'|term }}`)
    when compiling, which would freeze them in the language of the first request."""
    import jinja2

    @jinja2.pass_context
    def call(_context: Any, *args: Any, **kwargs: Any) -> Any:
        return f(*args, **kwargs)

    return call


def install(env: Any) -> None:
    """Give a Jinja environment `_`/`gettext`/`ngettext`/`pgettext` (newstyle: `_("%(n)s ads", n=n)`, autoescaped)
    that follow the current locale, and the formatting filters. The callables read the context variable
    on each call, so one shared environment serves each request in its own language."""
    if "jinja2.ext.InternationalizationExtension" not in env.extensions:
        env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(gettext, ngettext, newstyle=True, pgettext=pgettext, npgettext=npgettext)
    env.filters.update({name: _per_render(f) for name, f in template_filters().items()})
    env.globals.update(locales=LOCALES, locale_names=NAMES, get_locale=get_locale,
                       html_lang=lambda: HTML_LANG.get(get_locale(), "en"))
