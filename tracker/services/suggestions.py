"""Suggested new entities: recorded during enrichment, then accepted or rejected by an editor.

``entity_suggestions_record`` is called by ``enrichment.articles_enrich`` inside its transaction
with the articles it enriched; it is idempotent (enriching twice records nothing new) and keeps
each article's sightings in line with its current text. A name an editor rejected or accepted
is never suggested again, and a name the lexicon knows never is.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.text import slugify

from .. import discovery
from ..extraction import ArticleText, Lexicon
from ..models import Entity, EntityAlias, EntitySighting, EntitySuggestion, InitiativeAlias

PENDING, ACCEPTED, REJECTED = (
    EntitySuggestion.State.PENDING.value,
    EntitySuggestion.State.ACCEPTED.value,
    EntitySuggestion.State.REJECTED.value,
)


@dataclass
class _Found:
    name: str
    kind: str
    contexts: dict[int, str]  # article id -> context


def entity_suggestions_record(
    *,
    articles: Iterable[ArticleText],
    lexicon: Lexicon,
    now,
    stored_ids: Iterable[int] | None = None,
) -> int:
    """Find unknown names in the articles and record them as suggestions, with where they were
    seen.

    ``stored_ids``: the articles that may have sightings stored (by default all of them; not
    those the ingest has just created), read to compare with.

    Sightings of pending suggestions that an article's current text no longer has are removed
    (and a pending suggestion seen nowhere any more with them); decided ones are left alone.
    Returns how many names were new (a name a concurrent run recorded first counts too).
    """
    articles = list(articles)
    found: dict[str, _Found] = {}
    for article in articles:
        # The body and highlights only: titles are often in title case, where every word
        # looks like a name.
        text = "\n\n".join([*(h for h in article.highlights if h), article.content_text or ""])
        for candidate in discovery.discover(text, lexicon.matcher):
            key = candidate.key[:300]
            entry = found.setdefault(key, _Found(candidate.name, candidate.kind, {}))
            entry.contexts.setdefault(article.id, candidate.context(text)[:1000])
    article_ids = [article.id for article in articles] if stored_ids is None else list(stored_ids)
    # Two queries when nothing is new: the names' suggestions, the articles' sightings.
    known = _by_key(found)
    new = [
        EntitySuggestion(
            name=entry.name[:300], key=key, kind=entry.kind, first_seen_at=now, last_seen_at=now
        )
        for key, entry in found.items()
        if key not in known
    ]
    if new:
        EntitySuggestion.objects.bulk_create(new, ignore_conflicts=True)
        known = _by_key(found)
    pending = {key: pk for key, (pk, state) in known.items() if state == PENDING}
    wanted = {
        (pending[key], article_id): context
        for key, entry in found.items()
        if key in pending
        for article_id, context in entry.contexts.items()
    }
    stored = (
        {
            (suggestion_id, article_id): pk
            for pk, suggestion_id, article_id in EntitySighting.objects.filter(
                article_id__in=article_ids, suggestion__state=PENDING
            ).values_list("id", "suggestion_id", "article_id")
        }
        if article_ids
        else {}
    )
    stale = [key for key in stored if key not in wanted]
    touched = {suggestion_id for suggestion_id, _ in stale}
    if stale:
        EntitySighting.objects.filter(pk__in=[stored[key] for key in stale]).delete()
    fresh = [
        EntitySighting(suggestion_id=s, article_id=a, context=context, seen_at=now)
        for (s, a), context in wanted.items()
        if (s, a) not in stored
    ]
    if fresh:
        EntitySighting.objects.bulk_create(fresh, ignore_conflicts=True)
        touched.update(sighting.suggestion_id for sighting in fresh)
    if touched:
        _recount(touched)
    return len(new)


def _by_key(found: dict[str, "_Found"]) -> dict[str, tuple[int, str]]:
    rows = EntitySuggestion.objects.filter(key__in=list(found)).values_list("key", "id", "state")
    return {key: (pk, state) for key, pk, state in rows} if found else {}


def _recount(suggestion_ids: set[int]) -> None:
    counts = {
        row["suggestion_id"]: (row["n"], row["last"])
        # No ordering: the model's orders by article, which would join every article counted.
        for row in EntitySighting.objects.filter(suggestion_id__in=suggestion_ids)
        .order_by()
        .values("suggestion_id")
        .annotate(n=Count("id"), last=Max("seen_at"))
    }
    gone = [pk for pk in suggestion_ids if pk not in counts]
    if gone:  # seen nowhere any more, and nobody decided on it
        EntitySuggestion.objects.filter(pk__in=gone, state=PENDING).delete()
    rows = list(EntitySuggestion.objects.filter(pk__in=list(counts)))
    for row in rows:
        row.article_count, row.last_seen_at = counts[row.pk]
    EntitySuggestion.objects.bulk_update(rows, ["article_count", "last_seen_at"])


def _decided(suggestion: EntitySuggestion, state: str, user, now) -> None:
    suggestion.state, suggestion.decided_by, suggestion.decided_at = state, user, now


def entity_suggestion_reject(
    *, suggestion: EntitySuggestion, user: AbstractBaseUser | None
) -> EntitySuggestion:
    """Remember that the name is not an entity: it is never suggested again."""
    with transaction.atomic():
        suggestion = EntitySuggestion.objects.select_for_update().get(pk=suggestion.pk)
        if suggestion.state != PENDING:
            raise ValidationError(f"“{suggestion.name}” was already {suggestion.state}.")
        _decided(suggestion, REJECTED, user, timezone.now())
        suggestion.save(update_fields=["state", "decided_by", "decided_at"])
    return suggestion


def entity_suggestion_accept(
    *,
    suggestion: EntitySuggestion,
    user: AbstractBaseUser | None,
    kind: str | None = None,
    name: str | None = None,
    aliases: Iterable[str] = (),
    enrich: bool = True,
) -> Entity:
    """Create the entity the suggestion names, then enrich again the articles it was seen in,
    so their mentions of it appear.

    ``name`` (default: the suggested name) and ``kind`` (default: the machine's guess) are the
    editor's; the suggested name, when the editor renamed it, and ``aliases`` become aliases.
    Accepting several at once, pass ``enrich=False`` and call ``entity_suggestions_enrich`` once
    after: each new entity changes the lexicon, so enriching after each would rebuild it and
    re-read an article seen with several of the names as many times.
    """

    with transaction.atomic():
        suggestion = EntitySuggestion.objects.select_for_update().get(pk=suggestion.pk)
        if suggestion.state != PENDING:
            raise ValidationError(f"“{suggestion.name}” was already {suggestion.state}.")
        name = " ".join((name or suggestion.name).split())
        entity = Entity(name=name, kind=kind or suggestion.kind, slug=_free_slug(name))
        entity.full_clean()
        entity.save()
        texts = [suggestion.name, *aliases] if suggestion.name != name else [*aliases]
        seen = {name.casefold()}
        for text in texts:
            text = " ".join(text.split())
            if not text or text.casefold() in seen:
                continue
            seen.add(text.casefold())
            clash = EntityAlias.objects.filter(text__iexact=text).exists()
            if clash or InitiativeAlias.objects.filter(text__iexact=text).exists():
                raise ValidationError(f"Another entity or initiative already goes by “{text}”.")
            EntityAlias.objects.create(entity=entity, text=text)
        _decided(suggestion, ACCEPTED, user, timezone.now())
        suggestion.entity = entity
        suggestion.save(update_fields=["state", "decided_by", "decided_at", "entity"])
        if enrich:
            entity_suggestions_enrich(suggestions=[suggestion])
    return entity


def entity_suggestions_enrich(*, suggestions: Iterable[EntitySuggestion]) -> None:
    """Enrich, once, the articles accepted suggestions were seen in, so their new entities'
    mentions appear (each new entity changed the lexicon's version)."""
    from .enrichment import articles_enrich  # enrichment calls this module: import when used

    article_ids = EntitySighting.objects.filter(
        suggestion__in=[s.pk for s in suggestions]
    ).values_list("article_id", flat=True)
    articles_enrich(article_ids=set(article_ids), force=True)


def _free_slug(name: str) -> str:
    base = slugify(name)[:190] or "entity"
    taken = set(Entity.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug
