"""URL patterns for section comments and moderation; mounted by consultations/urls.py under
/consultations/ in the ``consultations`` namespace.

consultations/urls.py lists these before the ``<slug:slug>/`` consultation pages, so the fixed
``moderation/`` paths are never taken for a consultation's slug."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import moderation_views as views

urlpatterns: list[URLPattern] = [
    path("moderation/", views.moderation_queue, name="moderation_queue"),
    path("moderation/log/", views.moderation_log, name="moderation_log"),
    path("moderation/comments/<int:pk>/", views.moderation_comment, name="moderation_comment"),
    path("<slug:slug>/strategy/", views.consultation_strategy, name="strategy"),
    path(
        "<slug:slug>/strategy/sections/<int:section_pk>/comment/",
        views.comment_create,
        name="comment_create",
    ),
    path(
        "<slug:slug>/strategy/comments/<int:pk>/reply/",
        views.comment_reply,
        name="comment_reply",
    ),
    path("<slug:slug>/strategy/comments/<int:pk>/edit/", views.comment_edit, name="comment_edit"),
    path(
        "<slug:slug>/strategy/comments/<int:pk>/delete/",
        views.comment_delete,
        name="comment_delete",
    ),
    path(
        "<slug:slug>/strategy/comments/<int:pk>/report/",
        views.comment_report,
        name="comment_report",
    ),
]
