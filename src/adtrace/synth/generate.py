"""The document stream: one seeded `random.Random`, precomputed tables, no per-document heavy work.

Independent advertisers, spas and businesses are derived from an integer key (splitmix64) instead of
being stored, so memory stays constant however many documents are asked for; only networks (a few per
thousand documents) are held.
"""

from __future__ import annotations

import bisect
import random
import zlib
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from adtrace import errors
from adtrace.synth import realistic
from adtrace.synth import templates as T
from adtrace.synth.contacts import apply_compact, contacts
from adtrace.synth.mixture import CATEGORIES, Mixture
from adtrace.synth.networks import Network, build
from adtrace.synth.phones import Phone, _mix, phone_for, write
from adtrace.synth.vocab import BY_COUNTRY, CITIES, NAMES_EN, NAMES_ES, NAMES_ZH, SITE_A, SITE_B, City
from adtrace.synth.voice import voice_of

# "realistic" (default): fitted lengths, site chrome and noise, each actor's own voice, entity spans in
# the truth. "compact": the first profile (short clean ads), kept for tests written against it.
PROFILES = ("realistic", "compact")
DEFAULT_PROFILE = "realistic"
_US = BY_COUNTRY["US"]
_ABROAD = tuple(c for c in CITIES if c.country != "US")
_OBF_KINDS = ("separators", "letter_o", "spelled", "misspelled", "fullwidth", "cyrillic", "circled", "keycap",
              "split_lines", "url")
_OBF_WEIGHTS = (20, 10, 14, 10, 8, 5, 5, 5, 8, 15)  # what the typologies report most often comes first
_AUTHOR = tuple("".join(filter(str.isalpha, w.lower())) for w in T.SIG_WORDS)
_NAMES = {"en": NAMES_EN, "es": NAMES_ES, "zh": NAMES_ZH}
_SECTION = {"escort": "escorts", "massage": "massage", "network": "escorts", "imb": "massage", "dating": "dating",
            "classified": "for-sale", "job_legit": "jobs", "job_deceptive": "jobs"}
_PRICE_STEPS = tuple(range(80, 410, 20))
_BENIGN = {"escort": True, "massage": True, "network": False, "imb": False, "dating": True, "classified": True,
           "review": True, "social": True, "job_legit": True, "job_deceptive": False}


class _Slots(dict[str, str]):
    """Template slots computed only when a template asks for them (keeps the per-document cost low)."""

    __slots__ = ("gen",)
    gen: Generator

    def __missing__(self, key: str) -> str:
        value: str = self.gen._slot(key, self)
        self[key] = value
        return value


