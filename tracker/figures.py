"""Sentences, clauses and figures: the text side of claim extraction, free of the database.

A *figure* is a number with a unit a reader can check: money (USD, EUR, GBP, ...), a share in
percent, a tonnage or an annual tonnage, a generating capacity, a concentration in ppm, or a
count of a plural noun ("1,700 motors", "987 enterprises"). Numbers may be written in digits or
in words ("Ninety-five firms", "twelve-billion-dollar", "two-thirds of"); a range keeps both
ends; a rate or unit price keeps its denominator (``per``: "$110/kg" is USD per kg). Bare numbers
(years, page and section numbers, model names such as F-35, dates) are not figures. Values are
normalized: "$10 billion" is 10,000,000,000 USD, "247.8 kt" is 247,800 t, "1.8 terawatts" is
1.8 TW (capacity keeps the unit it was given in; ``comparable`` converts between them).

``describe`` then reads a figure's clause for what it measures, the period it is for, whether
it is a forecast or a target, and whether its value is implausible for what it measures.
"""

import bisect
import re
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

USD, EUR, GBP, CNY, AUD, CAD = "USD", "EUR", "GBP", "CNY", "AUD", "CAD"
PERCENT, TONNES, TONNES_PER_YEAR = "percent", "t", "t/yr"
MW, GW, TW, PPM, COUNT = "MW", "GW", "TW", "ppm", "count"
CURRENCIES = frozenset({USD, EUR, GBP, CNY, AUD, CAD})

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


def unit_label(unit: str, per: str) -> str:
    """How a unit and its denominator read together: "USD/kg", "t/yr", "percent", "count"."""
    return f"{unit}/{per}" if per else unit


# How a figure is bounded as written, normalized.
UP_TO, ABOUT, MORE_THAN, AT_LEAST, LESS_THAN = (
    "up to",
    "about",
    "more than",
    "at least",
    "less than",
)


@dataclass(frozen=True, slots=True)
class Figure:
    start: int
    end: int
    text: str
    value: Decimal
    value_max: Decimal | None  # a range keeps both ends ("from 4,300 to 8,900 tonnes")
    unit: str
    per: str = ""  # a rate's or unit price's denominator: "kg", "t", "share", "yr", "day", ...
    counted: str = ""  # unit COUNT: the singular noun counted ("enterprise")
    bound: str = ""  # UP_TO, ABOUT, MORE_THAN, AT_LEAST, LESS_THAN or "" (exact)


@dataclass(frozen=True, slots=True)
class FigureContext:
    measure: str  # what is measured: "share of refining", "loan", "capacity", a counted noun; ""
    period: str  # the year or date the figure is for: "2024", "2025-Q3", "by 2030"; ""
    outlook: str  # FORECAST, TARGET or "" (a stated fact)
    implausible: str  # "" or why the value looks wrong for what it measures


FORECAST, TARGET = "forecast", "target"


# --- numbers --------------------------------------------------------------------------------

# A number that does not continue a word or another number ("Q1", "₁₇", "10.1038/s4..." are
# not figures). Starting with a plain character class lets the regex engine skip to digits fast.
# Thousands may be grouped with commas or (European style) non-breaking or thin spaces.
_NUMBER = re.compile(
    r"[0-9](?<![\w.,][0-9])(?:[0-9]|[,\u00a0\u202f\u2009](?=[0-9]{3}(?![0-9]))|\.(?=[0-9]))*"
)
_NUM = r"[0-9]{1,3}(?:[,\u00a0\u202f\u2009][0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?"
_GROUPING = str.maketrans("", "", ",\u00a0\u202f\u2009")
_ONES = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
_SCALES = {"thousand": 3, "million": 6, "billion": 9, "trillion": 12}
# Fractions read as shares ("two-thirds of", "a quarter of", "half of"): word -> denominator.
FRACTION_WORDS = {
    "half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4,
    "fourth": 4, "fourths": 4, "fifth": 5, "fifths": 5, "tenth": 10, "tenths": 10,
}  # fmt: skip
# Every word a number written in words is made of, with its value (a fraction word: its
# denominator). The matcher finds them in its one pass (``lexicon``) and extraction hands
# their spans to ``parse_figures``, which joins them ("ninety-five", "one hundred and twenty",
# "two-thirds"). Scale words end a number and act as its magnitude.
WORD_NUMBERS = {
    **_ONES, **_TENS, "hundred": 100, "dozen": 12,
    **{word: 10**exponent for word, exponent in _SCALES.items()}, **FRACTION_WORDS,
}  # fmt: skip


def _alternation(words) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


_ONE_TO_NINE = _alternation(w for w, v in _ONES.items() if 1 <= v <= 9)
_SMALL = (
    rf"(?:{_alternation(_TENS)})(?:[\s-](?:{_ONE_TO_NINE}))?(?![\w-])|(?:{_alternation(_ONES)})"
)
# A cardinal in words up to the hundreds: "ninety-five", "one hundred and twenty", "two dozen".
_CARDINAL_WORDS = (
    rf"(?:(?:{_ONE_TO_NINE}|a)[\s-])?hundred(?:[\s-](?:and\s)?(?:{_SMALL}))?"
    rf"|(?:(?:{_ONE_TO_NINE}|a)[\s-])?dozen"
    rf"|(?:{_ONE_TO_NINE})[\s-]hundred(?:[\s-](?:and\s)?(?:{_SMALL}))?"
    rf"|(?:{_ONE_TO_NINE})[\s-]dozen"
    rf"|{_SMALL}"
)
_CARDINAL = re.compile(rf"(?i:{_CARDINAL_WORDS})(?![\w])")


def _trie(words) -> str:
    """An alternation of words as a trie: the engine tries one branch per letter."""
    root: dict = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict) -> str:
        branches = [re.escape(char) + emit(child) for char, child in node.items() if char]
        if not branches:
            return ""
        group = f"(?:{'|'.join(branches)})"
        return f"{group}?" if "" in node else group

    return emit(root)


# Over lowercased text; a match that continues a word ("someone") is dropped in Python, which
# lets the engine scan for the first letters fast (no word boundary in front).
_WORD_SCAN = re.compile(rf"{_trie(WORD_NUMBERS)}(?![a-z])")
_WORD_TOKENS = re.compile(r"[a-z]+")
# "a quarter of", "two-thirds of", "half of"; not "the first half of 2025", "a quarter of a
# century".
_NUMERATOR_BEFORE = re.compile(rf"(?i:(?<![\w-])(a|an|one|{_ONE_TO_NINE})[\s-])\Z")
_FRACTION_AFTER = re.compile(
    r"\s+of\b(?!\s+(?:a\s+century|the\s+(?:year|decade|century|month)|this\s+year|(?:19|20)[0-9]{2}))"
)
_FRACTION_NEXT = re.compile(rf"[\s-](?i:{_alternation(FRACTION_WORDS)})\b")
_ORDINAL_BEFORE = re.compile(r"(?i:\b(?:first|second|third|fourth|final|last|latter|the)\s)\Z")
_A_BEFORE = re.compile(r"(?i:(?<![\w-])(?:a|one)\s)\Z")


def _cardinal_value(phrase: str) -> Decimal:
    total = 0
    for word in _WORD_TOKENS.findall(phrase.lower()):
        if word == "hundred":
            total = (total or 1) * 100
        elif word == "dozen":
            total = (total or 1) * 12
        elif word != "a" and word != "and":
            total += WORD_NUMBERS[word]
    return Decimal(total)


