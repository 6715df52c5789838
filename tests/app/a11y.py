"""Static accessibility checks of one HTML page (WCAG 2.1 AA, the part a parser can see), for the link walker.

Each check names the element it failed on, so a failure reads like the walker's: page, then element.
Whether htmx swaps land in a live region is seen here (the page's markup); what a screen reader is then told,
and focus order, are left to the browser tests; contrast is read from the style sheets (tests/app/contrast.py).
"""

from __future__ import annotations

from collections import Counter

from selectolax.lexbor import LexborHTMLParser, LexborNode

# Inputs a person types into or chooses from; the others are buttons (their value is their name) or invisible.
NOT_FIELDS = ("hidden", "submit", "button", "reset", "image")


def _describe(node: LexborNode) -> str:
    """The element as it reads in the template: tag and the attributes that find it there."""
    a = node.attributes
    keys = ("id", "name", "type", "class", "href", "src", "hx-get", "hx-post", "value")
    attrs = "".join(f' {k}="{(a.get(k) or "")[:40]}"' for k in keys if k in a)
    return f"<{node.tag}{attrs}>"


def _labelled_by_text(node: LexborNode, ids: set[str]) -> bool:
    """aria-labelledby naming ids on the page: words shown there (the page's own text) name the field."""
    labelledby = (node.attributes.get("aria-labelledby") or "").split()
    return bool(labelledby) and all(i in ids for i in labelledby)


def _named_by_aria(node: LexborNode, ids: set[str]) -> bool:
    a = node.attributes
    labelledby = (a.get("aria-labelledby") or "").split()
    return bool((a.get("aria-label") or "").strip()) or (bool(labelledby) and all(i in ids for i in labelledby))


def _shows_words(label: LexborNode, field: LexborNode | None = None) -> bool:
    """A label a sighted person can read: its own words (or a picture's alt), not the options of the field in it."""
    words = label.text(deep=True)
    if field is not None and field.tag in ("select", "textarea"):
        words = words.replace(field.text(deep=True), "", 1)
    return bool(words.strip()) or any((img.attributes.get("alt") or "").strip() for img in label.css("img"))


def _inside_label(node: LexborNode) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag == "label":
            return _shows_words(parent, node)
        parent = parent.parent
    return False


def _has_text(node: LexborNode) -> bool:
    """Text a screen reader reads out: the element's own text, a picture's alt, or a title (the last resort)."""
    return (bool(node.text(deep=True).strip()) or any((img.attributes.get("alt") or "").strip() for img in node.css("img"))
            or bool((node.attributes.get("title") or "").strip()))


# What htmx requests and swaps in; hx-trigger="load" fills the page as it opens (read with the page, not news).
SWAPS = ("hx-get", "hx-post", "hx-put", "hx-patch", "hx-delete")
LIVE_ROLES = ("status", "alert", "log")


def _is_live(node: LexborNode) -> bool:
    a = node.attributes
    return (a.get("aria-live") or "off") in ("polite", "assertive") or (a.get("role") or "") in LIVE_ROLES


def _inherited(node: LexborNode, attr: str) -> str | None:
    """An htmx attribute as htmx reads it: on the element or the nearest ancestor that sets it."""
    while node is not None and node.tag != "-undef":
        if attr in node.attributes:
            return node.attributes.get(attr)
        node = node.parent
    return None


def _swap_target(tree: LexborHTMLParser, node: LexborNode, order: dict[int, int]) -> LexborNode | None:
    spec = (_inherited(node, "hx-target") or "this").strip()
    if spec == "this":
        return node
    if spec.startswith("find "):
        return node.css_first(spec[5:])
    if spec.startswith("closest "):
        up = node
        while up is not None and up.tag not in ("-undef", "html"):
            if up.css_matches(spec[8:]):
                return up
            up = up.parent
        return None
    if spec.startswith("next "):
        if not order and tree.root is not None:  # document order, counted once per page
            order.update({n.mem_id: i for i, n in enumerate(tree.root.traverse())})
        after = [t for t in tree.css(spec[5:]) if order.get(t.mem_id, -1) > order.get(node.mem_id, 0)]
        return min(after, key=lambda t: order[t.mem_id]) if after else None
    return tree.css_first(spec)


