from rest_framework import permissions

from .models import SCOPE_READ, ApiKey


class HasApiKeyScope(permissions.BasePermission):
    """A valid key (else 401) that holds the view's ``required_scope`` (else 403)."""

    message = "This API key lacks the scope this endpoint needs."

    def has_permission(self, request, view) -> bool:
        api_key = request.auth
        if not isinstance(api_key, ApiKey):
            from rest_framework.exceptions import NotAuthenticated

            raise NotAuthenticated("An API key is required: Authorization: Api-Key <key>.")
        return api_key.has_scope(getattr(view, "required_scope", SCOPE_READ))