def _word_anchors(
    text: str, spans: list[tuple[int, int]]
) -> list[tuple[int, int, Decimal | None, int]]:
    """Numbers in words as ``(start, end, value, denominator)``: a cardinal has denominator 0,
    a fraction its denominator and ``value`` its numerator; a scale word after "a" ("a million
    tonnes") is the number 1 ending where the magnitude begins."""
    anchors = []
    taken = 0
    for start, end in spans:
        if start < taken:
            continue
        word = text[start:end].lower()
        if word in FRACTION_WORDS:
            numerator = _NUMERATOR_BEFORE.search(text, max(0, start - 7), start)
            if word not in ("half", "halves") and numerator is None:
                continue
            if not _FRACTION_AFTER.match(text, end):
                continue
            if numerator is None and _ORDINAL_BEFORE.search(text, max(0, start - 8), start):
                continue
            top = numerator.group(1).lower() if numerator else "one"
            value = Decimal(1) if top in ("a", "an") else Decimal(WORD_NUMBERS[top])
            begin = numerator.start() if numerator else start
            anchors.append((begin, end, value, FRACTION_WORDS[word]))
            taken = end
            continue
        if word in _SCALES:
            before = _A_BEFORE.search(text, max(0, start - 4), start)
            if before is not None:
                anchors.append((before.start(), start, Decimal(1), 0))
            continue
        found = _CARDINAL.match(text, start)
        if found is None or _FRACTION_NEXT.match(text, found.end()):
            continue  # "three quarters of": the fraction reads it
        begin = start
        if word in ("hundred", "dozen"):
            before = _A_BEFORE.search(text, max(0, start - 4), start)
            if before is None:
                continue
            begin = before.start()
        anchors.append((begin, found.end(), _cardinal_value(found.group()), 0))
        taken = found.end()
    return anchors


_SIGN = r"(?:US\$|U\.S\.\s?\$|A\$|C\$|\$|€|£|¥|(?:USD|EUR|GBP|CNY|RMB|AUD|CAD)\s?)"
# A second number after the first makes a range: "5-7", "$12–$15", "8%–16%", "five to seven",
# "between $2 and $3 billion" (the magnitude after the second number applies to both).
_RANGE_TAIL = (
    rf"(?:(?:\s?%)?(?P<to>\s?[-–—]\s?|\s(?:to|and)\s)(?:{_SIGN})?"
    rf"(?P<n2>{_NUM}(?![0-9,.]?[0-9])|(?i:{_CARDINAL_WORDS})(?![\w-])))?"
)
_MULTIPLIERS = {
    "thousand": 3, "k": 3, "million": 6, "mn": 6, "m": 6, "billion": 9, "bn": 9, "b": 9,
    "trillion": 12, "tn": 12, "trn": 12, "t": 12,
}  # fmt: skip
# Whole words may run into the next word ("$8.6 billionwith" in a real post); letters may not.
_MONEY_MULT = (
    r"(?:(?:\s|-)?(?P<mult>(?i:trillion|billion|million|thousand)|(?i:trn|tn|bn|mn)\b|[kKmMbBT]\b))"
)
_WORD_MULT = r"(?:[\s-]?(?P<wmult>(?i:trillion|billion|million|thousand))(?![a-z]))"

_CURRENCY_SIGNS = {
    "us$": USD, "u.s.$": USD, "$": USD, "usd": USD, "dollars": USD, "dollar": USD,
    "€": EUR, "eur": EUR, "euros": EUR, "euro": EUR,
    "£": GBP, "gbp": GBP, "pounds": GBP, "sterling": GBP,
    "¥": CNY, "cny": CNY, "rmb": CNY, "yuan": CNY, "renminbi": CNY,
    "a$": AUD, "aud": AUD, "c$": CAD, "cad": CAD, "australian": AUD, "canadian": CAD,
}  # fmt: skip
_YEN = re.compile(r"\b(?:Japan|Japanese|yen|JPY)\b")
_CURRENCY_ENDS = frozenset("$€£¥DRPYB")  # the last characters of the signs and codes below
_CURRENCY_BEFORE = re.compile(
    r"(?:US\$|U\.S\.\s?\$|[AC]\$|[$€£¥]|(?<![A-Za-z])(?:USD|EUR|GBP|CNY|RMB|AUD|CAD))\s?\Z"
)
# Lead-ins that bound the figure as written ("up to $10 billion"): kept in its text, normalized
# in ``bound``.
_BOUNDS = {
    "about": ABOUT, "around": ABOUT, "roughly": ABOUT, "approximately": ABOUT, "some": ABOUT,
    "nearly": ABOUT, "almost": ABOUT, "close to": ABOUT, "an estimated": ABOUT,
    "estimated": ABOUT, "circa": ABOUT, "~": ABOUT, "≈": ABOUT,
    "up to": UP_TO, "as much as": UP_TO, "as many as": UP_TO, "at most": UP_TO,
    "no more than": UP_TO, "a maximum of": UP_TO, "≤": UP_TO,
    "more than": MORE_THAN, "over": MORE_THAN, "above": MORE_THAN, "exceeding": MORE_THAN,
    "in excess of": MORE_THAN, "upwards of": MORE_THAN, "upward of": MORE_THAN,
    "well over": MORE_THAN,
    "just over": MORE_THAN, ">": MORE_THAN, "+": MORE_THAN,
    "at least": AT_LEAST, "no less than": AT_LEAST, "a minimum of": AT_LEAST, "≥": AT_LEAST,
    "or more": AT_LEAST,
    "less than": LESS_THAN, "fewer than": LESS_THAN, "under": LESS_THAN, "below": LESS_THAN,
    "just under": LESS_THAN, "<": LESS_THAN,
}  # fmt: skip
_BOUND_WORDS = _alternation(w for w in _BOUNDS if w[0].isalpha() and w != "or more")
_APPROX_BEFORE = re.compile(
    rf"(?:(?<![\w-])(?P<word>(?i:{_BOUND_WORDS}))\s+)?(?P<sign>[~≈≥≤<>])?\s?\Z"
)
_BOUND_SIGNS = "~≈≥≤<>"
# The last word of a one-word lead-in, the last two of a longer one ("much as", "excess of").
_BOUND_ENDS = frozenset(" ".join(phrase.split()[-2:]) for phrase in _BOUNDS) | set(_BOUND_SIGNS)
_BOUND_LAST_WORDS = frozenset(phrase.split()[-1] for phrase in _BOUNDS)
_RANGE_LEAD = re.compile(r"(?<![\w-])(?i:from|between)\s+\Z")
_BOUND_AFTER = re.compile(r"\+|-?plus\b|\s(?:or|and)\s(?:more|above)\b")
# Numbers that label rather than measure: "Section 232", "Article 5", "page 10", "No. 3",
# "March 5", "Phase 2", "top 10".
_LABEL_BEFORE = re.compile(
    r"(?<![\w-])(?i:sections?|articles?|chapters?|titles?|parts?|rules?|clauses?|phases?|stages?"
    r"|tiers?|levels?|forms?|schedules?|annex|paragraphs?|pages?|pp?\.|no\.|nos\.|numbers?|items?"
    r"|figures?|fig\.|tables?|appendix|exhibits?|notes?|footnotes?|volumes?|vol\.|issues?"
    r"|versions?|v\.|units?|blocks?|lots?|rounds?|routes?|highways?|gates?|platforms?|models?"
    r"|series|week|day|quarter|aged?|scope|category|categories|gen|generation|decree|law|order|resolution|circular|top|grade|class|type"
    r"|january|february|march|april|may|june|july|august|september|october|november|december"
    r"|jan\.?|feb\.?|mar\.?|apr\.?|jun\.?|jul\.?|aug\.?|sept?\.?|oct\.?|nov\.?|dec\.?)"
    r"\s?#?\s?\Z"
)

