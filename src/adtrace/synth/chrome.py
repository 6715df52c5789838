"""Site chrome and noise around an ad: date lines, post ids, site fields, stats, rate tables, URLs.

Each function returns a `spans.Part`, with entities (ages, places, prices, URLs) and traps (dates,
ids, body measurements, heights, weights, "24/7", "18+") marked so tests can check both sides.
All formats are generic notations, written for this project.
"""

from __future__ import annotations

import random
from datetime import date

from adtrace.synth.spans import Part, ent, trap
from adtrace.synth.vocab import City

_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
CURRENCY = {"US": ("USD", "$"), "CA": ("CAD", "$"), "MX": ("MXN", "$"), "GB": ("GBP", "£"), "AU": ("AUD", "$")}


def posted(edition: float, day: date, hour: int, minute: int) -> Part:
    """The date line in the format of the site's regional edition (`edition` in [0, 1) picks it)."""
    r = edition
    h12 = f"{(hour % 12) or 12}:{minute:02d} {'AM' if hour < 12 else 'PM'}"
    if r < 0.4:
        s = f"{_DAYS[day.weekday()]}, {_MONTHS[day.month - 1]} {day.day}, {day.year} {h12}"
        label = "Posted: "
    elif r < 0.7:
        s = f"{day.isoformat()} {hour:02d}:{minute:02d}"
        label = "Posted: "
    elif r < 0.9:
        s = f"{day.month:02d}/{day.day:02d}/{day.year}"
        label = "Posted on "
    else:
        s = f"{_MONTHS[day.month - 1][:3]} {day.day}"
        label = "posted "
    return [(label, None), trap("date", s, day.isoformat())]


def post_id(rng: random.Random, city: City, n: int, lookalike: str, edition: float) -> Part:
    """'Post ID: ...' as the edition labels it; one in five ids has ten digits starting like a local
    number (must not be read as a phone)."""
    ident = lookalike if rng.random() < 0.2 else str(10_000_000 + (n * 7919) % 89_999_999)
    label = ("Post ID: ", "Ad #", "post id ", "Ad ID: ", "Reference: ")[int(edition * 10) % 5]
    tail = f" {city.slug.replace('-', '')}" if edition < 0.5 else ""
    return [(label, None), trap("post_id", ident, ident), (tail, None)]


def age_field(rng: random.Random, age: int) -> Part:
    label = ("Poster's age: ", "Age: ", "age: ", "Poster's Age: ")[int(rng.random() * 4)]
    return [(label, None), ent("age", str(age), age)]


def location_field(which: int, city: City) -> Part:
    """'Location: City, area' with the poster's usual area (`which`)."""
    extras = ("", ", Downtown", ", Airport", ", Eastside", ", North", ", Midtown", ", In/Out")
    extra = extras[which % len(extras)]
    return [("Location: ", None), ent("place", city.name, city.name, country=city.country), (extra, None)]


def stats(rng: random.Random, which: tuple[bool, bool, bool]) -> Part:
    """Height, weight and/or body measurements: numbers that are neither ages nor prices."""
    part: Part = []
    height, weight, meas = which
    if height:
        ft, inch = (5 if rng.random() < 0.85 else 4 + 2 * int(rng.random() * 2)), int(rng.random() * 12)
        form = (f"{ft}'{inch}", f"{ft}'{inch}\"", f"{ft}ft {inch}in", f"{ft} ft {inch}", f"{ft}’{inch}")
        part += [(("Height: ", "", "I'm ", "")[int(rng.random() * 4)], None),
                 trap("height", form[int(rng.random() * len(form))], ft * 12 + inch), (" ", None)]
    if weight:
        lbs = 100 + int(rng.random() * 70)
        form2 = (f"{lbs}lbs", f"{lbs} lbs", f"{lbs} pounds", f"{lbs}lb")
        part += [trap("weight", form2[int(rng.random() * len(form2))], lbs), (" ", None)]
    if meas:
        a, b, c = 32 + int(rng.random() * 8), 23 + int(rng.random() * 8), 34 + int(rng.random() * 8)
        cup = ("", "B", "C", "D", "DD")[int(rng.random() * 5)]
        sep = ("-", "/", "-", " ")[int(rng.random() * 4)]
        part += [(("Stats ", "", "Measurements: ", "")[int(rng.random() * 4)], None),
                 trap("measurements", f"{a}{cup}{sep}{b}{sep}{c}", [a, b, c]), (" ", None)]
    if part:
        part[-1] = ("", None)
    return part


