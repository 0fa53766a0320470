"""URL patterns of the report pages and the public outcome page; mounted by
consultations/urls.py (so their names are ``consultations:report`` and so on)."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import views

report = "<slug:slug>/report/"
compilation = report + "compilations/<int:pk>/"

urlpatterns: list[URLPattern] = [
    path(report, views.report, name="report"),
    path(report + "compile/", views.report_start, name="report_start"),
    path(compilation, views.report_compilation, name="report_compilation"),
    path(compilation + "status/", views.report_status, name="report_status"),
    path(compilation + "report.<str:fmt>", views.report_download, name="report_download"),
    path(report + "themes/<int:question_pk>/", views.report_themes, name="report_themes"),
    path(report + "you-said-we-did/", views.report_you_said, name="report_you_said"),
    path(report + "publish/", views.report_publish, name="report_publish"),
    path("<slug:slug>/outcome/", views.outcome, name="outcome"),
    path("<slug:slug>/outcome/report.<str:fmt>", views.outcome_download, name="outcome_download"),
]
