"""Middleware of the project as a whole."""

from django.conf import settings


def security_headers_fallback(get_response):
    """Django's SecurityMiddleware adds nosniff, Referrer-Policy and Cross-Origin-Opener-Policy
    on the way out, except to the 400 it raises itself: a host outside ALLOWED_HOSTS, read while
    it builds its redirect to HTTPS, and that response never passes back through it. First in
    MIDDLEWARE, this gives any response still without them the same values."""
    policy = settings.SECURE_REFERRER_POLICY
    if policy and not isinstance(policy, str):
        policy = ",".join(policy)
    headers = {
        "X-Content-Type-Options": "nosniff" if settings.SECURE_CONTENT_TYPE_NOSNIFF else None,
        "Referrer-Policy": policy,
        "Cross-Origin-Opener-Policy": settings.SECURE_CROSS_ORIGIN_OPENER_POLICY,
    }
    headers = {name: value for name, value in headers.items() if value}

    def middleware(request):
        response = get_response(request)
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        return response

    return middleware
