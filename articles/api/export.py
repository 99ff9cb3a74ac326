from articles.models import Article
from reex.api.streaming import CHUNK_ROWS, ExportView, updated_since

COLUMNS = (
    "id", "url", "title", "author", "published_at", "first_seen_at", "updated_at", "summary",
    "disclosure", "is_state_media", "comment_count",
)  # fmt: skip


class ArticleExportView(ExportView):
    """Every published article, oldest id first, without bodies."""

    name = "articles"
    columns = COLUMNS

    def rows(self, request):
        queryset = Article.objects.published()
        since = updated_since(request)
        if since:
            queryset = queryset.filter(updated_at__gte=since)
        return queryset.order_by("id").values(*COLUMNS).iterator(chunk_size=CHUNK_ROWS)
