"""API-key authentication: ``Authorization: Api-Key <key>`` (or ``X-Api-Key: <key>``)."""

import hmac

from django.contrib.auth.models import AnonymousUser
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from . import services
from .models import ApiKey

KEYWORD = "Api-Key"


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """``request.auth`` is the partner's ApiKey; there is no user behind a key."""

    def authenticate(self, request):
        raw = _raw_key(request)
        if raw is None:
            return None  # no credentials: the permission check answers 401
        prefix = raw[: len(services.KEY_PREFIX) + services.PREFIX_CHARS]
        api_key = ApiKey.objects.filter(prefix=prefix).first()
        # Compare the hashes in constant time so the prefix lookup leaks nothing more.
        if api_key is None or not hmac.compare_digest(api_key.key_hash, services.key_hash(raw)):
            raise exceptions.AuthenticationFailed("Invalid API key.")
        if not api_key.is_active:
            raise exceptions.AuthenticationFailed("This API key has been revoked.")
        services.api_key_touch(api_key=api_key)
        return AnonymousUser(), api_key

    def authenticate_header(self, request) -> str:
        return KEYWORD


def _raw_key(request) -> str | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    keyword, _, value = header.partition(" ")
    if keyword.lower() == KEYWORD.lower() and value.strip():
        return value.strip()
    value = request.META.get("HTTP_X_API_KEY", "").strip()
    return value or None


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "partners.authentication.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Authorization: Api-Key <your key>`",
        }
