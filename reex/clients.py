"""Who is asking: the client's address, the one place that decides it (login lockouts, the
search rate limit).

``REMOTE_ADDR`` unless ``TRUSTED_PROXY_COUNT`` says how many reverse proxies we sit behind; then
the address the outermost of them saw, counted from the right of ``X-Forwarded-For`` (each proxy
appends what it saw, so anything further left is the client's to forge).
"""

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "")
