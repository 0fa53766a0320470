"""The portal's URLs plus two bare views that set the yardsticks for bench/web.py: a small
template in the site's layout, and one INSERT. Both go through the same middleware as the
portal's pages (sessions, CSRF, CSP, security headers)."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import include, path
from django.views.decorators.http import require_GET, require_POST

from lepportal.urls import handler400, handler403, handler404, handler500

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


@require_GET
def bare_template(request: HttpRequest) -> HttpResponse:
    return render(request, "bench/bare.html", {"page_title": "Bare page"})


@require_POST
def bare_insert(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_insert (payload) VALUES (%s)", [request.POST.get("payload", "")]
        )
    return HttpResponse("inserted", content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare_template, name="bench_bare"),
    path("bench/insert/", bare_insert, name="bench_insert"),
    path("", include("lepportal.urls")),
]
