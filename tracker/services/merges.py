"""Entity merges and deletions; both leave an ``EntityMerge`` record that redirects the slug (or
answers 404) and that partners sync."""

from django.contrib.auth.models import AbstractBaseUser as User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .. import events
from ..extraction import Fact, claim_fingerprint
from ..matching import ENTITY, normalize
from ..models import (
    Claim,
    ClaimDeletion,
    Entity,
    EntityAlias,
    EntityMerge,
    Initiative,
    InitiativeSponsor,
    Mention,
    Topic,
)
from .claims import claims_delete


def entity_merge(*, source: Entity, into: Entity, user: User | None = None) -> Entity:
    """Fold ``source`` into ``into``: its name becomes an alias, and its aliases, mentions,
    sponsorships, jurisdictions, topic rules and claims move over; then ``source`` is deleted,
    leaving an ``EntityMerge`` record so that its slug redirects and partners hear of it.

    Where both were linked to the same article, an editor's decision wins over a suggestion.
    """
    if source.pk == into.pk:
        raise ValidationError("An entity cannot be merged into itself.")
    now = timezone.now()  # one moment for every row the merge touches
    with transaction.atomic():
        EntityAlias.objects.filter(entity=source).update(entity=into, updated_at=now)
        known = {normalize(text) for text in into.aliases.values_list("text", flat=True)}
        if normalize(source.name) not in known | {normalize(into.name)}:
            EntityAlias.objects.create(entity=into, text=source.name)

        _merge_mentions(source, into)
        sponsored = set()
        for sponsorship in InitiativeSponsor.objects.filter(entity=source):
            InitiativeSponsor.objects.get_or_create(
                initiative_id=sponsorship.initiative_id, entity=into, role=sponsorship.role
            )
            sponsored.add(sponsorship.initiative_id)
        initiatives = sponsored | _move_m2m(
            Initiative.jurisdictions.through, "entity_id", source, into
        )
        topics = _move_m2m(Topic.entities.through, "entity_id", source, into)
        claims = _move_m2m(Claim.entities.through, "entity_id", source, into)
        for claim in Claim.objects.filter(subject_entity=source):
            _claim_resubject(claim, into)
        # Partners sync by updated_at: whatever listed the merged entity is re-sent naming into.
        Initiative.objects.filter(pk__in=initiatives).update(updated_at=now)
        Topic.objects.filter(pk__in=topics).update(updated_at=now)
        Claim.objects.filter(pk__in=claims).update(updated_at=now)
        into._history_user = user
        into.save(update_fields=["updated_at"])
        merge = _merge_record(source, into, user, now)
        source._history_user = user
        source.delete()
        events.tracker_changed(event=events.ENTITY_MERGED, instance=merge)
    return into


def entity_delete(*, entity: Entity, user: User | None = None) -> None:
    """Delete ``entity`` outright, leaving its tombstone: an ``EntityMerge`` without ``into``
    (partners delete their copy of the slug; its old URLs answer 404). Records of entities
    merged into it end there too. What named it moves its ``updated_at`` (the triggers of
    migration 0008), so partners re-read it without the entity."""
    now = timezone.now()
    with transaction.atomic():
        EntityMerge.objects.filter(into=entity).update(into=None, updated_at=now)
        EntityMerge.objects.update_or_create(
            slug=entity.slug,
            defaults={"former_id": entity.pk, "name": entity.name, "kind": entity.kind,
                      "into": None, "merged_at": now, "merged_by": user},
        )  # fmt: skip
        entity._history_user = user
        entity.delete()
        events.tracker_changed(event=events.ENTITY_DELETED, instance=entity)


def _merge_record(source: Entity, into: Entity, user: User | None, now) -> EntityMerge:
    """Record where ``source`` went. Records that led to ``source`` now lead to ``into``
    (before the delete would cascade to them), so a redirect is always a single hop."""
    EntityMerge.objects.filter(into=source).update(into=into, updated_at=now)
    # By slug: an entity made later under a merged slug, then merged too, takes the record over.
    merge, _ = EntityMerge.objects.update_or_create(
        slug=source.slug,
        defaults={
            "former_id": source.pk,
            "name": source.name,
            "kind": source.kind,
            "into": into,
            "merged_at": now,
            "merged_by": user,
        },
    )
    return merge


def _merge_mentions(source: Entity, into: Entity) -> None:
    theirs = {m.article_id: m for m in Mention.objects.filter(entity=into)}
    for mention in Mention.objects.filter(entity=source):
        other = theirs.get(mention.article_id)
        if other is None:
            mention.entity = into
            mention.save(update_fields=["entity", "updated_at"])
            continue
        if mention.is_decided and not other.is_decided:
            other.delete()
            mention.entity = into
            mention.save(update_fields=["entity", "updated_at"])
        else:
            other.occurrences += mention.occurrences
            other.save(update_fields=["occurrences", "updated_at"])
            mention.delete()


def _move_m2m(through, column: str, source: Entity, into: Entity) -> set[int]:
    """Point ``through``'s rows from ``source`` to ``into``; returns the owners whose rows moved."""
    owner = next(
        f.attname for f in through._meta.concrete_fields if f.is_relation and f.attname != column
    )
    have = set(through.objects.filter(**{column: into.pk}).values_list(owner, flat=True))
    rows = through.objects.filter(**{column: source.pk})
    moved = set(rows.values_list(owner, flat=True))
    rows.filter(**{f"{owner}__in": have}).delete()
    rows.update(**{column: into.pk})
    return moved


def _claim_resubject(claim: Claim, into: Entity) -> None:
    """A claim about the merged entity is now about ``into``; it may turn out to be one that
    ``into`` already had, in which case the two become one."""
    fingerprint = claim_fingerprint((ENTITY, into.pk), Fact.of_claim(claim), claim.statement)
    same = Claim.objects.filter(fingerprint=fingerprint).exclude(pk=claim.pk).first()
    if same is None:
        claim.subject_entity, claim.fingerprint = into, fingerprint
        claim.save(update_fields=["subject_entity", "fingerprint", "updated_at"])
        return
    present = set(same.appearances.values_list("article_id", flat=True))
    claim.appearances.exclude(article_id__in=present).update(claim=same)
    same.entities.add(*claim.entities.all())
    same.initiatives.add(*claim.initiatives.all())
    if same.status == Claim.Status.UNVERIFIED and claim.status != Claim.Status.UNVERIFIED:
        for name in ("status", "evidence_url", "review_note", "reviewed_by", "reviewed_at"):
            setattr(same, name, getattr(claim, name))
    same.needs_independent_verification |= claim.needs_independent_verification
    same.save()
    claims_delete(
        claims=Claim.objects.filter(pk=claim.pk), reason=ClaimDeletion.Reason.MERGED, into=same
    )
