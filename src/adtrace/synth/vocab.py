"""Places, area codes, names and small word lists the generator draws from (all invented or generic).

Area codes are real, valid codes for each city so that `phonenumbers.is_valid_number` accepts the
planted numbers and area-code place resolution has truth to find.
"""

from __future__ import annotations

from typing import NamedTuple


class City(NamedTuple):
    name: str
    admin: str
    country: str
    slug: str
    codes: tuple[str, ...]  # national area / trunk codes, without the trunk prefix
    lang: str  # the language most local ads use


def _c(name: str, admin: str, country: str, codes: str, lang: str = "en") -> City:
    return City(name, admin, country, name.lower().replace(" ", "-").replace(".", ""), tuple(codes.split()), lang)


CITIES: tuple[City, ...] = (
    _c("Las Vegas", "NV", "US", "702 725"), _c("Phoenix", "AZ", "US", "602 480 623"),
    _c("San Diego", "CA", "US", "619 858"), _c("Los Angeles", "CA", "US", "213 323 310"),
    _c("Houston", "TX", "US", "713 281 832"), _c("Dallas", "TX", "US", "214 469 972"),
    _c("Atlanta", "GA", "US", "404 678 470"), _c("Miami", "FL", "US", "305 786"),
    _c("Orlando", "FL", "US", "407 321"), _c("Chicago", "IL", "US", "312 773"),
    _c("New York", "NY", "US", "212 718 917 646"), _c("Newark", "NJ", "US", "973 862"),
    _c("Seattle", "WA", "US", "206"), _c("Portland", "OR", "US", "503 971"),
    _c("Denver", "CO", "US", "303 720"), _c("Minneapolis", "MN", "US", "612"),
    _c("Detroit", "MI", "US", "313"), _c("Philadelphia", "PA", "US", "215 267"),
    _c("Boston", "MA", "US", "617 857"), _c("Washington", "DC", "US", "202"),
    _c("Baltimore", "MD", "US", "410 443"), _c("Charlotte", "NC", "US", "704 980"),
    _c("Nashville", "TN", "US", "615"), _c("New Orleans", "LA", "US", "504"),
    _c("San Antonio", "TX", "US", "210"), _c("Austin", "TX", "US", "512 737"),
    _c("Oklahoma City", "OK", "US", "405"), _c("Kansas City", "MO", "US", "816"),
    _c("St. Louis", "MO", "US", "314"), _c("Salt Lake City", "UT", "US", "801 385"),
    _c("Albuquerque", "NM", "US", "505"), _c("Sacramento", "CA", "US", "916"),
    _c("San Francisco", "CA", "US", "415"), _c("Oakland", "CA", "US", "510"),
    _c("Fresno", "CA", "US", "559"), _c("Tampa", "FL", "US", "813"),
    _c("Jacksonville", "FL", "US", "904"), _c("Indianapolis", "IN", "US", "317"),
    _c("Columbus", "OH", "US", "614"), _c("Cleveland", "OH", "US", "216"),
    _c("Honolulu", "HI", "US", "808"), _c("El Paso", "TX", "US", "915"),
    _c("Toronto", "ON", "CA", "416 647"), _c("Vancouver", "BC", "CA", "604 778"),
    _c("Montreal", "QC", "CA", "514 438"), _c("Calgary", "AB", "CA", "403 587"),
    _c("Tijuana", "BC", "MX", "664", "es"), _c("Mexico City", "CDMX", "MX", "55", "es"),
    _c("Cancun", "QR", "MX", "998", "es"), _c("Guadalajara", "JAL", "MX", "33", "es"),
    _c("London", "England", "GB", "7"), _c("Manchester", "England", "GB", "7"),
    _c("Sydney", "NSW", "AU", "4"), _c("Melbourne", "VIC", "AU", "4"),
)

BY_COUNTRY: dict[str, tuple[City, ...]] = {}
for _city in CITIES:
    BY_COUNTRY[_city.country] = (*BY_COUNTRY.get(_city.country, ()), _city)