_PER_WORDS = {
    "tonne": "t", "ton": "t", "t": "t", "metric ton": "t", "metric tonne": "t", "mt": "t",
    "kilogram": "kg", "kilo": "kg", "kg": "kg", "pound": "lb", "lb": "lb", "ounce": "oz",
    "oz": "oz", "mwh": "MWh", "kwh": "kWh", "megawatt-hour": "MWh", "megawatt hour": "MWh",
    "share": "share", "unit": "unit", "barrel": "bbl", "bbl": "bbl",
    "year": "yr", "yr": "yr", "annum": "yr", "y": "yr", "month": "month", "day": "day",
    "week": "week", "annually": "yr", "yearly": "yr", "monthly": "month", "daily": "day",
}  # fmt: skip
# "a year earlier" dates a figure, it is no rate.
_PER = re.compile(
    r"(?:\s?/\s?|\s(?:per|a|an|each|every)\s(?!\w+\s+(?i:earlier|ago|before|later|prior)\b))"
    r"(?P<per>(?i:metric\s+tonnes?|metric\s+tons?|tonnes?"
    r"|tons?|kilograms?|kilos?|pounds?|ounces?|megawatt[\s-]hours?|shares?|units?|barrels?"
    r"|year|annum|month|day|week)|kg|lbs?|oz|MWh|kWh|bbl|t|yr|y|Mt)\b"
    r"|\s(?P<adverb>(?i:annually|yearly|monthly|daily))\b"
)
# Dollars the tracker has no unit for: not read as US dollars.
_OTHER_DOLLARS = r"Hong\s+Kong|Singapore|New\s+Zealand|Taiwan|Taiwanese|Jamaican|Namibian"
_UNIT_AFTER = re.compile(
    rf"{_RANGE_TAIL}(?P<plus>\+)?(?:"
    rf"{_WORD_MULT}?[\s-](?:(?P<nation>US|U\.S\.|American|Australian|Canadian|{_OTHER_DOLLARS})\s)?"
    r"(?P<curword>(?i:dollars?|euros?|pounds\s+sterling|pounds(?!\s+of\b)|yuan|renminbi)"
    r"|USD|EUR|GBP|CNY|RMB)\b"
    r"|\s?(?P<pct>%|(?i:percent|per\s+cent|pct)\b)"
    r"|[\s-]?(?P<power>MW|GW|TW|(?i:megawatts?|gigawatts?|terawatts?))\b"
    r"|\s?(?P<ppm>ppm)\b"
    r"|[\s-]?(?:(?P<mass_mult>(?i:million|thousand|billion))[\s-])?"
    r"(?:(?P<rate_unit>ktpa|Mtpa|tpa|tpy|t/yr|t/y|t/a)\b"
    r"|(?P<mass_unit>(?i:metric\s+tonnes?|metric\s+tons?|tonnes?|tons?|kilotonnes?|kilograms?)"
    r"|kt|Mt|kg|t)\b)"
    r")"
)
_COUNT_HEAD_STOPS = "of|in|and|or|to|for|the|a|an|with|from|by|at|on|as|than|per|is|are|was|were"
_COUNT_HEAD = re.compile(
    rf"{_RANGE_TAIL}(?P<plus>\+)?(?:[\s-]?(?P<cmult>(?i:million|billion|thousand))(?![a-z]))?"
    rf"(?!\s(?i:{_COUNT_HEAD_STOPS})\b)(?P<words>(?:\s[A-Za-z][\w’'&.-]*){{1,4}})"
)
_MASS_FACTORS = {
    "t": 1, "tonne": 1, "tonnes": 1, "ton": 1, "tons": 1, "metric ton": 1, "metric tons": 1,
    "metric tonne": 1, "metric tonnes": 1, "kt": 1_000, "kilotonne": 1_000,
    "kilotonnes": 1_000, "mt": 1_000_000, "tpa": 1, "tpy": 1, "t/y": 1, "t/a": 1, "t/yr": 1,
    "ktpa": 1_000, "mtpa": 1_000_000, "kg": Decimal("0.001"), "kilogram": Decimal("0.001"),
    "kilograms": Decimal("0.001"),
}  # fmt: skip
_POWER_UNITS = {
    "mw": MW, "megawatt": MW, "megawatts": MW, "gw": GW, "gigawatt": GW, "gigawatts": GW,
    "tw": TW, "terawatt": TW, "terawatts": TW,
}  # fmt: skip
# Words a count stops at before finding its noun ("30 of the", "5 to 7", "2 is").
_COUNT_STOPS = frozenset(
    "of in and or to for the a an with from by at on as than per is are was were be been has have"
    " had will would could can may might that which who this these those its their his her it"
    " they we he she not no more less most least times bps ago earlier later each every only"
    " also both percent cent".split()
)
# Words ending in "s" that are not plural nouns.
_NOT_PLURAL = frozenset(
    "its his this thus plus less was has does is as us yes whereas across always perhaps"
    " sometimes towards afterwards besides nevertheless series species news ours yours".split()
)
_IRREGULAR_PLURALS = {
    "people": "person", "men": "man", "women": "woman", "children": "child", "staff": "staff",
    "personnel": "personnel", "aircraft": "aircraft", "cattle": "cattle", "police": "police",
}  # fmt: skip
# A noun counted only as part of a two-word name: "17 rare earths", "5 percentage points".
_COMPOUND_HEADS = {"rare": "rare earth", "percentage": "percentage point", "basis": "basis point"}
# Units of measure the tracker keeps no unit for: never counted as things.
_MEASURE_NOUNS = frozenset(
    "gram kilometer kilometre km mile meter metre hectare acre liter litre gallon barrel"
    " foot feet inch degree square cubic ounce pound second minute hour watt kilowatt"
    " kilowatt-hour megawatt-hour".split()
)
_TIME_ADJECTIVE = re.compile(r"\s(?i:year|month|week|day|hour)\b(?!')")
_OLD = re.compile(r"[\s-]old\b")
_YEAR = re.compile(r"(?:19|20)[0-9]{2}")
_SPACES = re.compile(r"\s+")


def _number(text: str) -> Decimal:
    if text[0].isdigit():
        return Decimal(text.translate(_GROUPING))
    return _cardinal_value(text)


def _exponent(word: str | None) -> int:
    return _MULTIPLIERS[word.lower()] if word else 0


def _singular(noun: str) -> str:
    if noun in _IRREGULAR_PLURALS:
        return _IRREGULAR_PLURALS[noun]
    if noun.endswith("ies") and len(noun) > 4:
        return noun[:-3] + "y"
    if noun.endswith(("sses", "xes", "ches", "shes", "zes")):
        return noun[:-2]
    return noun.removesuffix("s")


_PHRASE_WORD = re.compile(r"[A-Za-z][\w’'&.-]*")


def _plural(word: str) -> bool:
    return (
        len(word) > 2
        and word.endswith("s")
        and not word.endswith(("ss", "us", "is"))
        and word not in _NOT_PLURAL
    )


