"""Sentences, clauses and figures: the text side of claim extraction, free of the database.

A *figure* is a number with a unit a reader can check: money (USD, EUR, GBP, ...), a share in
percent, a tonnage or an annual tonnage, a generating capacity, a concentration in ppm, or a
count of something named ("1,700 motors", "seven product families"). Bare numbers (years, page
numbers, citation volumes) are not figures. Values are normalized: "$10 billion" is
10,000,000,000 USD, "247.8 kt" is 247,800 t, "1.8 terawatts" is 1.8 TW (capacity keeps the
unit it was given in; ``comparable`` converts between them).
"""

import bisect
import re
from dataclasses import dataclass
from decimal import Decimal

USD, EUR, GBP, CNY, AUD, CAD = "USD", "EUR", "GBP", "CNY", "AUD", "CAD"
PERCENT, TONNES, TONNES_PER_YEAR = "percent", "t", "t/yr"
MW, GW, TW, PPM, COUNT = "MW", "GW", "TW", "ppm", "count"

UNIT_CHOICES = [
    (USD, "US dollars"),
    (EUR, "Euros"),
    (GBP, "Pounds sterling"),
    (CNY, "Chinese yuan"),
    (AUD, "Australian dollars"),
    (CAD, "Canadian dollars"),
    (PERCENT, "Percent"),
    (TONNES, "Tonnes"),
    (TONNES_PER_YEAR, "Tonnes per year"),
    (MW, "Megawatts"),
    (GW, "Gigawatts"),
    (TW, "Terawatts"),
    (PPM, "Parts per million"),
    (COUNT, "Count"),
]

# Units that measure the same thing, with the factor to the first of their kind.
_COMPARABLE = {MW: (GW, Decimal("0.001")), TW: (GW, Decimal(1000))}


def comparable(value: Decimal, unit: str) -> tuple[Decimal, str]:
    """The value in the unit its kind is compared in (capacity in GW); others unchanged."""
    base, factor = _COMPARABLE.get(unit, (unit, Decimal(1)))
    return value * factor, base


@dataclass(frozen=True, slots=True)
class Figure:
    start: int
    end: int
    text: str
    value: Decimal
    value_max: Decimal | None
    unit: str
    qualifier: str = ""  # what is counted ("motors"), or what a price is per ("per t")


# --- numbers --------------------------------------------------------------------------------

# A number that does not continue a word or another number ("Q1", "₁₇", "10.1038/s4..." are
# not figures). Starting with a plain character class lets the regex engine skip to digits fast.
_NUMBER = re.compile(r"[0-9](?<![\w.,][0-9])(?:[0-9]|,(?=[0-9]{3}(?![0-9]))|\.(?=[0-9]))*")
_NUM = r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?"
WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100, "dozen": 12,
}  # fmt: skip
_WORD_NUM = "|".join(sorted(WORD_NUMBERS, key=len, reverse=True))
_WORD_NUMBER = re.compile(rf"(?<![\w-])(?i:{_WORD_NUM})(?![\w-])")
_TO = r"\s?(?:-|–|—|to)\s?"
_SIGN = r"(?:US\$|U\.S\.\s?\$|A\$|C\$|\$|€|£|¥|(?:USD|EUR|GBP|CNY|RMB|AUD|CAD)\s?)"
# A second number after the first makes a range: "5-7", "$12–$15", "8%–16%", "five to seven".
_RANGE_TAIL = rf"(?:\s?%?{_TO}(?:{_SIGN})?(?P<n2>{_NUM}|(?i:{_WORD_NUM})\b))?"

_MULTIPLIERS = {
    "thousand": 3, "k": 3, "million": 6, "mn": 6, "m": 6, "billion": 9, "bn": 9, "b": 9,
    "trillion": 12, "tn": 12, "t": 12,
}  # fmt: skip


# Whole words may run into the next word ("$8.6 billionwith" in a real post); letters may not.
def _mult(name: str) -> str:
    return rf"(?:\s?(?P<{name}>(?i:trillion|billion|million|thousand)|(?i:tn|bn|mn)\b|[kKmMbBT]\b))"


