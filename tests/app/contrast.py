"""Colour contrast of the app's style sheets (WCAG 2.1 AA: 1.4.3 text, 1.4.11 fields and state marks), read
from the CSS alone.

Each selector describes an element and its ancestors (`header.top nav a`: an `a` inside a `nav` inside
`header.top`, inside body and html). The cascade is replayed over that chain: a rule applies when its last
compound is a subset of the element's (`.score` applies to `.score.lvl-high`) and its other compounds are met
in order among the ancestors; the winner is the most specific, then the last. Colour, font size and weight
inherit; background and opacity do not. So `header.top a` is read on the header's background and
`.score.lvl-high` on its own. Text whose chain has no background of its own (`.muted`, `.error`, `a`) may sit
anywhere: it is checked on every *surface* (a top-level block that paints a background and lets its text
inherit: the page, cards, the hotline box...; not an inline element: a mark or a key cap holds only its own
words) and inside every container that fades its content (opacity, e.g. a decided queue row: the text faded
onto its background). A disabled control is exempt (1.4.3: inactive components). A `prefers-color-scheme: dark` block, if the sheets get one, is its own scheme.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import tinycss2
import tinycss2.color3
from coloraide import Color

NORMAL, LARGE, UI = 4.5, 3.0, 3.0  # WCAG 2.1 AA minimum ratios: text, large text, UI components and states
ROOT_PX, BODY_PX = 16.0, 16.0  # rem; the browser's default size when no rule sets one
TEXT_PROPS = ("color", "fill")
BORDER_PROPS = ("border", "border-color", "border-top", "border-right", "border-bottom", "border-left",
                "border-bottom-color", "outline", "outline-color")
INHERITED = ("color", "fill", "font-size", "font-weight")
FIELDS = ("input", "select", "textarea")
TEXT_TYPES = ("[type=text]", "[type=search]", "[type=password]", "[type=email]", "[type=number]", "[type=date]",
              "[type=url]", "[type=tel]")
# Classes and states that mark a component's state (selected, current, invalid, focused): their mark must show.
STATES = (".on", ".sel", ":focus", ":focus-visible", "[aria-invalid=true]", "[aria-current]")
# Inline elements (a highlight, a key cap, a field) hold their own words, never other rules' boxes: no surface.
INLINE = frozenset({"a", "abbr", "b", "button", "code", "em", "i", "input", "kbd", "label", "mark", "q", "select",
                    "small", "span", "strong", "sub", "sup", "textarea", "time"})
ROOT_CHAIN = (frozenset({"html", ":root"}), frozenset({"body"}))
SIMPLE = re.compile(r"[.#]?[\w-]+|\[[^\]]*\]|::?[\w-]+(?:\([^)]*\))?|\*")


@dataclass(frozen=True)
class Rule:
    selector: str
    chain: tuple[frozenset[str], ...]
    specificity: tuple[int, int, int]
    order: int
    decls: dict[str, str] = field(hash=False, compare=False)


@dataclass(frozen=True)
class Pair:
    """A foreground on a background, where it was found, and the ratio it needs."""

    what: str
    on: str
    fg: str
    bg: str
    ratio: float
    needed: float

    def __str__(self) -> str:
        return f"{self.what} ({self.fg}) on {self.on} ({self.bg}): {self.ratio:.2f} < {self.needed}"


def _compound(text: str) -> frozenset[str]:
    parts = SIMPLE.findall(text)
    return frozenset(p.replace('"', "").replace("'", "") for p in parts if p != "*")


def _parse_selector(sel: str) -> tuple[tuple[frozenset[str], ...], tuple[int, int, int]]:
    # Sibling combinators are read as descendants: the contexts they name are the same surfaces here.
    compounds = [c for c in re.split(r"\s*[>+~]\s*|\s+", sel.strip()) if c]
    chain = tuple(_compound(c) for c in compounds)
    simple = [s for c in chain for s in c]
    spec = (sum(s.startswith("#") for s in simple), sum(s[0] in ".[:" and not s.startswith("::") for s in simple),
            sum(s[0].isalpha() or s.startswith("::") for s in simple))
    if chain and chain[0] == frozenset({":root"}):
        chain = (ROOT_CHAIN[0], *chain[1:])
    return chain, spec


def _declarations(content: list) -> dict[str, str]:  # type: ignore[type-arg]
    out = {}
    for d in tinycss2.parse_blocks_contents(content, skip_comments=True, skip_whitespace=True):
        if d.type == "declaration":
            out[d.lower_name] = tinycss2.serialize(d.value).strip()
    return out


def _walk(nodes: list, dark: bool, out: list[tuple[str, dict[str, str]]]) -> None:  # type: ignore[type-arg]
    for node in nodes:
        if node.type == "qualified-rule":
            out.append((tinycss2.serialize(node.prelude).strip(), _declarations(node.content)))
        elif node.type == "at-rule" and node.lower_at_keyword == "media" and node.content is not None:
            media = tinycss2.serialize(node.prelude).lower()
            if "prefers-color-scheme" in media and ("dark" in media) != dark:
                continue  # the other scheme's block
            # Width and other media blocks all apply: each is a layout some reader gets.
            _walk(tinycss2.parse_rule_list(node.content, skip_comments=True, skip_whitespace=True), dark, out)


def has_dark_scheme(css: str) -> bool:
    return bool(re.search(r"prefers-color-scheme\s*:\s*dark", css))


def _raw(css: str, dark: bool) -> list[tuple[str, dict[str, str]]]:
    raw: list[tuple[str, dict[str, str]]] = []
    _walk(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True), dark, raw)
    return raw


def _custom(raw: list[tuple[str, dict[str, str]]]) -> dict[str, str]:
    custom: dict[str, str] = {}
    for sel, decls in raw:
        if sel.strip() in (":root", "html"):
            custom.update({k: v for k, v in decls.items() if k.startswith("--")})
    return custom


def rules(css: str, dark: bool = False) -> list[Rule]:
    """The sheet's rules for one colour scheme, custom properties (`var(--x)`) resolved."""
    raw = _raw(css, dark)
    custom = _custom(raw)

    def resolve(value: str) -> str:
        for _ in range(10):  # a var may name another var
            value = re.sub(r"var\(\s*(--[\w-]+)\s*(?:,\s*([^)]*))?\)",
                           lambda m: custom.get(m.group(1), m.group(2) or "unset"), value)
        return value

    out: list[Rule] = []
    for order, (sel, decls) in enumerate(raw):
        if sel.startswith("@"):
            continue
        values = {k: resolve(v) for k, v in decls.items() if not k.startswith("--")}
        for one in sel.split(","):
            chain, spec = _parse_selector(one)
            out.append(Rule(one.strip(), chain, spec, order, values))
    return out


