"""Hand-kept word lists for place matching: abbreviations, admin codes, cue words, person names.

Everything here is small and reviewed by hand; the long list of city names that are also English
words lives in `common_words.txt` (regenerate with `python -m adtrace.places.wordlist`).
"""

from __future__ import annotations

# Canadian provinces and Australian states: geonames admin1 code -> (postal code, name).
# US admin1 codes in geonames already are the USPS codes.
ADMIN1: dict[str, dict[str, tuple[str, str]]] = {
    "CA": {
        "01": ("AB", "Alberta"), "02": ("BC", "British Columbia"), "03": ("MB", "Manitoba"),
        "04": ("NB", "New Brunswick"), "05": ("NL", "Newfoundland and Labrador"), "07": ("NS", "Nova Scotia"),
        "08": ("ON", "Ontario"), "09": ("PE", "Prince Edward Island"), "10": ("QC", "Quebec"),
        "11": ("SK", "Saskatchewan"), "12": ("YT", "Yukon"), "13": ("NT", "Northwest Territories"),
        "14": ("NU", "Nunavut"),
    },
    "AU": {
        "01": ("ACT", "Australian Capital Territory"), "02": ("NSW", "New South Wales"),
        "03": ("NT", "Northern Territory"), "04": ("QLD", "Queensland"), "05": ("SA", "South Australia"),
        "06": ("TAS", "Tasmania"), "07": ("VIC", "Victoria"), "08": ("WA", "Western Australia"),
    },
}

# Nicknames and abbreviations -> (city name, admin, country, case_sensitive).
# Case-sensitive ones are ordinary words or syllables in lower case ("la" is Spanish for "the").
ABBREVIATIONS: dict[str, tuple[str, str, str, bool]] = {
    "LA": ("Los Angeles", "CA", "US", True),
    "L.A.": ("Los Angeles", "CA", "US", True),
    "NYC": ("New York City", "NY", "US", False),
    "New York": ("New York City", "NY", "US", False),
    "Vegas": ("Las Vegas", "NV", "US", False),
    "SF": ("San Francisco", "CA", "US", True),
    "ATL": ("Atlanta", "GA", "US", True),
    "Philly": ("Philadelphia", "PA", "US", False),
    "NOLA": ("New Orleans", "LA", "US", False),
    "DC": ("Washington", "DC", "US", True),
    "D.C.": ("Washington", "DC", "US", True),
    "Washington DC": ("Washington", "DC", "US", False),
    "Washington D.C.": ("Washington", "DC", "US", False),
    "Chi-town": ("Chicago", "IL", "US", False),
    "Chitown": ("Chicago", "IL", "US", False),
    "H-town": ("Houston", "TX", "US", False),
    "Htown": ("Houston", "TX", "US", False),
    "OKC": ("Oklahoma City", "OK", "US", False),
    "KC": ("Kansas City", "MO", "US", True),
    "SLC": ("Salt Lake City", "UT", "US", True),
    "PDX": ("Portland", "OR", "US", True),
    "DFW": ("Dallas", "TX", "US", True),
    "Sacto": ("Sacramento", "CA", "US", False),
    "NOVA": ("Arlington", "VA", "US", True),
    "MTL": ("Montréal", "QC", "CA", True),
    "CDMX": ("Mexico City", "", "MX", False),
    "Frisco": ("Frisco", "TX", "US", False),
    "St Pete": ("St. Petersburg", "FL", "US", False),
    "St. Pete": ("St. Petersburg", "FL", "US", False),
}

# Short names of a state that are also the name of a place elsewhere -> (state name, its country). The key
# gets the state as one more candidate (not a forced meaning, as ABBREVIATIONS are): the document's country
# decides. "Cali" in a US ad is California, in a Colombian one the city of Cali; "Jersey" in a US ad is New
# Jersey, not the island.
STATE_NICKNAMES: dict[str, tuple[str, str]] = {
    "Cali": ("California", "US"),
    "Jersey": ("New Jersey", "US"),
}

