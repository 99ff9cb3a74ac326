"""Initiatives' own patterns (regexes for references that do not name them), run only where
they can match.

Scanning every pattern over every article made extraction slower with each pattern an editor
adds (2,000 patterns: four times slower). But every match of a pattern contains its *required
literal*: the longest run of plain characters that each match must contain ("stockpile" of
``\\$\\s?12\\s?(?:billion|bn|B)\\b...\\s+stockpile``, "referential" of ``\\b[Pp]referential...``).
One Aho-Corasick automaton (``pyahocorasick``, compiled) finds all the patterns' literals in one
pass over the lowercased text, and a pattern then runs only over the paragraphs holding its
literal. A pattern matches within a paragraph (references do not run across a blank line); one
without a required literal ("[Pp]ax|[Ss]ilica") runs over every paragraph, as all did before.
"""

import bisect
import re
from re import _constants as sre  # type: ignore[attr-defined]  # the stdlib's own regex parser
from re import _parser as sre_parse  # type: ignore[attr-defined]  # private: no stubs
from typing import NamedTuple

import ahocorasick

PARAGRAPH_BREAK = "\n\n"
_WORD_CHAR = re.compile(r"\w")


class Pattern(NamedTuple):
    initiative_id: int
    regex: re.Pattern[str]
    bounded: bool  # written with a leading \b, checked here (see ``compile_pattern``)


class Found(NamedTuple):
    start: int
    end: int
    initiative_id: int
    text: str


def compile_pattern(initiative_id: int, pattern: str) -> Pattern:
    # A leading \b keeps the regex engine from skipping ahead to the first literal (tens of
    # times slower); ``PatternSet.find`` checks the word boundary itself.
    bounded = pattern.startswith("\\b")
    return Pattern(initiative_id, re.compile(pattern[2:] if bounded else pattern), bounded)


def required_literal(pattern: str) -> str:
    """The longest run of literal characters every match of ``pattern`` contains, lowercased;
    "" when there is none (every part optional, alternatives, classes only)."""
    runs = _required_runs(sre_parse.parse(pattern))
    return max(runs, key=len, default="").lower()


def _required_runs(items) -> list[str]:
    runs: list[str] = []
    current: list[str] = []
    for op, av in items:
        if op is sre.LITERAL:
            current.append(chr(av))
            continue
        if op is sre.AT:
            continue  # zero width (\b, ^): the characters either side still run on
        if current:
            runs.append("".join(current))
            current = []
        if op is sre.SUBPATTERN:
            runs.extend(_required_runs(av[-1]))
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT) and av[0] >= 1:
            runs.extend(_required_runs(av[2]))  # repeated at least once: its literals are required
    if current:
        runs.append("".join(current))
    return runs


class PatternSet:
    """The lexicon's patterns, compiled once; ``find`` may then run over any number of texts."""

    def __init__(self, patterns: list[Pattern] | tuple[Pattern, ...], sources: list[str]) -> None:
        self.patterns = tuple(patterns)
        self.sources = tuple(sources)  # as written: a rebuild reuses what it compiled before
        self._everywhere: list[int] = []  # patterns without a required literal
        literals: dict[str, list[int]] = {}
        for index, source in enumerate(sources):
            literal = required_literal(source)
            if literal:
                literals.setdefault(literal, []).append(index)
            else:
                self._everywhere.append(index)
        self._automaton = ahocorasick.Automaton() if literals else None
        if self._automaton is not None:
            for literal, indexes in literals.items():
                self._automaton.add_word(literal, (len(literal), tuple(indexes)))
            self._automaton.make_automaton()

    def __len__(self) -> int:
        return len(self.patterns)

    def find(self, text: str) -> list[Found]:
        """Every match, pattern by pattern in the order given, each pattern's in text order."""
        if not self.patterns:
            return []
        breaks = [0]
        at = text.find(PARAGRAPH_BREAK)
        while at >= 0:
            breaks.append(at + len(PARAGRAPH_BREAK))
            at = text.find(PARAGRAPH_BREAK, at + len(PARAGRAPH_BREAK))
        every = range(len(breaks))
        where: dict[int, set[int]] = {index: set(every) for index in self._everywhere}
        lowered = text.lower()
        if len(lowered) != len(text):  # a few characters lowercase to two: offsets would shift
            where = {index: set(every) for index in range(len(self.patterns))}
        elif self._automaton is not None:
            for end, (length, indexes) in self._automaton.iter(lowered):
                paragraph = bisect.bisect_right(breaks, end - length + 1) - 1
                for index in indexes:
                    where.setdefault(index, set()).add(paragraph)
        found: list[Found] = []
        for index in sorted(where):
            initiative_id, regex, bounded = self.patterns[index]
            for paragraph in sorted(where[index]):
                start = breaks[paragraph]
                end = breaks[paragraph + 1] if paragraph + 1 < len(breaks) else len(text)
                for match in regex.finditer(text, start, end):
                    at = match.start()
                    if bounded and at and _WORD_CHAR.match(text, at - 1):
                        if _WORD_CHAR.match(text, at):
                            continue
                    found.append(Found(at, match.end(), initiative_id, match.group()))
        return found