def _counted(text: str, start: int, end: int) -> tuple[str, int] | None:
    """The noun a count counts among the words in ``text[start:end]``, and where it ends: the
    last of the first run of plural nouns ("minerals convenings" counts convenings; "firms
    signed deals" firms), unless a small word ends the phrase before it."""
    previous = ""
    found: tuple[str, int] | None = None
    for match in _PHRASE_WORD.finditer(text, start, end):
        stripped = match.group().rstrip(".’'")
        word = stripped.lower()
        finish = match.start() + len(stripped)
        if word in _IRREGULAR_PLURALS and found is None:
            return _IRREGULAR_PLURALS[word], finish
        if word and word not in _COUNT_STOPS and _plural(word):
            noun = _singular(word.rsplit("-", 1)[-1])
            if sum(char.isupper() for char in stripped) > 1:
                noun = stripped[:-1]  # an acronym keeps its case: "EVs" counts EV
            found = _COMPOUND_HEADS.get(previous, noun), finish
        elif found is not None or not word or word in _COUNT_STOPS:
            break
        if (stripped != match.group() and "." not in stripped) or text.startswith(",", match.end()):
            break  # punctuation ends the phrase
        previous = word
    return found


def _per(text: str, end: int) -> tuple[str, int]:
    found = _PER.match(text, end)
    if found is None:
        return "", end
    word = found.group("per") or found.group("adverb")
    word = _SPACES.sub(" ", word.lower())
    if word not in _PER_WORDS:
        word = word.removesuffix("s")
    return _PER_WORDS.get(word, word), found.end()


def _read(text: str, start: int, end: int):
    """The figure whose number is ``text[start:end]``: ``(begin, finish, exponent, factor, unit,
    per, counted, tail)`` or None when no unit follows it."""
    if start >= 2 and text[start - 1] == "-" and text[start - 2].isalpha():
        return None  # "F-35", "COVID-19", "Mark-2"
    before = text[start - 2 : start] if start >= 2 else text[:start]
    currency = None
    if before and (before[-1] in _CURRENCY_ENDS or before[0] in _CURRENCY_ENDS):
        currency = _CURRENCY_BEFORE.search(text, max(0, start - 6), start)
    if currency is not None:
        tail = _MONEY_TAIL.match(text, end)
        unit = _CURRENCY_SIGNS[_SPACES.sub("", currency.group()).lower()]
        if (
            unit == CNY
            and currency.group()[0] == "¥"
            and _YEN.search(text, max(0, start - 200), end + 200)
        ):
            return None  # "¥" in Japanese news is yen, which the tracker has no unit for
        per, finish = _per(text, tail.end())
        return currency.start(), finish, _exponent(tail.group("mult")), 1, unit, per, "", tail
    # Most numbers that are no figure end a clause or run into a small word ("2025, the", "3 of
    # the"): neither a unit nor a counted noun can follow, so the regexes below need not try.
    following = text[end : end + 1]
    if not following or following in _NO_UNIT_AFTER or _SMALL_WORD_AFTER.match(text, end):
        return None
    tail = _UNIT_AFTER.match(text, end)
    if tail is None:
        return _read_count(text, start, end)
    per, finish = _per(text, tail.end())
    if tail.group("curword"):
        word = tail.group("curword").lower().split()[0]
        nation = (tail.group("nation") or "").lower()
        if nation and nation not in _CURRENCY_SIGNS and nation not in ("us", "u.s.", "american"):
            return None
        unit = (
            _CURRENCY_SIGNS.get(nation, _CURRENCY_SIGNS[word])
            if word.startswith("dollar")
            else _CURRENCY_SIGNS[word]
        )
        return start, finish, _exponent(tail.group("wmult")), 1, unit, per, "", tail
    if tail.group("pct"):
        return start, finish, 0, 1, PERCENT, per, "", tail
    if tail.group("power"):
        return start, finish, 0, 1, _POWER_UNITS[tail.group("power").lower()], per, "", tail
    if tail.group("ppm"):
        return start, finish, 0, 1, PPM, per, "", tail
    mult = tail.group("mass_mult")
    exponent = _exponent(mult)
    if tail.group("rate_unit"):
        unit, per_year = tail.group("rate_unit").lower(), True
    else:
        unit = _SPACES.sub(" ", tail.group("mass_unit").lower())
        if not per and (what := _OF_WHAT.match(text, finish)):
            per = _per(text, what.end())[0]  # "1,000 tonnes of magnets a year"
        per_year = per == "yr"
    if per_year:
        per = ""
    kind = TONNES_PER_YEAR if per_year else TONNES
    return start, finish, exponent, _MASS_FACTORS[unit], kind, per, "", tail


_MONEY_TAIL = re.compile(rf"{_RANGE_TAIL}{_MONEY_MULT}?")
# What no unit, range or counted noun starts with ("to" and "and" may start a range: not here).
_NO_UNIT_AFTER = frozenset(",;:.!?)]\"”’'")
_SMALL_WORD_AFTER = re.compile(
    r"\s(?i:of|on|in|at|for|the|from|by|is|was|were|are|a|an|with|as|or|than)\b"
)
# What a tonnage is of, when a rate follows it: "tonnes of NdPr oxide a year".
_OF_WHAT = re.compile(r"\s+of(?:\s+[\w-]+){1,3}?(?=\s(?:per|a|an|each|every)\s|\s(?i:annually)\b)")


def _read_count(text: str, start: int, end: int):
    if end - start == 4 and _YEAR.fullmatch(text, start, end):
        return None  # "by 2027 projects ...", "2025-2030 targets": dates, not counts
    tail = _COUNT_HEAD.match(text, end)
    if tail is None:
        return None
    found = _counted(text, tail.start("words"), tail.end("words"))
    if found is None:
        return None
    noun, finish = found
    if _LABEL_BEFORE.search(text, max(0, start - 12), start):
        return None  # "Section 232 tariffs", "Article 5 members"
    if not tail.group("cmult") and _number(text[start:end]) < (2 if text[start].isalpha() else 1):
        return None  # "one analyst", "zero emissions", "0 matters": not a count to check
    if noun in _MEASURE_NOUNS:
        return None  # "90 kilometers", "80 grams": a measure in a unit the tracker does not keep
    if _TIME_ADJECTIVE.match(text, tail.start("words")):
        return None  # "a 10 year development timeline"
    if noun == "year" and _OLD.match(text, finish):
        return None  # "80 years old": an age
    per, finish = _per(text, finish)
    return start, finish, _exponent(tail.group("cmult")), 1, COUNT, per, noun, tail


def _number_words(text: str) -> list[tuple[int, int]]:
    lowered, scan = text.lower(), _WORD_SCAN
    if len(lowered) != len(text):  # a few characters lowercase to two; offsets would shift
        lowered, scan = text, re.compile(_WORD_SCAN.pattern.replace("a-z", "a-zA-Z"), re.I)
    return [
        match.span()
        for match in scan.finditer(lowered)
        if not (match.start() and lowered[match.start() - 1].isalnum())
    ]


_ASCII_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _word_start(text: str, start: int, end: int) -> int:
    """Where the run of ASCII letters that ends at ``end`` begins (not before ``start``): read
    backwards, a few characters instead of a regex search tried at every position."""
    letters = _ASCII_LETTERS
    while end > start and text[end - 1] in letters:
        end -= 1
    return end


