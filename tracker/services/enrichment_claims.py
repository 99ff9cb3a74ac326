"""The claims half of enrichment: store the claims the articles make, where each appears, which
names it is linked to, and carry editors' verdicts over to the claims that now state a figure."""

from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q

from .. import claims, extraction
from ..extraction import Extraction
from ..matching import ENTITY, INITIATIVE
from ..models import Claim, ClaimAppearance, ClaimDeletion
from .bulk import insert_new
from .claims import claims_delete

if TYPE_CHECKING:
    from .enrichment import EnrichmentResult


def reconcile_claims(
    extractions: list[Extraction],
    article_ids: list[int],
    state_media: set[int],
    relink: set[int],
    now,
    result: "EnrichmentResult",
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
        created = dict(insert_new(Claim, _CLAIM_COLUMNS, rows, returning=("fingerprint", "id")))
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
    insert_new(
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
    insert_new(through, ("claim", column.removesuffix("_id")), sorted(pairs - stored))