# Country names people write that are not the geonames name -> ISO2.
COUNTRY_ALIASES: dict[str, tuple[str, bool]] = {
    "USA": ("US", True), "U.S.A.": ("US", True), "United States of America": ("US", False),
    "America": ("US", False), "UK": ("GB", True), "U.K.": ("GB", True), "Britain": ("GB", False),
    "Great Britain": ("GB", False), "England": ("GB", False), "Scotland": ("GB", False),
    "Wales": ("GB", False), "UAE": ("AE", True), "Holland": ("NL", False), "Russia": ("RU", False),
    "South Korea": ("KR", False), "Korea": ("KR", False), "Vietnam": ("VN", False),
    "Czech Republic": ("CZ", False), "Ivory Coast": ("CI", False), "Canadá": ("CA", False),
    "México": ("MX", False), "Estados Unidos": ("US", False),
}

def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# The previous word that makes a following capitalised word read as a place ("in Mobile").
LOCATION_CUES = _words(
    "in from visiting visit near around at to outcall outcalls incall incalls downtown outside leaving "
    "touring tour heading arriving arrived located based en desde cerca")

# Words next to a person-name-like city that make it read as a person ("I'm Destiny", "Aurora here").
NAME_CUES_BEFORE = _words(
    "im m am is s me for named name miss ms mrs mistress with and xoxo love by sexy sweet hot petite busty "
    "young pretty lovely gorgeous babe baby princess queen goddess angel honey")
NAME_CUES_AFTER = _words("here is s and xo xoxo will wants loves has can says")
# The next word that makes a name read as a place ("Milano centro", "Houston area").
# Not "area" or "city": "Bay Area", "Date City" are names of their own.
LOCATION_CUES_AFTER = _words("downtown centro center centre metro suburbs airport")
# Cues that are also a verb's or a noun's ("ready to", "look at"): too weak for a name that is a word.
WEAK_CUES = _words("to at")
# ... unless a word of going somewhere comes first ("outcall to Mobile", "welcome to Normal").
MOVES = _words("outcall outcalls travel travels traveling travelling moving move moved heading going coming "
               "flying fly driving trip welcome back")

# Words right before any one-word name that make it a person's name even when the name is a large city
# ("I'm London", "ask for Milan"; "ask"/"name" come as the word before "for"/"is").
NAME_CUES_STRONG = _words("im m am named miss ms mrs")
NAME_CUE_PAIRS = frozenset({("ask", "for"), ("name", "is"), ("call", "me"), ("it", "s")})

# The next word that makes a name a street's ("Alvarado St", "Mission Blvd"), not a city.
STREET_WORDS = _words("st street ave avenue blvd boulevard rd road dr drive ln lane hwy highway pkwy parkway "
                      "fwy freeway calle avenida")

# Given names (often worker names in ads) that are also cities, states or countries.
# A match of one of these needs context: a cue word before it, its state after it, or agreement
# with the document's location field or another place named in the document.
PERSON_NAMES = _words(
    """alexandria alice amber angel ann anna aurora austin bella beverly brooklyn camden carmen carolina
    carson chandler charlotte chelsea cheyenne china clare dakota dallas destiny
    eden elizabeth eugene everett florence franklin georgia harmony helena henderson india
    jackson jasmine jordan kennedy kent kimberly lafayette lawrence lincoln logan lynn madison
    marion marina milton monroe montana murray nelson paris phoenix regina
    sandy savannah selma shelby sherman sierra sydney tyler valencia victoria virginia warren
    chad israel
    alexandra alicia concepcion doreen esmeralda guadalupe kandi kara kari karin kimberley lara leigh
    leslie leticia lindsay lola lorena lourdes magdalena mari mariana marva mary nancy nikki patti
    rosario rosetta shirley sofia sophia stella tara""")
# The second group: women's given names (US census top 1,000, plus "kandi" and "mariana", frequent
# in ads) whose places are all outside the US. In synthetic ads "Lola", "Nikki" and "Kandi" alone
# were read as towns in Guinea and Benin, 830 times in 20,000 ads.

# Brand names that are also towns ("2017 Toyota Camry", "Honda Civic"): they need capitals and
# context, as common words do.
BRAND_WORDS = _words("toyota honda mazda nissan lexus subaru suzuki yamaha kia audi volvo mercedes tesla")