def _lead(text: str, begin: int) -> tuple[int, str]:
    """Where a figure begins with its lead-in ("up to", "~"), and the bound that lead-in sets."""
    if not begin:
        return begin, ""
    if text[begin - 1] == " ":  # the regex only where the word before can end a lead-in
        if begin < 2 or text[begin - 2] not in _BOUND_SIGNS:
            # The word before the figure, and the one before that ("up to"), as the last
            # words of a lead-in would be.
            window = max(0, begin - 24)
            at = _word_start(text, window, begin - 1)
            last = text[at : begin - 1].lower()
            if last not in _BOUND_LAST_WORDS:
                return begin, ""
            gap = at
            while gap > window and text[gap - 1].isspace():
                gap -= 1
            first = text[_word_start(text, window, gap) : gap] if gap < at else ""
            if last not in _BOUND_ENDS and f"{first.lower()} {last}" not in _BOUND_ENDS:
                return begin, ""
    elif text[begin - 1] not in _BOUND_SIGNS:
        return begin, ""
    lead = _APPROX_BEFORE.search(text, max(0, begin - 20), begin)
    if lead is None or not lead.group().strip():
        return begin, ""
    return lead.start(), _bound(lead.group("word") or lead.group("sign"))


def _bound(word: str | None) -> str:
    return _BOUNDS.get(_SPACES.sub(" ", word.lower()), "") if word else ""


def parse_figures(text: str, number_words: list[tuple[int, int]] | None = None) -> list[Figure]:
    """Every figure in ``text``, in order, none overlapping another.

    ``number_words`` are the spans of the words of ``WORD_NUMBERS`` when the caller has found
    them already (extraction's matcher, in its one pass over the text); without them
    ``parse_figures`` finds them itself (one more pass over the text).
    """
    if number_words is None:
        number_words = _number_words(text)
    anchors: list[tuple[int, int, Decimal | None, int]] = [
        (*match.span(), None, 0) for match in _NUMBER.finditer(text)
    ]
    if number_words:
        anchors = sorted(anchors + _word_anchors(text, number_words), key=lambda a: a[0])
    figures: list[Figure] = []
    taken = 0
    for start, end, number, denominator in anchors:
        if start < taken:
            continue  # inside a figure already read (the second number of a range)
        if denominator:
            share = (number * 100 / denominator).quantize(Decimal("0.000001")).normalize()
            if share == share.to_integral_value():
                share = share.quantize(Decimal(1))
            begin, bound = _lead(text, start)
            figures.append(Figure(begin, end, text[begin:end], share, None, PERCENT, bound=bound))
            taken = end
            continue
        found = _read(text, start, end)
        if found is None:
            continue
        begin, finish, exponent, factor, unit, per, counted, tail = found
        value = number if number is not None else _number(text[start:end])
        value = value.scaleb(exponent) * factor if exponent else value * factor
        top = tail.group("n2")
        value_max = None
        if top:
            if tail.group("to").strip() == "and" and not _RANGE_LEAD.search(
                text, max(0, begin - 9), begin
            ):
                continue  # "5 and 7" is a range only after "between"
            if _YEAR.fullmatch(text, start, end):
                continue  # "2025-2030": years
            value_max = _number(top)
            value_max = value_max.scaleb(exponent) * factor if exponent else value_max * factor
            if value_max <= value:
                continue  # "5-3" is a score or a date, not a range
        begin, bound = _lead(text, begin)
        if not bound and unit not in CURRENCIES and tail.group("plus"):
            bound = MORE_THAN
        after = _BOUND_AFTER.match(text, finish)
        if after is not None and not bound:
            bound = MORE_THAN if "+" in after.group() or "plus" in after.group() else AT_LEAST
            finish = after.end()
        figure = Figure(
            begin, finish, text[begin:finish], value, value_max, unit, per, counted, bound
        )
        # "1,840 GW, or about 1.8 TW": one fact written twice is one figure, quoted whole.
        if figures and (restated := _restates(text, figures[-1], figure)):
            first = figures.pop()
            figure = replace(first, end=restated, text=text[first.start : restated])
            finish = restated
        # "from 4,300 tonnes to 8,900 tonnes", "between 5% and 7%": two figures of one range.
        elif figures and _joins(text, figures[-1], figure):
            first = figures.pop()
            figure = replace(
                figure, start=first.start, text=text[first.start : finish], value=first.value,
                value_max=value, bound=first.bound,
            )  # fmt: skip
        figures.append(figure)
        taken = finish
    return figures


_RANGE_JOIN = re.compile(r"\s?(?:[-–—]|(?P<word>to|and))\s?")


def _joins(text: str, first: Figure, second: Figure) -> bool:
    """Whether two figures side by side are the ends of one range."""
    if (first.unit, first.per, first.counted) != (second.unit, second.per, second.counted):
        return False
    if first.value_max is not None or second.value_max is not None or second.value <= first.value:
        return False
    between = _RANGE_JOIN.fullmatch(text, first.end, second.start)
    if between is None:
        return False
    return not between.group("word") or bool(
        _RANGE_LEAD.search(text, max(0, first.start - 9), first.start)
    )


# What may stand between a figure and the same figure restated: "1,840 GW, or about 1.8 TW",
# "2,000 tonnes (2 kt)", "two-thirds, or 67%", "$1.2 billion, i.e. $1,200 million".
_RESTATE_JOIN = re.compile(r"\s*(?:,\s*(?:or|i\.e\.,?|that is,?)\s+|\s+or\s+|\()\s*")


