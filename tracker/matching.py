"""Find many names in a text in one pass: entity and initiative aliases, topic keywords.

Every surface form is folded into one character trie, emitted as a single regular expression
compiled case-insensitively, so the scan over an article runs inside the regex engine; Python
only looks at the few places where a form matched. There it applies the case rules:

- a word written in capitals in the form ("FORGE", "CHIPS", "US", "IT") must appear exactly so,
  which keeps acronyms from matching ordinary words ("forge", "chips", "us", "it");
- a word in mixed case with a run of lowercase letters ("REAlloys", "AltynGroup") is a brand,
  which writers capitalize as they please: it must start with a capital, its other letters may
  be in any case ("REalloys", "ReAlloys"); short mixed forms ("DoD", "NdPr", "MoU") are
  acronyms and symbols, matched exactly;
- a capitalized word ("Vault", "China") must start with a capital, so "the national" is not
  "The National" but a headline in capitals still matches;
- a lowercase word (topic keywords such as "price floor") matches in any case;
- a form marked ``exact`` must match character for character, case included.

A name directly followed by a currency word ("U.S. dollars", "Hong Kong dollar") or glued to a
currency sign ("US$") names the currency, not the country: it is not a hit for an entity.

Forms match whole words only, and the separators inside them are loose: any run of whitespace
or dash for a space or a hyphen ("price-floor" is "price floor"), either apostrophe for an
apostrophe.
"""

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

ENTITY, INITIATIVE, KEYWORD = "entity", "initiative", "keyword"
NUMBER, CUE = "number", "cue"  # numbers written as words; words that attribute a statement

_APOSTROPHES = "'’‘"
_FOLD = str.maketrans(dict.fromkeys(_APOSTROPHES, "'"))
_SEPARATORS = re.compile(r"[\s‐‑‒–—-]+")
_WORDS = re.compile(r"\w+")
_ATOMS = {" ": r"[\s‐‑‒–—-]+", "'": f"[{_APOSTROPHES}]"}

# A name followed by one of these names a currency ("U.S. dollars", "Canada dollar"). Words that
# are also common English ("won", "real", "mark") are left out: "the US won" is about the US.
CURRENCY_WORDS = (
    "dollar", "dollars", "cent", "cents", "yuan", "renminbi", "euro", "euros", "yen", "pound",
    "pounds", "sterling", "rupee", "rupees", "peso", "pesos", "franc", "francs", "ruble", "rubles",
    "rouble", "roubles", "rand", "ringgit", "rupiah", "dirham", "dirhams", "riyal", "riyals",
    "krone", "kroner", "krona", "kronor", "zloty", "lira", "baht", "tenge", "shilling",
    "shillings", "kwacha", "naira", "cedi", "rial", "dinar", "dinars", "hryvnia", "forint",
    "koruna", "leu", "lev", "sol", "soles", "bolivar", "bolivares", "guarani",
)  # fmt: skip
_CURRENCY_AFTER = re.compile(r"[\s‐‑‒–—-]+(?:" + "|".join(CURRENCY_WORDS) + r")\b", re.IGNORECASE)

_BRAND = re.compile(r"[a-z]{3}")

_MAX_VERDICTS = 100_000  # distinct spellings remembered before starting over

# Case modes of one word of a form.
_ANY, _INITIAL, _EXACT = 0, 1, 2


def normalize(text: str) -> str:
    """The key two spellings share when they differ only in case and separators."""
    return _fold(text).lower()


def _fold(text: str) -> str:
    return _SEPARATORS.sub(" ", text.translate(_FOLD)).strip()


@dataclass(frozen=True, slots=True)
class Term:
    """One surface form to look for, and what it stands for."""

    text: str
    kind: str  # ENTITY, INITIATIVE, KEYWORD, NUMBER or CUE
    target: int  # the entity's, initiative's or topic's primary key; a NUMBER's value
    exact: bool = False


class Hit(NamedTuple):  # a tuple: made for every name in every article
    start: int
    end: int
    text: str
    terms: tuple[Term, ...]


