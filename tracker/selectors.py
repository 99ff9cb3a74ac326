"""Reads that span the tracker's models: conflicts between claims, what needs enrichment."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Prefetch, Q, QuerySet

from articles.models import Article

from .claims import comparable
from .models import Claim, ClaimAppearance, Initiative


@dataclass(frozen=True)
class ConflictValue:
    value: Decimal
    value_max: Decimal | None
    unit: str
    claims: tuple[Claim, ...]  # with their appearances (and articles) prefetched


@dataclass(frozen=True)
class Conflict:
    """Claims about one initiative that give different amounts of the same kind."""

    initiative: Initiative
    unit: str  # the unit the values are compared in
    qualifier: str  # what is counted, or what a price is per; "" for plain amounts
    values: tuple[ConflictValue, ...]  # largest first


def initiative_conflicts(initiative: Initiative) -> list[Conflict]:
    """Where reports about ``initiative`` disagree: for each unit (and qualifier), the values
    that articles give instead of one another, with the claims behind each value.

    Two values conflict when some article states one but not the other and another article the
    reverse (Project Vault: "$10 billion" here, "$12 billion" there). An article that gives
    several amounts together is breaking a total down, not disagreeing with itself. Claims an
    editor marked false do not count.
    """
    claims = (
        Claim.objects.about_initiative(initiative)
        .with_figure()
        .exclude(status=Claim.Status.FALSE)
        .prefetch_related(
            Prefetch("appearances", queryset=ClaimAppearance.objects.select_related("article"))
        )
        .order_by("id")
    )
    groups: dict[tuple[str, str], dict[tuple, list[Claim]]] = defaultdict(lambda: defaultdict(list))
    for claim in claims:
        low, unit = comparable(claim.value, claim.unit)
        high = comparable(claim.value_max, claim.unit)[0] if claim.value_max is not None else None
        key = (low.normalize(), high.normalize() if high is not None else None)
        groups[unit, claim.qualifier][key].append(claim)
    conflicts = []
    for (unit, qualifier), by_value in sorted(groups.items()):
        articles = {
            key: {a.article_id for claim in found for a in claim.appearances.all()}
            for key, found in by_value.items()
        }
        disputed = {
            key
            for key, here in articles.items()
            for other, there in articles.items()
            if other != key and here - there and there - here
        }
        if not disputed:
            continue
        values = tuple(
            ConflictValue(low, high, unit, tuple(by_value[low, high]))
            for low, high in sorted(disputed, key=lambda key: -key[0])
        )
        conflicts.append(Conflict(initiative, unit, qualifier, values))
    return conflicts


def initiatives_with_conflicts() -> QuerySet[Initiative]:
    """Initiatives for which ``initiative_conflicts`` reports something."""
    candidates = (
        Claim.objects.with_figure()
        .exclude(status=Claim.Status.FALSE)
        .filter(subject_initiative__isnull=False)
        .values("subject_initiative")
        .annotate(values=Count("value", distinct=True))
        .filter(values__gt=1)
        .values_list("subject_initiative", flat=True)
    )
    initiatives = Initiative.objects.filter(pk__in=list(candidates))
    return Initiative.objects.filter(pk__in=[i.pk for i in initiatives if initiative_conflicts(i)])


def articles_to_enrich(*, lexicon_version: str) -> QuerySet[Article]:
    """Articles never enriched, changed since they last were, or enriched before the names and
    rules (or the extraction code) last changed."""
    return Article.objects.filter(
        Q(enrichment__isnull=True)
        | ~Q(enrichment__content_hash=F("content_hash"))
        | ~Q(enrichment__lexicon_version=lexicon_version)
    )
