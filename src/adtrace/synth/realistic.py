"""The realistic profile: ads as long and messy as real ones, in their advertiser's own voice.

Lengths come from `fitted` (backpage-dev.jsonl for ads). The `examplelist` site is written like that
cleaned scrape (one line per post, chrome stripped, notation rates as measured); `cityboard` as a raw
page dump (line breaks, chrome on almost every post, rate tables, some markup and escape residue).
Every entity and trap goes into the truth with its span (see `spans`).
"""

from __future__ import annotations

import random
import re
import zlib
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from adtrace.synth import chrome, fitted, jobs
from adtrace.synth import phrasebank as P
from adtrace.synth import templates as T
from adtrace.synth.phones import _mix
from adtrace.synth.spans import Note, Part, ent, render, size, text
from adtrace.synth.vocab import City
from adtrace.synth.voice import Voice

_SLOT = re.compile(r"\{(\w+)\}")
RAW_SITE = "cityboard"


@dataclass
class Ad:
    """What the generator decided for one document; the composer only writes it down."""

    cat: str
    lang: str
    city: City
    site: str
    domain: str
    section: str
    n: int
    day: date
    hour: int
    minute: int
    slots: Any  # the generator's lazy slot map (name, age, phone text, emoji...)
    phone: str | None = None  # E.164 of the planted phone
    obfuscation: str = "plain"
    voice: Voice | None = None
    third: bool = False
    template: int = 0
    new_in_town: bool = False
    lookalike: str = "0000000000"  # ten digits shaped like a local number, for post-id traps
    contacts: list[Part] = field(default_factory=list)
    written: int = 0  # ordinal day her wording was written (a reposted copy's); 0: the posting day
    rng: random.Random | None = None  # what draws the wording (a copy's own); None: the generator's


def slot_part(ad: Ad, fmt: str) -> Part:
    """A template format string as a part: name, age, city, phone and price slots become entities."""
    part: Part = []
    pieces = _SLOT.split(fmt)
    for k, piece in enumerate(pieces):
        if k % 2 == 0:
            if piece:
                part.append((piece, None))
            continue
        value = ad.slots[piece]
        if piece == "name" and value:
            part.append(ent("name", value, value))
        elif piece == "age" and value.isdigit():
            part.append(ent("age", value, int(value)))
        elif piece == "city":
            part.append(ent("place", value, value, country=ad.city.country))
        elif piece == "phone" and value and ad.phone and ad.obfuscation != "url":
            part.append(ent("phone", value, ad.phone, obfuscation=ad.obfuscation))
        elif piece == "price":
            part += chrome.rate_table(_rng(ad), int(_rng(ad).random() * 8), ad.city.country)
        elif piece == "move" and value:
            part += slot_part(ad, _move(ad))
        elif value:
            part.append((value, None))
    return part


def _rng(ad: Ad) -> random.Random:
    rng: random.Random = ad.rng or ad.slots.gen.rng
    return rng


def _wday(ad: Ad) -> int:
    return ad.written or ad.day.toordinal()


# How an advertiser reuses her copy, fitted to backpage-dev.jsonl by bench/link_fit.py (aggregates only;
# poster = ads sharing a phone, identifiers masked): of a poster's later ads, 34 % repeat an earlier one
# almost word for word (MinHash Jaccard >= 0.9), 55 % overlap one by >= 0.65, 36 % by < 0.3, median
# 0.73. An ad is her standing copy of its template (COPY: as written when the copy began), that copy
# with the sentences she has edited since (EDIT), or written afresh in her drifting voice (the rest).
# With these shares the synthetic ads give 32 %, 51 %, 36 %, median 0.67 (8,000 documents, seed 3;
# before: 14 % >= 0.9, median 0.38). Reposts on the raw-page site keep their own "Posted:" dates.
COPY = 0.8
EDIT = 0.1
COPY_DAYS = 365  # a standing copy is replaced about once a year (chosen)


def reposted(ad: Ad) -> Ad | None:
    """The ad as a repost of her standing copy (its own wording draws and writing day), or None."""
    voice = ad.voice
    assert voice is not None
    u = (_mix(voice.key ^ (ad.n * 0x9E3779B1)) & 0xFFFF) / 65536  # no draw from the stream: it stays as it was
    if u >= COPY + EDIT:
        return None
    day = ad.day.toordinal()
    epoch = (day + voice.key % COPY_DAYS) // COPY_DAYS
    seed = _mix(voice.key ^ (ad.template << 24) ^ (epoch << 40))
    return replace(ad, rng=random.Random(seed), written=epoch * COPY_DAYS - voice.key % COPY_DAYS if u < COPY else 0)


