from __future__ import annotations

from django.urls import path

from . import views
from .data_urls import urlpatterns as data_urlpatterns
from .moderation_urls import urlpatterns as moderation_urlpatterns
from .staff_urls import urlpatterns as staff_urlpatterns

app_name = "consultations"

urlpatterns = [
    path("", views.consultation_list, name="list"),
    path("<slug:slug>/", views.consultation_detail, name="detail"),
    *moderation_urlpatterns,
    *staff_urlpatterns,
    *data_urlpatterns,
]
