"""Colour contrast of the app's own style sheets (WCAG 2.1 AA 1.4.3 and 1.4.11), read from the CSS by
tests/app/contrast.py: every text colour on every background it may sit on, every text field's border and
every state mark (selected, current, invalid) on its background, and every mark the graph and the map draw
(`--graph-*`, `--map-*`) beside the colours around it, in each colour scheme the sheets have."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest

from tests.app import contrast

STATIC = Path(__file__).resolve().parents[2] / "src" / "adtrace" / "app" / "static"


def _report(found: list[contrast.Pair]) -> str:
    by_colours: dict[tuple[str, str, float, float], list[str]] = defaultdict(list)
    for p in found:
        by_colours[(p.fg, p.bg, round(p.ratio, 2), p.needed)].append(f"{p.what} on {p.on}")
    return "\n".join(f"{fg} on {bg}: {r} < {n} ({len(w)}x, e.g. {'; '.join(w[:3])})"
                     for (fg, bg, r, n), w in sorted(by_colours.items()))


def test_the_app_style_sheets_meet_wcag_aa() -> None:
    css = contrast.app_css(STATIC)
    found = contrast.pairs(css)
    what = {p.what for p in found}
    # The reading covers the app: text on the page and on cards, the header, badges, buttons, fields.
    assert {"a", ".muted", ".error", "header.top a", ".score.lvl-high", "button.primary",
            "input (its border or outline)"} <= what, sorted(what)
    assert len(found) > 1000, len(found)
    # And the graph's and the map's marks (nodes, links, swatches; places, routes, outlines), drawn by script.
    marks = {p.what for p in contrast.graphic_pairs(css)}
    assert {"--graph-high", "--graph-hub", "--graph-edge", "--graph-hub-edge", "--map-line", "--map-place",
            "--map-outline"} <= marks, marks
    bad = contrast.failures(css)
    assert not bad, f"{len(bad)} pairs below WCAG 2.1 AA:\n" + _report(bad)


PAGE = """:root { --ink: #1d2430; --muted: #5d6878; --bg: #f5f6f8; }
body { color: var(--ink); background: var(--bg); }
.card { background: #fff; }
header.top { background: #17324a; color: #fff; } header.top a { color: #dbe7f3; }
.muted { color: var(--muted); }
input { border: 1px solid #83878d; }
"""


def test_a_sheet_that_keeps_every_minimum_passes() -> None:
    assert contrast.failures(PAGE) == []
    assert {(p.what, p.on) for p in contrast.pairs(PAGE)} >= {
        (".muted", "the page"), (".muted", ".card"), ("header.top a", "its container"),
        ("input (its border or outline)", ".card")}


@pytest.mark.parametrize("added,expected", [
    (".muted { color: #999; }", ".muted (#999999) on the page (#f5f6f8): 2.63 < 4.5"),  # the later rule wins
    (".hint { color: #8a8a8a; }", ".hint (#8a8a8a) on .card (#ffffff): 3.45 < 4.5"),  # any surface it may sit on
    ("header.top .who { color: #5d6878; }", "header.top .who (#5d6878) on its container (#17324a): 2.34 < 4.5"),
    (".badge { color: #fff; background: #999; }", ".badge (#ffffff) on .badge (#999999): 2.85 < 4.5"),
    (".done { opacity: .45; background: #fff; }", ".muted (#b6bbc2) on .done (#ffffff): 1.93 < 4.5"),
    ("input { border-color: #dfe3ea; }", "input (its border or outline) (#dfe3ea) on .card (#ffffff): 1.29 < 3.0"),
    ("li.sel { outline: 3px solid #dfe3ea; }", "li.sel (its border or outline) (#dfe3ea) on .card"),
    ("@media (prefers-color-scheme: dark) { :root { --bg: #222; } }", "body (#1d2430) on body (#222222)"),
])
def test_each_pair_below_its_minimum_is_named(added: str, expected: str) -> None:
    found = [str(p) for p in contrast.failures(PAGE + added)]
    assert any(f.startswith(expected) for f in found), found


def test_large_text_needs_3_and_a_disabled_control_nothing() -> None:
    """WCAG's large text (24 px, or 18.66 px bold) needs 3:1; an inactive control is exempt (1.4.3)."""
    grey = ".big { color: #8a8a8a; font-size: 1.6rem; } .bold { color: #8a8a8a; font-size: 19px; font-weight: 700; }"
    assert contrast.failures(PAGE + grey) == []
    assert [p.what for p in contrast.failures(PAGE + ".big { color: #aaa; font-size: 1.6rem; }")]
    assert contrast.failures(PAGE + "button:disabled { color: #ccc; }") == []
    assert contrast.failures(PAGE + "button { color: #ccc; }")


def test_a_dark_scheme_is_read_with_its_own_colours() -> None:
    dark = PAGE + "@media (prefers-color-scheme: dark) { :root { --ink: #eee; --bg: #222; } .card { background: #333; } }"
    assert contrast.has_dark_scheme(dark) and not contrast.has_dark_scheme(PAGE)
    assert {(p.what, p.bg) for p in contrast.pairs(dark, dark=True)} >= {("body", "#222222"), (".muted", "#333333")}
    assert [str(p) for p in contrast.failures(dark)] and all("#333333" in str(p) or "#222222" in str(p)
                                                           for p in contrast.failures(dark))


SCENE = """:root { --bg: #f5f6f8; --card: #fff; --graph-bg: #fff; --graph-phone: #1f5fa8; --graph-edge: #5a5a5a;
  --graph-edge-opacity: .7; --map-land: #fafafa; --map-sea: #eef3f7; --map-line: #b3261e; --map-line-opacity: .8; }"""


def test_graph_and_map_marks_stand_3_to_1_beside_their_colours() -> None:
    """WCAG 2.1 1.4.11: a graph node, a link, a legend swatch, a map line at its opacity, 3:1 beside them."""
    assert contrast.failures(SCENE) == []
    assert {(p.what, p.on) for p in contrast.graphic_pairs(SCENE)} == {
        (m, g) for m in ("--graph-phone", "--graph-edge") for g in ("--graph-bg", "--bg", "--card")} | {
        ("--map-line", "--map-land"), ("--map-line", "--map-sea")}
    faint = [str(p) for p in contrast.failures(SCENE + ":root { --graph-hub: #bbb; --map-line-opacity: .5; }")]
    assert any(f.startswith("--graph-hub (#bbbbbb) on --graph-bg (#ffffff): 1.92 < 3.0") for f in faint), faint
    assert any(f.startswith("--map-line (#d18c8b) on --map-sea (#eef3f7): 2.40 < 3.0") for f in faint), faint  # faded to half


def test_the_pdf_route_map_draws_the_sheets_map_colours() -> None:
    """A case PDF's route map (adtrace.places.mapsvg, no browser, no style sheet) draws land, sea, outlines and the
    route in the colours the sheet gives the browser's maps, so the 3:1 checked above holds on paper too."""
    from adtrace.places.mapsvg import route_svg

    custom = contrast._custom(contrast._raw(contrast.app_css(STATIC), dark=False))
    svg = route_svg([{"city": "A", "lat": 25.77, "lon": -80.19}, {"city": "B", "lat": 27.95, "lon": -82.46}])
    drawn = {"sea": re.search(r'<rect [^>]*fill="([^"]+)"', svg),
             "land": re.search(r'<g fill="([^"]+)" stroke=', svg),
             "outline": re.search(r'<g fill="[^"]+" stroke="([^"]+)"', svg),
             "line": re.search(r'<polyline [^>]*stroke="([^"]+)"', svg),
             "line-opacity": re.search(r'<polyline [^>]*stroke-opacity="([^"]+)"', svg)}
    seen = {k: m.group(1) if m else None for k, m in drawn.items()}
    wanted = {k: custom[f"--map-{k}"] for k in drawn}
    assert {k: float(v) for k, v in seen.items() if "opacity" in k and v} == {
        k: float(v) for k, v in wanted.items() if "opacity" in k}
    assert {k: v for k, v in seen.items() if "opacity" not in k} == {k: v for k, v in wanted.items()
                                                                     if "opacity" not in k}
