"""Each advertiser's own voice: her sentences, emoji, separators and habits, drifting slowly over time.

A voice is derived from an integer key (an independent's key, a network's id), so nothing is stored
per advertiser. Sentence i of a voice is drawn from the phrase bank with a seed that depends on the
key, on i and on an epoch that advances every `period` days (staggered per sentence): an actor keeps
her wording for weeks and changes one sentence at a time, as real posters edit their copy. Template
linking can therefore tell one network's wording from another's, and must follow the drift.
"""

from __future__ import annotations

from functools import lru_cache

from adtrace.synth import fitted
from adtrace.synth import phrasebank as P
from adtrace.synth.phones import _mix


class Voice:
    __slots__ = ("_cache", "caps", "contact", "density", "ending", "intro", "key", "lang", "length_q", "mix_lang",
                 "palette", "period", "repeat_title", "sep", "size", "third", "title")

    def __init__(self, key: int, lang: str, third: bool = False) -> None:
        h = _mix(key ^ 0x0F0E)
        self.key, self.lang, self.third = h, lang, third
        g = _mix(h)
        self.palette = tuple(P.EMOJI_POOL[(g >> (6 * k)) % len(P.EMOJI_POOL)] for k in range(2 + g % 5))
        # The actor's usual number of emoji per ad: a draw from the fitted per-ad distribution.
        self.density = fitted.draw(fitted.EMOJI_PER_AD, ((g >> 40) & 0xFFFF) / 65536)
        g = _mix(g)
        # Shares of voices with each habit: chosen so the corpus matches the fitted document shares
        # (symbol runs 10.7 %, all-caps lines 5.1 %, repeated title words 7.9 % of backpage-dev).
        self.sep = P.SEPARATORS[g % len(P.SEPARATORS)] if (g >> 8) % 1000 < 110 else ""
        self.caps = (g >> 18) % 1000 < 60
        self.repeat_title = (g >> 28) % 1000 < 80
        self.ending = P.ENDINGS[(g >> 44) % len(P.ENDINGS)]
        self.mix_lang = (g >> 50) % 100 < (30 if lang == "es" else 3)  # a few words of another language
        g = _mix(g)
        self.intro = g % 97
        self.contact = (g >> 8) % 97
        self.title = (g >> 16) % 97
        self.period = 90 + (g >> 24) % 180  # days between two edits of one sentence
        # Where her ads sit in the fitted length distribution: she reposts copy of about the same
        # length (uniform over actors, so the corpus keeps the fitted distribution).
        self.length_q = ((g >> 40) & 0xFFFFFF) / 0x1000000  # also: her title's length quantile
        self.size = 4 + (g >> 32) % 9  # sentences in her usual copy
        self._cache: dict[tuple[int, int], str] = {}

    def sentence(self, i: int, day: int) -> str:
        """Her sentence number i as written on `day` (stable within an epoch, then edited)."""
        period = self.period * (1 + i % 3)
        epoch = (day + (self.key >> (i % 40)) % period) // period
        cached = self._cache.get((i, epoch))
        if cached is not None:
            return cached
        s = _mix(self.key ^ (i << 40) ^ (epoch * 0x9E37))
        frames = P.FRAMES[self.lang]
        frame = frames[s % len(frames)]
        s //= len(frames)
        words = []
        for slot in frame:
            s = _mix(s) if s < 1 << 20 else s
            word = slot[s % len(slot)]
            s //= len(slot)
            if word:
                words.append(word)
        text = " ".join(words) if self.lang != "zh" else "".join(words)
        if self.caps and i % 4 == 1:
            text = text.upper()
        text += self.ending if self.lang != "zh" else ""
        if len(self._cache) > 256:
            self._cache.clear()
        self._cache[(i, epoch)] = text
        return text

    def length(self, jitter: float, day: int, template: int = 0) -> float:
        """Her copy's length as a quantile of the fitted distribution: one per template and half-year
        (uniform over actors and epochs, so the corpus keeps the fitted distribution); `jitter` in
        [0, 1) moves it by at most +-0.005: a repost is mostly the same copy."""
        epoch = (day + self.key % 365) // (self.period * 3)
        q = (_mix(self.key ^ (template << 20) ^ (epoch << 40)) & 0xFFFFFF) / 0x1000000 + 0.01 * (jitter - 0.5)
        return -q if q < 0 else 2 - q if q > 1 else q

    def habit(self, k: int, rate: float) -> bool:
        """Whether she has habit number k, which a share `rate` of actors have."""
        return ((_mix(self.key ^ (k * 0x51ED)) & 0xFFFF) / 65536) < rate

    def emoji(self, k: int, day: int = 0) -> str:
        """Her emoji number k on `day`: each palette slot is swapped for another about once a year."""
        slot = k % len(self.palette)
        epoch = (day + (self.key >> (slot * 6)) % 365) // 365
        if epoch % 2 == 0:
            return self.palette[slot]
        return P.EMOJI_POOL[_mix(self.key ^ (slot << 8) ^ epoch) % len(P.EMOJI_POOL)]

    def joiner_on(self, day: int) -> str:
        """How she separates her parts; she changes it about once a year."""
        return self.pick(P.JOINERS, (self.key >> 38) % len(P.JOINERS), day // 2)

    def pick(self, options: tuple[str, ...], which: int, day: int) -> str:
        """One of `options` by the actor's habit `which`, edited about twice a year."""
        return options[(which + (day + self.key % 180) // 180) % len(options)]


@lru_cache(maxsize=8192)
def voice_of(key: int, lang: str, third: bool = False) -> Voice:
    """The voice of an actor key (cached: reposting advertisers come back often)."""
    return Voice(key, lang, third)
