"""Per-address rate limits for public pages that cost real work on every distinct request
(search): a fixed window counted with an atomic ``incr`` in the default cache, which never
evicts and which every web process shares when it is Redis."""

import time
from collections.abc import Callable
from functools import wraps

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .clients import client_address


def count_in_window(*, key: str, window: int) -> tuple[int, float]:
    """Count one request under ``key`` in the current fixed window of ``window`` seconds:
    the count so far in this window, and the seconds until it ends."""
    now = time.time()
    current = int(now // window)
    key = f"{key}:{current}"
    # incr() is atomic; only the first request of a window creates the counter (add(): the
    # first of two racing processes wins, the other increments).
    try:
        count = cache.incr(key)
    except ValueError:
        if cache.add(key, 1, timeout=window + 5):
            count = 1
        else:
            count = cache.incr(key)
    return count, (current + 1) * window - now


def rate_limit_hit(*, scope: str, who: str, limit: int, window: int = 60) -> float | None:
    """Count one request of ``who`` in ``scope``; the seconds to wait if over ``limit``, else
    None."""
    count, reset = count_in_window(key=f"rate:{scope}:{who}", window=window)
    return None if count <= limit else max(reset, 1.0)


def rate_limit_per_address(*, scope: str, per_minute: Callable[[], int]):
    """A view decorator: past ``per_minute()`` requests a minute from one client address, a
    429 page that says why and when to come back (``Retry-After``)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            wait = rate_limit_hit(
                scope=scope, who=client_address(request), limit=per_minute(), window=60
            )
            if wait is None:
                return view(request, *args, **kwargs)
            seconds = int(wait + 0.999)
            response = render(
                request, "429.html", {"retry_after": seconds, "what": scope}, status=429
            )
            response["Retry-After"] = str(seconds)
            return response

        return wrapper

    return decorator
