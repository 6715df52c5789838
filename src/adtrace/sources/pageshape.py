"""A linear pre-scan of an HTML page's nesting, before the parser sees it.

The HTML parser (lexbor) walks its stack of open elements for many start tags (e.g. every `<div>` looks
for an open `<p>` to close), so a page of N nested elements costs O(N^2): 200,000 nested `<div>`s
(2.2 MB) took 129 s (issue 20). Real ad pages nest a few dozen levels deep (Chromium itself caps the tree
at 512). This scan follows tags the way the parser opens and closes them, closely enough to bound the
stack: it never reads a comment, script or style body as markup, treats void elements and elements whose
end tag is implied (p, li, td, option, ...) as not nesting, and honours `/>` only inside SVG and MathML,
where the parser does too. It refuses a page deeper than MAX_DEPTH or with more than MAX_TAGS start tags;
with both bounded, the parser's time per page is bounded (measured: the worst page that passes, 200,000
tags nested 256 deep, parses in 0.5 s and scans in 1.5 s; 200,000 nested divs are refused in 1 ms).
"""

from __future__ import annotations

import functools
import re

from adtrace import errors
from adtrace.i18n import _

MAX_DEPTH = 256
MAX_TAGS = 200_000
# A page with fewer '<' than this parses in a fraction of a second however it nests (5,000 nested divs:
# ~0.2 s), so it is not scanned: the scan costs several times the parse of an ordinary page.
SCAN_FROM = 5_000

_TAG = re.compile(rb"<(!--|/?[A-Za-z][A-Za-z0-9:-]*)")
_VOID = frozenset(b"area base br col embed hr img input link meta source track wbr param keygen frame basefont "
                  b"bgsound image".split())
_IMPLIED_END = frozenset(b"p li dt dd option optgroup rb rp rt rtc tr td th thead tbody tfoot colgroup "
                         b"caption".split())
_RAW_TEXT = frozenset(b"script style textarea title xmp iframe noembed noframes plaintext".split())
_FOREIGN = frozenset((b"svg", b"math"))


def check_page(raw: bytes, path: str, max_depth: int = MAX_DEPTH, max_tags: int = MAX_TAGS,
               scan_from: int = SCAN_FROM) -> None:
    """Raise a located InputError (AT122) when the page nests too deep or holds too many tags."""
    if raw.count(b"<") < scan_from:
        return
    stack: list[bytes] = []
    count: dict[bytes, int] = {}
    foreign = 0  # open svg/math elements
    tags = 0
    pos = 0
    while (m := _TAG.search(raw, pos)) is not None:
        token = m.group(1)
        if token == b"!--":
            end = raw.find(b"-->", m.end())
            if end < 0:
                return  # the rest is a comment
            pos = end + 3
            continue
        close = raw.find(b">", m.end())
        if close < 0:
            return  # the rest is one unfinished tag: no element opens
        pos = close + 1
        name = token.lstrip(b"/").lower()
        if token[:1] == b"/":
            if count.get(name):
                while stack:  # pop to the matching element, as the parser's end-tag handling does
                    top = stack.pop()
                    count[top] -= 1
                    foreign -= top in _FOREIGN
                    if top == name:
                        break
            continue
        tags += 1
        if tags > max_tags:
            raise _refused(raw, m.start(), path, _("more than %(n)s tags") % {"n": f"{max_tags:,}"})
        if name in _RAW_TEXT:
            end_tag = _end_tag(name).search(raw, pos)
            if end_tag is None:
                return  # the rest is script/style text
            pos = end_tag.start()
            continue
        if name in _VOID or name in _IMPLIED_END or (foreign and raw[close - 1:close] == b"/"):
            continue
        stack.append(name)
        count[name] = count.get(name, 0) + 1
        foreign += name in _FOREIGN
        if len(stack) > max_depth:
            raise _refused(raw, m.start(), path, _("elements nested more than %(n)s deep") % {"n": max_depth})


@functools.cache
def _end_tag(name: bytes) -> re.Pattern[bytes]:
    return re.compile(rb"</" + re.escape(name), re.IGNORECASE)


def _refused(raw: bytes, at: int, path: str, what: str) -> errors.InputError:
    line = raw.count(b"\n", 0, at) + 1
    return errors.InputError.at(errors.PAGE_TOO_DEEP,
                                _("page refused: %(what)s (real ad pages nest a few dozen)") % {"what": what}, path=path, line=line, hint=_("Drop the page; it cannot be an ordinary ad page"))