BY_NAME: dict[str, City] = {c.name: c for c in CITIES}

COUNTRY_CODE = {"US": "1", "CA": "1", "MX": "52", "GB": "44", "AU": "61"}

# Circuits seen in the typologies: chains of nearby metros worked in rotation.
CIRCUITS: tuple[tuple[str, ...], ...] = (
    ("Las Vegas", "Phoenix", "San Diego"), ("Las Vegas", "Los Angeles", "San Diego", "Phoenix"),
    ("Houston", "Dallas", "San Antonio", "Austin"), ("Atlanta", "Charlotte", "Nashville"),
    ("Miami", "Orlando", "Tampa", "Jacksonville"), ("New York", "Newark", "Philadelphia", "Baltimore"),
    ("Washington", "Baltimore", "Philadelphia"), ("Chicago", "Indianapolis", "Detroit", "Columbus"),
    ("Seattle", "Portland", "Sacramento"), ("Denver", "Salt Lake City", "Albuquerque"),
    ("San Francisco", "Oakland", "Sacramento", "Fresno"), ("Kansas City", "St. Louis", "Oklahoma City"),
    ("Houston", "New Orleans", "Atlanta"), ("El Paso", "Albuquerque", "Phoenix"),
    ("Minneapolis", "Chicago", "Kansas City"), ("Boston", "New York", "Philadelphia"),
    ("Toronto", "Montreal", "Calgary", "Vancouver"), ("Vancouver", "Seattle", "Portland"),
    ("Tijuana", "San Diego", "Los Angeles"), ("Mexico City", "Guadalajara", "Cancun"),
    ("London", "Manchester"), ("Sydney", "Melbourne"), ("Honolulu", "Los Angeles", "Las Vegas"),
)

NAMES_EN: tuple[str, ...] = (
    "Amber", "Bella", "Candy", "Destiny", "Ebony", "Faith", "Gigi", "Honey", "Ivy", "Jade", "Kiki", "Lexi",
    "Mia", "Nikki", "Paris", "Roxy", "Sasha", "Tiffany", "Unique", "Violet", "Bree", "Coco", "Diamond",
    "Essence", "Jasmine", "Kandi", "Lola", "Misty", "Monique", "Precious", "Raven", "Star", "Summer",
    "Trinity", "Vanessa", "Aaliyah", "Brooke", "Chloe", "Daisy", "Stormy", "Angel", "Heaven", "Skye",
)
NAMES_ES: tuple[str, ...] = (
    "Valeria", "Camila", "Daniela", "Lupita", "Mariana", "Paola", "Ximena", "Yesenia", "Rosa", "Karla",
    "Fernanda", "Gaby", "Luz", "Marisol", "Paloma", "Sofia",
)
NAMES_ZH: tuple[str, ...] = ("Lily", "Coco", "Amy", "Kitty", "Lulu", "Cici", "Nana", "Mimi", "Yoyo", "Jenny")

AUTHOR_WORDS: tuple[str, ...] = (
    "sweet", "sunny", "velvet", "silk", "city", "star", "rose", "moon", "luxe", "blue", "golden", "pearl",
)

# Prices are written the way the typologies describe ("roses", "donation") without explicit terms.
PRICE_FORMS: tuple[str, ...] = ("${p}", "{p} roses", "{p} donation", "${p} hh special", "{p}/hr")

# Fictitious sources (names and .test domains only; none is a real site).
SITE_A = ("examplelist", "example-classifieds.test")
SITE_B = ("cityboard", "cityboard-ads.test")
SOCIAL = ("chirper", "chirper-social.test")
JOBS = ("jobfinder", "jobfinder-board.test")
REVIEWS = ("reviewboard", "client-reviews.test")
SOURCES = (SITE_A, SITE_B, SOCIAL, JOBS, REVIEWS)
