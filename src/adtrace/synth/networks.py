"""Operator networks: workers, shared or rotating phones, templated text, and a circuit schedule."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from adtrace.synth import templates as T
from adtrace.synth.mixture import Mixture
from adtrace.synth.phones import Phone, phone_for
from adtrace.synth.vocab import BY_NAME, CIRCUITS, NAMES_EN, NAMES_ES, NAMES_ZH, City

# Obfuscation habits: a network tends to stick to one or two ways of writing its numbers.
HABITS = ("separators", "letter_o", "spelled", "misspelled", "fullwidth", "cyrillic", "circled", "keycap",
          "split_lines", "url")


@dataclass
class Worker:
    id: str
    names: tuple[str, ...]  # aliases; an operator re-labels the same person
    age: int
    minor: bool
    photos: tuple[str, ...]


@dataclass
class Network:
    id: str
    circuit: tuple[City, ...]
    stay: int  # days per city
    first_day: int
    last_day: int
    phones: tuple[Phone, ...]
    rotate: bool  # one phone per leg of the circuit, in turn; else any of the shared phones
    workers: tuple[Worker, ...]
    templates: tuple[tuple[str, str, str], ...]  # (template id, title format, body format)
    third_person: bool
    minor: bool
    sig: str
    habits: tuple[str, ...]
    lang: str
    authors: tuple[str, ...]

    def leg(self, day: int) -> int:
        return (day - self.first_day) // self.stay

    def city(self, leg: int) -> City:
        return self.circuit[leg % len(self.circuit)]

    def truth(self, start: date) -> dict[str, Any]:
        route = []
        for leg in range(self.leg(self.last_day) + 1):
            lo = self.first_day + leg * self.stay
            hi = min(lo + self.stay - 1, self.last_day)
            city = self.city(leg)
            route.append({"city": city.name, "country": city.country,
                          "from": (start + timedelta(days=lo)).isoformat(),
                          "to": (start + timedelta(days=hi)).isoformat()})
        return {"type": "network", "network": self.id, "route": route, "phones": [p.e164 for p in self.phones],
                "workers": [w.id for w in self.workers], "templates": [t[0] for t in self.templates],
                "minor": self.minor}


def build(count: int, rng: random.Random, mix: Mixture) -> list[Network]:
    return [_one(i, rng, mix) for i in range(count)]


def _one(i: int, rng: random.Random, mix: Mixture) -> Network:
    nid = f"net-{i:04d}"
    foreign = rng.random() < mix.foreign
    pool = [c for c in CIRCUITS if (BY_NAME[c[0]].country != "US") == foreign] or list(CIRCUITS)
    names = rng.choice(pool)
    start_at = rng.randrange(len(names))
    circuit = tuple(BY_NAME[n] for n in names[start_at:] + names[:start_at])
    home = circuit[0]
    if home.lang == "es":
        lang = "es"
    else:
        x = rng.random()
        lang = "es" if x < mix.lang_es else "zh" if x < mix.lang_es + mix.lang_zh else "en"
    span = rng.randint(min(mix.days, 45), mix.days)
    first = rng.randrange(0, mix.days - span + 1)
    minor = rng.random() < mix.minor_networks
    n_workers = rng.randint(2, 8)
    name_pool = {"es": NAMES_ES, "zh": NAMES_ZH}.get(lang, NAMES_EN)
    workers = []
    for w in range(n_workers):
        aliases = tuple(rng.sample(name_pool, rng.randint(1, 3)))
        is_minor = minor and (w == 0 or rng.random() < 0.5)
        age = rng.randint(15, 17) if is_minor else rng.randint(19, 27)
        photos = tuple(f"ph-{nid}-w{w}-{k}" for k in range(rng.randint(2, 4)))
        workers.append(Worker(f"{nid}-w{w}", aliases, age, is_minor, photos))
    rotate = rng.random() < 0.4
    phones = tuple(phone_for(home, rng.getrandbits(62)) for _ in range(rng.randint(1, 4 if rotate else 2)))
    third = rng.random() < mix.third_person
    bodies = (T.NETWORK_THIRD if third else T.NETWORK_FIRST)[lang]
    titles = T.TITLES["network"][lang]
    kind = "third" if third else "first"
    picks = rng.sample(range(len(bodies)), min(len(bodies), rng.randint(1, 3)))
    tpls = tuple((f"{nid}:network.{lang}.{kind}{k}", titles[k % len(titles)], bodies[k]) for k in picks)
    sig = f"{rng.choice(T.SIG_OPEN)} {rng.choice(T.SIG_WORDS)} {rng.choice(T.SIG_OPEN)}"
    habits = tuple(rng.sample(HABITS, rng.randint(1, 2)))
    authors = tuple(f"{''.join(filter(str.isalpha, rng.choice(T.SIG_WORDS).lower()))}{rng.randint(10, 999)}"
                    for _ in range(rng.randint(1, 3)))
    return Network(nid, circuit, rng.randint(7, 14), first, first + span - 1, phones, rotate, tuple(workers),
                   tpls, third, minor, sig, habits, lang, authors)
