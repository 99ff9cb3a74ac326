import re

import django_filters
from django.contrib.postgres.search import SearchQuery
from django.db.models import Exists, OuterRef, Q

from articles import search
from articles.models import Article
from reex.api.filters import AnyOfFilter, UtcIsoDateTimeFilter
from tracker.models import ArticleInitiative, ArticleTopic, ClaimAppearance, Mention

LINK_MODELS = (ArticleInitiative, Mention, ArticleTopic)


class ArticleFilter(django_filters.FilterSet):
    topic = AnyOfFilter(method="filter_topic", help_text="Topic slug.")
    initiative = AnyOfFilter(method="filter_initiative", help_text="Initiative slug.")
    entity = AnyOfFilter(method="filter_entity", help_text="Entity slug.")
    language = AnyOfFilter(
        method="filter_language",
        help_text="A language tag: `en` takes `en-us` and `en-gb` too.",
    )
    source = AnyOfFilter(
        method="filter_source",
        help_text="The publisher's domain (`source` in each row): `example.com` takes its "
        "subdomains too.",
    )
    claim_status = django_filters.ChoiceFilter(
        method="filter_claim_status",
        choices=[
            ("unverified", "unverified"),
            ("verified", "verified"),
            ("disputed", "disputed"),
            ("false", "false"),
        ],  # fmt: skip
        help_text="Articles making at least one claim with this status.",
    )
    needs_independent_verification = django_filters.BooleanFilter(
        method="filter_needs_verification",
        help_text="Articles making a claim that needs independent verification (or none).",
    )
    published_after = UtcIsoDateTimeFilter(
        field_name="published_at", lookup_expr="gte", help_text="Published at or after."
    )
    published_before = UtcIsoDateTimeFilter(
        field_name="published_at", lookup_expr="lt", help_text="Published before."
    )
    updated_since = UtcIsoDateTimeFilter(
        method="filter_updated_since",
        help_text="Changed at or after this time, the article or any of its links. Includes "
        "hidden articles as tombstones (deleted: true).",
    )
    q = django_filters.CharFilter(method="filter_q", help_text="Full-text search.")

    class Meta:
        model = Article
        fields: list[str] = []

    def _linked(self, queryset, model, **target):
        links = model.objects.filter(article=OuterRef("pk"), **target).exclude(state="rejected")
        return queryset.filter(Exists(links))

    def filter_topic(self, queryset, name, value):
        return self._linked(queryset, ArticleTopic, topic__slug__in=value)

    def filter_initiative(self, queryset, name, value):
        return self._linked(queryset, ArticleInitiative, initiative__slug__in=value)

    def filter_entity(self, queryset, name, value):
        return self._linked(queryset, Mention, entity__slug__in=value)

    def filter_language(self, queryset, name, value):
        tags = Q()
        for tag in value:
            tag = tag.lower().replace("_", "-")
            tags |= Q(language=tag) | Q(language__startswith=f"{tag}-")
        return queryset.filter(tags)

    def filter_source(self, queryset, name, value):
        hosts = Q()
        for domain in value:
            domain = domain.lower().removeprefix("www.")
            hosts |= Q(url__iregex=rf"^https?://([^/@]*\.)?{re.escape(domain)}(:[0-9]+)?(/|$)")
        return queryset.filter(hosts)

    def filter_claim_status(self, queryset, name, value):
        appearances = ClaimAppearance.objects.filter(article=OuterRef("pk"), claim__status=value)
        return queryset.filter(Exists(appearances))

    def filter_needs_verification(self, queryset, name, value):
        appearances = ClaimAppearance.objects.filter(
            article=OuterRef("pk"), claim__needs_independent_verification=True
        )
        return queryset.filter(Exists(appearances) if value else ~Exists(appearances))

    def filter_updated_since(self, queryset, name, value):
        changed = Q(updated_at__gte=value)
        for model in LINK_MODELS:
            changed |= Q(
                Exists(model.objects.filter(article=OuterRef("pk"), updated_at__gte=value))
            )
        return queryset.filter(changed)

    def filter_q(self, queryset, name, value):
        if search.full_text_enabled():
            query = SearchQuery(value, config=search.CONFIG, search_type="websearch")
            return queryset.filter(search_vector=query)
        return search.filter_matching(queryset, value)
