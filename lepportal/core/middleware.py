"""Turn a lost database into a clear "service unavailable" answer instead of a traceback.

When PostgreSQL is down, restarting or out of connections, every view that queries fails with
``OperationalError`` (or ``InterfaceError`` for a connection that died mid-request). Without
this middleware Django would answer with the generic 500 page. Here the visitor gets the styled
503 page, rendered without touching the database (no context processors: they read the
session, the user and the navigation), API clients and ``/healthz`` get JSON, and every answer
says when to retry. Nothing is half-saved: services that write several rows do so in one
transaction, which the failed query has already rolled back."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
MESSAGE = "The service cannot reach its database at the moment. Try again in a few minutes."


def _wants_json(request: HttpRequest) -> bool:
    path = request.path_info
    if path.startswith("/api/") or path.rstrip("/") == "/healthz":
        return True
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept


def database_unavailable_response(request: HttpRequest) -> HttpResponse:
    """The 503 answer for a request that could not reach the database."""
    response: HttpResponse
    if _wants_json(request):
        if request.path_info.rstrip("/") == "/healthz":
            body = {
                "status": "degraded",
                "checks": {"database": {"ok": False, "detail": "unreachable"}},
            }
        else:
            body = {"error": {"code": "database_unavailable", "message": MESSAGE, "fields": {}}}
        response = JsonResponse(body, status=503)
    else:
        # A plain dict, not a RequestContext: context processors would query the database.
        # The CSP nonce is read from the request (no query) so the page's scripts may run.
        context = {
            "SERVICE_NAME": settings.SERVICE_NAME,
            "CSP_NONCE": getattr(request, "csp_nonce", ""),
        }
        response = HttpResponse(loader.get_template("503.html").render(context), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Answer 503 (styled page, or JSON for the API and /healthz) when a view fails because
    the database cannot be reached. Placed early in MIDDLEWARE so that, process_exception
    running from the last middleware to the first, every other middleware has had its chance
    first and none of them sees a database error as an ordinary 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error(
            "Database unavailable for %s %s: %s",
            request.method,
            request.path,
            exception.__class__.__name__,
            exc_info=exception,
        )
        return database_unavailable_response(request)
