"""Per-key rate limits: a fixed one-minute window counted with an atomic ``incr`` in the cache
(Redis in production, so every web process shares the count)."""

import time

from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

from .models import ApiKey

WINDOW_SECONDS = 60


class ApiKeyRateThrottle(BaseThrottle):
    def allow_request(self, request, view) -> bool:
        api_key = request.auth
        if not isinstance(api_key, ApiKey):
            return True  # nothing to count against; authentication has already answered
        now = time.time()
        window = int(now // WINDOW_SECONDS)
        self.retry_after = (window + 1) * WINDOW_SECONDS - now
        key = f"partners:rate:{api_key.pk}:{window}"
        # incr() is atomic, so processes sharing Redis never lose a count; only the first request
        # of a window finds no counter and creates it (add(): whoever comes first wins).
        try:
            count = cache.incr(key)
        except ValueError:
            if cache.add(key, 1, timeout=WINDOW_SECONDS + 5):
                count = 1
            else:
                count = cache.incr(key)
        return count <= api_key.rate_per_minute

    def wait(self) -> float:
        return max(self.retry_after, 1.0)