class Generator:
    def __init__(self, n: int, seed: int = 0, mixture: Mixture | None = None,
                 profile: str = DEFAULT_PROFILE) -> None:
        if profile not in PROFILES:
            raise errors.InputError.at(errors.BAD_FIELD, f"unknown synth profile {profile!r}", field_name="profile",
                                       hint=f"Use one of: {', '.join(PROFILES)}")
        self.n, self.seed, self.profile = n, seed, profile
        self.mix = mixture or Mixture()
        self.rng = random.Random(seed)
        rates = self.mix.normalised()
        self._cats = [c for c in CATEGORIES if rates[c] > 0]
        acc, self._cum = 0.0, []
        for c in self._cats:
            acc += rates[c]
            self._cum.append(acc)
        n_net = max(1, round(n * rates["network"] / self.mix.docs_per_network)) if rates["network"] > 0 else 0
        self.networks: list[Network] = build(n_net, self.rng, self.mix)
        acc, self._net_cum = 0.0, []
        for _ in self.networks:
            acc += self.rng.paretovariate(1.3)  # a few big operations, many small ones
            self._net_cum.append(acc)
        # Independents post ~4 times each on average; derived from a key, never stored.
        self._pool = {c: max(1, int(n * rates[c] / 4)) for c in CATEGORIES}
        acc, self._obf_cum = 0.0, []
        for w in _OBF_WEIGHTS:
            acc += w
            self._obf_cum.append(acc)
        self._days = [(self.mix.start + timedelta(days=d)).isoformat() for d in range(self.mix.days)]

    # -- public ---------------------------------------------------------------------------------
    def documents(self) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
        r = self.rng.random
        cats, cum = self._cats, self._cum
        for i in range(self.n):
            cat = cats[min(bisect.bisect(cum, r() * cum[-1]), len(cats) - 1)]
            yield self._document(i, cat)

    def network_truth(self) -> Iterator[dict[str, Any]]:
        for net in self.networks:
            yield net.truth(self.mix.start)

    # -- per document ---------------------------------------------------------------------------
    def _document(self, i: int, cat: str) -> tuple[dict[str, Any], dict[str, Any]]:
        rng = self.rng
        r = rng.random
        slots = _Slots()
        slots.gen = self
        day = int(r() * self.mix.days)
        net: Network | None = None
        worker = None
        template = None
        minor = False
        phones: list[Phone] = []
        photos: tuple[str, ...] = ()
        author = None
        if cat == "network":
            net = self.networks[min(bisect.bisect(self._net_cum, r() * self._net_cum[-1]), len(self.networks) - 1)]
            day = net.first_day + int(r() * (net.last_day - net.first_day + 1))
            leg = net.leg(day)
            city = net.city(leg)
            lang = net.lang
            w = net.workers[int(r() * len(net.workers))]
            worker = w.id
            phone = net.phones[leg % len(net.phones)] if net.rotate else net.phones[int(r() * len(net.phones))]
            phones.append(phone)
            template, title_fmt, body_fmt = net.templates[int(r() * len(net.templates))]
            slots["name"] = w.names[int(r() * len(w.names))]
            age = w.age + (int(r() * 5) - 2 if r() < 0.2 else 0)  # inconsistent ages under one phone
            if w.minor:
                minor = True
                youth = T.YOUTH[lang]
                slots["youth"] = youth[int(r() * len(youth))].format(y=T.YOUTH_EMOJI[int(r() * 5)])
                age = w.age if r() < 0.3 else 18 + int(r() * 2)
            else:
                slots["youth"] = ""
            slots["age"] = str(max(age, 15))
            slots["sig"] = net.sig
            if r() < self.mix.new_in_town:
                move = T.MOVE[lang]
                slots["move"] = move[int(r() * len(move))].replace("{city}", city.name).replace(
                    "{e}", T.EMOJI[int(r() * len(T.EMOJI))])
            else:
                slots["move"] = ""
            obf = net.habits[int(r() * len(net.habits))] if r() < self.mix.network_obfuscation else "plain"
            photos = w.photos[: 1 + int(r() * len(w.photos))]
            author = net.authors[int(r() * len(net.authors))]
        else:
            city, lang, key = self._place(cat)
            if cat.startswith("job") and self.profile == "realistic":
                lang = "en"  # realistic postings are fitted to English ones (emscad-dev)
            title_fmt, body_fmt, obf = self._texts(cat, lang)
            if cat in ("escort", "massage", "imb"):
                h = _mix(key ^ 0x5EED)
                worker = f"{cat[:3]}-{key:x}"
                names = _NAMES[lang]
                slots["name"] = names[h % len(names)]
                slots["age"] = str(19 + (h >> 8) % 17 + (1 if r() < 0.1 else 0))
                photos = tuple(f"ph-{worker}-{k}" for k in range(1 + (h >> 16) % 3))
                author = f"{_AUTHOR[(h >> 20) % len(_AUTHOR)]}{h % 997}"
                phones.append(phone_for(self._home(cat, key), key))
            elif cat == "review":
                phone, net, worker, concern = self._reviewed()
                phones.append(phone)
                if net is not None:  # the review is about where the network worked at that time
                    day = net.first_day + int(r() * (net.last_day - net.first_day + 1))
                    city = net.city(net.leg(day))
                    w = net.workers[int(r() * len(net.workers))]
                    slots["name"] = w.names[0]
                if concern:
                    bodies = T.BODIES["review_concern"]["en"]
                    body_fmt = bodies[int(r() * len(bodies))]
                    slots["benign"] = ""
            elif cat == "dating":
                if r() < 0.3:
                    phones.append(phone_for(city, rng.getrandbits(62)))
            elif cat == "job_deceptive":
                abroad = _ABROAD[int(r() * len(_ABROAD))] if r() < 0.5 else city
                phones.append(phone_for(abroad, rng.getrandbits(62)))
            elif cat in ("classified", "job_legit"):
                phones.append(phone_for(city, rng.getrandbits(62)))
            if cat == "social" and body_fmt in T.BODIES["social_lure"]["en"]:
                slots["benign"] = ""
        obfs: list[str] = []
        if phones and "{phone}" not in body_fmt:  # some templates give no number (reply via the site)
            phones.clear()
        if phones:
            text, used = write(phones[0], obf, rng, lang)
            if used == "url":
                text = {"es": "(número en el enlace)", "zh": "(号码见链接)"}.get(lang, "(number in the link)")
            if used != "plain":
                obfs.append(used)
            slots["phone"] = text
        else:
            slots["phone"] = ""
        slots["city"] = city.name
        doc_id = f"syn{self.seed}-{i:07d}"
        voice = None
        if self.profile != "compact":
            if net is not None and cat == "network":
                voice = voice_of(zlib.crc32(net.id.encode()) ^ (self.seed << 32), lang, net.third_person)
            elif cat in ("escort", "massage", "imb"):
                voice = voice_of(zlib.crc32(worker.encode()) ^ (self.seed << 32) if worker else i, lang)
        # An advertiser keeps to her site 90 % of the time (60 % of advertisers on the first one).
        site_u = None if voice is None else (voice.length_q if r() < 0.9 else r())
        src, domain, kind, url = self._where(cat, i, city, phones[0] if "url" in obfs else None, site_u)
        w_hash = _mix(zlib.crc32(worker.encode()) ^ (self.seed << 32)) \
            if cat in ("escort", "massage", "network") and lang != "zh" and worker else None
        notes: list[dict[str, Any]] | None = None
        typologies: list[str] = []
        if self.profile == "compact":
            title, body = title_fmt.format_map(slots).strip(), body_fmt.format_map(slots)
            hour, minute = int(r() * 24), int(r() * 60)
        else:
            hour, minute = int(r() * 24), int(r() * 60)
            lines = contacts(w_hash)[0] if w_hash is not None else []
            ad = realistic.Ad(cat, lang, city, src, domain, _SECTION.get(cat, "posts"), i,
                              self.mix.start + timedelta(days=day), hour, minute, slots,
                              phones[0].e164 if phones else None, obfs[0] if obfs else "plain",
                              voice=voice, contacts=lines,
                              lookalike=phone_for(city, rng.getrandbits(62)).national)
            if net is not None and template is not None and cat == "network":
                ad.third, ad.template = net.third_person, [t[0] for t in net.templates].index(template)
                ad.new_in_town = bool(slots["move"])
            title, body, notes, typologies = realistic.compose(ad, title_fmt, body_fmt)
            url = realistic.url_with_slug(url, slots.get("name", ""), city, notes,
                                          phones[0] if "url" in obfs else None)
        doc: dict[str, Any] = {
            "id": doc_id, "source": src, "kind": kind, "url": url, "title": title, "text": body,
            "posted_at": f"{self._days[day]}T{hour:02d}:{minute:02d}:00Z",
            "location": f"{city.name}, {city.admin}", "author": author or f"user{int(r() * 90000) + 10000}",
            "images": [{"url": f"https://img.{domain}/{doc_id}/{k}.jpg"} for k in range(len(photos))],
            "lang": lang,
        }
        truth: dict[str, Any] = {
            "type": "document", "id": doc_id, "category": cat, "network": net.id if net else None,
            "worker": worker, "phones": [p.e164 for p in phones], "template": template, "city": city.name,
            "country": city.country, "minor": minor, "labor_deception": cat == "job_deceptive",
            "benign": _BENIGN[cat] and "benign" not in slots, "lang": lang, "obfuscations": obfs,
            "images": list(photos),
            "emails": [], "payments": [],
        }
        if notes is None:
            if w_hash is not None:
                apply_compact(w_hash, doc, truth)
        else:
            if w_hash is not None:
                _, truth["emails"], truth["payments"] = contacts(w_hash)
            truth["entities"] = [n for n in notes if "kind" in n]
            truth["traps"] = [n for n in notes if "trap" in n]
            if cat == "job_deceptive":
                truth["job_typologies"] = typologies
        return doc, truth

    def _where(self, cat: str, i: int, city: City, url_phone: Phone | None,
               site_u: float | None = None) -> tuple[str, str, str, str]:
        r = self.rng.random()
        slug = f"call-{'-'.join(url_phone.groups)}-" if url_phone else ""
        if cat == "review":
            return "reviewboard", "client-reviews.test", "review", \
                f"https://client-reviews.test/{city.slug}/thread/{slug}{i}"
        if cat == "social" or (cat == "job_deceptive" and r < 0.2):
            return "chirper", "chirper-social.test", "post", f"https://chirper-social.test/status/{slug}{i}"
        if cat.startswith("job") and r < 0.6:
            return "jobfinder", "jobfinder-board.test", "job", f"https://jobfinder-board.test/jobs/{slug}{i}"
        kind = "job" if cat.startswith("job") else "ad"
        src, domain = SITE_A if (self.rng.random() if site_u is None else site_u) < 0.6 else SITE_B
        if src == SITE_A[0]:
            return src, domain, kind, f"https://{domain}/{city.slug}/{_SECTION[cat]}/{slug}{i}.html"
        return src, domain, kind, f"https://{domain}/{_SECTION[cat]}/{city.slug}/{slug}ad{i}.html"

    def _place(self, cat: str) -> tuple[City, str, int]:
        """City, language and (for advertisers that repost) the advertiser key."""
        r = self.rng.random
        key = int(r() * self._pool[cat]) if cat in ("escort", "massage", "imb") else -1
        if key >= 0:
            key = _mix(self.seed * 1_000_003 + key * 16 + CATEGORIES.index(cat))
            home = self._home(cat, key)
            city = home
            if r() < self.mix.touring:
                city = _US[int(r() * len(_US))] if home.country == "US" else home
        else:
            city = (_ABROAD[int(r() * len(_ABROAD))] if r() < self.mix.foreign else _US[int(r() * len(_US))])
        if cat in ("review", "social"):
            return city, "en", key
        if city.lang == "es":
            return city, "es", key
        x = r()
        zh = self.mix.lang_zh * (4 if cat in ("massage", "imb") else 1)
        lang = "es" if x < self.mix.lang_es else "zh" if x < self.mix.lang_es + zh else "en"
        return city, lang, key

    def _home(self, cat: str, key: int) -> City:
        h = _mix(key)
        if (h % 1000) / 1000 < self.mix.foreign:
            return _ABROAD[(h >> 10) % len(_ABROAD)]
        return _US[(h >> 10) % len(_US)]

    def _texts(self, cat: str, lang: str) -> tuple[str, str, str]:
        r = self.rng.random
        if cat == "social" and r() < 0.15:
            bodies = T.BODIES["social_lure"]["en"]
        else:
            by_lang = T.BODIES[cat]
            bodies = by_lang.get(lang) or by_lang["en"]
        t_lang = T.TITLES[cat]
        titles = t_lang.get(lang) or t_lang["en"]
        obf = "plain"
        if r() < self.mix.obfuscation and cat not in ("classified", "job_legit"):
            obf = _OBF_KINDS[bisect.bisect(self._obf_cum, r() * self._obf_cum[-1])]
            if lang == "zh" and r() < 0.3:
                obf = "cjk"
        b = int(r() * len(bodies))
        # Classified titles describe their body (same index); elsewhere any title fits any body.
        t = b if len(titles) == len(bodies) and cat == "classified" else int(r() * len(titles))
        return titles[t], bodies[b], obf

    def _reviewed(self) -> tuple[Phone, Network | None, str | None, bool]:
        """A client-board review names a network phone (sometimes with concerns) or an independent's."""
        r = self.rng.random
        if self.networks and r() < 0.6:
            net = self.networks[int(r() * len(self.networks))]
            return net.phones[int(r() * len(net.phones))], net, None, r() < 0.4
        key = _mix(self.seed * 1_000_003 + int(r() * self._pool["escort"]) * 16 + CATEGORIES.index("escort"))
        return phone_for(self._home("escort", key), key), None, f"esc-{key:x}", False

    def _slot(self, key: str, slots: _Slots) -> str:
        """Slots not set up front: cheap filler drawn on demand."""
        r = self.rng.random
        if key == "e":
            return T.EMOJI[int(r() * len(T.EMOJI))]
        if key == "price":
            form = ("${p}", "{p} roses", "{p} donation", "${p} hh special", "{p}/hr")[int(r() * 5)]
            return form.format(p=_PRICE_STEPS[int(r() * len(_PRICE_STEPS))])
        if key == "hours":
            return T.HOURS[int(r() * len(T.HOURS))]
        if key == "name":
            return NAMES_EN[int(r() * len(NAMES_EN))]
        if key == "age":
            return str(24 + int(r() * 35))
        if key in ("move", "youth", "sig", "benign"):
            return ""
        if key == "contact":
            return "Reply through the site."
        if key == "phone_short":
            return slots["phone"][-4:] if slots.get("phone") else ""
        if key == "role":
            return T.ROLES[int(r() * len(T.ROLES))]
        if key == "role_es":
            return T.ROLES_ES[int(r() * len(T.ROLES_ES))]
        if key == "role_zh":
            return T.ROLES_ZH[int(r() * len(T.ROLES_ZH))]
        if key == "company":
            return T.COMPANIES[int(r() * len(T.COMPANIES))]
        if key == "company_slug":
            return slots["company"].lower().replace(" ", "")
        if key == "wage":
            return str(15 + int(r() * 15)) if "role" in slots or "role_es" in slots else str(800 + int(r() * 30) * 50)
        if key == "handle":
            return f"{T.SIG_WORDS[int(r() * len(T.SIG_WORDS))].lower().replace(' ', '_')}_jobs{int(r() * 99)}"
        if key == "year":
            return str(2008 + int(r() * 15))
        if key == "car":
            return T.CARS[int(r() * len(T.CARS))]
        if key == "miles":
            return str(40 + int(r() * 140))
        if key == "cprice":
            return f"{3 + int(r() * 20)},{int(r() * 10)}00"
        if key == "rent":
            return str(600 + int(r() * 30) * 50)
        if key == "month":
            return T.MONTHS[int(r() * 12)]
        raise KeyError(key)


def generate(n: int, seed: int = 0, mixture: Mixture | None = None,
             profile: str = DEFAULT_PROFILE) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """(document, truth) pairs for `n` documents; deterministic for a seed. Network truth: `Generator`."""
    return Generator(n, seed, mixture, profile).documents()
