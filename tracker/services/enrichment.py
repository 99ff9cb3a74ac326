"""Enrichment: link articles to the entities, initiatives and topics they mention, and record
their claims (``enrichment_claims``).

Enrichment is idempotent and safe to run concurrently for the same article: it reads what is
stored, writes only the difference, and leans on the unique constraints (``ON CONFLICT DO
NOTHING``) where two runs race. It only ever creates, refreshes or removes *undecided machine*
links; a link an editor made, confirmed or rejected is left exactly as it is.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from django.db import connection, transaction
from django.utils import timezone

from articles.models import Article
from articles.signals import WrittenArticle

from .. import extraction
from ..extraction import ArticleText, Extraction, LinkFinding
from ..lexicon import current_lexicon
from ..models import ArticleEnrichment, ArticleInitiative, ArticleTopic, Link, Mention, Topic
from . import suggestions
from .bulk import BATCH_SIZE, insert_fresh, insert_fresh_or_new
from .enrichment_claims import reconcile_claims

MACHINE, EDITOR = Link.Origin.MACHINE.value, Link.Origin.EDITOR.value
SUGGESTED, CONFIRMED, REJECTED = (
    Link.State.SUGGESTED.value,
    Link.State.CONFIRMED.value,
    Link.State.REJECTED.value,
)


@dataclass
class EnrichmentResult:
    articles: int = 0
    links_created: int = 0
    links_updated: int = 0
    links_removed: int = 0
    claims_created: int = 0
    appearances_created: int = 0
    appearances_removed: int = 0
    verdicts_carried: int = 0


def articles_enrich(
    *,
    article_ids: Iterable[int] = (),
    articles: Iterable[WrittenArticle] = (),
    force: bool = False,
) -> EnrichmentResult:
    """Link the articles to the entities, initiatives and topics they mention, and record their
    claims.

    The articles are named by id (``article_ids``: read here), or given as the ingest wrote
    them (``articles``: not read back; for those it created, nothing that refers to them is
    read either, since nothing can yet). The in-process ingest passes them inside its
    transaction (``tracker.tasks.enrichment_in_transaction``).

    An article already enriched from the same content with the same lexicon is skipped unless
    ``force``; enriching it again anyway writes nothing, because only differences are written.
    """
    given = {article.id: article for article in articles}
    ids = sorted(set(article_ids) - set(given))
    result = EnrichmentResult()
    if not ids and not given:
        return result
    lexicon = current_lexicon()
    sources = list(given.values())
    if ids:
        rows = Article.objects.filter(pk__in=ids).values_list(
            "id", "title", "content_text", "highlights", "disclosure", "is_state_media",
            "content_hash",
        )  # fmt: skip
        sources += [
            WrittenArticle(
                pk, title, text, tuple(highlights or ()), disclosure, media, hash_, False
            )
            for pk, title, text, highlights, disclosure, media, hash_ in rows
        ]
    new_ids = {article.id for article in sources if article.created}
    stored_ids = sorted({article.id for article in sources} - new_ids)
    previous = (
        {
            pk: (content_hash, version)
            for pk, content_hash, version in ArticleEnrichment.objects.filter(
                article_id__in=stored_ids
            ).values_list("article_id", "content_hash", "lexicon_version")
        }
        if stored_ids
        else {}
    )
    extractions: list[Extraction] = []
    texts: list[ArticleText] = []
    hashes: dict[int, str] = {}
    state_media: set[int] = set()
    relink: set[int] = set()  # articles whose claims' links to names must be rechecked
    for source in sorted(sources, key=lambda a: a.id):
        pk = source.id
        hash_before, version_before = previous.get(pk, ("", ""))
        if not force and (hash_before, version_before) == (source.content_hash, lexicon.version):
            continue
        if force or version_before != lexicon.version:
            relink.add(pk)
        article = ArticleText(
            pk, source.title, source.content_text, source.highlights, source.disclosure
        )
        extractions.append(extraction.extract(lexicon, article))
        texts.append(article)
        hashes[pk] = source.content_hash
        if source.is_state_media:
            state_media.add(pk)
    ids = sorted(hashes)
    result.articles = len(ids)
    if not ids:
        return result
    stored_ids = [pk for pk in ids if pk not in new_ids]  # what may have rows referring to it

    now = timezone.now()
    # No save point of its own inside a caller's transaction (the ingest's has one around it).
    with transaction.atomic(savepoint=False):
        entities, _ = _reconcile_links(
            Mention,
            "entity_id",
            {(e.article_id, pk): f for e in extractions for pk, f in e.entities.items()},
            stored_ids,
            now,
            result,
            extra=("occurrences",),
        )
        initiatives, _ = _reconcile_links(
            ArticleInitiative,
            "initiative_id",
            {(e.article_id, pk): f for e in extractions for pk, f in e.initiatives.items()},
            stored_ids,
            now,
            result,
            extra=("basis",),
        )
        topics: dict[tuple[int, int], LinkFinding] = {}
        for found in extractions:
            assigned = extraction.topics_for(
                lexicon,
                found,
                entity_ids=entities.get(found.article_id, set()),
                initiative_ids=initiatives.get(found.article_id, set()),
            )
            topics.update(((found.article_id, pk), f) for pk, f in assigned.items())
        _, recount = _reconcile_links(ArticleTopic, "topic_id", topics, stored_ids, now, result)
        # Names no entity goes by yet, for editors to accept or reject.
        suggestions.entity_suggestions_record(
            articles=texts, lexicon=lexicon, now=now, stored_ids=stored_ids
        )
        claimed = reconcile_claims(
            extractions=extractions,
            stored_ids=stored_ids,
            state_media=state_media,
            relink=relink,
            now=now,
        )
        result.claims_created += claimed.claims_created
        result.appearances_created += claimed.appearances_created
        result.appearances_removed += claimed.appearances_removed
        result.verdicts_carried += claimed.verdicts_carried
        insert_fresh(
            ArticleEnrichment,
            ("article", "content_hash", "lexicon_version", "enriched_at"),
            [(pk, hashes[pk], lexicon.version, now) for pk in ids if pk in new_ids],
        )
        ArticleEnrichment.objects.bulk_create(
            [
                ArticleEnrichment(
                    article_id=pk,
                    content_hash=hashes[pk],
                    lexicon_version=lexicon.version,
                    enriched_at=now,
                )
                for pk in stored_ids
            ],
            update_conflicts=True,
            unique_fields=["article"],
            update_fields=["content_hash", "lexicon_version", "enriched_at"],
        )
        if recount:  # last: it locks the topics' rows until commit
            Topic.objects.filter(pk__in=recount).recount_links()
    return result


LinkKey = tuple[int, int]  # (article id, target id): an entity, initiative or topic


class StoredLink(NamedTuple):
    pk: int
    origin: str
    state: str
    values: tuple  # the fields enrichment sets (matched text, confidence, extra), as stored


def _reconcile_links(
    model: type[Link],
    target: str,
    found: dict[LinkKey, LinkFinding],
    stored_ids: list[int],
    now,
    result: EnrichmentResult,
    extra: tuple[str, ...] = (),
) -> tuple[dict[int, set[int]], set[int]]:
    """Bring the machine's undecided links in line with ``found``; return, per article, the
    targets it ends up linked to (rejected links excluded, editors' links included), and the
    targets that gained or lost links.

    ``stored_ids``: the articles that may have links stored (not those created by this
    ingest), read to compare with."""
    fields = ("matched_text", "confidence", *extra)
    stamp = connection.ops.adapt_datetimefield_value(now)
    existing = (
        {
            (article_id, target_id): StoredLink(pk, origin, state, tuple(values))
            for pk, article_id, target_id, origin, state, *values in model.objects.filter(
                article_id__in=stored_ids
            ).values_list("id", "article_id", target, "origin", "state", *fields)
        }
        if stored_ids
        else {}
    )
    to_create, to_update = [], []
    for key, finding in found.items():
        wanted = {name: getattr(finding, name) for name in fields}
        link = existing.get(key)
        if link is None:
            to_create.append((*key, MACHINE, SUGGESTED, *wanted.values(), stamp, stamp))
        elif (
            link.origin == MACHINE
            and link.state == SUGGESTED
            and link.values != tuple(wanted.values())
        ):
            to_update.append(model(pk=link.pk, updated_at=now, **wanted))
    stale = [
        link.pk
        for key, link in existing.items()
        if key not in found and link.origin == MACHINE and link.state == SUGGESTED
    ]
    columns = ("article", target.removesuffix("_id"), "origin", "state", *fields)
    columns = (*columns, "created_at", "updated_at")
    stored = set(stored_ids)
    insert_fresh_or_new(model, columns, to_create, fresh=lambda row: row[0] not in stored)
    if to_update:
        model.objects.bulk_update(to_update, [*fields, "updated_at"], batch_size=BATCH_SIZE)
    if stale:
        # Conditional, so a link an editor decides meanwhile is not deleted under them.
        model.objects.filter(pk__in=stale).undecided_machine().delete()
    result.links_created += len(to_create)
    result.links_updated += len(to_update)
    result.links_removed += len(stale)

    removed = set(stale)
    changed = {target_id for _, target_id, *_ in to_create}
    changed.update(target_id for (_, target_id), link in existing.items() if link.pk in removed)
    return _linked_targets(found, existing), changed


def _linked_targets(
    found: dict[LinkKey, LinkFinding], existing: dict[LinkKey, StoredLink]
) -> dict[int, set[int]]:
    """Per article, the targets it is linked to once ``found`` is stored: what was found and not
    rejected, and what an editor made or confirmed."""
    linked: dict[int, set[int]] = {}
    for key in found:
        link = existing.get(key)
        if link is None or link.state != REJECTED:
            linked.setdefault(key[0], set()).add(key[1])
    for key, link in existing.items():
        if key not in found and (link.origin == EDITOR or link.state == CONFIRMED):
            linked.setdefault(key[0], set()).add(key[1])
    return linked