# Rate notations: (unit label, minutes). A table lists two or three of them in the actor's notation.
_UNITS = (("qv", 15), ("15 min", 15), ("hh", 30), ("half hour", 30), ("30 min", 30), ("h", 60), ("hr", 60),
          ("hour", 60), ("1 hr", 60), ("60 min", 60), ("2 hrs", 120), ("overnight", 600))
_BASE = {15: 80, 30: 140, 60: 220, 120: 400, 600: 1000}


def rate_table(rng: random.Random, notation: int, country: str) -> Part:
    """2-3 prices in one of eight notations; each amount is a price entity (value, currency, minutes)."""
    code, sym = CURRENCY.get(country, ("USD", "$"))
    mult = 17 if code == "MXN" else 1
    picks = sorted({_UNITS[i] for i in (int(rng.random() * 5), 5 + int(rng.random() * 5),
                                        10 + int(rng.random() * 2))[: 2 + int(rng.random() * 2)]},
                   key=lambda u: u[1])
    part: Part = []
    style = notation % 8
    for k, (unit, minutes) in enumerate(picks):
        amount = (_BASE[minutes] + 20 * int(rng.random() * 6) - 40) * mult
        money = ent("price", str(amount), amount, currency=code, minutes=minutes)
        if k:
            part.append(((" / ", " | ", ", ", " 💋 ", " ", " - ", "; ", " * ")[style], None))
        if style == 0:
            part += [(f"{unit.upper()} ", None), money]
        elif style == 1:
            part += [(sym, None), money, (f" {unit}", None)]
        elif style == 2:
            part += [(f"{unit} ", None), money, (" roses", None)]
        elif style == 3:
            part += [(f"{unit}: ", None), money]
        elif style == 4:
            part += [money, (f"/{unit}", None)]
        elif style == 5:
            part += [(f"{unit} = ", None), money, (" r", None)]
        elif style == 6:
            part += [(f"Donation for {unit}: {sym}", None), money]
        else:
            part += [money, (f" {code.lower()} {unit}", None)]
    lead = ("Rates: ", "", "💰 ", "Specials: ", "Donations ", "")[int(rng.random() * 6)]
    return [(lead, None), *part]


def around_the_clock(rng: random.Random) -> Part:
    form = ("24/7", "24hrs", "24 / 7", "24 hrs")[int(rng.random() * 4)]
    lead = ("Available ", "Open ", "Here ", "")[int(rng.random() * 4)]
    return [(lead, None), trap("time", form, "24/7")]


_DISCLAIM = (
    "Money exchanged is for time and companionship only",
    "By contacting me you agree you are not law enforcement",
    "This ad is not affiliated with any agency",
    "Anything that happens is between consenting adults",
    "I do not discuss rates over text",
    "Disclaimer: time and companionship only, nothing else is implied",
)


def disclaimer(rng: random.Random) -> Part:
    part: Part = [(_DISCLAIM[int(rng.random() * len(_DISCLAIM))], None)]
    if rng.random() < 0.4:  # "18+" is an age rule, not anyone's age
        part += [((" - must be ", " All clients ", " Clients must be ")[int(rng.random() * 3)], None),
                 trap("age_rule", ("18+", "18 +", "18 and over")[int(rng.random() * 3)], 18)]
    return part


def url(rng: random.Random, domain: str, city: City, section: str, slug: str, n: int) -> Part:
    """A link with a slug and a numeric id: the URL is an entity, the id inside it a trap."""
    ident = str(1_000_000 + (n * 104729) % 98_999_999)
    lead = ("More pics: ", "See my page ", "", "Reviews at ", "link: ")[int(rng.random() * 5)]
    base = f"https://{domain}/{city.slug}/{section}/{slug}-"
    tail = ("", ".html", "/")[int(rng.random() * 3)]
    # The whole URL is one entity; its numeric id is a trap inside it (a nested span).
    whole = base + ident + tail
    surface, note = ent("url", whole, whole)
    assert note is not None
    _, id_note = trap("url_id", ident, ident)
    note["_inner"] = [(len(base), len(ident), id_note)]
    return [(lead, None), (surface, note)]
