"""Names in an article that no entity or initiative goes by yet: candidates for new entities.

No database: ``discover`` takes a text and the compiled lexicon's matcher (to leave out every
name already known) and returns candidates; ``tracker.suggestions`` records them for editors.

One compiled regular expression finds three shapes of name in a single pass over the text:

- organisations ending in a corporate form or a business word: "Norvik Magnetics Ltd",
  "Lynas Rare Earths", "General Motors", "Iluka Resources", "VACUUMSCHMELZE GmbH & Co. KG";
- state bodies and institutions: "Ministry of Industry and Information Technology", "Japan
  Organization for Metals and Energy Security", "Loan Programs Office", "Fair Trade Commission";
- countries, from ISO 3166 (``pycountry``) with the short names news uses ("South Korea").

Python then looks only at the matches: it drops leading words that merely start a sentence or
describe ("The", "Meanwhile", "Critical" in "Critical Minerals"), names the lexicon knows (also
with their corporate form removed: "MP Materials Corp." is MP Materials), and a country used as
a currency ("Brunei dollar"). Scanning is linear in the text; nothing runs per word in Python.
"""

import re
from dataclasses import dataclass
from functools import cache

import pycountry

from .matching import ENTITY, INITIATIVE, Matcher, alternation, currency_after, normalize

COMPANY, GOVERNMENT_BODY, ORGANIZATION, COUNTRY = (
    "company",
    "government_body",
    "organization",
    "country",
)  # Entity.Kind values
CONTEXT_CHARS = 100

# Legal forms: with one of them a name is a company even if its other words are ordinary ones.
LEGAL_FORMS = (
    "Inc.", "Inc", "Incorporated", "Corp.", "Corp", "Corporation", "Co.", "Company", "Ltd.",
    "Ltd", "Limited", "plc", "PLC", "LLC", "L.L.C.", "LP", "LLP", "AG", "SA", "S.A.", "SE",
    "NV", "N.V.", "BV", "B.V.", "GmbH", "KG", "SpA", "S.p.A.", "AB", "ASA", "Oyj", "Pty",
    "Pty.", "Bhd", "Berhad", "K.K.", "Co., Ltd.", "Co. Ltd", "& Co.", "& Co",
)  # fmt: skip
# Words that end company names without being legal forms.
BUSINESS_WORDS = (
    "Group", "Holdings", "Holding", "Resources", "Mining", "Minerals", "Metals", "Materials",
    "Rare Earths", "Rare Earth", "Motors", "Energy", "Technologies", "Industries", "Capital",
    "Partners", "Ventures", "Chemicals", "Chemical", "Steel", "Electric", "Magnetics",
    "Magnets", "Bank", "Exploration", "Enterprises", "Lithium", "Uranium", "Battery",
    "Batteries", "Automotive", "Aerospace", "Electronics", "Trading", "Investments",
)  # fmt: skip
# A state body or institution: the word, perhaps with words before it and "of/for/on ..." after.
BODY_WORDS = {
    "Ministry": GOVERNMENT_BODY, "Department": GOVERNMENT_BODY, "Agency": GOVERNMENT_BODY,
    "Commission": GOVERNMENT_BODY, "Bureau": GOVERNMENT_BODY, "Administration": GOVERNMENT_BODY,
    "Office": GOVERNMENT_BODY, "Authority": GOVERNMENT_BODY, "Council": GOVERNMENT_BODY,
    "Directorate": GOVERNMENT_BODY, "Secretariat": GOVERNMENT_BODY, "Survey": GOVERNMENT_BODY,
    "Organization": ORGANIZATION, "Organisation": ORGANIZATION, "Institute": ORGANIZATION,
    "Association": ORGANIZATION, "Federation": ORGANIZATION, "University": ORGANIZATION,
    "Foundation": ORGANIZATION, "Society": ORGANIZATION,
}  # fmt: skip
# Titles that follow a body's name and are not part of it ("Ministry of Commerce spokesman").
_ROLES = (
    "Minister", "Ministers", "Secretary", "Spokesman", "Spokeswoman", "Spokesperson", "Chief",
    "Director", "Chairman", "Chairwoman", "Chair", "President", "Head", "Deputy", "Official",
    "Officials", "Commissioner", "Administrator", "Said", "Says",
)  # fmt: skip