def _move(ad: Ad) -> str:
    moves = T.MOVE[ad.lang]
    if ad.voice is not None:  # her own way of announcing it
        return ad.voice.pick(moves, ad.voice.intro + ad.template, _wday(ad)).replace(
            "{e}", ad.voice.emoji(ad.template, _wday(ad)))
    return moves[int(_rng(ad).random() * len(moves))].replace("{e}", ad.slots["e"])


def _edition(ad: Ad) -> float:
    """The site's regional edition: one chrome format per site and city (in [0, 1))."""
    return (zlib.crc32(f"{ad.site}/{ad.city.slug}".encode()) & 0xFFFF) / 65536


_AD_CATS = frozenset({"escort", "massage", "imb", "network"})


def compose(ad: Ad, title_fmt: str, body_fmt: str) -> tuple[str, str, list[Note], list[str]]:
    """(title, text, notes, job typologies) of any document in the realistic profile."""
    if ad.cat in _AD_CATS and ad.voice is not None:
        fresh = compose_ad(ad)  # drawn from the generator's stream even when reposting: the stream stays
        copy = reposted(ad)
        return (*(fresh if copy is None else compose_ad(copy)), [])
    rng = _rng(ad)
    if ad.cat.startswith("job"):
        phone = slot_part(ad, "{phone}") if ad.slots["phone"] else []
        return jobs.compose_job(rng, deceptive=ad.cat == "job_deceptive", key=int(rng.random() * 500),
                                city=ad.city, role=ad.slots["role"], phone=phone, phone_plain=ad.slots["phone"])
    notes: list[Note] = []
    title = render([slot_part(ad, title_fmt.strip())], "", "title", notes)
    head: list[Part] = []
    if ad.site == RAW_SITE:
        edition = _edition(ad)
        head = [chrome.posted(edition, ad.day, ad.hour, ad.minute),
                chrome.post_id(rng, ad.city, ad.n, ad.lookalike, edition)]
    own = [text(_other(rng, frames)) for frames in (P.OTHERS.get(ad.cat, ()),) if frames
           for _ in range(1 + int(rng.random() * 3))]
    body = render(head + [slot_part(ad, line) for line in body_fmt.split("\n")] + own, "\n", "text", notes)
    return title, body, notes, []


def _other(rng: random.Random, frames: tuple[P.Frame, ...]) -> str:
    """One sentence of a poster who does not repost (drawn from the stream, not from a voice)."""
    frame = frames[int(rng.random() * len(frames))]
    words = [w for w in (slot[int(rng.random() * len(slot))] for slot in frame) if w]
    return " ".join(words) + "."


