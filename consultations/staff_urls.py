"""URL patterns of the staff pages on responses; mounted by consultations/urls.py."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import staff_views

urlpatterns: list[URLPattern] = [
    path("<slug:slug>/responses/", staff_views.response_list, name="responses"),
    path(
        "<slug:slug>/responses/<int:pk>/",
        staff_views.response_detail,
        name="response_detail",
    ),
    path("<slug:slug>/responses/export.csv", staff_views.export_csv, name="responses_csv"),
    path("<slug:slug>/responses/export.xlsx", staff_views.export_xlsx, name="responses_xlsx"),
    path("<slug:slug>/responses/import/", staff_views.import_upload, name="responses_import"),
    path(
        "<slug:slug>/responses/import/columns/",
        staff_views.import_columns,
        name="responses_import_columns",
    ),
    path(
        "<slug:slug>/responses/import/check/",
        staff_views.import_check,
        name="responses_import_check",
    ),
]