_CURRENCY_SIGNS = {
    "us$": USD, "u.s.$": USD, "$": USD, "usd": USD, "dollars": USD, "dollar": USD,
    "€": EUR, "eur": EUR, "euros": EUR, "euro": EUR,
    "£": GBP, "gbp": GBP, "pounds": GBP, "sterling": GBP,
    "¥": CNY, "cny": CNY, "rmb": CNY, "yuan": CNY,
    "a$": AUD, "aud": AUD, "c$": CAD, "cad": CAD,
}  # fmt: skip
_CURRENCY_BEFORE = re.compile(
    r"(?:US\$|U\.S\.\s?\$|[AC]\$|[$€£¥]|(?<![A-Za-z])(?:USD|EUR|GBP|CNY|RMB|AUD|CAD))\s?\Z"
)
# Lead-ins that belong to the figure as written ("up to $10 billion"), not to its value.
_APPROX_BEFORE = re.compile(
    r"(?:(?<!\w)(?i:about|around|roughly|nearly|approximately|almost|close to|up to|more than"
    r"|over|at least|as much as|some|under|below|above|exceeding)\s+)?[~≈≥≤<>+]?\s?\Z"
)
_PER_UNITS = {"tonne": "t", "ton": "t", "t": "t", "kg": "kg", "lb": "lb", "oz": "oz"}
_MONEY_AFTER = re.compile(
    rf"{_RANGE_TAIL}{_mult('mult')}?"
    r"(?:(?:\s?/\s?|\s(?:per|a)\s)(?P<per>tonne|ton|t|kg|lb|oz|share)\b)?"
)

_MASS_UNITS = {
    "t": 1, "tonne": 1, "tonnes": 1, "ton": 1, "tons": 1, "metric ton": 1, "metric tons": 1,
    "metric tonne": 1, "metric tonnes": 1, "kt": 1_000, "kilotonnes": 1_000, "mt": 1_000_000,
    "tpa": 1, "tpy": 1, "t/y": 1, "t/a": 1, "t/yr": 1, "ktpa": 1_000, "mtpa": 1_000_000,
}  # fmt: skip
_POWER_UNITS = {
    "mw": MW, "megawatt": MW, "megawatts": MW, "gw": GW, "gigawatt": GW, "gigawatts": GW,
    "tw": TW, "terawatt": TW, "terawatts": TW,
}  # fmt: skip
_COUNT_NOUNS = (
    r"motors?|models?|famil(?:y|ies)|products?|patents?|applications?|standards?|countries"
    r"|country|nations?|governments?|compan(?:y|ies)|firms?|mines?|plants?|refiner(?:y|ies)"
    r"|facilit(?:y|ies)|projects?|jobs?|workers?|employees?|shares?|warrants?|convenings?"
    r"|events?|missions?|process(?:es)?|lines?|systems?|turbines?|vehicles?|magnets?|members?"
    r"|participants?|MOUs?|MoUs?|agreements?|proposals?|stud(?:y|ies)|deposits?|sites?|filings?"
    r"|partners?|days|weeks|months|years"
)
# Small words between a number and its noun end the phrase: "one of the ...", "30 to ...".
_STOP = r"of|in|and|or|to|for|the|a|an|with|from|by|at|on|as|than|per|is|are|was|were"
_UNIT_AFTER = re.compile(
    rf"{_RANGE_TAIL}\+?(?:"
    rf"{_mult('wmult')}?\s(?P<curword>(?i:dollars|euros|pounds sterling|yuan)|USD|EUR|GBP|CNY)\b"
    r"|\s?(?P<pct>%|(?i:percent|per cent)\b)\+?"
    r"|[\s-]?(?P<power>MW|GW|TW|(?i:megawatts?|gigawatts?|terawatts?))\b"
    r"|\s?(?P<ppm>ppm)\b"
    r"|\s?(?:(?P<mass_mult>(?i:million|thousand))\s)?"
    r"(?:(?P<rate_unit>ktpa|Mtpa|tpa|tpy|t/yr|t/y|t/a)\b\+?"
    r"|(?P<mass_unit>(?i:metric\s+tonnes?|metric\s+tons?|tonnes?|tons?|kilotonnes)|kt|Mt|t)\b"
    r"(?P<rate>\s?(?i:per\s+(?:year|annum)|a\s+year|annually|each\s+year|/\s?(?:yr|year|y|a)\b))?)"
    rf"|(?:\s(?P<count_mult>million|billion|thousand))?"
    rf"(?P<mods>(?:\s(?!(?i:{_STOP})\b)[A-Za-z][\w’'-]*){{0,3}})\s(?P<noun>{_COUNT_NOUNS})\b"
    r")"
)
_YEAR = re.compile(r"(?:19|20)[0-9]{2}")
_SPACES = re.compile(r"\s+")