def _applies(rule: Rule, element: tuple[frozenset[str], ...]) -> bool:
    if not rule.chain or not rule.chain[-1] <= element[-1]:
        return False
    k = len(element) - 2
    for compound in reversed(rule.chain[:-1]):  # the rule's ancestors, met in order among the element's
        while k >= 0 and not compound <= element[k]:
            k -= 1
        if k < 0:
            return False
        k -= 1
    return True


class Sheet:
    """One colour scheme of the app's style sheets, asked about elements described as selectors."""

    def __init__(self, css: str, dark: bool = False) -> None:
        self.rules = rules(css, dark)

    def own(self, element: tuple[frozenset[str], ...], prop: str) -> str | None:
        """The value the cascade gives `prop` on the element itself (no inheritance)."""
        best = None
        for r in self.rules:
            if prop in r.decls and _applies(r, element) and (best is None or (r.specificity, r.order) >= (
                    best.specificity, best.order)):
                best = r
        return best.decls[prop] if best else None

    def inherited(self, element: tuple[frozenset[str], ...], prop: str) -> str | None:
        for n in range(len(element), 0, -1):
            value = self.own(element[:n], prop)
            if value is not None and value not in ("inherit", "unset"):
                return value
        return None

    def font_px(self, element: tuple[frozenset[str], ...]) -> float:
        size = BODY_PX
        for n in range(1, len(element) + 1):
            value = self.own(element[:n], "font-size") or self.own(element[:n], "font")
            m = re.match(r"([\d.]+)(px|rem|em|%)", value or "")
            if m:
                x, unit = float(m.group(1)), m.group(2)
                size = {"px": x, "rem": x * ROOT_PX, "em": x * size, "%": x * size / 100}[unit]
        return size

    def bold(self, element: tuple[frozenset[str], ...]) -> bool:
        weight = self.inherited(element, "font-weight") or "400"
        return weight == "bold" or (weight.isdigit() and int(weight) >= 700)

    def background(self, element: tuple[frozenset[str], ...]) -> tuple[Color | None, int]:
        """The first opaque background from the element outwards, and how many compounds out it was found
        (`len(element) - 1` for the element itself; -1 if none)."""
        for n in range(len(element), 0, -1):
            for prop in ("background-color", "background"):
                c = colour_in(self.own(element[:n], prop))
                if c is not None and c.alpha() > 0:
                    return c, n - 1
        return None, -1

    def holds_no_text(self, element: tuple[frozenset[str], ...]) -> bool:
        """A box sized in pixels smaller than a line of text: a colour swatch or a hidden trap, not a text box."""
        sizes = [self.own(element, p) or "" for p in ("width", "height")]
        return all(re.fullmatch(r"[\d.]+px", v) and float(v[:-2]) < 20 for v in sizes)

    def opacity(self, element: tuple[frozenset[str], ...]) -> float:
        alpha = 1.0
        for n in range(1, len(element) + 1):
            value = self.own(element[:n], "opacity")
            if value and re.fullmatch(r"[\d.]+", value):
                alpha *= float(value)
        return alpha


