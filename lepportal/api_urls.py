"""The API, mounted at /api/v1/: every app's endpoints, the OpenAPI 3 schema and the
interactive documentation (Swagger UI, served from this site: it works offline).

The documentation page keeps the site's Content Security Policy: its scripts are files from
this site (the start-up script too, through the "split" view), and the one inline ``<style>``
of drf-spectacular's template gets the request's nonce, which the policy of that page alone
accepts for styles. Nothing else is loosened: no 'unsafe-inline', no 'unsafe-eval'."""

from __future__ import annotations

from typing import Any

from csp.constants import NONCE
from csp.decorators import csp_update
from django.urls import include, path, re_path
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.request import Request
from rest_framework.response import Response

from lepportal.core.api import api_not_found


class ApiDocsView(SpectacularSwaggerSplitView):
    """Swagger UI with the request's CSP nonce on its inline style."""

    url_name = "api:schema"
    title = "Local Industrial Strategy Portal API"

    @extend_schema(exclude=True)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().get(request, *args, **kwargs)
        if request.GET.get("script") is None:
            nonce = str(request._request.csp_nonce)
            response.add_post_render_callback(lambda rendered: _add_style_nonce(rendered, nonce))
        return response


def _add_style_nonce(response: Any, nonce: str) -> Any:
    response.content = response.content.replace(b"<style>", f'<style nonce="{nonce}">'.encode())
    return response


app_name = "api"

urlpatterns = [
    path("", include("accounts.api.urls")),
    path("", include("strategies.api.urls")),
    path("", include("consultations.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", csp_update({"style-src": [NONCE]})(ApiDocsView.as_view()), name="docs"),
    # Anything else under /api/v1/ is a JSON 404 with the API's error body, not an HTML page.
    re_path(r"^.*$", api_not_found),
]
