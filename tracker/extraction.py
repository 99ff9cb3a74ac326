"""What one article says, found without touching the database: links, claims, topic hits.

``extract`` takes the article's text and a ``Lexicon`` (the names, patterns and topic rules,
compiled) and returns findings; ``services.enrichment.articles_enrich`` reconciles them with
what is stored.
"""

import bisect
import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from . import figures
from .matching import CUE, ENTITY, INITIATIVE, KEYWORD, NUMBER, Hit, KeywordCounter, Matcher
from .patterns import PatternSet

# Bump when extraction changes what it finds: every article is then due for enrichment again.
EXTRACTOR_VERSION = "6"  # 2: facts; 3: entity discovery; 4: "upward of"; 5: restated figures;
# 6: the writer's enumerations ("Three gaps stand out.") are no claims

NAMED_CONFIDENCE = 0.9
DESCRIBED_CONFIDENCE = 0.4
RULE_CONFIDENCE = 0.8
KEYWORD_CONFIDENCE = 0.6

HIGHLIGHT, BODY = "highlight", "body"
_WORD_CHAR = re.compile(r"\w")
NAMED, DESCRIBED = "named", "described"


@dataclass(frozen=True)
class TopicRule:
    topic_id: int
    entity_ids: frozenset[int]
    initiative_ids: frozenset[int]
    min_keyword_hits: int


@dataclass(frozen=True)
class Lexicon:
    """Everything extraction looks for, compiled; built by ``lexicon.current_lexicon``."""

    version: str
    matcher: Matcher  # names, cased keywords, number words, attribution cues
    keywords: KeywordCounter = KeywordCounter(())  # lowercase topic keywords
    keyword_topics: dict[str, tuple[int, ...]] = field(default_factory=dict)
    patterns: PatternSet = PatternSet((), [])  # initiatives' regexes for unnamed references
    topics: tuple[TopicRule, ...] = ()
    names: dict[tuple[str, int], str] = field(default_factory=dict)  # for matched_text
    not_subjects: frozenset[int] = frozenset()  # entities that report, never the subject


@dataclass(frozen=True)
class ArticleText:
    id: int
    title: str
    content_text: str
    highlights: tuple[str, ...] = ()
    disclosure: str = ""


@dataclass
class LinkFinding:
    matched_text: str
    confidence: float
    occurrences: int = 1
    basis: str = NAMED


class Fact(NamedTuple):
    """What makes two figures the same fact, whoever states it (see ``claim_fingerprint``)."""

    measure: str
    unit: str
    per: str
    value: Decimal
    value_max: Decimal | None
    period: str
    bound: str
    outlook: str

    @classmethod
    def of_claim(cls, claim) -> "Fact | None":
        """The fact a stored claim states; None for a claim without a figure."""
        if claim.value is None:
            return None
        return cls(
            claim.measure,
            claim.unit,
            claim.per,
            claim.value,
            claim.value_max,
            claim.period,
            claim.bound,
            claim.outlook,
        )


@dataclass(frozen=True)
class ClaimFinding:
    fingerprint: str
    sentence: str
    location: str
    position: int
    figure: figures.Figure | None
    subject: tuple[str, int] | None  # (ENTITY or INITIATIVE, pk)
    entity_ids: frozenset[int]
    initiative_ids: frozenset[int]
    is_attributed: bool
    context: figures.FigureContext | None = None
    fact: Fact | None = None


@dataclass
class Extraction:
    article_id: int
    entities: dict[int, LinkFinding] = field(default_factory=dict)
    initiatives: dict[int, LinkFinding] = field(default_factory=dict)
    keywords: dict[int, Counter[str]] = field(default_factory=dict)  # topic id -> keyword hits
    claims: list[ClaimFinding] = field(default_factory=list)


def extract(lexicon: Lexicon, article: ArticleText) -> Extraction:
    text, _, highlight_spans, skipped_spans = _document(article)
    result = Extraction(article.id)
    hits = lexicon.matcher.find(text)
    number_words: list[tuple[int, int]] = []
    cues: list[int] = []  # where a reporting verb ("says", "claims that") is used as one
    named: list[Hit] = []
    for hit in hits:
        for term in hit.terms:
            if term.kind == NUMBER:
                number_words.append((hit.start, hit.end))
                continue
            if term.kind == CUE:
                if figures.is_attribution_cue(text, hit.start, hit.end):
                    cues.append(hit.start)
                continue
            if term.kind == KEYWORD:
                result.keywords.setdefault(term.target, Counter())[hit.text.lower()] += 1
                continue
            if not named or named[-1] is not hit:
                named.append(hit)
            found = result.entities if term.kind == ENTITY else result.initiatives
            if term.target in found:
                found[term.target].occurrences += 1
            else:
                found[term.target] = LinkFinding(hit.text[:300], NAMED_CONFIDENCE)
    described: list[tuple[int, int, int]] = []  # (start, end, initiative id)
    for start, end, initiative_id, matched in lexicon.patterns.find(text):
        described.append((start, end, initiative_id))
        if initiative_id not in result.initiatives:
            result.initiatives[initiative_id] = LinkFinding(
                matched[:300], DESCRIBED_CONFIDENCE, basis=DESCRIBED
            )
    for keyword, count in lexicon.keywords.count(text).items():
        for topic_id in lexicon.keyword_topics.get(keyword, ()):
            result.keywords.setdefault(topic_id, Counter())[keyword] += count
    result.claims = _claims(
        lexicon,
        text,
        highlight_spans,
        skipped_spans,
        named,
        described,
        number_words,
        cues,
    )
    return result