def _word_mode(word: str) -> int:
    if len(word) > 1 and word.isupper():
        return _EXACT  # an acronym: "US" is not "us", "IT" not "it"
    if word[1:] != word[1:].lower():
        # A brand in mixed case ("REAlloys", "AltynGroup"): writers vary its inner capitals
        # ("REalloys"), so only its initial capital is kept. Short mixed forms ("DoD", "NdPr",
        # "MoU") are acronyms and symbols, and "iPhone"-like ones are written one way: exact.
        if word[0].isupper() and _BRAND.search(word):
            return _INITIAL
        return _EXACT
    if word[0].isupper():
        return _INITIAL
    return _ANY


@dataclass(frozen=True, slots=True)
class _CaseRule:
    term: Term
    words: tuple[str, ...]
    modes: tuple[int, ...]
    any_case: bool

    def accepts(self, found: str) -> bool:
        if self.any_case:
            return True
        if self.term.exact:
            return _fold(found) == _fold(self.term.text)
        words = _WORDS.findall(found)
        if len(words) != len(self.words):
            return False
        for word, wanted, mode in zip(words, self.words, self.modes, strict=True):
            if mode == _EXACT and word != wanted:
                return False
            if mode == _INITIAL and not word[0].isupper():
                return False
        return True


class Matcher:
    """Compiled once for a set of terms; ``find`` may then run over any number of texts.

    Built with ``previous`` (the matcher the same process built before an edit), it compiles
    only what changed: the forms ``previous`` was not compiled for go into a small second
    regex, scanned beside the first; forms that are gone are still found by the first regex
    and then rejected, a shorter form at the same place tried instead. ``find`` gives exactly
    what a matcher built from scratch gives. Once the changes outgrow ``MAX_OVERLAY`` forms
    (or a tenth of the compiled ones) everything is compiled afresh.
    """

    MAX_OVERLAY, OVERLAY_SHARE = 2_000, 0.1  # changed forms kept beside the compiled ones

    def __init__(self, terms: Iterable[Term], previous: "Matcher | None" = None) -> None:
        rules: dict[str, list[_CaseRule]] = {}
        # Each term's key and case rule, kept for the next build: most terms come back unchanged.
        self._by_term: dict[Term, tuple[str, _CaseRule]] = {}
        known = previous._by_term if previous is not None else {}
        for term in terms:
            if (seen := known.get(term)) is not None:
                key, rule = seen
            else:
                key = normalize(term.text)
                if not _WORDS.search(key):
                    continue
                words = tuple(_WORDS.findall(term.text))
                modes = tuple(_word_mode(word) for word in words)
                any_case = not term.exact and all(mode == _ANY for mode in modes)
                rule = _CaseRule(term, words, modes, any_case)
            self._by_term[term] = key, rule
            rules.setdefault(key, []).append(rule)
        self._rules = {key: tuple(found) for key, found in rules.items()}
        # Compiled over the lowercased keys and run over lowercased text: an order of magnitude
        # faster than IGNORECASE in the regex engine. The case rules then look at the original.
        self._base_keys: frozenset[str]
        self._pattern: re.Pattern[str] | None
        base = previous._base_keys if previous is not None else frozenset()
        added = [key for key in self._rules if key not in base] if base else []
        limit = min(self.MAX_OVERLAY, int(len(base) * self.OVERLAY_SHARE))
        if previous is not None and base and len(added) <= limit:
            self._base_keys = base
            self._pattern = previous._pattern
            self._overlay = _compile(dict.fromkeys(added)) if added else None
            self._removed = not self._base_keys <= self._rules.keys()
            self.compiled_afresh = False
        else:
            self._base_keys = frozenset(self._rules)
            self._pattern = _compile(self._rules) if self._rules else None
            self._overlay, self._removed = None, False
            self.compiled_afresh = True  # not only the changes since ``previous``
        self._pattern_ci: re.Pattern[str] | None = None
        self._overlay_ci: re.Pattern[str] | None = None
        # The case rules' verdict per matched key and spelling: names recur across articles.
        # With it, whether an entity is among the terms: only then may a currency follow.
        self._verdicts: dict[tuple[str, str], tuple[tuple[Term, ...], bool]] = {}
        # The first word of every form, and per matched form where a longer one may start.
        # (A form matches at a word only if its first run of word characters is that word.)
        self._first_words = {found.group() for key in self._rules if (found := _WORDS.match(key))}
        self._inner_starts: dict[str, tuple[int, ...]] = {}

    def __len__(self) -> int:
        return len(self._rules)

    def knows(self, name: str) -> bool:
        """Whether ``name``, whole and in any case, is a form of an entity or an initiative."""
        rules = self._rules.get(normalize(name), ())
        return any(rule.term.kind in (ENTITY, INITIATIVE) for rule in rules)

    def find(self, text: str) -> list[Hit]:
        """Non-overlapping hits in text order; of two overlapping forms the longer wins."""
        if self._pattern is None:
            return []
        lowered = text.lower()
        pattern, overlay = self._pattern, self._overlay
        if len(lowered) != len(text):  # a few characters lowercase to two; offsets would shift
            if self._pattern_ci is None:
                self._pattern_ci = re.compile(self._pattern.pattern, re.IGNORECASE)
            if overlay is not None and self._overlay_ci is None:
                self._overlay_ci = re.compile(overlay.pattern, re.IGNORECASE)
            lowered, pattern, overlay = text, self._pattern_ci, self._overlay_ci
        if overlay is None and not self._removed:
            search, match = pattern.search, pattern.match
        else:  # built from changes: two regexes and forms that are gone (see the class)
            search, match = _Combined(pattern, overlay, self._rules).pair()
        verdicts = self._verdicts
        if len(verdicts) > _MAX_VERDICTS:
            verdicts.clear()
        hits: list[Hit] = []
        position = 0
        while found := search(lowered, position):
            start, end = found.span()
            key = found.group()
            if not key.isalnum():
                # Leftmost-first would take "The National" out of "The National Energy
                # Administration": a longer form starting at a later word of this one wins.
                # Only words that start some form are tried (worked out once per form).
                inner_starts = self._inner_starts.get(key)
                if inner_starts is None:
                    inner_starts = self._inner_starts[key] = self._starts_of_forms(key)
                for offset in inner_starts:
                    at = start + offset
                    if not (longer := match(lowered, at)):
                        continue
                    if longer.end() - at > end - start:
                        start, end, key = at, longer.end(), longer.group()
                        break
            original = text[start:end]
            verdict = verdicts.get((key, original))
            if verdict is None:
                terms = self._accepted(key, original)
                verdict = verdicts[key, original] = (terms, any(t.kind == ENTITY for t in terms))
            terms, names_entity = verdict
            if names_entity and currency_after(text, end):
                terms = tuple(term for term in terms if term.kind != ENTITY)
            if terms:
                hits.append(Hit(start, end, original, terms))
                position = end
            else:
                position = start + 1
        return hits

    def _starts_of_forms(self, key: str) -> tuple[int, ...]:
        """Offsets of the words after the first in ``key`` that a form starts with."""
        return tuple(
            inner.start()
            for inner in _WORDS.finditer(key, 1)
            if not key[inner.start() - 1].isalnum()
            and inner.group().lower() in self._first_words  # in any case: see ``find``
        )

    def _accepted(self, key: str, original: str) -> tuple[Term, ...]:
        candidates = self._rules.get(key) or self._rules.get(normalize(key), ())
        # A name repeated as an alias is one hit for its target, not two.
        accepted = {(r.term.kind, r.term.target): r.term for r in candidates if r.accepts(original)}
        return tuple(accepted.values())