def _number(text: str) -> Decimal:
    word = WORD_NUMBERS.get(text.lower())
    return Decimal(word) if word is not None else Decimal(text.replace(",", ""))


def _scaled(value: Decimal, exponent: int) -> Decimal:
    return value.scaleb(exponent) if exponent else value


def _singular(noun: str) -> str:
    if noun.endswith("ies"):
        return noun[:-3] + "y"
    if noun.endswith("ses"):
        return noun[:-2]
    return noun.removesuffix("s")


def _exponent(word: str | None) -> int:
    return _MULTIPLIERS[word.lower()] if word else 0


def _read(text: str, start: int, end: int) -> tuple[int, int, tuple] | None:
    """The figure whose number is ``text[start:end]``, as ``(start, end, (value, value_max, unit,
    qualifier))``, or None when no unit follows it."""
    currency = _CURRENCY_BEFORE.search(text, max(0, start - 6), start)
    if currency is not None:
        tail = _MONEY_AFTER.match(text, end)
        exponent = _exponent(tail.group("mult"))
        unit = _CURRENCY_SIGNS[_SPACES.sub("", currency.group()).lower()]
        per = tail.group("per")
        qualifier = f"per {_PER_UNITS.get(per, per)}" if per else ""
        return currency.start(), tail.end(), (exponent, 1, unit, qualifier, tail)
    tail = _UNIT_AFTER.match(text, end)
    if tail is None:
        return None
    if tail.group("curword"):
        unit = _CURRENCY_SIGNS[tail.group("curword").lower().split()[0]]
        return start, tail.end(), (_exponent(tail.group("wmult")), 1, unit, "", tail)
    if tail.group("pct"):
        return start, tail.end(), (0, 1, PERCENT, "", tail)
    if tail.group("power"):
        return start, tail.end(), (0, 1, _POWER_UNITS[tail.group("power").lower()], "", tail)
    if tail.group("ppm"):
        return start, tail.end(), (0, 1, PPM, "", tail)
    if tail.group("rate_unit") or tail.group("mass_unit"):
        mult = tail.group("mass_mult")
        exponent = {"million": 6, "thousand": 3}[mult.lower()] if mult else 0
        if tail.group("rate_unit"):
            unit, per_year = tail.group("rate_unit").lower(), True
        else:
            unit = _SPACES.sub(" ", tail.group("mass_unit").lower())
            per_year = bool(tail.group("rate"))
        kind = TONNES_PER_YEAR if per_year else TONNES
        return start, tail.end(), (exponent, _MASS_UNITS[unit], kind, "", tail)
    if _YEAR.fullmatch(text[start:end]) and not tail.group("n2"):
        return None  # "by 2027 projects ..." is a date, not a count
    mult = tail.group("count_mult")
    exponent = {"thousand": 3, "million": 6, "billion": 9}[mult] if mult else 0
    noun = _singular(tail.group("noun").lower())
    return start, tail.end(), (exponent, 1, COUNT, noun, tail)


