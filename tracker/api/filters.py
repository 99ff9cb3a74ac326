import django_filters
from django.db.models import Exists, OuterRef, Q

from reex.api.filters import AnyOfFilter, IdFilter, UtcIsoDateTimeFilter
from tracker.models import (
    Claim,
    ClaimAppearance,
    ClaimDeletion,
    Entity,
    EntityMerge,
    Initiative,
    Topic,
)


class UpdatedSinceMixin(django_filters.FilterSet):
    updated_since = UtcIsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", help_text="Changed at or after this time."
    )


class EntityFilter(UpdatedSinceMixin):
    q = django_filters.CharFilter(method="filter_q", help_text="In the name or an alias.")
    topic = AnyOfFilter(field_name="topics__slug", help_text="Topic slug.")

    class Meta:
        model = Entity
        fields = ["kind", "country"]

    def filter_q(self, queryset, name, value):
        names = Q(name__icontains=value) | Q(aliases__text__icontains=value)
        return queryset.filter(pk__in=Entity.objects.filter(names).values("pk"))


class EntityMergeFilter(UpdatedSinceMixin):
    class Meta:
        model = EntityMerge
        fields: list[str] = []


class ClaimDeletionFilter(UpdatedSinceMixin):
    class Meta:
        model = ClaimDeletion
        fields: list[str] = []


class InitiativeFilter(UpdatedSinceMixin):
    q = django_filters.CharFilter(method="filter_q", help_text="In the name, acronym or an alias.")
    topic = AnyOfFilter(field_name="topics__slug", help_text="Topic slug.")
    entity = AnyOfFilter(field_name="sponsorships__entity__slug", help_text="Sponsor's slug.")

    class Meta:
        model = Initiative
        fields = ["kind", "status"]

    def filter_q(self, queryset, name, value):
        names = (
            Q(name__icontains=value) | Q(acronym__iexact=value) | Q(aliases__text__icontains=value)
        )
        return queryset.filter(pk__in=Initiative.objects.filter(names).values("pk"))


class TopicFilter(UpdatedSinceMixin):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains")

    class Meta:
        model = Topic
        fields: list[str] = []


class ClaimFilter(UpdatedSinceMixin):
    updated_since = UtcIsoDateTimeFilter(
        method="filter_updated_since",
        help_text="Changed at or after this time, the claim or any article stating it (hidden, "
        "shown again, edited). Includes claims no published article states any more as "
        "tombstones (deleted: true).",
    )
    initiative = AnyOfFilter(
        method="filter_initiative", help_text="Initiative slug: its subject or one it names."
    )
    entity = AnyOfFilter(
        method="filter_entity", help_text="Entity slug: its subject or one it names."
    )
    topic = AnyOfFilter(
        method="filter_topic", help_text="Claims made in articles on this topic (slug)."
    )
    article = IdFilter(field_name="appearances__article", distinct=True)
    q = django_filters.CharFilter(field_name="statement", lookup_expr="icontains")

    class Meta:
        model = Claim
        fields = ["status", "needs_independent_verification", "unit", "is_attributed"]

    def filter_updated_since(self, queryset, name, value):
        # Hiding an article changes which claims are listed without touching the claims.
        articles_changed = ClaimAppearance.objects.filter(
            claim=OuterRef("pk"), article__updated_at__gte=value
        )
        return queryset.filter(Q(updated_at__gte=value) | Q(Exists(articles_changed)))

    def filter_initiative(self, queryset, name, value):
        named = Claim.objects.filter(initiatives__slug__in=value).values("pk")
        return queryset.filter(Q(subject_initiative__slug__in=value) | Q(pk__in=named))

    def filter_entity(self, queryset, name, value):
        named = Claim.objects.filter(entities__slug__in=value).values("pk")
        return queryset.filter(Q(subject_entity__slug__in=value) | Q(pk__in=named))

    def filter_topic(self, queryset, name, value):
        in_topic = Claim.objects.filter(
            appearances__article__articletopic__topic__slug__in=value,
        ).exclude(appearances__article__articletopic__state="rejected")
        return queryset.filter(pk__in=in_topic.values("pk"))
