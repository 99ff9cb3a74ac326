"""The compiled lexicon extraction runs with, rebuilt only when the names or rules change.

Building it reads every entity, initiative, alias and topic rule and compiles one regex; that is
done once per process and version, not per article. A rebuild after an edit reads the rows again
but compiles only what changed since the process's last build (``Matcher``'s ``previous``, the
initiative patterns by their text): at 10,000 entities an added alias costs a fraction of a
first build (docs/PERFORMANCE.md). The version is one row the database rewrites
on every change to what the lexicon is built from (triggers: migration 0015), read with one
primary-key lookup, so an alias an editor adds is picked up by the next task, in every worker,
without signals or cache invalidation.
"""

import threading

from django.db import connection

from .extraction import EXTRACTOR_VERSION, Lexicon, TopicRule
from .figures import ATTRIBUTION_CUES, WORD_NUMBERS
from .matching import (
    CUE,
    ENTITY,
    INITIATIVE,
    KEYWORD,
    NUMBER,
    KeywordCounter,
    Matcher,
    Term,
    normalize,
)
from .models import Entity, EntityAlias, Initiative, InitiativeAlias, LexiconVersion, Topic
from .patterns import Pattern, PatternSet, compile_pattern

_lock = threading.Lock()
_cached: Lexicon | None = None


def lexicon_version() -> str:
    """A value that changes whenever anything the lexicon is built from changes (the database
    rewrites ``LexiconVersion`` then: migration 0015), or the extraction code itself
    (``EXTRACTOR_VERSION``). One primary-key read, however many names there are."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT changes, token FROM {LexiconVersion._meta.db_table} WHERE id = %s", [1]
        )
        row = cursor.fetchone()
    changes, token = row if row else (0, "")
    return f"{EXTRACTOR_VERSION}.{changes}.{token}"


def current_lexicon() -> Lexicon:
    global _cached
    version = lexicon_version()
    cached = _cached
    if cached is not None and cached.version == version:
        return cached
    with _lock:
        if _cached is None or _cached.version != version:
            _cached = build_lexicon(version, previous=_cached)
        return _cached


def build_lexicon(version: str = "", previous: Lexicon | None = None) -> Lexicon:
    # Numbers written as words and attribution cues ride along in the same pass: claims need
    # them (for counts, and for "X says ..." sentences).
    terms = [Term(word, NUMBER, value) for word, value in WORD_NUMBERS.items()]
    terms += [Term(cue, CUE, 0) for cue in ATTRIBUTION_CUES]
    names: dict[tuple[str, int], str] = {}
    not_subjects: set[int] = set()
    for pk, name, kind in Entity.objects.values_list("id", "name", "kind"):
        terms.append(Term(name, ENTITY, pk))
        names[ENTITY, pk] = name
        if kind == Entity.Kind.PUBLICATION:
            not_subjects.add(pk)
    for pk, text, exact in EntityAlias.objects.values_list("entity_id", "text", "exact"):
        terms.append(Term(text, ENTITY, pk, exact))

    compiled = {(p.initiative_id, source): p for p, source in _pattern_sources(previous)}
    patterns: list[Pattern] = []
    sources: list[str] = []
    rows = Initiative.objects.values_list("id", "name", "acronym", "patterns")
    for pk, name, acronym, own_patterns in rows:
        terms.append(Term(name, INITIATIVE, pk))
        names[INITIATIVE, pk] = name
        if acronym:
            terms.append(Term(acronym, INITIATIVE, pk, exact=True))
        for pattern in own_patterns or []:
            patterns.append(compiled.get((pk, pattern)) or compile_pattern(pk, pattern))
            sources.append(pattern)
    for pk, text, exact in InitiativeAlias.objects.values_list("initiative_id", "text", "exact"):
        terms.append(Term(text, INITIATIVE, pk, exact))

    topic_entities: dict[int, set[int]] = {}
    for topic_id, entity_id in Topic.entities.through.objects.values_list("topic_id", "entity_id"):
        topic_entities.setdefault(topic_id, set()).add(entity_id)
    topic_initiatives: dict[int, set[int]] = {}
    links = Topic.initiatives.through.objects.values_list("topic_id", "initiative_id")
    for topic_id, initiative_id in links:
        topic_initiatives.setdefault(topic_id, set()).add(initiative_id)
    topics = []
    keyword_topics: dict[str, set[int]] = {}
    for pk, keywords, min_hits in Topic.objects.values_list("id", "keywords", "min_keyword_hits"):
        for keyword in keywords or []:
            if keyword == keyword.lower():
                keyword_topics.setdefault(normalize(keyword), set()).add(pk)
            else:  # "NdFeB", "MoU": case matters, so the name matcher handles them
                terms.append(Term(keyword, KEYWORD, pk))
        topics.append(
            TopicRule(
                topic_id=pk,
                entity_ids=frozenset(topic_entities.get(pk, ())),
                initiative_ids=frozenset(topic_initiatives.get(pk, ())),
                min_keyword_hits=min_hits,
            )
        )
    return Lexicon(
        version=version,
        matcher=Matcher(terms, previous=previous.matcher if previous else None),
        keywords=KeywordCounter(keyword_topics),
        keyword_topics={key: tuple(sorted(ids)) for key, ids in keyword_topics.items()},
        patterns=PatternSet(patterns, sources),
        topics=tuple(topics),
        names=names,
        not_subjects=frozenset(not_subjects),
    )


def _pattern_sources(lexicon: Lexicon | None) -> list[tuple[Pattern, str]]:
    if lexicon is None:
        return []
    return list(zip(lexicon.patterns.patterns, lexicon.patterns.sources, strict=True))