def _restates(text: str, first: Figure, second: Figure) -> int:
    """Where the pair ends when ``second`` restates ``first`` in other words or another unit
    (the value ``first`` comes to, rounded to as many significant digits as ``second`` is
    written with), else 0. Two different values ("5 GW or 7 GW") stay two figures."""
    if (first.per, first.counted) != (second.per, second.counted):
        return 0
    if first.value_max is not None or second.value_max is not None:
        return 0
    if second.bound not in ("", ABOUT):
        return 0
    between = _RESTATE_JOIN.fullmatch(text, first.end, second.start)
    written = _NUMBER.search(second.text)
    if between is None or written is None:
        return 0
    value, unit = comparable(first.value, first.unit)
    restated, restated_unit = comparable(second.value, second.unit)
    if unit != restated_unit or not restated:
        return 0
    digits = len(_number(written.group()).normalize().as_tuple().digits)
    step = Decimal(1).scaleb(restated.adjusted() - digits + 1)
    if value.quantize(step, ROUND_HALF_UP) != restated.quantize(step, ROUND_HALF_UP):
        return 0
    closes = between.group().strip() == "(" and text.startswith(")", second.end)
    return second.end + 1 if closes else second.end


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
# Each branch but the last starts with a literal, which the regex engine rejects at a glance;
# with a word boundary (\b) in front of them it tried every branch at every position, which made
# this scan a tenth of extraction.
_AND_BREAK = (
    r"(?=\s+(?:a|an|the|its|their|about|around|roughly|nearly|up to|more than|over)\b"
    r"|\s+[~≈$€£¥0-9])"
)
_CLAUSE_BREAK = re.compile(
    r";|—|:\s|,\s+and\b|b(?<!\wb)ut\b|w(?<!\ww)(?:hile|hereas)\b"
    rf"|a(?<!\wa)nd{_AND_BREAK}|\s–\s"
)
ATTRIBUTION_CUES = (
    "says", "said", "say", "claims", "claimed", "claim", "reportedly", "according to",
)  # fmt: skip
_ATTRIBUTION = re.compile(rf"\b(?:{'|'.join(ATTRIBUTION_CUES)})\b", re.IGNORECASE)
# A cue word used as a noun or adjective ("the claims were", "F-35 radar claims", "the said
# company"): a determiner or number before it, or a verb of its own after it.
_NOUN_BEFORE = re.compile(
    r"(?<![\w-])(?i:the|a|an|these|those|such|its|their|his|her|our|my|your|any|some|many|"
    r"several|no|of|for|about|on|with|against|new|false|similar|earlier|recent|bold|these|"
    r"unverified|unsubstantiated|competing|rival|territorial|insurance|patent|legal|his|"
    r"and|or)\s+\Z|[0-9]\s+\Z|[A-Za-z]-[0-9]+\s+\Z"
)
_THE_BEFORE = re.compile(r"(?<![\w-])(?i:the)\s+\Z")
_NOUN_AFTER = re.compile(
    r"\s+(?i:were|are|have|had|has|of|about|against|by|made|process|court|remain|range|"
    r"regarding|surrounding|and|or|need|must|should|could|would)\b"
)
_VERB_AFTER = re.compile(
    r"\s+(?:(?i:that|to|it|its|their|his|her|this|these|a|an|the|he|she|they|we|there|some|"
    r"more|over|up|about|around|nearly)\b|[0-9$€£¥~≈]|[A-Z])"
)
# A subject a reporting verb follows: a pronoun, a name, or a noun that reports.
_SUBJECT_BEFORE = re.compile(
    r"(?:(?<![\w-])(?i:he|she|it|they|we|who|which|that|company|firm|government|ministry"
    r"|report|study|group|official|officials|analyst|analysts|agency|statement|producer|miner"
    r"|maker|bank|paper|author|authors|outlet|media)|(?<![\w-])[A-Z][\w.&’'-]*)\s+\Z"
)
_WORD_AFTER = re.compile(r"\s+[A-Za-z]")
_REPORTED_BEFORE = re.compile(r"[,\"”’]\s*(?:[\w.’'-]+\s+){0,4}\Z")
_ACCORDING_NOT = re.compile(
    r"\s+(?i:to\s+)?(?:the\s+)?(?i:plan|plans|schedule|law|rules?|size|need|needs)\b"
)


def is_attribution_cue(text: str, start: int, end: int) -> bool:
    """Whether the cue at ``text[start:end]`` ("says", "claims", "according to", ...) reports
    what someone states: "the company claims that ..." does; "F-35 radar claims", "the claims
    were" (the noun) and "the said company" do not."""
    cue = text[start:end].lower()
    before = text[max(0, start - 40) : start]
    if cue == "reportedly":
        return True
    if cue == "according to":
        return not _ACCORDING_NOT.match(text, end)
    if cue in ("says", "said"):
        return not _THE_BEFORE.search(before)  # not "the said company"
    if _NOUN_BEFORE.search(before):
        return False
    if _NOUN_AFTER.match(text, end):
        return False
    if _VERB_AFTER.match(text, end):
        return True
    if _SUBJECT_BEFORE.search(before) and _WORD_AFTER.match(text, end):
        return True  # "the firm claims output doubled"
    # At a clause's end ("..., the company claims."): a reporting verb only after a comma or
    # a quotation; otherwise a noun ending a headline ("F-35 radar claims").
    return bool(_REPORTED_BEFORE.search(before))


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


# The writer's own enumerations ("Three gaps stand out.", "Here are five takeaways", a heading
# "Two Risks to Watch"): a count of points the article is about to make, not a checkable fact.
# Only discourse nouns: "Three mines closed." stays a claim.
_ENUMERATION_NOUNS = frozenset(
    "thing point reason question gap lesson takeaway issue factor way step theme trend signal"
    " sign move priority idea fact observation conclusion consideration implication pillar"
    " message scenario option problem challenge risk driver shift caveat concern obstacle"
    " hurdle headwind tailwind lever unknown".split()
)
_ENUMERATION_LEAD = re.compile(r"[\"“‘'(\[]*(?i:(?:here|there)\s+(?:are|were)\s+(?:the\s+)?)?\Z")


def is_enumeration(text: str, figure: Figure, sentence_start: int) -> bool:
    """Whether ``figure`` opens its sentence (or "Here are ...", "There are ...") counting
    discourse nouns: the writer announcing a list, which no editor could verify."""
    return (
        figure.unit == COUNT
        and figure.counted in _ENUMERATION_NOUNS
        and _ENUMERATION_LEAD.match(text, sentence_start, figure.start) is not None
    )


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
    """Whether the sentence reports what someone says ("says", "according to", ...), with a cue
    used as a reporting verb or phrase (``is_attribution_cue``)."""
    return any(
        is_attribution_cue(sentence, *match.span()) for match in _ATTRIBUTION.finditer(sentence)
    )


def sentence_key(sentence: str) -> str:
    """The form two copies of a sentence share despite spacing and case."""
    return _SPACES.sub(" ", sentence).strip().lower()


# --- what a figure measures -----------------------------------------------------------------


def _vocabulary(groups: dict[str, str]) -> dict[str, str]:
    return {word: label for label, words in groups.items() for word in words.split()}


