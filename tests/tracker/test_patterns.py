"""Initiatives' patterns run only where their required literal occurs (tracker/patterns.py), and
find what scanning the whole text with each pattern found."""

import re

import pytest

from tracker.patterns import PatternSet, compile_pattern, required_literal


@pytest.mark.parametrize(
    ("pattern", "literal"),
    [
        (r"\$\s?12\s?(?:billion|bn|B)\b(?:\s+[\w.’'-]+){0,4}?\s+stockpile", "stockpile"),
        (r"\bWashington ministerial\b", "washington ministerial"),
        (r"\b[Pp]referential\s+(?:[Cc]ritical\s+)?[Tt]rad(?:e|ing)\s+[Bb]loc", "referential"),
        (r"£\s?12\s?(?:million|m)\b", "12"),
        (r"\b40\s?%\s+(?:stake|interest)[^.]{0,40}\bGlencore", "glencore"),
        (r"(?:the )+Halvard accord", "halvard accord"),  # a group repeated once or more
        (r"(?:Halvard )?accord", "accord"),  # an optional group gives nothing
        (r"(?i:NORVIK) pact", "norvik"),  # a group's literals are a run of their own
        (r"[Pp]ax|[Ss]ilica", ""),  # alternatives: no literal every match has
        (r"\d+ tonnes?", " tonne"),
    ],
)
def test_the_required_literal_is_in_every_match(pattern, literal):
    assert required_literal(pattern) == literal


SOURCES = [
    r"\$\s?12\s?(?:billion|bn|B)\b(?:\s+[\w.’'-]+){0,4}?\s+stockpile",
    r"\bWashington [Mm]inisterial\b",
    r"\b[Pp]referential\s+(?:[Cc]ritical[- ][Mm]inerals?\s+)?[Tt]rad(?:e|ing)\s+"
    r"(?:[Bb]loc|[Zz]one)",
    r"[Hh]alvard|[Ss]elvik",  # no required literal: runs over every paragraph
    r"\bore\b",
]
TEXT = (
    "Officials outlined a $12 billion national mineral stockpile.\n\n"
    "At the Washington Ministerial, delegates discussed a preferential critical-minerals "
    "trading zone. The Halvard talks and Selvik followed; ore prices and score changes.\n\n"
    "Another $12bn stockpile was mentioned, and more ore, but boredom and adore do not count."
)


def _full_scan(sources, text):
    """What extraction did before: every pattern over the whole text, in order."""
    found = []
    for index, source in enumerate(sources):
        pattern = compile_pattern(index, source)
        for match in pattern.regex.finditer(text):
            start = match.start()
            if pattern.bounded and start and re.match(r"\w", text[start - 1]):
                if re.match(r"\w", text[start]):
                    continue
            found.append((start, match.end(), index, match.group()))
    return found


def _pattern_set(sources):
    return PatternSet([compile_pattern(i, s) for i, s in enumerate(sources)], sources)


def test_the_matches_are_those_of_a_full_scan_in_the_same_order():
    found = [tuple(f) for f in _pattern_set(SOURCES).find(TEXT)]
    assert found == _full_scan(SOURCES, TEXT)
    assert [f[3] for f in found] == [
        "$12 billion national mineral stockpile",
        "$12bn stockpile",
        "Washington Ministerial",
        "preferential critical-minerals trading zone",
        "Halvard",
        "Selvik",
        "ore",
        "ore",
    ]


def test_text_that_lowercases_to_more_characters_is_scanned_whole():
    text = "İstanbul: a $12 billion new stockpile and the Washington ministerial."
    found = [tuple(f) for f in _pattern_set(SOURCES).find(text)]
    assert found == _full_scan(SOURCES, text)
    assert len(found) == 2


def test_a_match_does_not_run_across_a_blank_line():
    sources = [r"\$12 billion\s+stockpile"]
    text = "It approved $12 billion\n\nstockpile rules were next. A $12 billion stockpile."
    found = _pattern_set(sources).find(text)
    assert [f.text for f in found] == ["$12 billion stockpile"]
    assert len(_full_scan(sources, text)) == 2  # the whole-text scan joined two paragraphs


def test_many_patterns_only_run_where_their_literal_is():
    sources = [rf"\bKorvan{i} (?:accord|pact)\b" for i in range(2000)] + SOURCES
    found = _pattern_set(sources).find(TEXT + "\n\nThe Korvan1234 pact was signed.")
    assert [f.initiative_id for f in found][:1] == [1234]
    assert [f.text for f in found][0] == "Korvan1234 pact"
    assert len(found) == 9
