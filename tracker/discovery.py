"""Names in an article that no entity or initiative goes by yet: candidates for new entities.

No database: ``discover`` takes a text and the compiled lexicon's matcher (to leave out every
name already known) and returns candidates; ``tracker.services.suggestions`` records them for
editors.

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
import weakref
from collections.abc import Iterator
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
    "Bank", "Exploration", "Enterprises", "Lithium", "Uranium", "Battery",
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
    per mr mrs ms dr sir unlike like not despite beyond only even just now once instead rather
    perhaps indeed yes shares investors analysts officials executives customers critics
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
    sunday north south east west monthly weekly annual daily earth earths processing
    refining recycling""".split()
)

# Countries that are also common names or places elsewhere ("Georgia" the state, "Jordan",
# "Chad", "Jersey"): too often not the country to suggest from a bare mention.
_AMBIGUOUS_COUNTRIES = {"Georgia", "Jordan", "Chad", "Jersey", "Niger", "Guernsey", "Man"}
_EXTRA_COUNTRY_NAMES = (
    "South Korea", "North Korea", "Republic of Korea", "Russia", "Vietnam", "Iran", "Syria",
    "Laos", "Taiwan", "Bolivia", "Venezuela", "Tanzania", "Moldova", "Czech Republic", "Turkey",
    "Ivory Coast", "Democratic Republic of Congo", "Republic of Congo", "Burma", "Brunei",
    "Macedonia", "North Macedonia", "Cape Verde", "Swaziland", "East Timor", "Vatican",
    "Palestine", "Kosovo", "Britain", "Great Britain", "Holland", "Czechia", "Saudi Arabia",
    "Democratic People's Republic of Korea",
)  # fmt: skip

_SPACE = r"[ \t\xa0]+"
# A capitalized word: "Norvik", "O'Leary", "U.S.", "3M"-free; a possessive ends it ("Korea's").
_CAP = r"(?:(?:[A-Z]\.){2,}|[A-ZÀ-ÖØ-Þ][\w&-]*(?:['’][A-Za-z]{2,}[\w-]*)?)"
_JOIN = r"(?:and|&|of|de|du|la|von|van|der)"
# In a company's name "and" mostly joins two names ("the Pentagon and General Motors Co."); "&"
# is part of one ("Procter & Gamble").
_COMPANY_JOIN = r"(?:&|of|de|du|la|von|van|der)"


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
    """Country names as news writes them: ISO short and common names without "X, Republic of"
    inversions, and a few forms ISO lacks ("South Korea", "Republic of Korea"). ISO's official
    names ("Republic of India") are rare in news, and each costs scanning time."""
    names = set(_EXTRA_COUNTRY_NAMES)
    for country in pycountry.countries:
        for attribute in ("name", "common_name"):
            name = getattr(country, attribute, None)
            if name and "," not in name and "(" not in name:
                names.add(name)
    return tuple(sorted(names - _AMBIGUOUS_COUNTRIES))


# Runs of two or more capitalized words, with the small words and commas names have inside.
# Each name of two words or more is inside one, and the name pattern runs only over the runs
# that hold one of its words (a corporate form, a business or state-body word, a country's
# name); a country named in one word is found by a scan of its own. Starting with a plain
# ASCII class (or with a trie's first letters) lets the regex engine skip to capitals in C:
# this cuts the scan to about a third of running the name pattern, which starts with
# look-arounds, at every position of the text.
_RUNS = re.compile(
    r"[A-Z](?<![\w.&'’-].)[\w&.’'-]*"
    r"(?:(?:,?[ \t\xa0]+(?:(?:and|of|for|on|the|de|du|la|von|van|der|&)[ \t\xa0]+)*)"
    r"[A-Z][\w&.’'-]*){1,12}"
)
_TOKENS = re.compile(r"\w\w+")  # one letter ("s" of "China's") would trigger too often


def _tokens(text: str) -> list[str]:
    return _TOKENS.findall(text.lower().replace(".", ""))  # "S.A." is "sa", "U.S." is "us"


def _triggers(matcher: Matcher) -> frozenset[str]:
    """The last word of each shape word ("earths" of "Rare Earths", "ltd") and of each country
    name the matcher does not know: a run without one of them holds no candidate."""
    triggers = _triggers_by_matcher.get(matcher)
    if triggers is None:
        words = [*LEGAL_FORMS, *BUSINESS_WORDS, *BODY_WORDS]
        words += [name for name in country_names() if not matcher.knows(name)]
        triggers = frozenset(_tokens(word)[-1] for word in words if _tokens(word))
        _triggers_by_matcher[matcher] = triggers
    return triggers