def colour_in(value: str | None) -> Color | None:
    """The colour a declaration value paints (a `background` or `border` shorthand: its colour part)."""
    if not value:
        return None
    if value.strip() in ("none", "transparent"):
        return Color("transparent")
    for token in tinycss2.parse_component_value_list(value):
        if token.type in ("whitespace", "comment"):
            continue
        rgba = tinycss2.color3.parse_color(token)
        if rgba is not None and rgba != "currentColor":
            return Color("srgb", [rgba.red, rgba.green, rgba.blue], rgba.alpha)
    return None


def _hex(c: Color) -> str:
    return c.convert("srgb").to_string(hex=True)


def _on(fg: Color, bg: Color, alpha: float = 1.0) -> Color:
    """A colour as seen over an opaque background, faded by `alpha` (source-over compositing, as browsers do)."""
    faded = fg.clone().set("alpha", fg.alpha() * alpha)
    return Color.layer([faded, bg], space="srgb")


def _chain(selector: str) -> tuple[frozenset[str], ...]:
    return ROOT_CHAIN + _parse_selector(selector)[0]


def pairs(css: str, dark: bool = False) -> list[Pair]:
    """Every foreground/background pair the sheets define, with its ratio and the minimum it needs."""
    sheet = Sheet(css, dark)
    elements = {r.selector: _chain(r.selector) for r in sheet.rules if r.chain and r.chain[0] != ROOT_CHAIN[0]}
    page_bg, _ = sheet.background(ROOT_CHAIN)
    page_bg = page_bg or Color("white")
    # Surfaces: top-level boxes that paint a background and let their text inherit; and fading containers.
    surfaces: dict[str, tuple[Color, float]] = {"the page": (page_bg, 1.0)}
    for sel, el in elements.items():
        if any(":disabled" in c for c in el) or sheet.holds_no_text(el):
            continue
        bg, depth = sheet.background(el)
        if bg is not None and depth == len(el) - 1 and sheet.background(el[:-1])[1] <= 1 \
                and sheet.own(el, "color") is None and not el[-1] & INLINE:
            surfaces[sel] = (_on(bg, page_bg), 1.0)
        alpha = sheet.opacity(el)
        if alpha < 1:
            surfaces[sel] = (_on(bg, page_bg) if bg is not None else page_bg, alpha)

    out: list[Pair] = []

    def check(what: str, on: str, fg: Color, bg: Color, alpha: float, needed: float) -> None:
        seen = _on(fg, bg, alpha)
        out.append(Pair(what, on, _hex(seen), _hex(bg), seen.contrast(bg, method="wcag21"), needed))

    for sel, el in elements.items():
        if any(":disabled" in c for c in el) or sheet.holds_no_text(el):
            continue  # an inactive control (WCAG 1.4.3 exception); a swatch
        svg_text = "text" in el[-1]
        fg = colour_in(sheet.inherited(el, "fill" if svg_text else "color")) or Color("black")
        size, bold = sheet.font_px(el), sheet.bold(el)
        needed = LARGE if size >= 24 or (bold and size >= 18.66) else NORMAL
        bg, depth = sheet.background(el)
        # A field's border from the cascade; a state's mark only from the rules that name the state.
        marks = [colour_in(sheet.own(el, p)) for p in BORDER_PROPS] if not any(s in el[-1] for s in STATES) else [
            colour_in(r.decls.get(p)) for r in sheet.rules if r.selector == sel for p in BORDER_PROPS]
        # A text field's border is all that shows where it is; native widgets (boxes, sliders) draw their own.
        is_field = bool(el[-1] & set(FIELDS)) and not any(s.startswith("[type=") and s not in TEXT_TYPES
                                                          for s in el[-1])
        is_state = any(s in el[-1] for s in STATES)
        places = ([(sel if depth == len(el) - 1 else "its container", bg, sheet.opacity(el))] if depth > 1 and bg
                  else [(name, b, a * sheet.opacity(el)) for name, (b, a) in surfaces.items()])
        for on, b, a in places:
            b = _on(b, page_bg)
            check(sel, on, fg, b, a, needed)
            if is_field or is_state:
                for m in marks:
                    if m is not None and m.alpha() > 0:
                        check(sel + " (its border or outline)", on, m, b, a, UI)
    return out


