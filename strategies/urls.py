from __future__ import annotations

from django.urls import path

from . import views
from .evidence import views as evidence_views

app_name = "strategies"

draft = "strategies/<slug:org>/<slug:slug>/draft/"
section = draft + "sections/<int:pk>/"

urlpatterns = [
    path("progress/", views.tracker, name="tracker"),
    path("progress.csv", views.tracker_csv, name="tracker_csv"),
    path("strategies/<slug:org>/", views.organisation_strategies, name="organisation"),
    path("strategies/<slug:org>/new/", views.strategy_create, name="create"),
    path("strategies/<slug:org>/<slug:slug>/", views.strategy_public, name="public"),
    path(draft, views.strategy_draft, name="draft"),
    path(draft + "preview/", views.strategy_preview, name="preview"),
    path(draft + "markdown-preview/", views.markdown_preview, name="markdown_preview"),
    path(draft + "sections/add/", views.section_add, name="section_add"),
    path(section + "edit/", views.section_edit, name="section_edit"),
    path(section + "autosave/", views.section_autosave, name="section_autosave"),
    path(section + "discard/", views.section_discard_draft, name="section_discard"),
    path(section + "move/", views.section_move, name="section_move"),
    path(section + "remove/", views.section_remove, name="section_remove"),
    path(section + "history/", views.section_history, name="section_history"),
    path(section + "compare/", views.section_compare, name="section_compare"),
    path(
        section + "revisions/<int:number>/restore/", views.section_restore, name="section_restore"
    ),
    path(draft + "versions/", views.versions, name="versions"),
    path(draft + "versions/compare/", views.version_compare, name="version_compare"),
    path(draft + "versions/<int:number>/", views.version_detail, name="version"),
    path(draft + "workflow/<slug:target>/", views.transition, name="transition"),
    path(draft + "priorities/", views.priorities, name="priorities"),
    path(draft + "priorities/<int:pk>/", views.priority_edit, name="priority_edit"),
    path(draft + "alignment/", views.alignment, name="alignment"),
    path(draft + "indicators/", evidence_views.kpis, name="kpis"),
    path(draft + "indicators/<int:pk>/", evidence_views.kpi_detail, name="kpi"),
    path(
        "strategies/<slug:org>/<slug:slug>/indicators.csv",
        evidence_views.kpis_csv,
        name="kpis_csv",
    ),
    path(
        "strategies/<slug:org>/<slug:slug>/versions/<int:number>/export.<str:fmt>",
        views.version_export,
        name="version_export",
    ),
    path("evidence/<slug:org>/", evidence_views.datasets, name="evidence"),
    path("evidence/<slug:org>/<int:year>/", evidence_views.dataset_detail, name="evidence_dataset"),
    path("evidence/files/<slug:name>.csv", evidence_views.csv_file, name="evidence_file"),
]
