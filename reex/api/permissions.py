"""What a key may do. Reading the record, and pulling it in bulk, are granted separately.

``request.auth`` is whatever DRF's DEFAULT_AUTHENTICATION_CLASSES found (a partner's
``partners.ApiKey``): anything with ``has_scope(scope)`` and ``rate_per_minute``, or None."""

from rest_framework import permissions
from rest_framework.exceptions import NotAuthenticated

SCOPE_READ = "read"
SCOPE_EXPORT = "export"
SCOPES = (SCOPE_READ, SCOPE_EXPORT)


class HasApiKeyScope(permissions.BasePermission):
    """A valid key (else 401) that holds the view's ``required_scope`` (else 403)."""

    message = "This API key lacks the scope this endpoint needs."

    def has_permission(self, request, view) -> bool:
        api_key = request.auth
        if api_key is None:
            raise NotAuthenticated("An API key is required: Authorization: Api-Key <key>.")
        return api_key.has_scope(getattr(view, "required_scope", SCOPE_READ))