class _Span(NamedTuple):  # what ``find`` reads of a match: its span and its text
    start: int
    stop: int
    text: str

    def span(self) -> tuple[int, int]:
        return self.start, self.stop

    def end(self) -> int:
        return self.stop

    def group(self) -> str:
        return self.text


_WORD_OR_DOLLAR = re.compile(r"[\w$]")


class _Combined:
    """The scan of a matcher built from changes, as one regex over all current forms would do
    it: the leftmost match of either regex, the longer of two at one place; a form no longer
    among the rules gives way to the longest shorter form at its place."""

    def __init__(
        self, base: re.Pattern[str], overlay: re.Pattern[str] | None, rules: Mapping[str, object]
    ) -> None:
        self._base, self._overlay, self._rules = base, overlay, rules
        # The overlay's next match: ``find`` searches from ever later positions in one text,
        # so one overlay match serves every search up to its start (no rescans to the end).
        self._ahead: re.Match[str] | None = None
        self._ahead_from = -1

    def pair(self):
        return self.search, self.match

    def search(self, text: str, position: int) -> _Span | None:
        found = self._base_search(text, position)
        if self._overlay is not None and (more := self._overlay_search(text, position)):
            if found is None or (more.start(), -more.end()) < (found.start, -found.stop):
                found = _Span(more.start(), more.end(), more.group())
        return found

    def _overlay_search(self, text: str, position: int) -> re.Match[str] | None:
        assert self._overlay is not None
        ahead = self._ahead
        if (
            self._ahead_from < 0
            or position < self._ahead_from
            or (ahead and ahead.start() < position)
        ):
            ahead = self._ahead = self._overlay.search(text, position)
            self._ahead_from = position
        return ahead

    def match(self, text: str, at: int) -> _Span | None:
        found = self._base_match(text, at, len(text))
        if self._overlay is not None and (more := self._overlay.match(text, at)):
            if found is None or more.end() > found.stop:
                found = _Span(at, more.end(), more.group())
        return found

    def _base_search(self, text: str, position: int) -> _Span | None:
        rules = self._rules
        while found := self._base.search(text, position):
            start, end, key = found.start(), found.end(), found.group()
            if key in rules or normalize(key) in rules:
                return _Span(start, end, key)
            if span := self._base_match(text, start, end - 1):
                return span
            position = start + 1
        return None

    def _base_match(self, text: str, at: int, endpos: int) -> _Span | None:
        # Cut short of a gone form, the regex finds the longest form that ends earlier; the
        # cut hides what follows, so the word boundary after it is checked here.
        while endpos > at and (found := self._base.match(text, at, endpos)):
            end, key = found.end(), found.group()
            if end < len(text) and _WORD_OR_DOLLAR.match(text, end):
                endpos = end - 1
            elif key in self._rules or normalize(key) in self._rules:
                return _Span(at, end, key)
            else:
                endpos = end - 1
        return None


