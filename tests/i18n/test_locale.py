"""adtrace.i18n: language negotiation, per-context translation and locale formatting (Babel/CLDR)."""

from __future__ import annotations

import contextvars
from datetime import date
from decimal import Decimal

import pytest

from adtrace import i18n


@pytest.mark.parametrize(("header", "want"), [
    ("es-MX,es;q=0.9,en;q=0.5", "es"),
    ("zh-CN,zh;q=0.9,en;q=0.8", "zh_Hans"),
    ("zh-TW", "zh_Hans"),  # the only Chinese catalogue (docs/i18n.md)
    ("fr-FR, es;q=0.5", "es"),  # the first language we have
    ("en-GB,en;q=0.9", "en"),
    ("es;q=0, en", "en"),  # q=0 means "not this one"
    ("fr, de", None),
    ("*", None),
    ("", None),
    ("garbage;;;q=x,,", None),
])
def test_negotiate(header: str, want: str | None) -> None:
    assert i18n.negotiate(header) == want


def test_choose_precedence() -> None:
    assert i18n.choose() == "en"
    assert i18n.choose(accept_language="es") == "es"
    assert i18n.choose(cookie="zh_Hans", accept_language="es") == "zh_Hans"
    assert i18n.choose(account="es", cookie="zh_Hans", accept_language="zh") == "es"
    assert i18n.choose(explicit="en", account="es", cookie="zh_Hans") == "en"
    assert i18n.choose(explicit="klingon", account="xx", accept_language="es") == "es"  # junk is skipped


def test_translation_follows_the_context_and_does_not_leak() -> None:
    assert i18n.gettext("Search") == "Search"
    with i18n.use("es"):
        assert i18n.gettext("Search") == "Buscar"
        assert i18n.ngettext("%(num)s ad", "%(num)s ads", 1) == "%(num)s anuncio"
        assert i18n.ngettext("%(num)s ad", "%(num)s ads", 2) == "%(num)s anuncios"
        with i18n.use("zh_Hans"):
            assert i18n.gettext("Search") == "搜索"
            assert i18n.ngettext("%(num)s ad", "%(num)s ads", 2) == "%(num)s 则广告"
        assert i18n.gettext("Search") == "Buscar"
        # Another context (another request) starts from English.
        assert contextvars.Context().run(i18n.gettext, "Search") == "Search"
    assert i18n.gettext("Search") == "Search"
    assert i18n.gettext("") == ""  # never the catalogue header
    assert i18n.gettext("a sentence no catalogue has") == "a sentence no catalogue has"


def test_lazy_gettext_translates_when_used() -> None:
    label = i18n.lazy_gettext("Cases")
    assert str(label) == "Cases"
    with i18n.use("es"):
        assert str(label) == "Casos"
    with i18n.use("zh_Hans"):
        assert str(label) == "案件"


def test_unknown_locale_means_english() -> None:
    with i18n.use("xx"):
        assert i18n.get_locale() == "en" and i18n.gettext("Search") == "Search"


# Expected strings are CLDR's (Babel's data), written out so a change of locale data shows up here.
@pytest.mark.parametrize(("locale", "day", "number", "usd", "mxn"), [
    ("en", "Mar 12, 2026", "1,234,567.5", "$200.00", "MX$1,500.00"),
    ("es", "12 mar 2026", "1.234.567,5", "200,00\xa0US$", "1.500,00\xa0MXN"),
    ("zh_Hans", "2026年3月12日", "1,234,567.5", "US$200.00", "MX$1,500.00"),
])
def test_locale_formatting(locale: str, day: str, number: str, usd: str, mxn: str) -> None:
    with i18n.use(locale):
        assert i18n.format_date(date(2026, 3, 12)) == day
        assert i18n.format_date("2026-03-12T23:10:00Z") == day  # stored ISO strings are parsed
        assert i18n.format_number(1234567.5) == number
        assert i18n.format_currency(Decimal("200"), "USD") == usd
        assert i18n.format_currency(1500, "MXN") == mxn


def test_formatting_leaves_what_it_cannot_read() -> None:
    assert i18n.format_date("not a date") == "not a date"
    assert i18n.format_date(None) == "" and i18n.format_number(None) == "" and i18n.format_currency(None) == ""


def test_templates_get_the_filters_and_newstyle_gettext() -> None:
    import jinja2

    env = jinja2.Environment(autoescape=True)
    i18n.install(env)
    tpl = env.from_string("{{ _('%(n)s ads', n='<b>') }}|{{ 1234.5|number }}|{{ 'high'|term }}|{{ html_lang() }}")
    assert tpl.render() == "&lt;b&gt; ads|1,234.5|high|en"  # placeholders are escaped, never markup
    with i18n.use("es"):
        assert tpl.render() == "&lt;b&gt; anuncios|1.234,5|alto|es"