def parse_figures(text: str, number_words: list[tuple[int, int]] | None = None) -> list[Figure]:
    """Every figure in ``text``, in order, none overlapping another.

    ``number_words`` are the spans of numbers written as words ("seven"), when the caller has
    found them already (extraction gets them from its one pass over the text).
    """
    if number_words is None:
        number_words = [match.span() for match in _WORD_NUMBER.finditer(text)]
    anchors = [match.span() for match in _NUMBER.finditer(text)]
    if number_words:
        anchors = sorted(anchors + number_words)
    figures: list[Figure] = []
    taken = 0
    for start, end in anchors:
        if start < taken:
            continue  # the second number of a range already read
        found = _read(text, start, end)
        if found is None:
            continue
        begin, finish, (exponent, factor, unit, qualifier, tail) = found
        value = _scaled(_number(text[start:end]), exponent) * factor
        top = tail.group("n2")
        value_max = _scaled(_number(top), exponent) * factor if top else None
        if value_max is not None and value_max < value:
            continue  # "5-3" is a score or a date, not a range
        lead = _APPROX_BEFORE.search(text, max(0, begin - 20), begin)
        if lead is not None and lead.group().strip():
            begin = lead.start()
        figures.append(Figure(begin, finish, text[begin:finish], value, value_max, unit, qualifier))
        taken = finish
    return figures


# --- sentences and clauses ------------------------------------------------------------------

# Sentence ends; starting with a plain character class lets the engine skip ahead quickly.
_BOUNDARY = re.compile(r"[.!?\n](?:(?<=\n)\n*|[\"”’)\]]*[ \t]+(?=[\"“‘(\[]?[A-Z0-9$€£]))")
# Words that end in a period without ending the sentence: initials, "U.S.", titles, months.
_ABBREVIATION = re.compile(
    r"(?:^|[\s(])(?:(?:[A-Z]\.)*[A-Z]|e\.g|i\.e|etc|vs|approx|est|al|Mr|Mrs|Ms|Dr|St|Jr|Sr|Inc"
    r"|Ltd|Co|Corp|No|Gov|Sen|Rep|Prof|Gen|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)"
    r"\.[\"”’)\]]*[ \t]+$"
)
# "and" ends a clause before a new figure or noun phrase ("... $10 billion from EXIM and $2
# billion in private capital"), not inside a pair of names ("Mutanda and KCC").
_CLAUSE_BREAK = re.compile(
    r";|—|\s–\s|:\s|,\s+and\b|\b(?:but|while|whereas)\b"
    r"|\band(?=\s+(?:a|an|the|its|their|about|around|roughly|nearly|up to|more than|over)\b"
    r"|\s+[~≈$€£¥0-9])"
)
ATTRIBUTION_CUES = ("says", "said", "claims", "claimed", "reportedly", "according to")
_ATTRIBUTION = re.compile(rf"\b(?:{'|'.join(ATTRIBUTION_CUES)})\b", re.IGNORECASE)


def sentence_starts(text: str) -> list[int]:
    """Offsets where sentences begin; a new line always begins one."""
    starts = [0]
    for match in _BOUNDARY.finditer(text):
        if text[match.start()] != "\n" and _ABBREVIATION.search(
            text, max(0, match.start() - 12), match.end()
        ):
            continue
        starts.append(match.end())
    return starts


def sentence_at(text: str, starts: list[int], position: int) -> tuple[int, int]:
    """The span of the sentence holding ``position``, without surrounding whitespace."""
    index = bisect.bisect_right(starts, position) - 1
    start = starts[index]
    end = starts[index + 1] if index + 1 < len(starts) else len(text)
    chunk = text[start:end]
    return start + len(chunk) - len(chunk.lstrip()), start + len(chunk.rstrip())


def clause_starts(sentence: str) -> list[int]:
    """Offsets where the clauses of a sentence begin: a figure is about its own clause."""
    return [0, *(match.start() for match in _CLAUSE_BREAK.finditer(sentence))]


def is_attributed(sentence: str) -> bool:
    """Whether the sentence reports what someone says ("says", "according to", ...)."""
    return _ATTRIBUTION.search(sentence) is not None


def sentence_key(sentence: str) -> str:
    """The form two copies of a sentence share despite spacing and case."""
    return _SPACES.sub(" ", sentence).strip().lower()