# Stages of the supply chain: what a share is of ("90% of global refining", "refines 90% of"),
# and what a tonnage measures ("produced 5,000 tonnes").
_STAGES = _vocabulary({
    "refining": "refining refine refines refined refinery refineries refiner refiners",
    "processing": "processing process processes processed processor processors",
    "separation": "separation separating separates separated",
    "mining": "mining mine mines mined extraction extracts extracted",
    "production": "production produce produces produced producing output outputs"
    " manufacturing manufacture manufactures manufactured makes make made making",
    "generation": "generation generate generates generated",
    "supply": "supply supplies supplied supplier suppliers controls control controlled",
    "exports": "exports export exported exporting shipments shipped",
    "imports": "imports import imported importing",
    "reserves": "reserves",
    "resources": "resources",
    "demand": "demand consumption consumes consume consumed",
    "market": "market",
    "capacity": "capacity capacities",
})  # fmt: skip
# Products that make a stage their own ("90% of the world's magnets": magnet production).
_PRODUCTS = _vocabulary({"magnet": "magnet magnets", "battery": "battery batteries"})
# What an amount of money (or a percentage other than a share) is.
_MEASURES = _vocabulary({
    "loan": "loan loans lend lends lent lending lender credit",
    "investment": "investment investments invest invests invested investing",
    "financing": "financing finance financed funding funded",
    "fund": "fund funds",
    "grant": "grant grants",
    "subsidy": "subsidy subsidies",
    "equity": "equity",
    "revenue": "revenue revenues sales turnover",
    "profit": "profit profits earnings",
    "valuation": "valuation valued values worth",
    "award": "award awards awarded",
    "price": "price prices priced pricing",
    "cost": "cost costs",
    "capex": "capex",
    "budget": "budget budgets",
    "spending": "spending spend spends spent",
    "deal": "deal deals contract contracts agreement offtake",
    "trade": "trade",
    "stockpile": "stockpile stockpiles stockpiling stockpiled",
    "tariff": "tariff tariffs duty duties levy",
    "tax": "tax taxes",
    "stake": "stake stakes interest",
    "bond": "bond bonds",
    "grade": "grade grades",
    "purity": "purity pure",
    "dilution": "dilution",
    "growth": "growth grew grow grows rose rise rises risen increase increased increases"
    " jumped surged climbed gain gains gained yoy year-on-year year-over-year higher more"
    " greater better faster",
    "decline": "decline declined declines fell fall falls drop dropped drops plunged slumped"
    " reduction reductions cut cuts lower less fewer cheaper",
})  # fmt: skip
# An amount is never a change: "rose to $5 billion" says nothing of what rose.
_AMOUNTS = {word: label for word, label in _MEASURES.items() if label not in ("growth", "decline")}
_STAGES_AND_MEASURES = {**_STAGES, **_AMOUNTS}
_COMPOUNDS = {
    ("private", "capital"): "private capital",
    ("price", "floor"): "price floor",
    ("market", "share"): "share of market",
    ("market", "capitalization"): "valuation",
    ("enterprise", "value"): "valuation",
    ("interest", "rate"): "interest rate",
    ("production", "capacity"): "capacity",
    ("credit", "facility"): "loan",
    ("revolving", "credit"): "loan",
}
# A share of something ("90% control of processing", "a 70% share of cobalt supply").
_SHARE_NOUNS = frozenset("share control dominance grip hold".split())
_CHANGE_WORDS = frozenset(
    "to from by up down rose fell grew increased decreased climbed dropped jumped declined"
    " surged slipped".split()
)
_CHANGE_BEFORE = {"up": "growth", "down": "decline", "by": ""}
# Money that comes in large amounts: a figure with no magnitude for one is a typo.
_LARGE_MONEY = frozenset(
    "loan investment financing fund grant subsidy equity budget spending deal stockpile bond"
    " valuation revenue capex trade".split()
) | {"private capital"}
_FACILITIES = frozenset(
    "plant plants facility facilities refinery refineries mine mines line lines project projects"
    " hub smelter smelters".split()
)
_MASS_PER = frozenset({"kg", "t", "lb", "oz"})
_PHRASE_STOPS = frozenset(
    "and or but by from to with that which who in of for on at as is are was were be been will"
    " would could can may than over under into per since while after before".split()
)
_PREPOSITIONS = frozenset({"of", "in", "for", "on", "worth"})
# Punctuation ends a phrase; a period only after a lowercase word ("U.S." does not).
_PHRASE_END = re.compile(r"[,;:()\[\]!?—]|(?<![A-Z])\.(?:\s|\Z)|\s–\s")
# Up to the last punctuation mark or number before a figure, in one match (greedy, from the
# end back).
_LAST_CUT = re.compile(r"(?s:.*)(?:[,;:()\[\]!?—0-9$€£¥%]|(?<![A-Z])\.(?:\s|\Z)|\s–\s)")
_DETERMINERS = frozenset("the a an its their his her this these those our".split())
_WORD = re.compile(r"[A-Za-z][A-Za-z’'-]*")
# Outlook cues, matched on the clause's lowercased words (one pass, then set lookups).
_FORECAST_WORDS = frozenset(
    "will would could might expect expects expected expecting projected projection projections"
    " forecast forecasts forecasted predict predicts predicted anticipate anticipated likely"
    " could".split()
)
_FORECAST_PAIRS = frozenset(
    {("set", "to"), ("track", "to"), ("poised", "to"), ("estimated", "to"), ("is", "to")}
    | {("are", "to")}
)
_TARGET_WORDS = frozenset(
    "aim aims aimed aiming goal goals target targets targeted targeting planned intend intends"
    " ambition ambitions pledge pledged pledges objective objectives".split()
)
_TARGET_PAIRS = frozenset(
    {("plan", "to"), ("plans", "to"), ("seek", "to"), ("seeks", "to"), ("want", "to")}
    | {("wants", "to"), ("commit", "to"), ("commits", "to"), ("committed", "to")}
)
# Past tense in the clause: "by 2024 it had reached ..." states a fact.
_PAST_WORDS = frozenset(
    "had was were did reached rose fell hit grew totaled totalled exceeded surpassed topped"
    " achieved delivered installed".split()
)
_ASIDE = re.compile(r",\s+(?:according\s+to\b|[^,;]*?\b(?:which|who|whose|that)\s)")
_MAY = re.compile(r"\bmay\b")  # the verb, not the month
# A year, then what comes before it says which part of it and whether "by" it.
_YEAR_IN = re.compile(r"[12](?<![\w.,][12])(?:9|0)[0-9]{2}(?![\w])(?!/[0-9]{3})")
_PERIOD_BEFORE = re.compile(
    r"(?:(?P<by>(?i:by)\s+(?:(?i:the\s+end\s+of|year[\s-]end|end[\s-]of|end)[\s-]?)?"
    r"(?:(?i:fiscal\s+|FY\s?))?)"
    r"|(?P<q>Q[1-4]|H[12])\s?"
    r"|(?P<qword>(?i:first|second|third|fourth))\s+(?P<qkind>(?i:quarter|half))\s+(?i:of\s+)?"
    r"|(?P<month>(?i:january|february|march|april|may|june|july|august|september|october"
    r"|november|december))\s+(?:[0-9]{1,2},?\s+)?"
    r"|(?i:fiscal|FY)\s?)\Z"
)
_MONTHS = (
    "january february march april may june july august september october november december"
).split()
_QUARTERS = {"first": "1", "second": "2", "third": "3", "fourth": "4"}


def describe(
    text: str, figure: Figure, clause_start: int, clause_end: int, *, year: int | None = None
) -> FigureContext:
    """What the figure in ``text[clause_start:clause_end]`` measures, the period it is for,
    whether it is a forecast or a target, and why its value is implausible (if it is).

    ``year``, the year the text was published, tells a past "by 2024" from a future one;
    without it "by <year>" reads as a forecast unless the clause is in the past tense.
    """
    measure = _measure(text, figure, clause_start, clause_end)
    # An aside after the figure has its own tense and dates: ", which forecasts ...", ",
    # according to ...", ", a partnership that will buy ...".
    aside = _ASIDE.search(text, figure.end, clause_end)
    clause_end = aside.start() if aside else clause_end
    period = _period(text, figure, clause_start, clause_end)
    clause = text[clause_start:clause_end]
    words = _WORD.findall(clause.lower())
    present = set(words)
    pairs = set(zip(words, words[1:], strict=False)) if "to" in present else set()
    outlook = ""
    if present & _TARGET_WORDS or pairs & _TARGET_PAIRS:
        outlook = TARGET
    elif present & _FORECAST_WORDS or pairs & _FORECAST_PAIRS:
        outlook = FORECAST
    elif "may" in present and _MAY.search(clause):
        outlook = FORECAST
    elif period.startswith("by ") and not present & _PAST_WORDS:
        if year is None or int(period[3:7]) > year:
            outlook = FORECAST
    before = text[max(clause_start, figure.start - 30) : figure.start]
    return FigureContext(measure, period, outlook, _implausible(figure, measure, before))