def url_with_slug(url: str, name: str, city: City, notes: list[Note], url_phone: Any) -> str:
    """The document URL with a name slug before its id; a phone written in the URL becomes an entity."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    if slug:
        url = re.sub(r"/((?:call-[\d-]+-)?)(ad)?(\d+)(\.html)?$",
                     lambda m: f"/{m[1]}{slug}-{city.slug}-{m[2] or ''}{m[3]}{m[4] or ''}", url)
    if url_phone is not None:
        written = "-".join(url_phone.groups)
        start = url.find(written)
        if start >= 0:
            notes.append({"kind": "phone", "value": url_phone.e164, "obfuscation": "url", "field": "url",
                          "span": [start, start + len(written)]})
    return url


def compose_ad(ad: Ad) -> tuple[str, str, list[Note]]:
    """(title, text, notes) of an escort, massage, IMB or network ad."""
    rng = _rng(ad)
    r = rng.random
    raw = ad.site == RAW_SITE
    rates = {**fitted.BACKPAGE_RATES, **fitted.CITYBOARD} if raw else fitted.BACKPAGE_RATES
    voice = ad.voice
    assert voice is not None
    total = fitted.draw(fitted.AD_LENGTH, voice.length(r(), _wday(ad), ad.template))
    if ad.lang == "zh":  # a Chinese character carries about what two or three Latin ones do (chosen)
        total = int(total * 0.45)
    notes: list[Note] = []
    title_q = voice.length(r(), 0, ad.template + 1000)
    title = render([_title(ad, voice, min(fitted.draw(fitted.TITLE_LENGTH, title_q), int(total * 0.45)), raw)], "",
                   "title", notes)
    budget = total - len(title) - 1
    n_emoji = round(voice.density * (0.8 + 0.8 * r()))
    head: list[Part] = []
    edition = _edition(ad)
    if r() < rates["posted_line"]:
        head.append(chrome.posted(edition, ad.day, ad.hour, ad.minute))
    if r() < rates["post_id"]:
        head.append(chrome.post_id(rng, ad.city, ad.n, ad.lookalike, edition))
    if ad.cat == "network" and ad.slots["sig"]:
        head.append(text(ad.slots["sig"]))
    if voice.sep:
        head.append(text(voice.sep))
    intro = (P.INTRO_THIRD if ad.third else P.INTRO)[ad.lang]
    head.append(slot_part(ad, voice.pick(intro, voice.intro + ad.template, _wday(ad))))
    if ad.slots["youth"]:
        head.append(text(ad.slots["youth"]))
    if ad.new_in_town or (ad.cat != "network" and _habit(voice, 8, rates["new_in_town"], r())):
        head.append(slot_part(ad, _move(ad)))
    if ad.cat in ("massage", "imb"):  # the business's own lines carry its typology (new staff, hours)
        bodies = T.BODIES[ad.cat].get(ad.lang) or T.BODIES[ad.cat]["en"]
        fmt = bodies[(voice.intro + ad.template) % len(bodies)].replace("{phone}", "").replace("{price}", "")
        head += [slot_part(ad, line) for line in fmt.split("\n") if line.strip(" -")]
    elif voice.habit(7, 0.5):
        head.append(slot_part(ad, ("in {city}", "{city} area", "Visiting {city}", "{city}")[voice.key % 4]))
    tail: list[Part] = []
    if ad.third:
        extra = P.THIRD_EXTRA[ad.lang]
        tail.append(text(voice.pick(extra, voice.contact + ad.template, _wday(ad))))
    # Her stats, rates and habits are hers: values from her key, presence mostly her habit.
    own = random.Random(voice.key)
    which = (_habit(voice, 1, rates["height"], r()), _habit(voice, 2, rates["weight"], r()),
             _habit(voice, 3, rates["measurements"], r()))
    if any(which):
        tail.append(chrome.stats(own, which))
    if _habit(voice, 4, rates.get("rate_table", rates["rate_short"]), r()):
        tail.append(chrome.rate_table(own, voice.contact, ad.city.country))
    if _habit(voice, 5, rates["times_24_7"], r()):
        tail.append(chrome.around_the_clock(own))
    if ad.phone:
        lead = voice.pick(P.CONTACT[ad.lang], voice.contact, _wday(ad))
        tail.append([(lead, None), *slot_part(ad, "{phone}")])
    tail += ad.contacts
    if _habit(voice, 6, rates["disclaimer"], r()):
        tail.append(chrome.disclaimer(own))
    if _habit(voice, 9, rates["age_field"], r()):
        tail.append(chrome.age_field(rng, int(ad.slots["age"])))
    if _habit(voice, 10, rates["location_field"], r()):
        tail.append(chrome.location_field(voice.contact, ad.city))
    if r() < rates["url"]:
        slug = "-".join(w for w in re.sub(r"[^a-z0-9 ]", " ", title.lower()).split()[:5]) or "ad"
        tail.append(chrome.url(rng, ad.domain, ad.city, ad.section, slug, ad.n))
    joiner = "\n" if raw else voice.joiner_on(_wday(ad))
    fixed = sum(size(p) for p in head + tail) + len(joiner) * (len(head) + len(tail))
    body = _fill(ad, voice, budget - fixed, n_emoji, len(joiner))
    parts = head + body + tail
    if raw:
        _noise(rng, parts)
        if r() < rates["html_tag"]:
            joiner = "<br>\n"
        elif r() < rates["literal_escape"]:
            joiner = "\\n"  # a newline written as backslash-n
    return title, render(parts, joiner, "text", notes), notes


def _habit(voice: Voice, k: int, rate: float, u: float) -> bool:
    """Whether this ad shows habit k: the actor's own yes/no (share `rate` of actors), kept 90 % of the time
    and otherwise drawn afresh, so the share of ads stays `rate`."""
    mine = voice.habit(k, rate)
    return mine if u < 0.9 else (u - 0.9) * 10 < rate


def _fill(ad: Ad, voice: Voice, room: int, n_emoji: int, join: int) -> list[Part]:
    """The advertiser's sentences, in her order, until the fitted length is reached."""
    r = _rng(ad).random
    day = _wday(ad)
    per = min(5, max(1, -(-n_emoji // max(1, room // 50))))
    out: list[Part] = []
    used = k = 0
    i = ad.template  # a network's templates start at different sentences of the same voice
    while used < room and k < 60:
        k += 1
        i += 1
        if r() < 0.03:  # the poster drops a sentence now and then
            continue
        s = voice.sentence(i, day)
        if n_emoji > 0:
            e = voice.emoji(i, day) * min(per, n_emoji)
            n_emoji -= min(per, n_emoji)
            s = f"{s} {e}"
        if voice.mix_lang and k == 2:
            bits = P.ENGLISH_BITS if ad.lang == "es" else P.SPANISH_BITS
            s = f"{s} {bits[voice.key % len(bits)]}"
        if used + len(s) / 2 > room and out:
            break
        out.append(text(s))
        used += len(s) + join
    return out


def _title(ad: Ad, voice: Voice, target: int, raw: bool) -> Part:
    lang = ad.lang
    cores = P.TITLE_CORE[lang]
    fmt = voice.pick(cores, voice.title + ad.template, _wday(ad))
    adjs, nouns = P.TITLE_ADJ[lang], P.TITLE_NOUN[lang]
    fill = {"adj": adjs[voice.key % len(adjs)], "adj2": adjs[(voice.key >> 8) % len(adjs)],
            "noun": nouns[(voice.key >> 16) % len(nouns)]}
    part: Part = []
    k = 0
    for n, piece in enumerate(_SLOT.split(fmt)):
        if n % 2 == 0:
            if piece:
                part.append((piece, None))
        elif piece == "e":
            part.append((voice.emoji(k, _wday(ad)), None))
            k += 1
        elif piece in fill:
            part.append((fill[piece], None))
        else:
            part += slot_part(ad, "{" + piece + "}")
    tail: Part
    age = ad.slots["age"]
    if raw:  # the raw-page site's title tail
        tail = [(" - ", None), ent("place", ad.city.name, ad.city.name, country=ad.city.country),
                (f" {ad.section} - {ad.site}", None)]
    else:  # backpage-dev: every title ends in " - <age>"
        tail = [(" - ", None), ent("age", age, int(age))]
    more = P.TITLE_MORE[lang]
    extra = 0
    while size(part) + size(tail) < target - 4 and extra < 6:
        extra += 1
        if voice.repeat_title and extra == 2:  # a habit of some posters: the same words twice
            word = " ".join("".join(s for s, _ in part).split())
        else:
            word = more[(voice.key >> (extra * 5) + ad.template) % len(more)]
        sep = (" ", " ~ ", f" {voice.emoji(extra, _wday(ad))} ", ", ", " | ")[(voice.key >> 50) % 5]
        part.append((sep + word, None))
    return part + tail


_ENTITY = (("&", "&amp;"), ("'", "&#39;"), ('"', "&quot;"))


def _escape(s: str) -> str:
    """Non-ASCII written as literal JSON escapes (a double-encoding scraper), surrogate pairs included."""
    out = []
    for c in s:
        o = ord(c)
        if o < 0x80:
            out.append(c)
        elif o < 0x10000:
            out.append(f"\\u{o:04x}")
        else:
            o -= 0x10000
            out.append(f"\\u{0xD800 + (o >> 10):04x}\\u{0xDC00 + (o & 0x3FF):04x}")
    return "".join(out)


def _noise(rng: random.Random, parts: list[Part]) -> None:
    """Residue of scrapers that do not decode, decided once per post: entities, tags, escapes.

    Only plain wording is touched, so every entity's span stays exact."""
    rates = fitted.CITYBOARD
    entity, tag, escape = (rng.random() < rates["html_entity"], rng.random() < rates["html_tag"],
                           rng.random() < rates["literal_escape"])
    if not (entity or tag or escape):
        return
    for part in parts:
        for k, (s, note) in enumerate(part):
            if note is not None or not s.strip() or rng.random() < 0.5:
                continue
            if entity:
                for a, b in _ENTITY:
                    s = s.replace(a, b)
                s = s.replace(" ", "&nbsp;", 1)
            if tag and len(s) > 12:
                s = f"<b>{s}</b>"
            if escape:
                s = _escape(s)
            part[k] = (s, note)
