"""Per-key rate limits: a fixed one-minute window counted with an atomic ``incr`` in the cache
(Redis in production, so every web process shares the count). Every keyed answer says where the
key stands, in the IETF draft's ``RateLimit-Policy`` and ``RateLimit`` headers."""

import math
from dataclasses import dataclass

from rest_framework.throttling import BaseThrottle

from reex.ratelimit import count_in_window

WINDOW_SECONDS = 60
POLICY = "per-key"


@dataclass(frozen=True)
class RateLimitUsage:
    limit: int
    count: int
    reset: float  # seconds until the window ends

    def headers(self) -> dict[str, str]:
        """draft-ietf-httpapi-ratelimit-headers: the quota (q) per window (w, seconds), and
        what remains of it (r) until the window resets (t, seconds)."""
        remaining = max(self.limit - self.count, 0)
        return {
            "RateLimit-Policy": f'"{POLICY}";q={self.limit};w={WINDOW_SECONDS}',
            "RateLimit": f'"{POLICY}";r={remaining};t={max(math.ceil(self.reset), 1)}',
        }


class ApiKeyRateThrottle(BaseThrottle):
    def allow_request(self, request, view) -> bool:
        api_key = request.auth
        if api_key is None:
            return True  # nothing to count against; authentication has already answered
        count, self.retry_after = count_in_window(
            key=f"partners:rate:{api_key.pk}", window=WINDOW_SECONDS
        )
        # Read by the view for the RateLimit headers (reex.api.views.PartnerAPIMixin).
        request.rate_limit = RateLimitUsage(api_key.rate_per_minute, count, self.retry_after)
        return count <= api_key.rate_per_minute

    def wait(self) -> float:
        return max(self.retry_after, 1.0)
