"""The partner API, version 1: one router, mounted at /api/v1/ (see docs/api.md)."""

from csp.decorators import csp_replace
from django.urls import path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import SimpleRouter

from articles.api.export import ArticleExportView
from tracker.api.articles import LinkedArticleViewSet
from tracker.api.export import ClaimExportView
from tracker.api.views import (
    ClaimDeletionViewSet,
    ClaimViewSet,
    EntityMergeViewSet,
    EntityViewSet,
    InitiativeViewSet,
    TopicViewSet,
)

router = SimpleRouter()
router.register("articles", LinkedArticleViewSet, basename="article")
router.register("entities", EntityViewSet, basename="entity")
router.register("entity-merges", EntityMergeViewSet, basename="entity-merge")
router.register("initiatives", InitiativeViewSet, basename="initiative")
router.register("claims", ClaimViewSet, basename="claim")
router.register("claim-deletions", ClaimDeletionViewSet, basename="claim-deletion")
router.register("topics", TopicViewSet, basename="topic")

# Swagger UI and Redoc style themselves inline, draw icons from data: URLs, and Redoc works in a
# blob: worker; images from elsewhere (Redoc's own logo) are refused, so the docs stay offline.
docs_csp = csp_replace(
    {
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "worker-src": ["'self'", "blob:"],
    }
)

app_name = "api"
urlpatterns = [
    *router.urls,
    *(
        path(f"export/{name}.{fmt}", view.as_view(), {"fmt": fmt}, name=f"export-{name}-{fmt}")
        for name, view in (("articles", ArticleExportView), ("claims", ClaimExportView))
        for fmt in ("csv", "jsonl")
    ),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        docs_csp(SpectacularSwaggerSplitView.as_view(url_name="api:schema")),
        name="swagger-ui",
    ),
    path(
        "redoc/",
        docs_csp(
            SpectacularRedocView.as_view(url_name="api:schema", template_name="partners/redoc.html")
        ),
        name="redoc",
    ),
]
