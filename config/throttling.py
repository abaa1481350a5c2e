"""Request-rate limits that views declare with `throttle_scope` (rates in settings).

Only changes count: listing a scope's resources is never throttled, issuing them is. The
counters live in the default cache, per user (or per address when anonymous)."""

from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import ScopedRateThrottle


class ScopedWriteRateThrottle(ScopedRateThrottle):
    def allow_request(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return super().allow_request(request, view)
