"""Errors under /api/ as RFC 9457 problem details (``application/problem+json``).

Every 4xx and 5xx the API gives, whether DRF raised it (a bad parameter, a missing key, a
throttle) or Django answered before any view ran (an unknown route, a server error), has the same
shape: ``type`` (a stable URI a client can branch on, one per kind of error; see docs/api.md),
``title`` (the same for every error of that type), ``status``, ``detail`` (this occurrence, in
words), and for a bad parameter ``parameter`` and ``errors`` (each parameter's messages).
"""

from http import HTTPStatus

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, JsonResponse
from django.views import defaults
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

CONTENT_TYPE = "application/problem+json"
TYPE_PREFIX = "tag:reex-tracker,2026:problem/"
API_PREFIX = "/api/"

# The type and title of each status DRF or Django raises without saying more.
BY_STATUS = {
    400: ("invalid-parameter", "Invalid parameter"),
    401: ("not-authenticated", "API key required"),
    403: ("permission-denied", "Permission denied"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    406: ("not-acceptable", "Not acceptable"),
    415: ("unsupported-media-type", "Unsupported media type"),
    429: ("rate-limited", "Rate limit exceeded"),
    500: ("server-error", "Server error"),
}
BY_EXCEPTION = {
    exceptions.AuthenticationFailed: ("invalid-api-key", "Invalid API key"),
}
# Every type this API answers with, for the schema and the docs.
TYPES = sorted({t for t, _ in BY_STATUS.values()} | {"invalid-cursor", "invalid-ordering",
                "unknown-parameter", "invalid-api-key"})  # fmt: skip


class InvalidParameter(exceptions.ValidationError):
    """A 400 about one query parameter; ``problem`` and ``title`` name its kind."""

    problem = "invalid-parameter"
    title = "Invalid parameter"

    def __init__(self, detail: str, *, parameter: str, problem: str = "", title: str = ""):
        super().__init__({parameter: [detail]})
        self.parameter = parameter
        self.message = detail
        self.problem = problem or self.problem
        self.title = title or self.title


def problem(
    status_code: int, detail: str, *, kind: str = "", title: str = "", **extra
) -> dict[str, object]:
    default_kind, default_title = BY_STATUS.get(status_code, ("", ""))
    kind, title = kind or default_kind, title or default_title
    body = {
        "type": TYPE_PREFIX + kind if kind else "about:blank",
        "title": title or HTTPStatus(status_code).phrase,
        "status": status_code,
        "detail": detail,
    }
    body.update(extra)
    return body


def exception_handler(exc, context):
    """DRF's handler (headers such as ``Retry-After`` and ``WWW-Authenticate``), answering with
    a problem document; anything DRF does not know stays an exception, for ``server_error``."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or "Not found.")
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    response.data = _from_exception(exc, response.status_code)
    response.content_type = CONTENT_TYPE
    return response


def _from_exception(exc, status_code: int) -> dict[str, object]:
    if isinstance(exc, InvalidParameter):
        return problem(
            status_code,
            exc.message,
            kind=exc.problem,
            title=exc.title,
            parameter=exc.parameter,
            errors=exc.detail,
        )
    kind, title = next(
        (found for cls, found in BY_EXCEPTION.items() if isinstance(exc, cls)), ("", "")
    )
    if isinstance(exc, exceptions.ValidationError):
        # A filter's form errors: one message per parameter.
        errors: dict = exc.detail if isinstance(exc.detail, dict) else {"": exc.detail}
        parameter = next(iter(errors), "")
        first = errors[parameter][0] if errors.get(parameter) else "Invalid input."
        detail = f"{parameter}: {first}" if parameter else str(first)
        return problem(status_code, detail, parameter=parameter, errors=errors)
    return problem(status_code, str(exc.detail), kind=kind, title=title)


def wants_problem(request) -> bool:
    return request.path.startswith(API_PREFIX)


def problem_response(status_code: int, detail: str, **kwargs) -> JsonResponse:
    return JsonResponse(
        problem(status_code, detail, **kwargs), status=status_code, content_type=CONTENT_TYPE
    )


def page_not_found(request, exception):
    """Django's 404 handler: under /api/ a problem document (an unknown route included)."""
    if wants_problem(request):
        return problem_response(404, f"No such resource: {request.path[:200]}")
    return defaults.page_not_found(request, exception)


def server_error(request):
    if wants_problem(request):
        return problem_response(500, "The server failed to answer; try again later.")
    return defaults.server_error(request)


# The statuses every operation may answer with, besides its own (documented by the view).
ERROR_STATUSES = {
    "400": "A query parameter is unknown, empty or invalid (a filter value, `ordering`, a cursor).",
    "401": "No API key, or one that is unknown or revoked.",
    "403": "The key lacks the scope this endpoint needs.",
    "404": "No such resource.",
    "406": "The `Accept` header asks for a format other than JSON.",
    "429": "Over the key's rate limit: wait `Retry-After` seconds.",
    "500": "The server failed.",
}
PROBLEM_SCHEMA = {
    "type": "object",
    "description": "An RFC 9457 problem document.",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "enum": [TYPE_PREFIX + t for t in TYPES]},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "parameter": {"type": "string", "description": "The query parameter at fault."},
        "errors": {
            "type": "object",
            "description": "Messages per query parameter.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
}


def document_problems(result, generator, request, public):
    """drf-spectacular postprocessing hook: every operation lists the error statuses above,
    each as ``application/problem+json``."""
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    ref = {"$ref": "#/components/schemas/Problem"}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for code, description in ERROR_STATUSES.items():
                responses.setdefault(
                    code, {"description": description, "content": {CONTENT_TYPE: {"schema": ref}}}
                )
    return result
