"""HTML character references decoded as the pages and the index read them (adtrace.text.charrefs).

`html.unescape` turns a decimal reference into an int first; past 4,300 digits Python refuses the
conversion (ValueError, CVE-2020-10735's limit), so one ad holding "&#999...9;" stopped a whole ingest
batch, every page showing it and the upgrade to migration 0028. The safe decoder reads such a number as
html.unescape reads any number past U+10FFFF: U+FFFD. The ads are synthetic."""

from __future__ import annotations

import html
from html.entities import html5

from adtrace.text.charrefs import unescape

TRICKY = ["&#0;", "&#x0;", "&#128;", "&#x80;", "&#13;", "&#x0D;", "&#55296;", "&#xD800;", "&#57343;", "&#1114111;",
          "&#1114112;", "&#x10FFFF;", "&#x110000;", "&#99999999;", "&#999999999999;", "&#x7FFFFFFF;",
          "&#00000000000065;", "&#x000000000041;", "&#65", "&#x41", "&#", "&#x", "&#;", "&#x;", "&", "&;", "&amp",
          "&ampx", "&amp;amp;amp;", "&notit;", "&notin;", "&not", "&nbsp;&nbsp", "&" + "a" * 40 + ";",
          "?a=1&b=2&copy=3", "&frac12;&frac12", "\t&\tamp;", "&#x1F48B;", "&amp;#39;", "no reference", ""]


def test_it_reads_every_reference_as_html_unescape_does() -> None:
    samples = [*TRICKY, *(f"&{n}" for n in html5), *(f"x&{n}y" for n in html5)]
    assert [unescape(s) for s in samples] == [html.unescape(s) for s in samples]


def test_a_number_too_long_for_int_reads_as_the_replacement_character() -> None:
    for digits in ("9" * 5000, "0" * 6000 + "65", "1" * 100_000):
        text = f"call &#{digits}; now &amp; &#{digits}"
        want = "call \ufffd now & \ufffd" if digits.lstrip("0") != "65" else "call A now & A"
        assert unescape(text) == want
    assert unescape("&#x" + "f" * 100_000 + ";") == "\ufffd"  # hexadecimal: never refused by int, same answer
    assert unescape("&#" * 200_000) == "&#" * 200_000  # a run of bare "&#": nothing to read, linear
