from django.db.models import F
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view

from articles.models import Article
from partners.api import PartnerViewSet
from partners.filters import ID_REGEX
from tracker.models import ArticleInitiative, ArticleTopic, Mention

from .filters import ArticleFilter
from .serializers import BODY_FIELDS, ArticleBodySerializer, ArticleSerializer

LIST_COLUMNS = (
    "id", "url", "title", "author", "published_at", "first_seen_at", "summary", "disclosure",
    "is_state_media", "comment_count", "is_hidden", "updated_at",
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


INCLUDE = OpenApiParameter(
    "include", OpenApiTypes.STR, enum=["body"], description="`body`: add the article bodies."
)


@extend_schema_view(list=extend_schema(parameters=[INCLUDE]))
class ArticleViewSet(PartnerViewSet):
    """Articles, newest id first; ``updated_since`` for incremental sync (tombstones included).

    Rows are read with ``values()`` and the links attached in bulk: a page of plain dicts costs
    a fraction of model instances and nested serializers (see bench/api.py).
    """

    filterset_class = ArticleFilter
    lookup_value_regex = ID_REGEX
    ordering_fields = ["id", "updated_at", "first_seen_at", "published_at"]
    extra_query_params = {"list": {"include"}}

    def wants_body(self) -> bool:
        return self.action == "retrieve" or self.request.query_params.get("include") == "body"

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
        return with_links(super().paginate_queryset(queryset))

    def get_object(self):
        return with_links([super().get_object()])[0]

    def changed_at(self, row):
        links = [*row["initiatives"], *row["entities"], *row["topics"]]
        return max([row["updated_at"], *(link["updated_at"] for link in links)])