_triggers_by_matcher: "weakref.WeakKeyDictionary[Matcher, frozenset[str]]" = (
    weakref.WeakKeyDictionary()
)


@cache
def _pattern() -> re.Pattern[str]:
    legal = alternation(LEGAL_FORMS)
    business = alternation(BUSINESS_WORDS)
    tail = rf"(?:{_SPACE}|,{_SPACE})(?:{legal}|{business})(?![\w&])"
    body = alternation(BODY_WORDS)
    roles = "|".join(_ROLES)
    words = rf"(?:{_CAP}{_SPACE}(?:{_JOIN}{_SPACE})?)"
    company_words = rf"(?:{_CAP}{_SPACE}(?:{_COMPANY_JOIN}{_SPACE})?)"
    # "of the Interior", "for Metals and Energy Security": capitalized words, joined by small
    # ones, stopping before a title ("... Commerce Spokesperson").
    # A list in it has its "and": "of Trade, Industry and Energy".
    joined = rf"(?:{_SPACE}(?:(?:and|of|for|on|the|&){_SPACE})?|,{_SPACE}(?={_CAP}{_SPACE}and\b))"
    of_part = (
        rf"(?:{_SPACE}(?:of|for|on){_SPACE}(?:the{_SPACE})?(?!(?:{roles})\b){_CAP}"
        rf"(?:{joined}(?!(?:{roles})\b){_CAP}){{0,6}})"
    )
    organisation = (
        rf"(?P<company>{company_words}{{1,5}}?(?:{business}|{legal})(?:{tail})*(?![\w&]))"
    )
    state_body = rf"(?P<body>{words}{{0,4}}?(?P<body_word>{body})(?![\w&-]){of_part}?)"
    country = rf"(?P<country>{alternation(country_names())})(?![\w$&-])"
    # A body first: "Ministry of Energy" is a ministry, not a company ending in "Energy".
    # Starting with the class of a capital lets the engine skip other characters fast (about
    # twice as fast as starting with the look-behind).
    return re.compile(rf"(?=[A-ZÀ-Þ])(?<![\w.'’&-])(?:{state_body}|{organisation}|{country})")


def discover(text: str, matcher: Matcher) -> list[Candidate]:
    """Candidate new entities in ``text``, in text order, each name once (its first
    occurrence); names the matcher knows as an entity or initiative are left out."""
    found: dict[str, Candidate] = {}
    verdicts = _verdicts.setdefault(matcher, {})
    if len(verdicts) > _MAX_VERDICTS:
        verdicts.clear()
    for start, end, kind in _matches(text, matcher):
        # The same spellings recur from article to article: judge each once.
        seen = (text[start:end], kind)
        verdict = verdicts.get(seen, _UNJUDGED)
        if verdict is _UNJUDGED:
            verdict = verdicts[seen] = _judge(seen[0], kind, matcher)
        if verdict is None or verdict[2] in found:
            continue
        shift, name, key = verdict
        if kind == COUNTRY and currency_after(text, end):
            continue
        if _inside_known_name(text, start + shift, end, matcher):
            continue
        found[key] = Candidate(name, key, kind, start + shift, end)
    return list(found.values())


def _matches(text: str, matcher: Matcher) -> Iterator[tuple[int, int, str]]:
    """(start, end, kind) of every name of a candidate's shape, in no particular order."""
    finditer, triggers = _pattern().finditer, _triggers(matcher)
    # Runs recur ("MP Materials", "Project Vault"): what each holds is worked out once.
    runs = _runs_by_matcher.setdefault(matcher, {})
    if len(runs) > _MAX_VERDICTS:
        runs.clear()
    for run in _RUNS.finditer(text):
        offset, words = run.start(), run.group()
        inside = runs.get(words)
        if inside is None:
            inside = runs[words] = tuple(
                (match.start() - offset, match.end() - offset, _kind(match))
                for match in (
                    () if triggers.isdisjoint(_tokens(words)) else finditer(text, *run.span())
                )
            )
        for start, end, kind in inside:
            yield offset + start, offset + end, kind
    for match in _countries(matcher).finditer(text):
        start = match.start()
        if start == 0 or not _GLUED.match(text, start - 1):
            yield start, match.end(), COUNTRY


