"""The article endpoint as partners get it: the article (articles.api) with its links to the
tracker's entities, initiatives and topics, the claims it makes (``?include=claims``), and the
filters over them. The tracker builds on articles, so the links are added here, not there."""

import django_filters
from django.db.models import Exists, F, OuterRef, Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_serializer,
    extend_schema_view,
)
from rest_framework import serializers

from articles.api import filters as article_filters
from articles.api import serializers as article_serializers
from articles.api import views as article_views
from reex.api.filters import AnyOfFilter
from tracker.models import ArticleInitiative, ArticleTopic, ClaimAppearance, Initiative, Mention

LINK_MODELS = (ArticleInitiative, Mention, ArticleTopic)
LINK_COLUMNS = ("article_id", "state", "origin", "confidence", "updated_at")
LINKS = (
    ("initiatives", ArticleInitiative, "initiative", ("basis",)),
    ("entities", Mention, "entity", ()),
    ("topics", ArticleTopic, "topic", ()),
)


# --- filters -------------------------------------------------------------------------------------


class LinkedArticleFilter(article_filters.ArticleFilter):
    topic = AnyOfFilter(method="filter_topic", help_text="Topic slug.")
    initiative = AnyOfFilter(method="filter_initiative", help_text="Initiative slug.")
    entity = AnyOfFilter(method="filter_entity", help_text="Entity slug.")
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

    def _linked(self, queryset, model, **target):
        links = model.objects.filter(article=OuterRef("pk"), **target).exclude(state="rejected")
        return queryset.filter(Exists(links))

    def filter_topic(self, queryset, name, value):
        return self._linked(queryset, ArticleTopic, topic__slug__in=value)

    def filter_initiative(self, queryset, name, value):
        return self._linked(queryset, ArticleInitiative, initiative__slug__in=value)

    def filter_entity(self, queryset, name, value):
        return self._linked(queryset, Mention, entity__slug__in=value)

    def filter_claim_status(self, queryset, name, value):
        appearances = ClaimAppearance.objects.filter(article=OuterRef("pk"), claim__status=value)
        return queryset.filter(Exists(appearances))

    def filter_needs_verification(self, queryset, name, value):
        appearances = ClaimAppearance.objects.filter(
            article=OuterRef("pk"), claim__needs_independent_verification=True
        )
        return queryset.filter(Exists(appearances) if value else ~Exists(appearances))

    def changed_since(self, value) -> Q:
        """The article, or any of its links, changed."""
        changed = super().changed_since(value)
        for model in LINK_MODELS:
            changed |= Q(
                Exists(model.objects.filter(article=OuterRef("pk"), updated_at__gte=value))
            )
        return changed


# --- serializers ---------------------------------------------------------------------------------


class LinkSerializer(serializers.Serializer):
    """An article's link to an entity, initiative or topic; ``rejected`` means removed."""

    state = serializers.CharField()
    origin = serializers.CharField()
    confidence = serializers.FloatField()
    updated_at = serializers.DateTimeField()


class InitiativeLinkSerializer(LinkSerializer):
    initiative = serializers.CharField(source="initiative.slug")
    basis = serializers.CharField()
    # With ?include=initiatives:
    name = serializers.CharField(required=False)
    acronym = serializers.CharField(required=False, allow_blank=True)
    kind = serializers.CharField(required=False)
    status = serializers.CharField(required=False)


class ArticleClaimSerializer(serializers.Serializer):
    """A claim the article makes (``?include=claims``); the claim's own sync is /claims/."""

    id = serializers.IntegerField()
    statement = serializers.CharField()
    figure_text = serializers.CharField(allow_blank=True)
    value = serializers.DecimalField(max_digits=30, decimal_places=6, allow_null=True)
    value_max = serializers.DecimalField(max_digits=30, decimal_places=6, allow_null=True)
    unit = serializers.CharField(allow_blank=True)
    status = serializers.CharField()
    needs_independent_verification = serializers.BooleanField()
    updated_at = serializers.DateTimeField()


class MentionSerializer(LinkSerializer):
    entity = serializers.CharField(source="entity.slug")


class TopicLinkSerializer(LinkSerializer):
    topic = serializers.CharField(source="topic.slug")


