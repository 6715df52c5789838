"""Names the poster gives: "my name is Candy", "I'm Mia", "ask for Jade", "soy Ana", "me llamo Sofía".

How: a self-introduction or "ask for" cue (any case), then one capitalised word ("Candy") or an
ALL-CAPS word ("CANDY", written back as "Candy"); after plural cues ("names are", "ask for",
"we are") also "X and Y". After "I'm", "it's", "call me" most capitalised words in ads are not
names ("I'm New", "I'm Available", "Call me Now", "soy Latina"): a stop list of such words, and
words ending in "-ing", are refused. A line holding only a capitalised word and a phone number
("Jade (555) 010-2233") is a signature; place names found by the places step are not names. Lower-case words are never taken: without capitals there is
no telling "I'm candy" (a name?) from "I'm sweet".
"""

from __future__ import annotations

import re

from adtrace.extractors.base import Context, Extractor, entity
from adtrace.extractors.registry import register
from adtrace.text import prescan
from adtrace.text.automaton import Automaton
from adtrace.text.lowered import lowered

_UPPER = "A-ZÀ-ÖØ-Þ"
_LOWER = "a-zß-öø-ÿ"
_NAME = rf"[{_UPPER}](?:[{_LOWER}]+(?:[-'’][{_UPPER}][{_LOWER}]+)?|[{_UPPER}]+)"
# The lookahead lists every first letter of the alternatives below (in the same case-insensitive group,
# so it folds as they do): at any other character the match fails at one test instead of ~20 branch
# tries (speed only, the same matches: tests/extractors/test_names_cue_pass.py compares with the
# pattern without it).
CUE_FIRST = "(?=[acfiklmnpstw])"
_CUE = (
    rf"(?i:{CUE_FIRST}(?<![^\W\d_])(?:my\s+name(?:s|'s|’s)?(?:\s*(?:is|:|-))?|(?:first\s+)?name\s*(?:is|:|-)|"
    r"(?P<plural>names?\s*(?:are|:)|ask\s+for|we\s+are|we['’]re)|i\s*['’`]?\s*m|i\s+am|it\s*['’]?\s*s|it\s+is|"
    r"this\s+is|call\s+me|they\s+call\s+me|i\s+go\s+by|known\s+as|soy|me\s+llamo|mi\s+nombre\s+es|"
    r"ll[aá]mame|pregunta\s+por|preguntar\s+por)(?:(?<![^\W\d_])|(?![^\W\d_])))"
)
_INTRO = re.compile(
    rf"{_CUE}[^\S\n]*[:,\-–]?[^\S\n]*(?P<name>{_NAME})(?![^\W\d_])"
    rf"(?:[^\S\n]*(?i:and|&|or|y)[^\S\n]+(?P<second>{_NAME})(?![^\W\d_]))?"
)
# A signature line: a name and a phone number and nothing else ("Jade (555) 010-2233").
_SIGNATURE = re.compile(
    rf"^[^\w\n]*(?P<name>{_NAME})[^\S\n]*[:\-–]?[^\S\n]*(?=[\[(]?\d{{3}}[\])]?[\s.-]?\d{{3}}[\s.-]?\d{{1,4}}[^\w\n]*$)",
    re.M)
# Speed: the cue pattern runs only just before and after the places where a cue's literal occurs.
_CUE_LITERALS = ("name", "i'm", "i’m", "i`m", "im ", "i am", "i m ", "it's", "it’s", "its ", "it s ", "it is",
                 "this is", "ask for", "call me", "go by", "known as", "soy", "llam", "nombre", "pregunta",
                 "we are", "we're", "we’re")
# Every occurrence of every literal in one pass; value: the literal's rank in _CUE_LITERALS.
_CUE_AUTOMATON = Automaton({lit: rank for rank, lit in enumerate(_CUE_LITERALS)})
# With hyperscan, the same occurrences come from its one pass (adtrace.text.prescan), one pattern per
# literal: a literal's occurrences all end at different places, so each is reported.
_CUE_RANKS = {f"names.cue.{rank}": rank for rank in range(len(_CUE_LITERALS))}
_CUE_UNENCODABLE = frozenset(rank for rank, lit in enumerate(_CUE_LITERALS) if not prescan.encodable(lit))
for _name, _rank in _CUE_RANKS.items():
    prescan.register(_name, prescan.literal_alternation((_CUE_LITERALS[_rank],)), offsets=True)


def _cue_hits(text: str, low: str) -> list[tuple[int, int]]:
    """(rank, start) of every occurrence of every cue literal in `low` (`text` lower-cased), sorted."""
    found = prescan.scan(text)
    if found is None:
        return sorted((rank, end + 1 - len(_CUE_LITERALS[rank])) for end, rank in _CUE_AUTOMATON.find(low))
    # A literal beyond Latin-1 ("i’m") is matched with "?" for "’": its hits are confirmed here.
    return sorted((rank, start) for name, spans in found.spans.items() if (rank := _CUE_RANKS.get(name)) is not None
                  for start, _end in spans if rank not in _CUE_UNENCODABLE or low.startswith(_CUE_LITERALS[rank], start))