def topics_for(
    lexicon: Lexicon,
    extraction: Extraction,
    *,
    entity_ids: set[int],
    initiative_ids: set[int],
) -> dict[int, LinkFinding]:
    """The topics whose rules the article meets, given the links it ends up with."""
    found: dict[int, LinkFinding] = {}
    for rule in lexicon.topics:
        reasons: list[str] = []
        confidence = 0.0
        for kind, ids, linked in (
            (INITIATIVE, rule.initiative_ids, initiative_ids),
            (ENTITY, rule.entity_ids, entity_ids),
        ):
            for pk in sorted(ids & linked):
                reasons.append(lexicon.names.get((kind, pk), str(pk)))
                confidence = RULE_CONFIDENCE
        keywords = extraction.keywords.get(rule.topic_id, Counter())
        total = sum(keywords.values())
        if total >= rule.min_keyword_hits:
            listed = ", ".join(word for word, _ in keywords.most_common(5))
            reasons.append(f"keywords ×{total}: {listed}")
            confidence = max(confidence, KEYWORD_CONFIDENCE)
        if reasons:
            found[rule.topic_id] = LinkFinding("; ".join(reasons)[:300], confidence, total or 1)
    return found


def _document(
    article: ArticleText,
) -> tuple[str, int, list[tuple[int, int]], list[tuple[int, int]]]:
    """One text to scan: title, then any highlights the body lacks, then the body.

    Returns it with where the body starts, where the highlights are, and the spans claims are
    not taken from (the title and the state-media notice).
    """
    content = article.content_text
    missing = [h for h in article.highlights if h and h not in content]
    head = f"{article.title}\n\n"
    text = head + "".join(f"{h}\n\n" for h in missing) + content
    body_start = len(head)
    highlight_spans = []
    for highlight in article.highlights:
        if highlight and (at := text.find(highlight, body_start)) >= 0:
            highlight_spans.append((at, at + len(highlight)))
    skipped = [(0, body_start)]
    for paragraph in article.disclosure.split("\n\n"):
        paragraph = paragraph.strip()
        if paragraph and (at := text.find(paragraph, body_start)) >= 0:
            skipped.append((at, at + len(paragraph)))
    return text, body_start, highlight_spans, skipped


