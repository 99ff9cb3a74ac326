"""API-key authentication: ``Authorization: Api-Key <key>``, ``Authorization: Bearer <key>``
(what most HTTP tooling sends) or ``X-Api-Key: <key>``."""

import hmac

from django.contrib.auth.models import AnonymousUser
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from . import services
from .models import ApiKey

KEYWORD = "Api-Key"
SCHEMES = frozenset({"api-key", "bearer"})
HOW = "send 'Authorization: Api-Key <key>' (or 'Bearer <key>', or the header 'X-Api-Key: <key>')"


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
    header_key = request.META.get("HTTP_X_API_KEY", "").strip()
    header = request.META.get("HTTP_AUTHORIZATION", "").strip()
    if not header:
        return header_key or None
    scheme, _, value = header.partition(" ")
    if scheme.lower() in SCHEMES and value.strip():
        return value.strip()
    if header_key:
        return header_key
    # Credentials we cannot read: say so, rather than "no credentials were provided".
    if scheme.lower() in SCHEMES:
        raise exceptions.AuthenticationFailed(f"The Authorization header has no key: {HOW}.")
    raise exceptions.AuthenticationFailed(
        f"Unsupported authorization scheme {scheme[:20]!r}: {HOW}."
    )


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "partners.authentication.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Authorization: Api-Key <your key>` (or `Bearer <your key>`)",
        }