def _kind(match: re.Match[str]) -> str:
    if match.group("country") is not None:
        return COUNTRY
    if match.group("body") is not None:
        return BODY_WORDS[match.group("body_word")]
    return COMPANY


_runs_by_matcher: "weakref.WeakKeyDictionary[Matcher, dict]" = weakref.WeakKeyDictionary()
_GLUED = re.compile(r"[\w.'’&-]")


def _countries(matcher: Matcher) -> re.Pattern[str]:
    """The countries the matcher does not know, as one trie (case as written)."""
    pattern = _countries_by_matcher.get(matcher)
    if pattern is None:
        names = [name for name in country_names() if not matcher.knows(name)]
        pattern = re.compile(rf"(?:{alternation(names)})(?![\w$&-])") if names else _NOTHING
        _countries_by_matcher[matcher] = pattern
    return pattern


_NOTHING = re.compile(r"(?!)")
_countries_by_matcher: "weakref.WeakKeyDictionary[Matcher, re.Pattern[str]]" = (
    weakref.WeakKeyDictionary()
)


# Per matcher (so per lexicon version): a matched spelling and kind -> (characters dropped
# from its start, name, key), or None when it is no candidate.
_verdicts: "weakref.WeakKeyDictionary[Matcher, dict]" = weakref.WeakKeyDictionary()
_UNJUDGED = object()
_MAX_VERDICTS = 100_000


def _judge(found: str, kind: str, matcher: Matcher) -> tuple[int, str, str] | None:
    if kind == COUNTRY:
        return None if matcher.knows(found) else (0, found, normalize(found))
    name, shift = found, 0
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
        shift = words[dropped][0]
        name = name[shift:]
        core = _without_legal_form(name)
    if any(matcher.knows(form) for form in (name, core, _unthe(core))):
        return None
    if not _distinctive(core, kind, legal, _known_words(core, matcher)):
        return None
    return shift, " ".join(name.split()), normalize(core)


def _known_words(name: str, matcher: Matcher) -> set[int]:
    """The indexes of the words of ``name`` that known names cover ("U.S. Critical Minerals":
    the first; "U.S. Department of Energy": all four)."""
    covered = [False] * len(name)
    for hit in matcher.find(name):
        if any(term.kind in (ENTITY, INITIATIVE) for term in hit.terms):
            covered[hit.start : hit.end] = [True] * (hit.end - hit.start)
    return {n for n, word in enumerate(_NONSPACE.finditer(name)) if covered[word.start()]}


def _inside_known_name(text: str, start: int, end: int, matcher: Matcher) -> bool:
    """Whether a known name runs on past the candidate ("Resource Capital" of "Resource
    Capital Funds")."""
    for hit in matcher.find(text[start : end + 80]):
        if hit.start >= end - start:
            break
        if hit.end > end - start and any(t.kind in (ENTITY, INITIATIVE) for t in hit.terms):
            return True
    return False


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
# Words that make no company of a business word ("Venture Capital", "Trade Group") but do
# name a ministry ("Ministry of Trade", "Ministry of Finance").
_GENERIC_KEYS = _DESCRIPTIVE_KEYS | set(
    """venture equity investment investments finance financial trade industry industrial
    technology business commercial""".split()
)


def _distinctive(core: str, kind: str, legal: bool, known: set[int]) -> bool:
    """Whether a name has a word of its own besides the words of its shape and the known names
    in it: "Iluka Resources" does; "Heavy Rare Earths", "U.S. Critical Minerals" and "The
    Department" do not. With a legal form any other word counts ("Australian Rare Earths
    Ltd")."""
    words = [word.lower().strip(".,") for word in core.split()]
    if not words or len(known) == len(words):
        return False
    own = [word for n, word in enumerate(words) if n not in known]
    if kind == COMPANY:
        if legal:
            return any(word not in _FUNCTION_WORDS for word in own)
        last = len(words) - 1  # the business word ("Resources")
        return any(
            word not in _GENERIC_KEYS for n, word in enumerate(words[:last]) if n not in known
        )
    # A body: "Ministry of Finance" and "Fair Trade Commission" name one; "Department" alone
    # does not.
    return len(words) > 1 and any(
        word not in _DESCRIPTIVE_KEYS and word.capitalize() not in BODY_WORDS for word in own
    )
