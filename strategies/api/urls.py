from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("strategies/", views.StrategyList.as_view(), name="strategy-list"),
    path("strategies/<int:pk>/", views.StrategyDetail.as_view(), name="strategy-detail"),
    path(
        "strategies/<int:pk>/sections/",
        views.StrategySections.as_view(),
        name="strategy-sections",
    ),
    path(
        "strategies/<int:pk>/versions/",
        views.StrategyVersions.as_view(),
        name="strategy-versions",
    ),
    path(
        "strategies/<int:pk>/versions/<int:number>/",
        views.StrategyVersionDetail.as_view(),
        name="strategy-version-detail",
    ),
    path(
        "strategies/<int:pk>/comparison/",
        views.StrategyComparison.as_view(),
        name="strategy-comparison",
    ),
    path("strategies/<int:pk>/kpis/", views.StrategyKpis.as_view(), name="strategy-kpis"),
    path("tracker/", views.Tracker.as_view(), name="tracker"),
    path(
        "organisations/<slug:slug>/evidence/",
        views.EvidenceDatasets.as_view(),
        name="evidence-datasets",
    ),
    path(
        "organisations/<slug:slug>/evidence/<int:year>/",
        views.EvidenceDatasetDetail.as_view(),
        name="evidence-dataset-detail",
    ),
]
