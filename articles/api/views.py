from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.serializers import BaseSerializer

from articles.models import Article
from reex.api.filters import ID_REGEX
from reex.api.views import PartnerViewSet
from reex.problems import InvalidParameter

from .filters import ArticleFilter
from .serializers import BODY_FIELDS, ArticleBodySerializer, ArticleSerializer

LIST_COLUMNS = (
    "id", "url", "title", "author", "published_at", "first_seen_at", "summary", "disclosure",
    "is_state_media", "comment_count", "is_hidden", "updated_at", "language", "story_id",
)  # fmt: skip
INCLUDE = OpenApiParameter(
    "include",
    OpenApiTypes.STR,
    pattern=r"^body$",
    description="`body` adds the bodies (a detail always has them).",
)


@extend_schema_view(
    list=extend_schema(parameters=[INCLUDE]), retrieve=extend_schema(parameters=[INCLUDE])
)
class ArticleViewSet(PartnerViewSet):
    """Articles, newest id first; ``updated_since`` for incremental sync (tombstones included).

    Rows are read with ``values()`` and what ``?include=`` asks for attached in bulk: a page of
    plain dicts costs a fraction of model instances and nested serializers (see bench/api.py).
    The partner API serves the tracker's subclass (tracker.api.articles), which adds the links.
    """

    filterset_class = ArticleFilter
    lookup_value_regex = ID_REGEX
    ordering_fields = ["id", "updated_at", "first_seen_at", "published_at"]
    extra_query_params = {"list": {"include"}, "retrieve": {"include"}}
    # What ?include= may name, each with the function adding it to a page of rows (None: a
    # column of the query itself).
    includes_available: dict = {"body": None}
    serializer_class = ArticleSerializer
    body_serializer_class: type[BaseSerializer] = ArticleBodySerializer

    def includes(self) -> set[str]:
        value = self.request.query_params.get("include")
        asked = set(value.split(",")) if value else set()
        if unknown := asked - set(self.includes_available):
            raise InvalidParameter(
                f"Unknown include {sorted(unknown)[0][:50]!r}: "
                f"use {', '.join(self.includes_available)}.",
                parameter="include",
            )
        return asked

    def wants_body(self) -> bool:
        return self.action == "retrieve" or "body" in self.includes()

    def with_includes(self, rows: list[dict]) -> list[dict]:
        for name in sorted(self.includes()):
            if self.includes_available[name] is not None:
                rows = self.includes_available[name](rows)
        return rows

    def get_serializer_class(self):
        return self.body_serializer_class if self.wants_body() else self.serializer_class

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
        return row["updated_at"]
