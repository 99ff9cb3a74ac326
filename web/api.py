"""The partner API, version 1: one router, mounted at /api/v1/ (see docs/api.md)."""

from csp.decorators import csp_replace
from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from articles.api.export import ArticleExportView
from reex.api.views import PartnerAPIMixin
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

EXPORTS = {"articles": ArticleExportView, "claims": ClaimExportView}
EXPORT_FORMATS = ("csv", "jsonl")


class ApiRootView(PartnerAPIMixin, APIView):
    # (No docstring: the schema would show it as the description.)
    @extend_schema(
        operation_id="api_root",
        summary="Where each resource, export and the schema are (absolute URLs)",
        responses={
            200: OpenApiResponse(
                inline_serializer(
                    "ApiRoot",
                    {
                        **{prefix: serializers.URLField() for prefix, _, _ in router.registry},
                        "export": serializers.DictField(child=serializers.URLField()),
                        "schema": serializers.URLField(),
                        "docs": serializers.URLField(),
                    },
                )
            )
        },
    )
    def get(self, request):
        def url(name: str) -> str:
            return reverse(f"api:{name}", request=request)

        return Response(
            {
                **{prefix: url(f"{basename}-list") for prefix, _, basename in router.registry},
                "export": {
                    f"{name}.{fmt}": url(f"export-{name}-{fmt}")
                    for name in EXPORTS
                    for fmt in EXPORT_FORMATS
                },
                "schema": url("schema"),
                "docs": url("swagger-ui"),
            }
        )


app_name = "api"
urlpatterns = [
    path("", ApiRootView.as_view(), name="root"),
    *router.urls,
    *(
        path(f"export/{name}.{fmt}", view.as_view(), {"fmt": fmt}, name=f"export-{name}-{fmt}")
        for name, view in EXPORTS.items()
        for fmt in EXPORT_FORMATS
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
