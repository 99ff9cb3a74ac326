from django.db.models import F
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view

from articles.models import Article
from reex.api.filters import ID_REGEX
from reex.api.views import PartnerViewSet
from reex.problems import InvalidParameter
from tracker.models import ArticleInitiative, ArticleTopic, ClaimAppearance, Initiative, Mention

from .filters import ArticleFilter
from .serializers import (
    BODY_FIELDS,
    ArticleBodySerializer,
    ArticleClaimSerializer,
    ArticleSerializer,
)

LIST_COLUMNS = (
    "id", "url", "title", "author", "published_at", "first_seen_at", "summary", "disclosure",
    "is_state_media", "comment_count", "is_hidden", "updated_at", "language", "story_id",
)  # fmt: skip
LINK_COLUMNS = ("article_id", "state", "origin", "confidence", "updated_at")
LINKS = (
    ("initiatives", ArticleInitiative, "initiative", ("basis",)),
    ("entities", Mention, "entity", ()),
    ("topics", ArticleTopic, "topic", ()),
)


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
INCLUDES = {"body": None, "claims": with_claims, "initiatives": with_initiatives}
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
class ArticleViewSet(PartnerViewSet):
    """Articles, newest id first; ``updated_since`` for incremental sync (tombstones included).

    Rows are read with ``values()`` and the links attached in bulk: a page of plain dicts costs
    a fraction of model instances and nested serializers (see bench/api.py).
    """

    filterset_class = ArticleFilter
    lookup_value_regex = ID_REGEX
    ordering_fields = ["id", "updated_at", "first_seen_at", "published_at"]
    extra_query_params = {"list": {"include"}, "retrieve": {"include"}}

    def includes(self) -> set[str]:
        value = self.request.query_params.get("include")
        asked = set(value.split(",")) if value else set()
        if unknown := asked - set(INCLUDES):
            raise InvalidParameter(
                f"Unknown include {sorted(unknown)[0][:50]!r}: use {', '.join(INCLUDES)}.",
                parameter="include",
            )
        return asked

    def wants_body(self) -> bool:
        return self.action == "retrieve" or "body" in self.includes()

    def with_includes(self, rows: list[dict]) -> list[dict]:
        rows = with_links(rows)
        for name in sorted(self.includes()):
            if INCLUDES[name] is not None:
                rows = INCLUDES[name](rows)
        return rows

    def get_serializer_class(self):
        return ArticleBodySerializer if self.wants_body() else ArticleSerializer

    def get_queryset(self):
        columns = (*LIST_COLUMNS, *BODY_FIELDS) if self.wants_body() else LIST_COLUMNS
        queryset = Article.objects.values(*columns)
        # Readers never see hidden articles; a sync needs them, to delete its copies.
        if self.action == "retrieve" or "updated_since" not in self.request.query_params:
            queryset = queryset.filter(is_hidden=False)
        return queryset

    def paginate_queryset(self, queryset):
        return self.with_includes(super().paginate_queryset(queryset))

    def get_object(self):
        return self.with_includes([super().get_object()])[0]

    def changed_at(self, row):
        if self.includes() - {"body"}:
            return None  # included claims and initiatives change on their own: ETag only
        links = [*row["initiatives"], *row["entities"], *row["topics"]]
        return max([row["updated_at"], *(link["updated_at"] for link in links)])