def _period(text: str, figure: Figure, start: int, end: int) -> str:
    """The period nearest the figure in its clause ("2024", "2025-Q3", "2025-06"); a period
    the figure is due "by" wins ("by 2030")."""
    best: tuple[int, str] | None = None
    for found in _YEAR_IN.finditer(text, start, end):
        at, label = found.start(), found.group()
        if figure.start <= at < figure.end:
            continue
        lead = _PERIOD_BEFORE.search(text, max(start, at - 32), at)
        if lead is not None:
            at = lead.start()
            if lead.group("by") is not None:
                return f"by {label}"
            if lead.group("q"):
                label = f"{label}-{lead.group('q')}"
            elif lead.group("qword"):
                kind = "Q" if lead.group("qkind").lower() == "quarter" else "H"
                label = f"{label}-{kind}{_QUARTERS[lead.group('qword').lower()]}"
            elif lead.group("month"):
                label = f"{label}-{_MONTHS.index(lead.group('month').lower()) + 1:02d}"
        distance = figure.start - found.end() if found.end() <= figure.start else at - figure.end
        if best is None or distance < best[0]:
            best = (distance, label)
    return best[1] if best else ""


def _tokens(text: str, start: int, end: int) -> list[str]:
    return _WORD.findall(text[start:end].lower().replace("’", "'"))


def _after(text: str, figure: Figure, clause_end: int) -> tuple[str, list[str], list[str]]:
    """The words right after the figure, up to punctuation: its preposition ("of", "in", ...
    or ""), the short noun phrase it introduces, and every word up to the punctuation."""
    end = min(clause_end, figure.end + 100)
    stop = _PHRASE_END.search(text, figure.end, end)
    words = _tokens(text, figure.end, stop.start() if stop else end)
    preposition = ""
    if words and words[0] in _PREPOSITIONS:
        preposition, words = words[0], words[1:]
    phrase: list[str] = []
    for word in words:
        if word in _DETERMINERS and not phrase:
            continue
        if word in _PHRASE_STOPS or word in _DETERMINERS or len(phrase) == 6:
            break
        phrase.append(word)
    return preposition, phrase, words


def _before(text: str, figure: Figure, clause_start: int) -> list[str]:
    """Up to six words before the figure, nearest first, back to punctuation or another number.

    After a change ("revenue rose 42% to A$201 million", "exports fell from 900 to 700
    tonnes") the words go on past the number of the change, which says what changed.
    """
    start = max(clause_start, figure.start - 80)
    last = _LAST_CUT.match(text, start, figure.start)
    cut = last.end() if last else start
    words = _tokens(text, cut, figure.start)[::-1][:6]
    if words[:1] == ["to"] and cut > start and not _PHRASE_END.search(text, start, figure.start):
        words = [w for w in _tokens(text, start, figure.start)[::-1] if w not in _CHANGE_WORDS]
    return words[:6]


def _named(words: list[str], vocabulary: dict[str, str], *, reverse: bool = False) -> str:
    """The measure the first of ``words`` that names one names, two-word names first;
    ``reverse`` when the words run backwards (the nearest before a figure first)."""
    for pair in zip(words, words[1:], strict=False):
        if (pair[::-1] if reverse else pair) in _COMPOUNDS:
            return _COMPOUNDS[pair[::-1] if reverse else pair]
    return next((vocabulary[word] for word in words if word in vocabulary), "")


def _share(of_words: list[str], before: list[str]) -> str:
    """ "share of <stage>" for a percentage of a whole, from the noun phrase after "of" and the
    words before (a verb such as "refines", a noun such as "refining share")."""
    stage = product = ""
    capacity = False
    for word in of_words:
        label = _STAGES.get(word, "")
        capacity = capacity or label == "capacity"
        if label and label != "capacity" and not stage:
            stage = label
        product = product or _PRODUCTS.get(word, "")
    if not stage:
        stage = next((_STAGES[w] for w in before if _STAGES.get(w, "capacity") != "capacity"), "")
    if product and stage in ("", "supply", "market"):
        stage = "production"
    label = " ".join(part for part in (product, stage or ("capacity" if capacity else "")) if part)
    return f"share of {label}" if label else "share"


def _measure(text: str, figure: Figure, clause_start: int, clause_end: int) -> str:
    if figure.unit == COUNT:
        return figure.counted
    preposition, phrase, words = _after(text, figure, clause_end)
    before = _before(text, figure, clause_start)
    if figure.unit == PERCENT:
        return _percent_measure(text, figure, clause_start, (preposition, phrase, words), before)
    if figure.unit in CURRENCIES:
        found = ""
        if preposition in ("", "in", "for", "of"):
            found = _named(phrase, _AMOUNTS)
        found = found or _named(before, _AMOUNTS, reverse=True)
        if figure.per in _MASS_PER and found not in ("price", "cost", "revenue", "price floor"):
            return "price"
        return found
    vocabulary = _STAGES_AND_MEASURES
    if not preposition:
        if figure.unit != PPM and any(word in _FACILITIES for word in phrase[:3]):
            return "capacity"  # "a 5,000 tpa plant"
        if found := _named(phrase, vocabulary):
            return found
    if found := _named(before, vocabulary, reverse=True):
        return found
    if preposition == "of":  # "5 GW of new capacity", not "of separated oxides"
        if found := _named([w for w in phrase if not w.endswith("ed")], vocabulary):
            return found
    return "grade" if figure.unit == PPM else ""


def _percent_measure(
    text: str, figure: Figure, clause_start: int, after: tuple, before: list[str]
) -> str:
    preposition, phrase, words = after
    if preposition == "of":
        return _share(phrase, before)
    if phrase and phrase[0] in _SHARE_NOUNS and words[len(phrase) : len(phrase) + 1] == ["of"]:
        return _share(words[len(phrase) + 1 :][:6], before)  # "a 70% share of cobalt supply"
    if not preposition and phrase:
        head = phrase[:2]
        if found := _named(head, _MEASURES):
            return found  # "a 25% tariff", "99.5% purity", "20% weight reduction"
        if any(word in _STAGES for word in head):
            return _share(head, before)  # "10% domestic supply"
    sign = text[max(0, figure.start - 1) : figure.start]
    if sign == "+" or words[:1] in (["yoy"], ["year-on-year"], ["year-over-year"]):
        return "growth"
    if before:
        if before[0] in _CHANGE_BEFORE and _CHANGE_BEFORE[before[0]]:
            return _CHANGE_BEFORE[before[0]]
        if found := _named(before[:3], _MEASURES, reverse=True):
            return found  # "tariffs of 25%", "rose 5%"
        if "share" in before:  # "its refining share is 90%", "its share of refining is 90%"
            index = before.index("share")
            between = before[:index][::-1]
            if between[:1] == ["of"]:
                return _share(between[1:], [])
            return _share(before[index + 1 :][:2], [])
    # A stage named earlier in the clause: "In refining, China's grip reaches 90%".
    earlier = _tokens(text, clause_start, figure.start)[::-1]
    if any(_STAGES.get(word, "capacity") != "capacity" for word in earlier):
        return _share([], earlier)
    return ""


def _implausible(figure: Figure, measure: str, before: str) -> str:
    """Why an editor should look twice at the value, or ""."""
    if figure.unit in CURRENCIES and not figure.per and figure.value < 1000:
        # "approved $10 in long-term loans": a magnitude dropped; not "revenue per ton ($12)".
        if measure in _LARGE_MONEY and " per " not in before:
            return f"a {measure} of {figure.text.strip()}: missing magnitude?"
    if figure.unit == PERCENT and measure.startswith("share") and figure.value > 100:
        return f"a share of {figure.text.strip()}: more than the whole"
    if figure.unit == COUNT and figure.value != figure.value.to_integral_value():
        return f"a count of {figure.text.strip()}: not a whole number"
    return ""
