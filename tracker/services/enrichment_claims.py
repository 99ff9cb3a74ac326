"""The claims half of enrichment: store the claims the articles make, where each appears, which
names it is linked to, and carry editors' verdicts over to the claims that now state a figure.

Rows are named tuples: ``StoredClaim`` as read, ``NewClaim`` and ``NewAppearance`` as inserted
(their fields are the columns ``insert_new`` writes, in order).
"""

from typing import Any, NamedTuple

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q

from .. import figures
from ..extraction import ClaimFinding, Extraction
from ..matching import ENTITY, INITIATIVE
from ..models import Claim, ClaimAppearance, ClaimDeletion
from .bulk import insert_fresh_or_new, insert_new
from .claims import claims_delete

FindingKey = tuple[int, str]  # (article id, claim fingerprint): a claim as the batch finds it
AppearanceKey = tuple[int, int]  # (claim id, article id): a claim stated in an article


class ClaimChanges(NamedTuple):
    """What ``reconcile_claims`` wrote, for ``EnrichmentResult``."""

    claims_created: int
    appearances_created: int
    appearances_removed: int
    verdicts_carried: int


class StoredClaim(NamedTuple):
    pk: int
    flagged: bool  # needs_independent_verification, as stored


class NewClaim(NamedTuple):
    fingerprint: str
    statement: str
    figure_text: str
    measure: str
    value: object
    value_max: object
    unit: str
    per: str
    period: str
    bound: str
    outlook: str
    implausible: str
    is_attributed: bool
    subject_initiative: int | None
    subject_entity: int | None
    status: str
    needs_independent_verification: bool
    evidence_url: str
    review_note: str
    needs_rereview: bool
    created_at: object
    updated_at: object


class NewAppearance(NamedTuple):
    claim: int
    article: int
    sentence: str
    location: str
    position: int
    created_at: object


def reconcile_claims(
    *,
    extractions: list[Extraction],
    stored_ids: list[int],
    state_media: set[int],
    relink: set[int],
    now,
) -> ClaimChanges:
    """Bring the stored claims of the batch's articles in line with what it found.

    ``stored_ids``: the articles that may have appearances stored (not those the ingest has just
    created), read to compare with.

    In order: read the stored claims the batch names; insert the new ones; insert the new
    appearances; remove the appearances no longer stated (verdicts carried first, claims no
    article states any more deleted); link claims to the names in their sentences; set
    ``needs_independent_verification`` where the batch changes it.
    """
    stamp = connection.ops.adapt_datetimefield_value(now)
    findings = {(e.article_id, f.fingerprint): f for e in extractions for f in e.claims}
    flagged_here = _flagged_here(findings, state_media)
    stored = _stored_claims(list(flagged_here))
    claim_ids = {fingerprint: claim.pk for fingerprint, claim in stored.items()}
    created = _insert_claims(findings, flagged_here, claim_ids, stamp)

    wanted = {(claim_ids[fp], article_id): f for (article_id, fp), f in findings.items()}
    existing = _stored_appearances(stored_ids) if stored_ids else {}
    appearances = [
        NewAppearance(claim_id, article_id, f.sentence, f.location, f.position, stamp)
        for (claim_id, article_id), f in wanted.items()
        if (claim_id, article_id) not in existing
    ]
    stale = {key: pk for key, pk in existing.items() if key not in wanted}
    older = set(stored_ids)
    insert_fresh_or_new(
        ClaimAppearance, NewAppearance._fields, appearances, fresh=lambda a: a.article not in older
    )
    carried = _remove_appearances(stale, wanted, now) if stale else 0

    # Claims get linked to the names in their sentence when they appear; again when the
    # lexicon has changed since, as a new alias may name more.
    linked = {appearance.claim for appearance in appearances}
    linked |= {claim_id for claim_id, article_id in wanted if article_id in relink}
    _link_claims(wanted, linked, fresh=set(created.values()))
    _update_flags(
        stored,
        flagged_here,
        lost={claim_id for claim_id, _ in stale},
        stated_before={claim_id for claim_id, _ in existing},
    )
    return ClaimChanges(len(created), len(appearances), len(stale), carried)


