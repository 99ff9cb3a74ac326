"""What every partner endpoint shares: key authentication (the key is partners', plugged in by
DRF's DEFAULT_AUTHENTICATION_CLASSES setting) and scopes, per-key rate limits, query parameters
checked (an unknown or empty one is a 400), errors as problem details, keyset cursor pagination,
and conditional GET (ETag / Last-Modified, 304)."""

import hashlib
from collections.abc import Iterable, Sequence
from datetime import datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag
from django_filters.rest_framework import DjangoFilterBackend, FilterSet
from rest_framework import viewsets
from rest_framework.permissions import BasePermission, OperandHolder, SingleOperandHolder
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle

from reex import problems

from .pagination import PartnerCursorPagination
from .permissions import SCOPE_READ, HasApiKeyScope
from .throttling import ApiKeyRateThrottle


def _no_view(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError  # the middleware below is used for its process_response alone


_gzip = GZipMiddleware(_no_view)

# What DRF itself reads: ?format=json (the only format there is).
ALWAYS_ALLOWED = frozenset({settings.REST_FRAMEWORK.get("URL_FORMAT_OVERRIDE", "format")})


class PartnerFilterBackend(DjangoFilterBackend):
    """Builds the FilterSet (a form, validated per request) only when a filter was asked for."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class and not set(request.query_params) & set(filterset_class.base_filters):
            return queryset
        return super().filter_queryset(request, queryset, view)


class PartnerAPIMixin:
    # Typed as DRF's views declare them, so the mixin goes before APIView or a viewset.
    permission_classes: Sequence[type[BasePermission] | OperandHolder | SingleOperandHolder] = [
        HasApiKeyScope
    ]
    throttle_classes: Sequence[type[BaseThrottle]] = [ApiKeyRateThrottle]
    renderer_classes: Sequence[type[BaseRenderer]] = [JSONRenderer]
    required_scope = SCOPE_READ

    def get_exception_handler(self):
        return problems.exception_handler

    def allowed_query_params(self) -> set[str]:
        """The query parameters this request may carry; anything else is a 400."""
        return set()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # the key, its scope, its rate: 401/403/429
        check_query_params(request, self.allowed_query_params())

    def conditional(self, request, response):
        """The answer to a conditional request (a 304), or ``response`` itself."""
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response = self.conditional(request, response)
        if (usage := getattr(request, "rate_limit", None)) is not None:
            for name, value in usage.headers().items():
                response[name] = value
        if request.auth is not None:
            if getattr(response, "is_rendered", True) is False:
                response.render()
            # Compressed only for a key's answers: they hold no secret an attacker could
            # recover by reflecting guesses (BREACH); pages with CSRF tokens stay uncompressed.
            response = _gzip.process_response(request, response)
        return response


def check_query_params(request, allowed: set[str]) -> None:
    """A parameter we do not know, or one given without a value, is a mistake the partner should
    hear about: silently ignoring it returns a different set of rows than the one asked for."""
    for name, values in request.query_params.lists():
        if name not in allowed and name not in ALWAYS_ALLOWED:
            known = ", ".join(sorted(allowed)) or "none"
            raise problems.InvalidParameter(
                f"Unknown query parameter {name[:50]!r}; this endpoint takes: {known}.",
                parameter=name[:50],
                problem="unknown-parameter",
                title="Unknown query parameter",
            )
        if any(value.strip() == "" for value in values):
            raise problems.InvalidParameter(
                f"{name} is given without a value: leave it out, or give one.", parameter=name
            )


# A list alone: the router makes no detail route for it. (No docstring here or below: the
# schema would show it as every endpoint's description.)
class PartnerListViewSet(PartnerAPIMixin, viewsets.GenericViewSet):
    pagination_class = PartnerCursorPagination
    filter_backends = [PartnerFilterBackend]
    # Orders a walk can take (each also descending); ties are broken by id.
    ordering_fields = ["id", "updated_at"]
    ordering = "-id"
    filterset_class: type[FilterSet] | None = None
    last_modified: datetime | None = None
    # Parameters besides the filters and the pagination's, per action.
    extra_query_params: dict[str, set[str]] = {}

    def allowed_query_params(self) -> set[str]:
        allowed = set(self.extra_query_params.get(self.action, ()))
        if self.action == "list":
            paginator = self.pagination_class
            allowed |= {
                paginator.cursor_query_param,
                paginator.page_size_query_param,
                paginator.ordering_query_param,
            }
            if self.filterset_class is not None:
                allowed |= set(self.filterset_class.base_filters)
        return allowed

    def changed_at(self, obj) -> datetime:
        """When ``obj``, as this endpoint shows it, last changed (for Last-Modified)."""
        return obj.updated_at

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        self.last_modified = _latest(self.changed_at(obj) for obj in page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def conditional(self, request, response):
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
        # A list can change without any row in it being newer (an article hidden leaves it): a
        # list's Last-Modified is informative, and only its ETag makes a 304.
        return get_conditional_response(
            request._request,
            etag=etag,
            last_modified=timestamp if self.action != "list" else None,
            response=response,
        )


# A list and its details.
class PartnerViewSet(PartnerListViewSet):
    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        self.last_modified = self.changed_at(instance)
        return Response(self.get_serializer(instance).data)


def _latest(values: Iterable[datetime | None]) -> datetime | None:
    return max((v for v in values if v is not None), default=None)
