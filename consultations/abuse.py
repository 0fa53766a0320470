"""Protection of anonymous responses without a CAPTCHA (which fails accessibility): a honeypot
field, a minimum time on the page and a per-address rate limit kept in the Django cache."""

from __future__ import annotations

import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest

SALT = "consultations.form-started"


def min_seconds() -> float:
    return float(getattr(settings, "CONSULTATION_MIN_SECONDS_ON_PAGE", 3))


def responses_per_hour() -> int:
    return int(getattr(settings, "CONSULTATION_ANONYMOUS_STARTS_PER_HOUR", 30))


def started_token() -> str:
    return signing.dumps(time.time(), salt=SALT)


def too_fast(token: str | None) -> bool:
    """True when the form came back sooner than a person could have filled it in (or the
    token is missing or forged)."""
    try:
        started = float(signing.loads(token or "", salt=SALT, max_age=24 * 3600))
    except (signing.BadSignature, ValueError, TypeError):
        return True
    return time.time() - started < min_seconds()


def client_address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "unknown")


def rate_limited(request: HttpRequest, scope: str) -> bool:
    """Count one attempt for this address in this scope; True once over the hourly limit."""
    key = f"abuse:{scope}:{client_address(request)}"
    if cache.add(key, 1, timeout=3600):
        return False
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=3600)
        return False
    return count > responses_per_hour()