def _stored_claims(fingerprints: list[str]) -> dict[str, StoredClaim]:
    return {
        fingerprint: StoredClaim(pk, flagged)
        for fingerprint, pk, flagged in Claim.objects.filter(
            fingerprint__in=fingerprints
        ).values_list("fingerprint", "id", "needs_independent_verification")
    }


def _stored_appearances(article_ids: list[int]) -> dict[AppearanceKey, int]:
    """The articles' appearances as stored: their ids by (claim, article)."""
    # No ordering: the model's (by article date) would join the articles for nothing.
    return {
        (claim_id, article_id): pk
        for pk, claim_id, article_id in ClaimAppearance.objects.filter(article_id__in=article_ids)
        .order_by()
        .values_list("id", "claim_id", "article_id")
    }


def _flagged_here(
    findings: dict[FindingKey, ClaimFinding], state_media: set[int]
) -> dict[str, bool]:
    """Per claim (fingerprint): whether this batch states it in a state-media article."""
    flagged_here: dict[str, bool] = {}
    for article_id, fingerprint in findings:
        flagged_here[fingerprint] = (
            flagged_here.get(fingerprint, False) or article_id in state_media
        )
    return flagged_here


def _insert_claims(
    findings: dict[FindingKey, ClaimFinding],
    flagged_here: dict[str, bool],
    claim_ids: dict[str, int],
    stamp,
) -> dict[str, int]:
    """Insert the claims not stored yet and add every claim's id to ``claim_ids``; returns the
    ids of the claims this run inserted, by fingerprint."""
    new: dict[str, NewClaim] = {}
    for (_, fingerprint), finding in findings.items():
        if fingerprint not in claim_ids and fingerprint not in new:
            new[fingerprint] = _new_claim(finding, flagged_here[fingerprint], stamp)
    if not new:
        return {}
    rows = list(new.values())
    created: dict[str, int] = dict(
        insert_new(Claim, NewClaim._fields, rows, returning=("fingerprint", "id"))
    )
    claim_ids.update(created)
    if len(created) < len(new):  # a concurrent run stored some of them first
        raced = [fingerprint for fingerprint in new if fingerprint not in created]
        claim_ids.update(
            Claim.objects.filter(fingerprint__in=raced).values_list("fingerprint", "id")
        )
    return created


def _remove_appearances(
    stale: dict[AppearanceKey, int], wanted: dict[AppearanceKey, ClaimFinding], now
) -> int:
    """Delete the appearances no longer stated, once their verdicts have passed on; returns how
    many claims took a verdict over."""
    carried = _carry_verdicts(stale, wanted, now)
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
    return carried


def _update_flags(
    stored: dict[str, StoredClaim],
    flagged_here: dict[str, bool],
    *,
    lost: set[int],
    stated_before: set[int],
) -> None:
    """needs_independent_verification: any appearance in a state-media article.

    New claims got it on insert; stored ones are set where this batch shows it, and recomputed
    where they may have lost the article that made it so: only a claim these articles stated
    before can (an appearance ``lost``, or an article no longer state media). Not every flagged
    claim the batch names: a figure repeated across a corpus has thousands of appearances to
    re-read.
    """
    raise_flag, recheck = [], set(lost)
    for fingerprint, claim in stored.items():
        if flagged_here[fingerprint] and not claim.flagged:
            raise_flag.append(claim.pk)
        elif claim.flagged and not flagged_here[fingerprint] and claim.pk in stated_before:
            recheck.add(claim.pk)
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
    stale: dict[AppearanceKey, int], wanted: dict[AppearanceKey, ClaimFinding], now
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
    successors = _successors(reviewed, stale, wanted)
    if not successors:
        return 0
    return _pass_verdicts(reviewed, successors, now)


