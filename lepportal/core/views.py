from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.selectors import organisations_for_home

from .health import broker_status, database_status


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/home.html", {"waves": organisations_for_home()})


@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/accessibility.html")


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/privacy.html")


@require_GET
def cookies(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/cookies.html")


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": database_status(), "broker": broker_status()}
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "degraded", "checks": checks},
        status=200 if healthy else 503,
    )


def error_400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # Django refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE, or a form with more than
    # DATA_UPLOAD_MAX_NUMBER_FIELDS fields, before any view sees it: say which limit was hit
    # (413 for the first, as HTTP intends) rather than "could not be understood".
    if isinstance(exception, RequestDataTooBig):
        megabytes = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024)
        problem = (
            f"What you sent is larger than this service accepts ({megabytes:g} MB). "
            "If you pasted a long text, shorten it, then try again."
        )
        return render(request, "400.html", {"problem": problem}, status=413)
    if isinstance(exception, TooManyFieldsSent | TooManyFilesSent):
        problem = (
            "The form you sent has far more answers than any form on this service. "
            "Go back to the form and try again."
        )
        return render(request, "400.html", {"problem": problem}, status=400)
    return render(request, "400.html", status=400)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    # Rendered without the request's context processors: the failure may lie in one of them.
    body = loader.get_template("500.html").render({"SERVICE_NAME": settings.SERVICE_NAME})
    return HttpResponse(body, status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)