def _swap_problems(tree: LexborHTMLParser) -> list[str]:
    """Content htmx swaps in must reach a screen reader (WCAG 4.1.3): the swap lands inside a live region
    (aria-live polite/assertive, role status/alert/log) that is in the page before it, or the swapped content
    marks words (data-live="ID") that app.js copies to the live region #ID. An outerHTML swap replaces its
    target, so a live attribute on the target itself does not count: the region must outlive the swap."""
    out: list[str] = []
    regions = {n.attributes.get("id") for n in tree.css("[id]") if _is_live(n)}
    order: dict[int, int] = {}
    for node in tree.css(", ".join(f"[{a}]" for a in SWAPS)):
        if (node.attributes.get("hx-trigger") or "").strip().startswith("load"):
            continue
        target = _swap_target(tree, node, order)
        if target is None:
            out.append(f"{_describe(node)} swaps into {_inherited(node, 'hx-target')!r}, which is not on the page")
            continue
        outer = (_inherited(node, "hx-swap") or "innerHTML").split()[0] == "outerHTML"
        up = target.parent if outer else target
        live = False
        while up is not None and up.tag not in ("-undef", "html") and not live:
            live, up = _is_live(up), up.parent
        marked = any(m.attributes.get("data-live") in regions for m in target.css("[data-live]"))
        if not live and not marked:
            out.append(f"{_describe(node)} swaps content into {_describe(target)} that no live region announces "
                       "(aria-live, role status/alert, or data-live naming one)")
    return out


def problems(html: str, language: str = "en", whole: bool = True) -> list[str]:
    """What keeps a keyboard or screen-reader user from this page; `language` is the page's primary language
    subtag (en, es, zh), which `<html lang>` must start with. A fragment (`whole=False`, what htmx swaps into a
    page) is checked for its elements only: the page around it has the language, title and heading."""
    tree = LexborHTMLParser(html)
    out: list[str] = []
    if whole:
        out += _page_problems(tree, language) + _swap_problems(tree)
    out += _element_problems(tree)
    return out


def _page_problems(tree: LexborHTMLParser, language: str) -> list[str]:
    out: list[str] = []
    root = tree.css_first("html")
    lang = ((root.attributes.get("lang") if root is not None else None) or "").strip()
    if not lang:
        out.append("<html> has no lang")
    elif lang.split("-")[0].lower() != language:
        out.append(f'<html lang="{lang}"> on a page in {language!r}')
    title = tree.css_first("head title")
    if title is None or not title.text().strip():
        out.append("no <title>, or an empty one")
    h1 = tree.css("h1")
    if len(h1) > 1:
        out.append(f"{len(h1)} <h1>: " + ", ".join(repr(h.text(strip=True)[:40]) for h in h1))
    return out


def _element_problems(tree: LexborHTMLParser) -> list[str]:
    out: list[str] = []
    ids = Counter(n.attributes.get("id") for n in tree.css("[id]"))
    out += [f'id "{i}" used {n} times' for i, n in sorted(ids.items(), key=lambda x: str(x[0])) if n > 1]
    known = {str(i) for i in ids}
    labelled = {(n.attributes.get("for") or "") for n in tree.css("label[for]") if _shows_words(n)}
    for node in tree.css("input, select, textarea"):
        if node.tag == "input" and (node.attributes.get("type") or "text").lower() in NOT_FIELDS:
            continue
        if (node.attributes.get("id") or "\0") in labelled or _inside_label(node) or _labelled_by_text(node, known):
            continue
        # An aria-label or a placeholder names a field for a screen reader only, and the placeholder goes
        # once something is typed (WCAG 2.5.3, 3.3.2): every field needs words a sighted person sees too.
        out.append(f"{_describe(node)} has no visible label (label for, a wrapping label or aria-labelledby; "
                   "an aria-label or a placeholder is not seen)")
    out += [f"{_describe(n)} has no alt" for n in tree.css("img") if "alt" not in n.attributes]
    for node in tree.css("button, a[href]"):
        if not _has_text(node) and not _named_by_aria(node, known):
            out.append(f"{_describe(node)} has no text or accessible name")
    for table in tree.css("table"):
        if table.css_first("td") is not None and table.css_first("th") is None:
            out.append(f"{_describe(table)} holds data but has no <th>")
    return out
