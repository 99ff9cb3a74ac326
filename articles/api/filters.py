import re

import django_filters
from django.contrib.postgres.search import SearchQuery
from django.db.models import Q

from articles import search
from articles.models import Article
from reex.api.filters import AnyOfFilter, UtcIsoDateTimeFilter


class ArticleFilter(django_filters.FilterSet):
    """The article's own filters; the tracker's (its links, its claims) are added by
    tracker.api.articles."""

    language = AnyOfFilter(
        method="filter_language",
        help_text="A language tag: `en` takes `en-us` and `en-gb` too.",
    )
    source = AnyOfFilter(
        method="filter_source",
        help_text="The publisher's domain (`source` in each row): `example.com` takes its "
        "subdomains too.",
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

    def filter_updated_since(self, queryset, name, value):
        return queryset.filter(self.changed_since(value))

    def changed_since(self, value) -> Q:
        """What ``updated_since`` matches: the article changed (subclasses add its links)."""
        return Q(updated_at__gte=value)

    def filter_q(self, queryset, name, value):
        if search.full_text_enabled():
            query = SearchQuery(value, config=search.CONFIG, search_type="websearch")
            return queryset.filter(search_vector=query)
        return search.filter_matching(queryset, value)