@extend_schema_serializer(component_name="Article")
class LinkedArticleSerializer(article_serializers.ArticleSerializer):
    initiatives = InitiativeLinkSerializer(source="initiative_links", many=True)
    entities = MentionSerializer(source="mention_links", many=True)
    topics = TopicLinkSerializer(source="topic_links", many=True)
    claims = ArticleClaimSerializer(many=True, required=False, help_text="With ?include=claims.")

    def to_representation(self, row: dict) -> dict:
        data = super().to_representation(row)
        hidden = row["is_hidden"]
        for key in ("initiatives", "entities", "topics"):
            data[key] = [] if hidden else row[key]
        if "claims" in row:
            data["claims"] = [] if hidden else row["claims"]
        return data


@extend_schema_serializer(component_name="ArticleBody")
class LinkedArticleBodySerializer(LinkedArticleSerializer, article_serializers.ArticleBodyFields):
    """With the bodies: on the detail endpoint, or a list asked for ``?include=body``."""

    body_fields = article_serializers.BODY_FIELDS


# --- the endpoint --------------------------------------------------------------------------------


def with_links(rows: list[dict]) -> list[dict]:
    """Give each article row every one of its links, rejected ones included: three queries
    whatever the page size."""
    by_id = {row["id"]: row for row in rows}
    for key, model, target, extra in LINKS:
        for row in rows:
            row[key] = []
        links = (
            model.objects.filter(article_id__in=list(by_id))
            .order_by("id")
            .values(*LINK_COLUMNS, *extra, slug=F(f"{target}__slug"))
        )
        for link in links:
            link[target] = link.pop("slug")  # a values() alias may not reuse the field's name
            by_id[link.pop("article_id")][key].append(link)
    return rows


def with_claims(rows: list[dict]) -> list[dict]:
    """Each article row gets the claims it makes (one query)."""
    by_id = {row["id"]: row for row in rows}
    for row in rows:
        row["claims"] = []
    appearances = (
        ClaimAppearance.objects.filter(article_id__in=list(by_id))
        .order_by("article_id", "position", "id")
        .values("article_id", *(f"claim__{c}" for c in CLAIM_COLUMNS))
    )
    for appearance in appearances:
        claim = {c: appearance[f"claim__{c}"] for c in CLAIM_COLUMNS}
        by_id[appearance["article_id"]]["claims"].append(claim)
    # Through the serializer's fields: figures as the claims endpoint gives them (six places).
    for row in rows:
        row["claims"] = ArticleClaimSerializer(row["claims"], many=True).data
    return rows


def with_initiatives(rows: list[dict]) -> list[dict]:
    """Each initiative link gets the initiative's name, acronym, kind and status (one query)."""
    slugs = {link["initiative"] for row in rows for link in row["initiatives"]}
    found = {
        i["slug"]: i
        for i in Initiative.objects.filter(slug__in=slugs).values("slug", *INITIATIVE_COLUMNS)
    }
    for row in rows:
        for link in row["initiatives"]:
            link.update({c: found[link["initiative"]][c] for c in INITIATIVE_COLUMNS})
    return rows


CLAIM_COLUMNS = (
    "id", "statement", "figure_text", "value", "value_max", "unit", "status",
    "needs_independent_verification", "updated_at",
)  # fmt: skip
INITIATIVE_COLUMNS = ("name", "acronym", "kind", "status")
INCLUDE = OpenApiParameter(
    "include",
    OpenApiTypes.STR,
    pattern=r"^(body|claims|initiatives)(,(body|claims|initiatives))*$",
    description="Comma-separated: `body` adds the bodies (a detail always has them), `claims` "
    "the claims each article makes, `initiatives` each linked initiative's name, acronym, "
    "kind and status.",
)


@extend_schema_view(
    list=extend_schema(parameters=[INCLUDE]), retrieve=extend_schema(parameters=[INCLUDE])
)
class LinkedArticleViewSet(article_views.ArticleViewSet):
    """Articles, newest id first; ``updated_since`` for incremental sync (tombstones included).

    Rows are read with ``values()`` and the links attached in bulk: a page of plain dicts costs
    a fraction of model instances and nested serializers (see bench/api.py).
    """

    filterset_class = LinkedArticleFilter
    includes_available = {
        **article_views.ArticleViewSet.includes_available,
        "claims": with_claims,
        "initiatives": with_initiatives,
    }
    serializer_class = LinkedArticleSerializer
    body_serializer_class = LinkedArticleBodySerializer

    def with_includes(self, rows: list[dict]) -> list[dict]:
        return super().with_includes(with_links(rows))

    def changed_at(self, row):
        if self.includes() - {"body"}:
            return None  # included claims and initiatives change on their own: ETag only
        links = [*row["initiatives"], *row["entities"], *row["topics"]]
        return max([row["updated_at"], *(link["updated_at"] for link in links)])
