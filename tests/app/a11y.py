"""Static accessibility checks of one HTML page (WCAG 2.1 AA, the part a parser can see), for the link walker.

Each check names the element it failed on, so a failure reads like the walker's: page, then element.
What a parser cannot see (contrast, focus order, what a screen reader announces) is left to the browser pass.
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


def problems(html: str, language: str = "en", whole: bool = True) -> list[str]:
    """What keeps a keyboard or screen-reader user from this page; `language` is the page's primary language
    subtag (en, es, zh), which `<html lang>` must start with. A fragment (`whole=False`, what htmx swaps into a
    page) is checked for its elements only: the page around it has the language, title and heading."""
    tree = LexborHTMLParser(html)
    out: list[str] = []
    if whole:
        out += _page_problems(tree, language)
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