# Capitalised words that follow these cues in ads without being names (compared lower-cased).
_STOP_TEXT = """
a an the and or but so not no yes ok okay just only also always still very really truly totally
here there back new available ready waiting open free real alone home out in on at for from with by
to of up down over off now today tonight tomorrow soon anytime again ever never sure
your you yours my me mine his her him our us ur u myself yourself this that what who it its
sweet sexy hot cute pretty beautiful gorgeous stunning petite tall short thin slim curvy thick busty
young fresh clean discreet discrete classy classic elegant exotic ebony latina latin asian white black
blonde blond brunette redhead mixed italian russian korean japanese chinese thai filipina indian
brazilian colombian cuban mexican american european irish french german spanish persian arab african
hawaiian puerto dominican venezuelan native independent professional genuine friendly funny fun
nice kind shy wild naughty nasty freaky kinky horny wet hungry lonely bored playful passionate
outgoing easy easygoing laid seductive sensual sultry sensational amazing awesome incredible
perfect best better good great hottest sexiest sweetest number girl woman lady mami mamacita baby
babe bae honey hunny sugar daddy papi sir mister miss mrs mr gentleman gentlemen guys men man boys
daughter student college model dancer stripper masseuse therapist nurse teacher
visiting traveling travelling leaving located based staying moving coming going looking
offering providing seeking wanting willing able unable gonna wanna gotta about all any some
everything nothing something anything everyone someone anyone nobody somebody
one two three four five six seven eight nine ten first last next other another same
usa city town downtown uptown north south east west northern southern eastern western
monday tuesday wednesday thursday friday saturday sunday weekend weekday
january february march april may june july august september october november december
time today's text call email message inbox outcall incall outcalls incalls specials special
rates rate details info more pics pictures photos videos price prices donation donations
safe legit legitimate verified willing down done from 100 percent guaranteed
nueva nuevo una uno muy tu su la el de del los las mi bien super linda lindo bonita hermosa
caliente discreta independiente chica chico mujer latina colombiana mexicana venezolana cubana
dominicana puertorriquena puertorriqueña peruana argentina chilena española espanola
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())
# Words that label a number rather than sign it, in English and Spanish ("Llámame 555...", "call me").
_NOT_SIGNATURE = frozenset(
    ["call", "text", "txt", "phone", "cell", "tel", "mobile", "contact", "number", "hotline", "whatsapp", "wa", "fax",
     "office", "line", "appt",
     "llámame", "llamame", "llama", "llámanos", "llamanos", "márcame", "marcame", "marca", "escríbeme", "escribeme",
     "escribe", "escríbenos", "escribenos", "mensaje", "teléfono", "telefono", "celular", "cel", "móvil", "movil",
     "contacto", "informes", "citas", "whats"])
_HAS_DIGIT = re.compile(r"\d")


def _accept(word: str) -> bool:
    low = word.lower()
    return low not in STOP_WORDS and not low.endswith("ing") and not (len(low) >= 6 and low.endswith("ed"))


def _written(word: str) -> str:
    return word.title() if word.isupper() and len(word) > 1 else word


def find_names(text: str) -> list[tuple[str, tuple[int, int]]]:
    """(name as written, view span of the name) for each introduced name, in source order."""
    out: list[tuple[str, tuple[int, int]]] = []
    low = lowered(text) or text.lower()  # cached: the other extractors lower the same text
    seen: set[int] = set()
    if len(low) != len(text):  # lower-casing changed offsets ("İ"): scan everything
        for m in _INTRO.finditer(text):
            _take(m, out)
        low = ""
    # Speed: one automaton pass lists every occurrence of every cue literal (none in most ads); they
    # are visited literal by literal in _CUE_LITERALS order, each literal's from left to right.
    found = _cue_hits(text, low) if low else []
    for _rank, i in found:
        for m in _INTRO.finditer(text, max(0, i - 8), min(len(text), i + 80)):
            if m.start() not in seen:
                seen.add(m.start())
                _take(m, out)
    for m in _signatures(text):
        name = m.group("name")
        if len(name) >= 2 and _accept(name) and name.lower() not in _NOT_SIGNATURE:
            out.append((_written(name), (m.start("name"), m.end("name"))))
    out.sort(key=lambda n: n[1])
    return out


def _signatures(text: str) -> list[re.Match[str]]:
    """`_SIGNATURE.finditer(text)`, tried only at the starts of lines that hold a digit.

    Speed: a search tries "^" at every character; a signature lies within one line and needs digits.
    """
    out = []
    pos = 0
    while (digit := _HAS_DIGIT.search(text, pos)) is not None:
        m = _SIGNATURE.match(text, text.rfind("\n", 0, digit.start()) + 1)
        if m:
            out.append(m)
        line_end = text.find("\n", digit.start())
        if line_end < 0:
            break
        pos = line_end + 1
    return out


def _take(m: re.Match[str], out: list[tuple[str, tuple[int, int]]]) -> None:
    name = m.group("name")
    if len(name) < 2 or not _accept(name):
        return
    out.append((_written(name), (m.start("name"), m.end("name"))))
    second = m.group("second")
    if second and m.group("plural") and _accept(second):
        out.append((_written(second), (m.start("second"), m.end("second"))))


def _run(ctx: Context) -> None:
    view = ctx.view
    # A signature-shaped "Houston 713-..." names a place: drop names that the places step resolved.
    places = {str(p.get("name", "")).lower() for p in ctx.record.get("places", [])}
    for value, (start, end) in find_names(view.text):
        if value.lower() not in places:
            ctx.add("names", entity(value, view.span(start, end)))
    ctx.record.setdefault("names", [])


register(Extractor("names", _run, assigns=("names",), requires=("places",)))
