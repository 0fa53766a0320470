"""URL patterns; mounted by consultations/urls.py."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import data_views

urlpatterns: list[URLPattern] = [
    path("my-data.json", data_views.my_data, name="my_data"),
    path(
        "street-level/<slug:org>/new/",
        data_views.street_level_new,
        name="street_level_new",
    ),
]
