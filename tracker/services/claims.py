"""Editors' verdicts on claims, and the one way claims are deleted."""

from django.contrib.auth.models import AbstractBaseUser as User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from .. import events
from ..models import Claim, ClaimDeletion


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
    claim.reviewed_by = user
    claim.reviewed_at = timezone.now()
    claim.needs_rereview = False  # an editor has now looked at this fact itself
    claim.full_clean(exclude=["fingerprint"])  # Claim.clean(): the verdict rule
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
