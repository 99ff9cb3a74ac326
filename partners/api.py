"""What every partner endpoint shares: key authentication and scopes, per-key rate limits,
cursor pagination, and conditional GET (ETag / Last-Modified, 304)."""

import hashlib
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import viewsets
from rest_framework.exceptions import NotFound
from rest_framework.filters import OrderingFilter
from rest_framework.pagination import CursorPagination
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from .authentication import ApiKeyAuthentication
from .models import SCOPE_READ
from .permissions import HasApiKeyScope
from .throttling import ApiKeyRateThrottle


class PartnerCursorPagination(CursorPagination):
    """Opaque cursors over a unique order: pages stay stable while rows are added."""

    page_size = 50
    page_size_query_param = "page_size"
    ordering = "-id"

    @property
    def max_page_size(self) -> int:
        return settings.PARTNERS["MAX_PAGE_SIZE"]

    def paginate_queryset(self, queryset, request, view=None):
        self.model = queryset.model
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request):
        """DRF checks a cursor's shape, not its position: one the ordering field cannot hold
        (``p=%FF``) reached the query as a 500. It is an invalid cursor like any other."""
        cursor = super().decode_cursor(request)
        if cursor and cursor.position is not None:
            field = self.model._meta.get_field(self.ordering[0].lstrip("-"))
            try:
                field.to_python(cursor.position)
            except DjangoValidationError as exc:
                raise NotFound(self.invalid_cursor_message) from exc
        return cursor


class PartnerFilterBackend(DjangoFilterBackend):
    """Builds the FilterSet (a form, validated per request) only when a filter was asked for."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class and not set(request.query_params) & set(filterset_class.base_filters):
            return queryset
        return super().filter_queryset(request, queryset, view)


class PartnerAPIMixin:
    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [HasApiKeyScope]
    throttle_classes = [ApiKeyRateThrottle]
    renderer_classes = [JSONRenderer]
    required_scope = SCOPE_READ


# A list alone: the router makes no detail route for it. (No docstring here or below: the
# schema would show it as every endpoint's description.)
class PartnerListViewSet(PartnerAPIMixin, viewsets.GenericViewSet):
    pagination_class = PartnerCursorPagination
    filter_backends = [PartnerFilterBackend, OrderingFilter]
    ordering_fields = ["id", "updated_at"]
    ordering = ["-id"]
    last_modified: datetime | None = None

    def changed_at(self, obj) -> datetime:
        """When ``obj``, as this endpoint shows it, last changed (for Last-Modified)."""
        return obj.updated_at

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        self.last_modified = _latest(self.changed_at(obj) for obj in page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        response.render()
        # The ETag is the body's own hash: exact, whatever changed (a hidden article, a rejected
        # link); it spares the partner the download, not us the query.
        etag = quote_etag(hashlib.sha256(response.content).hexdigest()[:32])
        response["ETag"] = etag
        timestamp = int(self.last_modified.timestamp()) if self.last_modified else None
        if timestamp is not None:
            response["Last-Modified"] = http_date(timestamp)
        response["Cache-Control"] = "private, no-cache"
        response["Vary"] = "Authorization, X-Api-Key"
        return get_conditional_response(
            request._request, etag=etag, last_modified=timestamp, response=response
        )


# A list and its details.
class PartnerViewSet(PartnerListViewSet):
    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        self.last_modified = self.changed_at(instance)
        return Response(self.get_serializer(instance).data)


def _latest(values: Iterable[datetime | None]) -> datetime | None:
    return max((v for v in values if v is not None), default=None)
