"""The link walker's accessibility checks (tests/app/a11y.py) on small pages: each rule passes a page that
keeps it and names the element of a page that breaks it. The walk runs them on every page it reaches."""

from __future__ import annotations

import pytest

from tests.app import a11y

GOOD = """<!doctype html><html lang="{lang}"><head><title>Queue · adtrace</title></head><body>
<nav><a href="/">Dashboard</a> <a href="/account" aria-label="Your account"><img src="/u.png" alt=""></a></nav>
<main><h1>Queue</h1>
<form><label for="q">Search</label><input id="q" name="q"> <label>Level <select name="level"></select></label>
<label for="n">Note</label><input id="n" name="note" aria-label="a note on the ad"> <span id="t">Title</span><textarea name="text" aria-labelledby="t"></textarea>
<input type="hidden" name="csrf" value="x"><input type="submit" value="Go"><button>Save</button>
<button class="close" title="close">✕</button></form>
<table><tr><th>id</th></tr><tr><td>1</td></tr></table><table class="layout"><tr><th></th></tr></table>
<img src="/p.png" alt="photo 1 of the ad"></main></body></html>"""


def test_a_page_that_keeps_every_rule_passes() -> None:
    assert a11y.problems(GOOD.format(lang="en")) == []
    assert a11y.problems(GOOD.format(lang="zh-Hans"), "zh") == []


@pytest.mark.parametrize("old,new,expected", [
    ('lang="en"', "", "<html> has no lang"),
    ("<title>Queue · adtrace</title>", "<title> </title>", "no <title>"),
    ('<label for="q">Search</label>', "Search", '<input id="q" name="q"> has no visible label'),
    ("<label>Level <select", "Level <select", '<select name="level"> has no visible label'),
    ('<label for="n">Note</label>', "", '<input id="n" name="note"> has no visible label'),
    ('<label for="n">Note</label><input id="n" name="note" aria-label="a note on the ad">',
     '<input name="note" placeholder="note">', '<input name="note"> has no visible label'),
    ('<label for="n">Note</label>', '<label for="n"> </label>', '<input id="n" name="note"> has no visible label'),
    ("<label>Level <select", "<label><select", '<select name="level"> has no visible label'),
    ('aria-labelledby="t"', 'aria-labelledby="gone"', "<textarea name=\"text\"> has no visible label"),
    ('alt="photo 1 of the ad"', "", '<img src="/p.png"> has no alt'),
    ("<button>Save</button>", "<button> </button>", "<button> has no text or accessible name"),
    ('title="close">✕', ">", '<button class="close"> has no text'),
    ('aria-label="Your account"><img src="/u.png" alt="">', '><img src="/u.png" alt="">',
     '<a href="/account"> has no text or accessible name'),
    ("<main>", '<main><p id="t">the title</p>', 'id "t" used 2 times'),
    ("</main>", "<h1>Again</h1></main>", "2 <h1>: 'Queue', 'Again'"),
    ("<tr><th>id</th></tr>", "", '<table> holds data but has no <th>'),
])
def test_each_rule_names_the_element_that_breaks_it(old: str, new: str, expected: str) -> None:
    page = GOOD.format(lang="en")
    assert old in page
    found = a11y.problems(page.replace(old, new, 1))
    assert len(found) == 1 and found[0].startswith(expected), found


def test_the_page_language_must_be_the_readers() -> None:
    assert a11y.problems(GOOD.format(lang="en"), "es") == ["<html lang=\"en\"> on a page in 'es'"]


def test_a_fragment_is_checked_for_its_elements_only() -> None:
    """What htmx swaps in has no <html>, <title> or heading of its own; its fields still need labels."""
    assert a11y.problems('<div><label>q <input name="q"></label></div>', whole=False) == []
    assert a11y.problems('<div><input name="q" aria-label="q"></div>', whole=False) == [
        '<input name="q"> has no visible label (label for, a wrapping label or aria-labelledby; '
        'an aria-label or a placeholder is not seen)']


LIVE = """<!doctype html><html lang="en"><head><title>Import · adtrace</title></head><body><main><h1>Import</h1>
<button hx-get="/audit/verify" hx-target="#verify">Check</button> <span id="verify" role="status"></span>
<p id="job-live" role="status"></p>
<section id="job" hx-get="/import/1/progress" hx-trigger="every 1s" hx-swap="outerHTML"><h2 data-live="job-live">Reading</h2></section>
<form hx-post="/cases/add" hx-target="find .added"><button>Add</button> <span class="added" aria-live="polite"></span></form>
<div><button hx-post="/cases/add" hx-target="next .added">Add hit</button> <span class="added" aria-live="polite"></span></div>
<section id="alike" hx-get="/alike" hx-trigger="load"></section>
</main></body></html>"""


def test_every_swap_lands_in_a_live_region() -> None:
    assert a11y.problems(LIVE) == []
    inner = 'hx-swap="innerHTML" role="status"><h2>'  # a region that stays (its content is swapped) may be the target
    assert a11y.problems(LIVE.replace('hx-swap="outerHTML"><h2 data-live="job-live">', inner)) == []


@pytest.mark.parametrize("old,new,expected", [
    ('<span id="verify" role="status">', '<span id="verify">', '<button hx-get="/audit/verify"> swaps content into <span id="verify">'),
    ('<p id="job-live" role="status">', '<p id="job-live">', '<section id="job" hx-get="/import/1/progress"> swaps content'),
    (' data-live="job-live"', "", '<section id="job" hx-get="/import/1/progress"> swaps content'),
    # an outerHTML swap replaces its target: a live region on it would go with it
    ('hx-swap="outerHTML"><h2 data-live="job-live">', 'hx-swap="outerHTML" role="status"><h2>',
     '<section id="job" hx-get="/import/1/progress"> swaps'),
    ('<span class="added" aria-live="polite"></span></form>', '<span class="added"></span></form>',
     '<form hx-post="/cases/add"> swaps content into <span class="added">'),
    ('<span class="added" aria-live="polite"></span></div>', '<span class="added"></span></div>',
     '<button hx-post="/cases/add"> swaps content into <span class="added">'),
    ('hx-target="#verify"', 'hx-target="#gone"', "<button hx-get=\"/audit/verify\"> swaps into '#gone', which is not"),
    ('hx-trigger="load"', 'hx-trigger="click"', '<section id="alike" hx-get="/alike"> swaps content'),
])
def test_a_swap_no_screen_reader_hears_is_named(old: str, new: str, expected: str) -> None:
    assert old in LIVE
    found = a11y.problems(LIVE.replace(old, new, 1))
    assert len(found) == 1 and found[0].startswith(expected), found