def currency_after(text: str, end: int) -> bool:
    """Whether a currency word follows position ``end`` ("U.S.| dollars")."""
    return _CURRENCY_AFTER.match(text, end) is not None


class KeywordCounter:
    """Counts lowercase keywords (matched in any case, whole words) without visiting each hit in
    Python: topic keywords are the most frequent matches by far and only their counts matter."""

    def __init__(self, keywords: Iterable[str]) -> None:
        keys = {normalize(keyword): None for keyword in keywords if _WORDS.search(keyword)}
        self._pattern = _compile(keys) if keys else None

    def count(self, text: str) -> Counter[str]:
        if self._pattern is None:
            return Counter()
        found = self._pattern.findall(text.lower())
        return Counter(key if key.isalnum() else normalize(key) for key in found)


def _atoms(key: str) -> list[str]:
    return [_ATOMS.get(char) or re.escape(char) for char in key]


def alternation(forms: Iterable[str]) -> str:
    """A regex (no groups, case as written) matching any of ``forms``, longest first, with the
    loose separators of names: the engine walks a trie instead of trying forms one by one."""
    trie: dict = {}
    for form in forms:
        node = trie
        for atom in _atoms(form):
            node = node.setdefault(atom, {})
        node[""] = {}
    return _emit(trie)


def _compile(rules: Mapping[str, object]) -> re.Pattern[str]:
    # Not preceded by a word character, not followed by one nor by "$" ("US$1.8bn" is a currency).
    return re.compile(rf"(?<!\w)(?:{alternation(rules)})(?![\w$])")


def _emit(node: dict) -> str:
    """The trie as a regex; at each branch longer continuations are tried before stopping."""
    ends_here = "" in node
    branches = [atom + _emit(child) for atom, child in node.items() if atom]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if ends_here:
        return f"(?:{body})?"
    return body
