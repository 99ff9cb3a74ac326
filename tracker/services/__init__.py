"""Writes and workflows of the tracker: enrichment, editors' decisions, merges, reference data.

Enrichment is idempotent and safe to run concurrently for the same article: it reads what is
stored, writes only the difference, and leans on the unique constraints (``ON CONFLICT DO
NOTHING``) where two runs race. It only ever creates, refreshes or removes *undecided machine*
links; a link an editor made, confirmed or rejected is left exactly as it is.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Exists, Model, OuterRef, Q, QuerySet
from django.utils import timezone

from articles.models import Article

from . import claims, events, extraction, suggestions
from .extraction import ArticleText, Extraction, Fact, LinkFinding, claim_fingerprint
from .lexicon import current_lexicon
from .matching import ENTITY, INITIATIVE, normalize
from .models import (
    ArticleEnrichment,
    ArticleInitiative,
    ArticleTopic,
    Claim,
    ClaimAppearance,
    ClaimDeletion,
    Entity,
    EntityAlias,
    EntityMerge,
    Initiative,
    InitiativeAlias,
    InitiativeFact,
    InitiativeRelation,
    InitiativeSponsor,
    Link,
    Mention,
    ReferenceValue,
    Topic,
)

MACHINE, EDITOR = Link.Origin.MACHINE.value, Link.Origin.EDITOR.value
SUGGESTED, CONFIRMED, REJECTED = (
    Link.State.SUGGESTED.value,
    Link.State.CONFIRMED.value,
    Link.State.REJECTED.value,
)
BATCH_SIZE = 500

User = AbstractBaseUser


# --- enrichment -----------------------------------------------------------------------------


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


def articles_enrich(*, article_ids: Iterable[int], force: bool = False) -> EnrichmentResult:
    """Link the articles to the entities, initiatives and topics they mention, and record their
    claims.

    An article already enriched from the same content with the same lexicon is skipped unless
    ``force``; enriching it again anyway writes nothing, because only differences are written.
    """
    ids = sorted(set(article_ids))
    result = EnrichmentResult()
    if not ids:
        return result
    lexicon = current_lexicon()
    previous = {
        pk: (content_hash, version)
        for pk, content_hash, version in ArticleEnrichment.objects.filter(
            article_id__in=ids
        ).values_list("article_id", "content_hash", "lexicon_version")
    }
    rows = Article.objects.filter(pk__in=ids).values_list(
        "id", "title", "content_text", "highlights", "disclosure", "is_state_media", "content_hash"
    )
    extractions: list[Extraction] = []
    texts: list[ArticleText] = []
    hashes: dict[int, str] = {}
    state_media: set[int] = set()
    relink: set[int] = set()  # articles whose claims' links to names must be rechecked
    for pk, title, text, highlights, disclosure, is_state_media, content_hash in rows:
        hash_before, version_before = previous.get(pk, ("", ""))
        if not force and (hash_before, version_before) == (content_hash, lexicon.version):
            continue
        if force or version_before != lexicon.version:
            relink.add(pk)
        article = ArticleText(pk, title, text, tuple(highlights or ()), disclosure)
        extractions.append(extraction.extract(lexicon, article))
        texts.append(article)
        hashes[pk] = content_hash
        if is_state_media:
            state_media.add(pk)
    ids = sorted(hashes)
    result.articles = len(ids)
    if not ids:
        return result

    now = timezone.now()
    with transaction.atomic():
        entities, _ = _reconcile_links(
            Mention,
            "entity_id",
            {(e.article_id, pk): f for e in extractions for pk, f in e.entities.items()},
            ids,
            now,
            result,
            extra=("occurrences",),
        )
        initiatives, _ = _reconcile_links(
            ArticleInitiative,
            "initiative_id",
            {(e.article_id, pk): f for e in extractions for pk, f in e.initiatives.items()},
            ids,
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
        _, recount = _reconcile_links(ArticleTopic, "topic_id", topics, ids, now, result)
        # Names no entity goes by yet, for editors to accept or reject.
        suggestions.entity_suggestions_record(articles=texts, lexicon=lexicon, now=now)
        _reconcile_claims(extractions, ids, state_media, relink, now, result)
        ArticleEnrichment.objects.bulk_create(
            [
                ArticleEnrichment(
                    article_id=pk,
                    content_hash=hashes[pk],
                    lexicon_version=lexicon.version,
                    enriched_at=now,
                )
                for pk in ids
            ],
            update_conflicts=True,
            unique_fields=["article"],
            update_fields=["content_hash", "lexicon_version", "enriched_at"],
        )
        if recount:  # last: it locks the topics' rows until commit
            Topic.objects.filter(pk__in=recount).recount_links()
    return result


def _insert_new(
    model: type[Model], columns: tuple[str, ...], rows: list[tuple], returning: tuple[str, ...] = ()
) -> list[tuple]:
    """``INSERT ... ON CONFLICT DO NOTHING`` of plain, database-ready rows; returns the
    ``returning`` fields of the rows actually inserted.

    Used instead of ``bulk_create`` on enrichment's hot path: building and preparing a model
    instance per row was most of enrichment's time (about 50 µs a row against 5 µs for the
    SQL). Rows a concurrent run inserted first are skipped, as with ``ignore_conflicts``.
    """
    if not rows:
        return []
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    fields = [model._meta.get_field(name) for name in columns]
    names = ", ".join(quote(field.column) for field in fields)
    tail = "ON CONFLICT DO NOTHING"
    if returning:
        tail += " RETURNING " + ", ".join(quote(model._meta.get_field(n).column) for n in returning)
    inserted: list[tuple] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # All rows as one JSON document, typed by the table's own row type: one short
            # statement whatever the number of rows, and one string for the driver to quote.
            # (Arrays per column cost more: the driver quotes their every element in Python.)
            keys = [field.column for field in fields]
            document = json.dumps([dict(zip(keys, row, strict=True)) for row in rows], default=str)
            cursor.execute(
                f"INSERT INTO {table} ({names}) SELECT {names} "
                f"FROM json_populate_recordset(NULL::{table}, %s) {tail}",
                [document],
            )
            return cursor.fetchall() if returning else []
        row = f"({', '.join(['%s'] * len(columns))})"
        size = max(1, min(BATCH_SIZE, 30_000 // len(columns)))  # SQLite's parameter limit
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            cursor.execute(
                f"INSERT INTO {table} ({names}) VALUES {', '.join([row] * len(batch))} {tail}",
                [value for values in batch for value in values],
            )
            if returning:
                inserted.extend(cursor.fetchall())
    return inserted


def _reconcile_links(
    model: type[Link],
    target: str,
    found: dict[tuple[int, int], LinkFinding],
    article_ids: list[int],
    now,
    result: EnrichmentResult,
    extra: tuple[str, ...] = (),
) -> tuple[dict[int, set[int]], set[int]]:
    """Bring the machine's undecided links in line with ``found``; return, per article, the
    targets it ends up linked to (rejected links excluded, editors' links included), and the
    targets that gained or lost links."""
    fields = ("matched_text", "confidence", *extra)
    stamp = connection.ops.adapt_datetimefield_value(now)
    existing = {
        (article_id, target_id): (pk, origin, state, tuple(values))
        for pk, article_id, target_id, origin, state, *values in model.objects.filter(
            article_id__in=article_ids
        ).values_list("id", "article_id", target, "origin", "state", *fields)
    }
    to_create, to_update = [], []
    for key, finding in found.items():
        wanted = {name: getattr(finding, name) for name in fields}
        row = existing.get(key)
        if row is None:
            to_create.append((*key, MACHINE, SUGGESTED, *wanted.values(), stamp, stamp))
        elif row[1] == MACHINE and row[2] == SUGGESTED and row[3] != tuple(wanted.values()):
            to_update.append(model(id=row[0], updated_at=now, **wanted))
    stale = [
        row[0]
        for key, row in existing.items()
        if key not in found and row[1] == MACHINE and row[2] == SUGGESTED
    ]
    columns = ("article", target.removesuffix("_id"), "origin", "state", *fields)
    _insert_new(model, (*columns, "created_at", "updated_at"), to_create)
    if to_update:
        model.objects.bulk_update(to_update, [*fields, "updated_at"], batch_size=BATCH_SIZE)
    if stale:
        # Conditional, so a link an editor decides meanwhile is not deleted under them.
        model.objects.filter(pk__in=stale).undecided_machine().delete()
    result.links_created += len(to_create)
    result.links_updated += len(to_update)
    result.links_removed += len(stale)

    linked: dict[int, set[int]] = {}
    for key in found:
        row = existing.get(key)
        if row is None or row[2] != REJECTED:
            linked.setdefault(key[0], set()).add(key[1])
    for key, row in existing.items():
        if key not in found and (row[1] == EDITOR or row[2] == CONFIRMED):
            linked.setdefault(key[0], set()).add(key[1])
    removed = set(stale)
    changed = {row[1] for row in to_create}
    changed.update(key[1] for key, row in existing.items() if row[0] in removed)
    return linked, changed


def _reconcile_claims(
    extractions: list[Extraction],
    article_ids: list[int],
    state_media: set[int],
    relink: set[int],
    now,
    result: EnrichmentResult,
) -> None:
    findings = {(e.article_id, f.fingerprint): f for e in extractions for f in e.claims}
    # Per claim: whether this batch states it in a state-media article.
    flagged_here: dict[str, bool] = {}
    for article_id, fingerprint in findings:
        flagged_here[fingerprint] = (
            flagged_here.get(fingerprint, False) or article_id in state_media
        )
    stored = {
        fingerprint: (pk, flagged)
        for fingerprint, pk, flagged in Claim.objects.filter(
            fingerprint__in=list(flagged_here)
        ).values_list("fingerprint", "id", "needs_independent_verification")
    }
    claim_ids = {fingerprint: pk for fingerprint, (pk, _) in stored.items()}
    stamp = connection.ops.adapt_datetimefield_value(now)
    new: dict[str, tuple] = {}
    for (_, fingerprint), finding in findings.items():
        if fingerprint not in claim_ids and fingerprint not in new:
            new[fingerprint] = _claim_row(finding, flagged_here[fingerprint], stamp)
    created: dict[str, int] = {}
    if new:
        rows = list(new.values())
        created = dict(_insert_new(Claim, _CLAIM_COLUMNS, rows, returning=("fingerprint", "id")))
        claim_ids.update(created)
        if len(created) < len(new):  # a concurrent run stored some of them first
            raced = [fingerprint for fingerprint in new if fingerprint not in created]
            claim_ids.update(
                Claim.objects.filter(fingerprint__in=raced).values_list("fingerprint", "id")
            )
        result.claims_created += len(created)

    wanted = {(claim_ids[fp], article_id): f for (article_id, fp), f in findings.items()}
    existing = {
        (claim_id, article_id): pk
        for pk, claim_id, article_id in ClaimAppearance.objects.filter(
            article_id__in=article_ids
        ).values_list("id", "claim_id", "article_id")
    }
    to_create = [
        (claim_id, article_id, finding.sentence, finding.location, finding.position, stamp)
        for (claim_id, article_id), finding in wanted.items()
        if (claim_id, article_id) not in existing
    ]
    stale = {key: pk for key, pk in existing.items() if key not in wanted}
    _insert_new(
        ClaimAppearance,
        ("claim", "article", "sentence", "location", "position", "created_at"),
        to_create,
    )
    if stale:
        carried = _carry_verdicts(stale, wanted, now)
        result.verdicts_carried += carried
        ClaimAppearance.objects.filter(pk__in=stale.values()).delete()
        # A claim no article makes any more goes, unless an editor has reviewed it and its
        # verdict did not pass to the claims that now state the same figure.
        orphans = Claim.objects.filter(pk__in={claim_id for claim_id, _ in stale}).exclude(
            Exists(ClaimAppearance.objects.filter(claim=OuterRef("pk")))
        )
        moved = Exists(Claim.objects.filter(carried_from=OuterRef("pk")))
        claims_delete(
            claims=orphans.filter(Q(status=Claim.Status.UNVERIFIED) | moved),
            reason=ClaimDeletion.Reason.UNSTATED,
        )
    result.appearances_created += len(to_create)
    result.appearances_removed += len(stale)

    # Claims get linked to the names in their sentence when they appear; again when the
    # lexicon has changed since, as a new alias may name more.
    linked = {row[0] for row in to_create}
    linked |= {claim_id for claim_id, article_id in wanted if article_id in relink}
    fresh = set(created.values())  # no links yet: nothing stored to compare with
    for through, column, attribute in (
        (Claim.entities.through, "entity_id", "entity_ids"),
        (Claim.initiatives.through, "initiative_id", "initiative_ids"),
    ):
        _add_claim_links(through, column, wanted, linked, attribute, fresh=fresh)

    # needs_independent_verification: any appearance in a state-media article. New claims got
    # it on insert; stored ones are set where this batch shows it, and recomputed where they
    # may have lost the article that made it so: only a claim these articles stated before can
    # (an appearance gone, or an article no longer state media). Not every flagged claim the
    # batch names: a figure repeated across a corpus has thousands of appearances to re-read.
    raise_flag, recheck = [], {claim_id for claim_id, _ in stale}
    stated_before = {claim_id for claim_id, _ in existing}
    for fingerprint, (pk, flagged) in stored.items():
        if flagged_here[fingerprint] and not flagged:
            raise_flag.append(pk)
        elif flagged and not flagged_here[fingerprint] and pk in stated_before:
            recheck.add(pk)
    if raise_flag:
        Claim.objects.filter(pk__in=raise_flag).update(needs_independent_verification=True)
    if recheck:
        state_media_appearance = ClaimAppearance.objects.filter(
            claim=OuterRef("pk"), article__is_state_media=True
        )
        Claim.objects.filter(pk__in=recheck).update(
            needs_independent_verification=Exists(state_media_appearance)
        )


_VERDICT_FIELDS = ("status", "evidence_url", "review_note", "reviewed_by_id", "reviewed_at")


def _carry_verdicts(
    stale: dict[tuple[int, int], int],
    wanted: dict[tuple[int, int], extraction.ClaimFinding],
    now,
) -> int:
    """An editor's verdict follows the figure it was given to.

    When an article stops stating a reviewed claim (re-extraction reshaped claims, or the post
    was edited) but states, in the same sentence, the same value in the same unit as a claim
    of another identity, that claim takes the verdict over: its status, evidence, note, who
    and when, and ``carried_from``. A claim that covered several facts (the coarser identity
    of an older extractor) passes its verdict to each of them, and each is marked
    ``needs_rereview``. A claim that already has a verdict keeps it. Returns how many claims
    took a verdict over.
    """
    reviewed = {
        row["id"]: row
        for row in Claim.objects.filter(pk__in={claim_id for claim_id, _ in stale})
        .reviewed()
        .values("id", "value", "value_max", "unit", "statement", *_VERDICT_FIELDS)
    }
    if not reviewed:
        return 0
    # Per article and sentence (where it starts, and its words, for an edited post): the
    # claims now stated there.
    stated: dict[tuple, list[tuple[int, extraction.ClaimFinding]]] = {}
    for (claim_id, article_id), finding in wanted.items():
        stated.setdefault((article_id, finding.position), []).append((claim_id, finding))
        key = (article_id, claims.sentence_key(finding.sentence))
        stated.setdefault(key, []).append((claim_id, finding))
    gone = ClaimAppearance.objects.filter(
        pk__in=[pk for (claim_id, _), pk in stale.items() if claim_id in reviewed]
    ).values_list("claim_id", "article_id", "position", "sentence")
    successors: dict[int, set[int]] = {}
    for claim_id, article_id, position, sentence in gone:
        old = reviewed[claim_id]
        here = [
            *stated.get((article_id, position), ()),
            *stated.get((article_id, claims.sentence_key(sentence)), ()),
        ]
        for new_id, finding in here:
            figure = finding.figure
            same_figure = (
                (figure.value, figure.value_max, figure.unit)
                == (old["value"], old["value_max"], old["unit"])
                if figure is not None
                else old["value"] is None
            )
            if same_figure and new_id != claim_id:
                successors.setdefault(claim_id, set()).add(new_id)
    if not successors:
        return 0
    taking = {
        pk: carried_from
        for pk, carried_from in Claim.objects.filter(pk__in=set().union(*successors.values()))
        .unverified()
        .values_list("pk", "carried_from")
    }
    updates: list[Claim] = []
    for old_id, new_ids in sorted(successors.items()):
        old = reviewed[old_id]
        for new_id in sorted(new_ids):
            if new_id not in taking:
                continue
            del taking[new_id]  # a claim takes one verdict over, the first found
            claim = Claim(pk=new_id, carried_from=old_id, updated_at=now)
            for name in _VERDICT_FIELDS:
                setattr(claim, name, old[name])
            claim.needs_rereview = len(new_ids) > 1
            updates.append(claim)
    Claim.objects.bulk_update(
        updates, [*_VERDICT_FIELDS, "carried_from", "needs_rereview", "updated_at"]
    )
    # A verdict passed on in several batches (an old claim stated across many articles) went to
    # several claims only when seen together: mark every heir of a verdict with more than one.
    split = (
        Claim.objects.filter(carried_from__in=list(successors))
        .values("carried_from")
        .annotate(heirs=Count("id"))
        .filter(heirs__gt=1)
        .values("carried_from")
    )
    Claim.objects.filter(carried_from__in=split, needs_rereview=False).update(
        needs_rereview=True, updated_at=now
    )
    return len(updates)


_CLAIM_COLUMNS = (
    "fingerprint", "statement", "figure_text", "measure", "value", "value_max", "unit", "per",
    "period", "bound", "outlook", "implausible", "is_attributed", "subject_initiative",
    "subject_entity", "status", "needs_independent_verification", "evidence_url", "review_note",
    "needs_rereview", "created_at", "updated_at",
)  # fmt: skip


def _claim_row(finding: extraction.ClaimFinding, state_media: bool, stamp) -> tuple:
    figure = finding.figure
    fact = finding.fact
    context = finding.context
    subject_kind, subject_id = finding.subject or ("", None)
    return (
        finding.fingerprint,
        finding.sentence,
        figure.text[:200] if figure else "",
        fact.measure if fact else "",
        figure.value if figure else None,
        figure.value_max if figure else None,
        figure.unit if figure else "",
        figure.per if figure else "",
        fact.period if fact else "",
        fact.bound if fact else "",
        fact.outlook if fact else "",
        context.implausible[:200] if context else "",
        finding.is_attributed,
        subject_id if subject_kind == INITIATIVE else None,
        subject_id if subject_kind == ENTITY else None,
        Claim.Status.UNVERIFIED.value,
        state_media,
        "",
        "",
        False,
        stamp,
        stamp,
    )


def _add_claim_links(
    through, column: str, wanted, claim_pks: set[int], attribute: str, fresh: set[int]
) -> None:
    """Link claims to the entities (or initiatives) named where they appear; ``fresh`` claims
    were created by this run, so have no links stored yet."""
    pairs = {
        (claim_id, target)
        for (claim_id, _), finding in wanted.items()
        if claim_id in claim_pks
        for target in getattr(finding, attribute)
    }
    if not pairs:
        return
    stored = set()
    if older := claim_pks - fresh:
        stored = set(through.objects.filter(claim_id__in=older).values_list("claim_id", column))
    _insert_new(through, ("claim", column.removesuffix("_id")), sorted(pairs - stored))


# --- editors' decisions ---------------------------------------------------------------------


def _link_decide(link: Link, *, state: str, user: User | None) -> Link:
    if state not in (CONFIRMED, REJECTED):
        raise ValidationError(f"A decision confirms or rejects a link, not {state!r}.")
    if link.state == state and link.decided_by_id == getattr(user, "pk", None):
        return link
    was_confirmed = link.state == CONFIRMED
    link.state = state
    link.decided_by = user
    link.decided_at = timezone.now()
    link._history_user = user  # who, for django-simple-history
    with transaction.atomic():  # the outbox row commits with the decision, or neither does
        link.save(update_fields=["state", "decided_by", "decided_at", "updated_at"])
        _link_changed(link, was_confirmed=was_confirmed)
    return link


def _link_changed(link: Link, *, was_confirmed: bool) -> None:
    if isinstance(link, ArticleTopic):  # a rejection takes the link out of the topic's count
        Topic.objects.filter(pk=link.topic_id).recount_links()
    # Partners hear of a link when it becomes confirmed, not when an editor re-confirms it.
    linked = isinstance(link, ArticleInitiative) and link.state == CONFIRMED and not was_confirmed
    events.tracker_changed(
        event=events.ARTICLE_INITIATIVE_LINKED if linked else events.LINK_DECIDED, instance=link
    )


def mention_decide(*, mention: Mention, state: str, user: User | None) -> Mention:
    """Confirm or reject an entity mention; extraction never changes it afterwards."""
    return _link_decide(mention, state=state, user=user)


def article_initiative_decide(
    *, link: ArticleInitiative, state: str, user: User | None
) -> ArticleInitiative:
    """Confirm or reject an article's link to an initiative; it then survives re-extraction."""
    return _link_decide(link, state=state, user=user)


def article_topic_decide(*, link: ArticleTopic, state: str, user: User | None) -> ArticleTopic:
    return _link_decide(link, state=state, user=user)


def _link_add(model: type[Link], *, article: Article, user: User | None, **target) -> Link:
    link = model.objects.filter(article=article, **target).first()
    if link is None:
        link = model(article=article, origin=EDITOR, confidence=1.0, **target)
    was_confirmed = link.pk is not None and link.state == CONFIRMED
    link.state, link.decided_by, link.decided_at = CONFIRMED, user, timezone.now()
    link._history_user = user
    with transaction.atomic():
        link.save()
        _link_changed(link, was_confirmed=was_confirmed)
    return link


def mention_add(*, article: Article, entity: Entity, user: User | None) -> Mention:
    """An editor links an article to an entity (or confirms the machine's link)."""
    return _link_add(Mention, article=article, entity=entity, user=user)


def article_initiative_add(
    *, article: Article, initiative: Initiative, user: User | None
) -> ArticleInitiative:
    """An editor links an article to an initiative (or confirms the machine's link)."""
    return _link_add(ArticleInitiative, article=article, initiative=initiative, user=user)


def claim_review(
    *,
    claim: Claim,
    status: str,
    user: User | None,
    evidence_url: str = "",
    note: str = "",
) -> Claim:
    """Record an editor's verdict on a claim; it covers every article that makes the claim.

    Verified needs the evidence's URL; false needs that URL or a note saying why. Evidence
    and note already on the claim count, and are kept unless new ones are given.
    """
    if status not in Claim.Status.values:
        raise ValidationError(f"Unknown claim status {status!r}.")
    claim.status = status
    claim.evidence_url = evidence_url.strip() or claim.evidence_url
    claim.review_note = note.strip() or claim.review_note
    if status == Claim.Status.VERIFIED and not claim.evidence_url:
        raise ValidationError({"evidence_url": "A verified claim needs the evidence's URL."})
    if status == Claim.Status.FALSE and not (claim.evidence_url or claim.review_note):
        raise ValidationError(
            {"review_note": "A claim marked false needs the evidence's URL or a note."}
        )
    claim.reviewed_by = user
    claim.reviewed_at = timezone.now()
    claim.needs_rereview = False  # an editor has now looked at this fact itself
    claim.full_clean(exclude=["fingerprint"])
    claim._history_user = user
    with transaction.atomic():  # the outbox row commits with the verdict, or neither does
        # The stored status, locked: the caller's instance may already carry the new one (the
        # admin's form sets it), and of two editors at once only one announces a change.
        stored = Claim.objects.select_for_update().filter(pk=claim.pk)
        previous = stored.values_list("status", flat=True).first()
        claim.save()
        changed = claim.status != previous
        events.tracker_changed(
            event=events.CLAIM_STATUS_CHANGED if changed else events.CLAIM_REVIEWED,
            instance=claim,
        )
    return claim


def claims_delete(*, claims: QuerySet[Claim], reason: str, into: Claim | None = None) -> int:
    """Delete ``claims``, leaving a ``ClaimDeletion`` for each in the same transaction.

    The one way claims are deleted, so that partners syncing by ``updated_since`` hear of
    every one (``/api/v1/claim-deletions/``). ``into``: the claim a merged one was folded into.
    Returns how many were deleted.
    """
    now = timezone.now()
    with transaction.atomic():
        doomed = list(claims.order_by("pk").select_for_update().values_list("pk", flat=True))
        if not doomed:
            return 0
        ClaimDeletion.objects.bulk_create(
            ClaimDeletion(
                former_id=pk,
                reason=reason,
                into_id=into.pk if into else None,
                deleted_at=now,
                updated_at=now,
            )
            for pk in doomed
        )
        Claim.objects.filter(pk__in=doomed).delete()
    return len(doomed)


# --- merging --------------------------------------------------------------------------------


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


# --- reference data -------------------------------------------------------------------------


@dataclass
class ReferenceResult:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # fields an editor changed, left as they are

    def count(self, kind: str, what: str) -> None:
        target = self.created if what == "created" else self.updated
        target[kind] = target.get(kind, 0) + 1

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def reference_load(*, data: dict[str, list[dict[str, Any]]]) -> ReferenceResult:
    """Create or refresh the reference entities, initiatives and topics.

    Idempotent: a second run with the same data changes nothing. Descriptions, summaries and
    facts follow the data only while they hold what was last loaded (``_refresh``): a field an
    editor changed is kept and reported in ``kept``. Other fields are only filled where empty,
    so an editor's change of status or date stands. Nothing is ever deleted, and an alias
    another record already uses is skipped and reported, never taken over.
    """
    result = ReferenceResult()
    with transaction.atomic():
        entities = {row["slug"]: _reference_entity(row, result) for row in data.get("entities", [])}
        entities.update({e.slug: e for e in Entity.objects.exclude(slug__in=entities)})
        initiatives = {
            row["slug"]: _reference_initiative(row, entities, result)
            for row in data.get("initiatives", [])
        }
        initiatives.update({i.slug: i for i in Initiative.objects.exclude(slug__in=initiatives)})
        for row in data.get("initiatives", []):
            for relation in row.get("relations", []):
                _, created = InitiativeRelation.objects.get_or_create(
                    from_initiative=initiatives[row["slug"]],
                    to_initiative=initiatives[relation["to"]],
                    kind=relation["kind"],
                )
                if created:
                    result.count("relation", "created")
        for row in data.get("topics", []):
            _reference_topic(row, entities, initiatives, result)
    return result


def _upsert(
    model: type[Model],
    row: dict[str, Any],
    *,
    kind: str,
    result: ReferenceResult,
    refreshed: tuple[str, ...] = (),
    filled: tuple[str, ...] = (),
    initial: tuple[str, ...] = (),
):
    """Get by slug and bring up to date: ``refreshed`` fields follow the data, ``filled`` ones
    are set only while empty, ``initial`` ones only on creation."""
    values = {name: row[name] for name in (*refreshed, *filled, *initial) if name in row}
    for name in values:
        if name.endswith("_on"):
            values[name] = date.fromisoformat(values[name]) if values[name] else None
    obj = model.objects.filter(slug=row["slug"]).first()
    if obj is None:
        obj = model(slug=row["slug"], **values)
        obj.full_clean()
        obj.save()
        _remember(obj, {name: values[name] for name in refreshed if name in values})
        result.count(kind, "created")
        return obj
    label = f"{kind} {row['slug']!r}"
    wanted = {name: values[name] for name in refreshed if name in values}
    changed = _refresh(obj, wanted, label=label, result=result)
    changed += [
        name
        for name in filled
        if values.get(name) not in ("", None) and getattr(obj, name) in ("", None)
    ]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.full_clean()
        obj.save(update_fields=[*changed, "updated_at"])
        result.count(kind, "updated")
    return obj


def _refresh(obj: Model, wanted: dict[str, Any], *, label: str, result: ReferenceResult) -> list:
    """The fields of ``obj`` to set to the reference data's ``wanted`` values.

    A field is refreshed only while it holds the value last loaded into it. Holding anything
    else, it was changed by an editor (or predates this record keeping, when an edit cannot be
    told from old data): it is kept, and reported in ``result.kept`` on every run. Values
    loaded (or found already equal) are remembered for the next run.
    """
    last = dict(
        ReferenceValue.objects.filter(
            model=obj._meta.label_lower, object_id=obj.pk, field__in=list(wanted)
        ).values_list("field", "value")
    )
    changed, remember = [], {}
    for name, value in wanted.items():
        current = _as_json(getattr(obj, name))
        if current == _as_json(value):
            pass
        elif name in last and current == last[name]:
            changed.append(name)
        else:
            result.kept.append(f"{label}: {name} was changed by an editor, kept")
            continue
        if last.get(name, _UNSET) != _as_json(value):
            remember[name] = value
    _remember(obj, remember)
    return changed


_UNSET = object()


def _remember(obj: Model, values: dict[str, Any]) -> None:
    for name, value in values.items():
        ReferenceValue.objects.update_or_create(
            model=obj._meta.label_lower,
            object_id=obj.pk,
            field=name,
            defaults={"value": _as_json(value)},
        )


def _as_json(value: Any) -> Any:
    """A field value as stored in ReferenceValue (and compared with it)."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _add_aliases(
    model: type[Model], owner_field: str, owner: Model, aliases: list, result: ReferenceResult
) -> None:
    for alias in aliases:
        if isinstance(alias, str):
            alias = {"text": alias}
        text, exact = alias["text"], alias.get("exact", False)
        kind, note = alias.get("kind", EntityAlias.Kind.NAME), alias.get("note", "")
        clash = EntityAlias if model is InitiativeAlias else InitiativeAlias
        current = model.objects.filter(text__iexact=text).first()
        if current is not None:
            if getattr(current, f"{owner_field}_id") != owner.pk:
                result.skipped.append(f"alias {text!r} already belongs to another record")
                continue
            # Kind and note are filled in, never overwritten: an editor's word stands.
            changed = []
            if current.kind == EntityAlias.Kind.NAME and kind != current.kind:
                current.kind = kind
                changed.append("kind")
            if note and not current.note:
                current.note = note
                changed.append("note")
            if changed:
                current.save(update_fields=[*changed, "updated_at"])
                result.count("alias", "updated")
            continue
        if clash.objects.filter(text__iexact=text).exists():
            result.skipped.append(f"alias {text!r} is already used by another kind of record")
            continue
        model.objects.create(**{owner_field: owner}, text=text, exact=exact, kind=kind, note=note)
        result.count("alias", "created")


def _former_names(row: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"text": text, "kind": EntityAlias.Kind.FORMER} for text in row.get("former_names", [])]


def _reference_entity(row: dict[str, Any], result: ReferenceResult) -> Entity:
    entity = _upsert(
        Entity,
        row,
        refreshed=("description",),
        filled=("name", "kind", "country", "website", "wikidata_id"),
        result=result,
        kind="entity",
    )
    aliases = [*row.get("aliases", []), *_former_names(row)]
    _add_aliases(EntityAlias, "entity", entity, aliases, result)
    return entity


def _reference_initiative(
    row: dict[str, Any], entities: dict[str, Entity], result: ReferenceResult
) -> Initiative:
    initiative = _upsert(
        Initiative,
        row,
        refreshed=("summary",),
        filled=(
            "name",
            "acronym",
            "kind",
            "status",
            "official_url",
            "announced_on",
            "launched_on",
            "ended_on",
        ),
        initial=("patterns",),
        result=result,
        kind="initiative",
    )
    missing = [p for p in row.get("patterns", []) if p not in initiative.patterns]
    if missing:
        initiative.patterns = [*initiative.patterns, *missing]
        initiative.full_clean()
        initiative.save(update_fields=["patterns", "updated_at"])
        result.count("initiative", "updated")
    _add_aliases(InitiativeAlias, "initiative", initiative, row.get("aliases", []), result)
    for sponsor in row.get("sponsors", []):
        _, created = InitiativeSponsor.objects.get_or_create(
            initiative=initiative,
            entity=entities[sponsor["entity"]],
            role=sponsor.get("role", InitiativeSponsor.Role.LEAD),
        )
        if created:
            result.count("sponsor", "created")
    have = set(initiative.jurisdictions.values_list("slug", flat=True))
    wanted = [entities[slug] for slug in row.get("jurisdictions", []) if slug not in have]
    if wanted:
        initiative.jurisdictions.add(*wanted)
        result.count("jurisdiction", "created")
    for fact in row.get("facts", []):
        _reference_fact(initiative, fact, result)
    return initiative


def _reference_fact(initiative: Initiative, fact: dict[str, Any], result: ReferenceResult) -> None:
    values = {
        "value": Decimal(str(fact["value"])) if fact.get("value") is not None else None,
        "unit": fact.get("unit", ""),
        "note": fact.get("note", ""),
        "as_of": date.fromisoformat(fact["as_of"]) if fact.get("as_of") else None,
        "source_url": fact.get("source_url", ""),
    }
    current = InitiativeFact.objects.filter(initiative=initiative, label=fact["label"]).first()
    if current is None:
        InitiativeFact(initiative=initiative, label=fact["label"], **values).full_clean()
        created = InitiativeFact.objects.create(
            initiative=initiative, label=fact["label"], **values
        )
        _remember(created, values)
        result.count("fact", "created")
        return
    label = f"fact {fact['label']!r} of initiative {initiative.slug!r}"
    changed = _refresh(current, values, label=label, result=result)
    if changed:
        for name in changed:
            setattr(current, name, values[name])
        current.full_clean()
        current.save(update_fields=changed)
        result.count("fact", "updated")


def _reference_topic(
    row: dict[str, Any],
    entities: dict[str, Entity],
    initiatives: dict[str, Initiative],
    result: ReferenceResult,
) -> None:
    topic = _upsert(
        Topic,
        row,
        refreshed=("description",),
        filled=("name",),
        initial=("min_keyword_hits", "keywords"),
        result=result,
        kind="topic",
    )
    known = {normalize(k) for k in topic.keywords}
    missing = [k for k in row.get("keywords", []) if normalize(k) not in known]
    if missing:
        topic.keywords = [*topic.keywords, *missing]
        topic.full_clean()
        topic.save(update_fields=["keywords", "updated_at"])
        result.count("topic", "updated")
    for relation, targets, pool in (
        (topic.entities, row.get("entities", []), entities),
        (topic.initiatives, row.get("initiatives", []), initiatives),
    ):
        have = set(relation.values_list("slug", flat=True))
        wanted = [pool[slug] for slug in targets if slug not in have]
        if wanted:
            relation.add(*wanted)
            result.count("topic rule", "created")