def _successors(
    reviewed: dict[int, dict[str, Any]],
    stale: dict[AppearanceKey, int],
    wanted: dict[AppearanceKey, ClaimFinding],
) -> dict[int, set[int]]:
    """Per reviewed claim no longer stated: the claims now stating its figure where it was."""
    # Per article and sentence (where it starts, and its words, for an edited post): the
    # claims now stated there.
    stated: dict[tuple, list[tuple[int, ClaimFinding]]] = {}
    for (claim_id, article_id), finding in wanted.items():
        stated.setdefault((article_id, finding.position), []).append((claim_id, finding))
        key = (article_id, figures.sentence_key(finding.sentence))
        stated.setdefault(key, []).append((claim_id, finding))
    gone = ClaimAppearance.objects.filter(
        pk__in=[pk for (claim_id, _), pk in stale.items() if claim_id in reviewed]
    ).values_list("claim_id", "article_id", "position", "sentence")
    successors: dict[int, set[int]] = {}
    for claim_id, article_id, position, sentence in gone:
        here = [
            *stated.get((article_id, position), ()),
            *stated.get((article_id, figures.sentence_key(sentence)), ()),
        ]
        for new_id, finding in here:
            if new_id != claim_id and _same_figure(finding, reviewed[claim_id]):
                successors.setdefault(claim_id, set()).add(new_id)
    return successors


def _same_figure(finding: ClaimFinding, old: dict[str, Any]) -> bool:
    figure = finding.figure
    if figure is None:
        return old["value"] is None
    old_figure = (old["value"], old["value_max"], old["unit"])
    return (figure.value, figure.value_max, figure.unit) == old_figure


def _pass_verdicts(
    reviewed: dict[int, dict[str, Any]], successors: dict[int, set[int]], now
) -> int:
    """Give each successor still unverified the verdict it succeeds to; returns how many took
    one over."""
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


def _new_claim(finding: ClaimFinding, state_media: bool, stamp) -> NewClaim:
    figure, fact, context = finding.figure, finding.fact, finding.context
    subject_kind, subject_id = finding.subject or ("", None)
    return NewClaim(
        fingerprint=finding.fingerprint,
        statement=finding.sentence,
        figure_text=figure.text[:200] if figure else "",
        measure=fact.measure if fact else "",
        value=figure.value if figure else None,
        value_max=figure.value_max if figure else None,
        unit=figure.unit if figure else "",
        per=figure.per if figure else "",
        period=fact.period if fact else "",
        bound=fact.bound if fact else "",
        outlook=fact.outlook if fact else "",
        implausible=context.implausible[:200] if context else "",
        is_attributed=finding.is_attributed,
        subject_initiative=subject_id if subject_kind == INITIATIVE else None,
        subject_entity=subject_id if subject_kind == ENTITY else None,
        status=Claim.Status.UNVERIFIED.value,
        needs_independent_verification=state_media,
        evidence_url="",
        review_note="",
        needs_rereview=False,
        created_at=stamp,
        updated_at=stamp,
    )


def _link_claims(
    wanted: dict[AppearanceKey, ClaimFinding], claim_pks: set[int], *, fresh: set[int]
) -> None:
    """Link ``claim_pks`` to the entities and initiatives named where they appear; ``fresh``
    claims were created by this run, so have no links stored yet."""
    for through, column, attribute in (
        (Claim.entities.through, "entity_id", "entity_ids"),
        (Claim.initiatives.through, "initiative_id", "initiative_ids"),
    ):
        pairs = {
            (claim_id, target)
            for (claim_id, _), finding in wanted.items()
            if claim_id in claim_pks
            for target in getattr(finding, attribute)
        }
        if not pairs:
            continue
        stored = set()
        if older := claim_pks - fresh:
            stored = set(through.objects.filter(claim_id__in=older).values_list("claim_id", column))
        insert_fresh_or_new(
            through,
            ("claim", column.removesuffix("_id")),
            sorted(pairs - stored),  # ``stored`` holds only older claims' links
            fresh=lambda pair: pair[0] in fresh,
        )
