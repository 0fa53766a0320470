from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from accounts.urls import organisation_urlpatterns

urlpatterns = [
    path("", include("lepportal.core.urls")),
    path("accounts/api-token/", include("lepportal.core.api_tokens")),
    path("accounts/", include("accounts.urls")),
    path("api/v1/", include("lepportal.api_urls")),
    path("organisations/", include((organisation_urlpatterns, "organisations"))),
    path("", include("strategies.urls")),
    path("consultations/", include("consultations.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "lepportal.core.views.error_400"
handler403 = "lepportal.core.views.error_403"
handler404 = "lepportal.core.views.error_404"
handler500 = "lepportal.core.views.error_500"