# Scenes drawn by script (graph.js, investigate.js) from `:root` custom properties: each scene's marks (the
# properties with its prefix) and the colours they sit beside. A graph mark is also a legend swatch: on the
# page and on cards.
SCENES = {"--graph-": ("--graph-bg", "--bg", "--card"), "--map-": ("--map-land", "--map-sea")}


def graphic_pairs(css: str, dark: bool = False) -> list[Pair]:
    """Every scripted mark on every colour beside it (WCAG 2.1 1.4.11: 3:1), faded by its `-opacity` partner."""
    custom = _custom(_raw(css, dark))
    page_bg = colour_in(custom.get("--bg")) or Color("white")
    out: list[Pair] = []
    for prefix, grounds in SCENES.items():
        for name, value in custom.items():
            mark = colour_in(value)
            if not name.startswith(prefix) or name in grounds or mark is None:
                continue
            alpha = float(custom.get(name + "-opacity", "1"))
            for ground in grounds:
                bg = colour_in(custom.get(ground))
                if bg is None:
                    continue
                bg = _on(bg, page_bg)
                seen = _on(mark, bg, alpha)
                out.append(Pair(name, ground, _hex(seen), _hex(bg), seen.contrast(bg, method="wcag21"), UI))
    return out


def failures(css: str) -> list[Pair]:
    """The pairs below their minimum, text and scripted marks, in every colour scheme the sheets have."""
    schemes = [False, True] if has_dark_scheme(css) else [False]
    return [p for dark in schemes for p in pairs(css, dark) + graphic_pairs(css, dark) if p.ratio < p.needed - 1e-9]


def app_css(static: Path) -> str:
    """The project's own style sheets (the vendored ones are not ours to recolour)."""
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(static.glob("*.css")))