# Words that start a sentence, or describe, without naming anything: never the first word of a
# name. (A company with a legal form keeps its descriptive words: "Australian Rare Earths Ltd".)
_FUNCTION_WORDS = set(
    """a an the this that these those its it their our his her my your some any all both each
    every no many most more several few other another such which who whom whose what when where
    while why how if as at by for from in into of on onto to up with without about after before
    between during under over and but or nor so yet also still meanwhile however though although
    because since until unless then there here thus hence last next first second third new
    earlier later today yesterday tomorrow according following including among amid against via
    per mr mrs ms dr sir shares investors analysts officials executives customers critics
    sources reports report data prices price demand supply output exports imports""".split()
)
_DESCRIPTIVE_WORDS = _FUNCTION_WORDS | set(
    """critical rare heavy light strategic clean green renewable nuclear solar wind global world
    worldwide national international regional local domestic foreign western eastern northern
    southern central major key top big large largest small smaller leading top biggest chinese
    american australian canadian japanese korean european african asian indian russian british
    german french brazilian mining minerals metals materials energy junior state private public
    major federal provincial municipal allied several january february march april may june july
    august september october november december monday tuesday wednesday thursday friday saturday
    sunday""".split()
)

# Countries that are also common names or places elsewhere ("Georgia" the state, "Jordan",
# "Chad", "Jersey"): too often not the country to suggest from a bare mention.
_AMBIGUOUS_COUNTRIES = {"Georgia", "Jordan", "Chad", "Jersey", "Niger", "Guernsey", "Man"}
_EXTRA_COUNTRY_NAMES = (
    "South Korea", "North Korea", "Republic of Korea", "Russia", "Vietnam", "Iran", "Syria",
    "Laos", "Taiwan", "Bolivia", "Venezuela", "Tanzania", "Moldova", "Czech Republic", "Turkey",
    "Ivory Coast", "Democratic Republic of Congo", "Republic of Congo", "Burma", "Brunei",
    "Macedonia", "North Macedonia", "Cape Verde", "Swaziland", "East Timor", "Vatican",
    "Palestine", "Kosovo", "Britain", "Great Britain", "Holland",
)  # fmt: skip

_SPACE = r"[ \t\xa0]+"
# A capitalized word: "Norvik", "O'Leary", "U.S.", "3M"-free; a possessive ends it ("Korea's").
_CAP = r"(?:(?:[A-Z]\.){2,}|[A-ZÀ-ÖØ-Þ][\w&-]*(?:['’][A-Za-z]{2,}[\w-]*)?)"
_JOIN = r"(?:and|&|of|de|du|la|von|van|der)"


@dataclass(frozen=True, slots=True)
class Candidate:
    name: str
    key: str  # the name's folded spelling, its corporate form removed
    kind: str  # an Entity.Kind value
    start: int
    end: int

    def context(self, text: str) -> str:
        """The name with up to ``CONTEXT_CHARS`` characters either side, cut at words."""
        start, end = max(0, self.start - CONTEXT_CHARS), self.end + CONTEXT_CHARS
        before, after = text[start : self.start], text[self.end : end]
        if start > 0:
            before = "… " + before.split(" ", 1)[-1]
        if end < len(text):
            after = after.rsplit(" ", 1)[0] + " …"
        return " ".join(f"{before}{text[self.start : self.end]}{after}".split())


def country_names() -> tuple[str, ...]:
    """Country names as news writes them: ISO short names without "X, Republic of" inversions,
    common and official names, and a few short forms ISO lacks."""
    names = set(_EXTRA_COUNTRY_NAMES)
    for country in pycountry.countries:
        for attribute in ("name", "common_name", "official_name"):
            name = getattr(country, attribute, None)
            if name and "," not in name and "(" not in name:
                names.add(name)
    return tuple(sorted(names - _AMBIGUOUS_COUNTRIES))


@cache
def _pattern() -> re.Pattern[str]:
    legal = alternation(LEGAL_FORMS)
    business = alternation(BUSINESS_WORDS)
    tail = rf"(?:{_SPACE}|,{_SPACE})(?:{legal}|{business})(?![\w&])"
    body = alternation(BODY_WORDS)
    roles = "|".join(_ROLES)
    words = rf"(?:{_CAP}{_SPACE}(?:{_JOIN}{_SPACE})?)"
    # "of the Interior", "for Metals and Energy Security": capitalized words, joined by small
    # ones, stopping before a title ("... Commerce Spokesperson").
    # A list in it has its "and": "of Trade, Industry and Energy".
    joined = rf"(?:{_SPACE}(?:(?:and|of|for|on|the|&){_SPACE})?|,{_SPACE}(?={_CAP}{_SPACE}and\b))"
    of_part = (
        rf"(?:{_SPACE}(?:of|for|on){_SPACE}(?:the{_SPACE})?(?!(?:{roles})\b){_CAP}"
        rf"(?:{joined}(?!(?:{roles})\b){_CAP}){{0,6}})"
    )
    organisation = rf"(?P<company>{words}{{1,5}}?(?:{business}|{legal})(?:{tail})*(?![\w&]))"
    state_body = rf"(?P<body>{words}{{0,4}}?(?P<body_word>{body})(?![\w&-]){of_part}?)"
    country = rf"(?P<country>{alternation(country_names())})(?![\w$&-])"
    # A body first: "Ministry of Energy" is a ministry, not a company ending in "Energy".
    return re.compile(rf"(?<![\w.'’&-])(?:{state_body}|{organisation}|{country})")