def _full_sentence(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` ends as a sentence does: a word, then a full stop, question or
    exclamation mark, perhaps closing quotes or brackets. Read backwards from the end."""
    at = end
    while at > start and text[at - 1].isspace():
        at -= 1
    while at > start and text[at - 1] in _CLOSERS:
        at -= 1
    if at == start or text[at - 1] not in ".!?":
        return False
    return _WORD_CHAR.search(text, start, at - 1) is not None


_CLOSERS = '"”’)]'


def _inside(position: int, spans: list[tuple[int, int]]) -> bool:
    for start, end in spans:  # a loop, not any(): two or three spans, for every figure
        if start <= position < end:
            return True
    return False


def _claims(
    lexicon: Lexicon,
    text: str,
    highlight_spans: list[tuple[int, int]],
    skipped_spans: list[tuple[int, int]],
    named: list[Hit],
    described: list[tuple[int, int, int]],
    number_words: list[tuple[int, int]],
    cues: list[int],
) -> list[ClaimFinding]:
    starts = figures.sentence_starts(text)
    by_sentence: dict[tuple[int, int], list[figures.Figure]] = {}
    for parsed in figures.parse_figures(text, number_words):
        if _inside(parsed.start, skipped_spans):
            continue
        span = figures.sentence_at(text, starts, parsed.start)
        if not figures.is_enumeration(text, parsed, span[0]):
            by_sentence.setdefault(span, []).append(parsed)
    for position in cues:
        if not _inside(position, skipped_spans):
            start, end = figures.sentence_at(text, starts, position)
            # Without a figure, only a full sentence makes a claim, not a heading ("The Claims").
            if _full_sentence(text, start, end):
                by_sentence.setdefault((start, end), [])

    hit_starts = [hit.start for hit in named]
    cues.sort()
    found: list[ClaimFinding] = []
    seen: set[str] = set()
    for (start, end), stated in sorted(by_sentence.items()):
        sentence = text[start:end]
        inside = named[bisect.bisect_left(hit_starts, start) : bisect.bisect_left(hit_starts, end)]
        entities, initiatives = set(), set()
        for hit in inside:
            for term in hit.terms:
                if term.kind == ENTITY:
                    entities.add(term.target)
                elif term.kind == INITIATIVE:
                    initiatives.add(term.target)
        entity_ids, initiative_ids = frozenset(entities), frozenset(initiatives)
        location = HIGHLIGHT if _inside(start, highlight_spans) else BODY
        attributed = bisect.bisect_left(cues, start) < bisect.bisect_left(cues, end)
        clause_starts = [start + offset for offset in figures.clause_starts(sentence)]
        key = None  # the sentence's sentence_key, worked out once for all its figures
        for figure in stated or (None,):
            subject = context = None
            if figure is not None:
                subject = next(
                    ((INITIATIVE, pk) for s, e, pk in described if s <= figure.start < e), None
                ) or _subject(lexicon, figure, inside, clause_starts, end)
                index = bisect.bisect_right(clause_starts, figure.start) - 1
                clause_end = clause_starts[index + 1] if index + 1 < len(clause_starts) else end
                context = figures.describe(text, figure, clause_starts[index], clause_end)
            fact = _fact(figure, context)
            if key is None and (fact is None or not (subject and fact.measure)):
                key = figures.sentence_key(sentence)
            fingerprint = claim_fingerprint(subject, fact, sentence, key=key)
            if fingerprint in seen:
                continue
            seen.add(fingerprint)
            found.append(
                ClaimFinding(
                    fingerprint=fingerprint,
                    sentence=sentence,
                    location=location,
                    position=start,
                    figure=figure,
                    subject=subject,
                    entity_ids=entity_ids,
                    initiative_ids=initiative_ids,
                    is_attributed=attributed,
                    context=context,
                    fact=fact,
                )
            )
    return found


def _subject(
    lexicon: Lexicon,
    figure: figures.Figure,
    hits: list[Hit],
    clause_starts: list[int],
    sentence_end: int,
) -> tuple[str, int] | None:
    """What the figure is about: the nearest initiative named in its clause, else the nearest
    entity (a publication reports figures, it is not their subject). A name before the figure
    is more likely its subject than one after it, so distances after count double."""
    index = bisect.bisect_right(clause_starts, figure.start) - 1
    clause_start = clause_starts[index]
    clause_end = clause_starts[index + 1] if index + 1 < len(clause_starts) else sentence_end
    best: dict[str, tuple[int, int]] = {}
    for hit in hits:
        if not clause_start <= hit.start < clause_end:
            continue
        if hit.start >= figure.end:
            distance = 2 * (hit.start - figure.end)
        else:
            distance = figure.start - hit.end
        for term in hit.terms:
            if term.kind == ENTITY and term.target in lexicon.not_subjects:
                continue
            if term.kind not in best or distance < best[term.kind][0]:
                best[term.kind] = (distance, term.target)
    for kind in (INITIATIVE, ENTITY):
        if kind in best:
            return kind, best[kind][1]
    return None


def _number(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


def _fact(figure: figures.Figure | None, context: figures.FigureContext | None) -> Fact | None:
    if figure is None:
        return None
    measure = context.measure if context is not None else ""
    if not measure and figure.unit == figures.COUNT:
        measure = figure.counted
    period = context.period if context is not None else ""
    outlook = context.outlook if context is not None else ""
    return Fact(
        measure[:120],
        figure.unit,
        figure.per,
        figure.value,
        figure.value_max,
        period[:20],
        figure.bound,
        outlook,
    )


def claim_fingerprint(
    subject: tuple[str, int] | None, fact: Fact | None, sentence: str, *, key: str | None = None
) -> str:
    """The identity of a claim.

    A figure is one fact across articles when its subject and everything that says what it
    counts agree: measure, unit and denominator, value or range, period, bound and outlook.
    "China: 90% share of refining" and "China: 90% share of magnet production" stay two claims.
    Without a subject or a known measure the figure cannot be told apart from another that
    measures something else, so it is a claim of its own sentence only (still merged with
    the same sentence reprinted elsewhere). Without a figure, only the same sentence is the
    same claim.
    """
    if fact is None or not (subject and fact.measure):
        sentence_owner = f"s|{figures.sentence_key(sentence) if key is None else key}"
    if fact is None:
        key = sentence_owner
    else:
        owner = f"{subject[0]}:{subject[1]}" if subject else ""
        if not (subject and fact.measure):
            owner = f"{owner}|{sentence_owner}"
        key = "|".join(
            (
                owner,
                fact.measure.lower(),
                fact.unit,
                fact.per,
                _number(fact.value),
                _number(fact.value_max),
                fact.period,
                fact.bound,
                fact.outlook,
            )
        )
    return hashlib.sha256(key.encode()).hexdigest()
