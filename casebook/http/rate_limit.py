"""Request-rate limits per network address, for public routes that must not be harvested:
POST /api/v1/auth/kdf-params answers every email with a salt (a real one or a stand-in).

Routes opt in with `opt={"rate_limited": True}`. Litestar's rate limiter counts in the
server process's memory, per client address, over a fixed one-minute window; a refusal is
429 with Retry-After (and RateLimit-* headers on every answer of the route)."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.middleware.base import DefineMiddleware
from litestar.middleware.rate_limit import CacheObject, RateLimitConfig, RateLimitMiddleware

from casebook.access.policy import SessionPolicy


class _RateLimitWithRetryAfter(RateLimitMiddleware):
    def create_response_headers(self, cache_object: CacheObject) -> dict[str, str]:
        headers = super().create_response_headers(cache_object)
        if len(cache_object.history) >= self.max_requests:
            headers["Retry-After"] = headers[self.config.rate_limit_reset_header_key]
        return headers


def _is_rate_limited(request: Request[Any, Any, Any]) -> bool:
    return bool(request.route_handler.opt.get("rate_limited"))


def kdf_params_limit(policy: SessionPolicy) -> DefineMiddleware:
    return RateLimitConfig(
        rate_limit=("minute", policy.kdf_params_per_minute),
        check_throttle_handler=_is_rate_limited,
        middleware_class=_RateLimitWithRetryAfter,
    ).middleware