def discover(text: str, matcher: Matcher) -> list[Candidate]:
    """Candidate new entities in ``text``, in text order, each name once (its first
    occurrence); names the matcher knows as an entity or initiative are left out."""
    found: dict[str, Candidate] = {}
    for match in _pattern().finditer(text):
        kind = COMPANY
        if match.group("country") is not None:
            kind = COUNTRY
        elif match.group("body") is not None:
            kind = BODY_WORDS[match.group("body_word")]
        candidate = _candidate(text, match.start(), match.end(), kind, matcher)
        if candidate is not None and candidate.key not in found:
            found[candidate.key] = candidate
    return list(found.values())


def _candidate(text: str, start: int, end: int, kind: str, matcher: Matcher) -> Candidate | None:
    name = text[start:end]
    if kind == COUNTRY:
        if currency_after(text, end) or matcher.knows(name):
            return None
        return Candidate(name, normalize(name), kind, start, end)
    core = _without_legal_form(name)
    legal = core != name
    # Leading words that only start the sentence or describe are not part of the name; a
    # legal form makes the descriptive ones part of it ("Australian Rare Earths Ltd").
    leading = _FUNCTION_WORDS if legal else _DESCRIPTIVE_WORDS
    words = [word.span() for word in _NONSPACE.finditer(name)]
    dropped = 0
    while dropped < len(words) - 1 and _bare(name, *words[dropped]) in leading:
        dropped += 1
    if dropped:
        start += words[dropped][0]
        name = text[start:end]
        core = _without_legal_form(name)
    if not _distinctive(core, kind, legal):
        return None
    if matcher.knows(core) or matcher.knows(_unthe(core)) or _known_words(core, matcher):
        return None
    return Candidate(" ".join(name.split()), normalize(core), kind, start, end)


def _known_words(name: str, matcher: Matcher) -> bool:
    """Whether known names cover every word of ``name`` ("U.S. Department of Energy" is the
    U.S. and the Department of Energy)."""
    covered = [False] * len(name)
    for hit in matcher.find(name):
        if any(term.kind in (ENTITY, INITIATIVE) for term in hit.terms):
            covered[hit.start : hit.end] = [True] * (hit.end - hit.start)
    return all(covered[w.start()] for w in _NONSPACE.finditer(name))


_NONSPACE = re.compile(r"\S+")


def _bare(text: str, start: int, end: int) -> str:
    return text[start:end].lower().strip(".,")


_LEGAL_TAIL = re.compile(rf"(?:(?:{_SPACE}|,{_SPACE})(?:{alternation(LEGAL_FORMS)}))+$")


def _without_legal_form(name: str) -> str:
    return _LEGAL_TAIL.sub("", name).rstrip(" ,")


def _unthe(name: str) -> str:
    return name[4:] if name.lower().startswith("the ") else name


_BUSINESS_KEYS = {normalize(word) for word in BUSINESS_WORDS}
_DESCRIPTIVE_KEYS = {*_DESCRIPTIVE_WORDS, *_BUSINESS_KEYS}


def _distinctive(core: str, kind: str, legal: bool) -> bool:
    """Whether a name has a word of its own besides the words of its shape: "Iluka Resources"
    does, "Heavy Rare Earths" and "The Department" do not; with a legal form any word but a
    function word counts ("Australian Rare Earths Ltd")."""
    words = [word.lower().strip(".,") for word in core.split()]
    if not words:
        return False
    if kind == COMPANY:
        if legal:
            return any(word not in _FUNCTION_WORDS for word in words)
        return any(word not in _DESCRIPTIVE_KEYS for word in words[:-1])
    # A body: "Ministry of Finance" and "Fair Trade Commission" name one; "Department" alone
    # does not.
    return len(words) > 1 and any(
        word not in _DESCRIPTIVE_KEYS and word.capitalize() not in BODY_WORDS for word in words
    )
