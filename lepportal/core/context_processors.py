from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from .navigation import navigation_for


def service(request: HttpRequest) -> dict[str, Any]:
    """The service name and the navigation the signed-in user's roles allow."""
    return {
        "SERVICE_NAME": settings.SERVICE_NAME,
        "navigation": navigation_for(request),
    }
