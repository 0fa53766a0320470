from __future__ import annotations

from django.urls import path

from . import views

consultation = "consultations/<slug:slug>/"

urlpatterns = [
    path("consultations/", views.ConsultationList.as_view(), name="consultation-list"),
    path(consultation, views.ConsultationDetail.as_view(), name="consultation-detail"),
    path(consultation + "questions/", views.QuestionList.as_view(), name="consultation-questions"),
    path(
        consultation + "responses/",
        views.ResponseListCreate.as_view(),
        name="consultation-responses",
    ),
    path(
        consultation + "responses/<int:pk>/",
        views.ResponseDetail.as_view(),
        name="consultation-response-detail",
    ),
    path(
        consultation + "comments/",
        views.CommentListCreate.as_view(),
        name="consultation-comments",
    ),
    path(
        consultation + "comments/<int:pk>/reports/",
        views.CommentReportCreate.as_view(),
        name="consultation-comment-reports",
    ),
    path(consultation + "outcome/", views.Outcome.as_view(), name="consultation-outcome"),
    path(
        consultation + "compilations/",
        views.CompilationListCreate.as_view(),
        name="consultation-compilations",
    ),
    path(
        consultation + "compilations/<int:pk>/",
        views.CompilationDetail.as_view(),
        name="consultation-compilation-detail",
    ),
    path("my-responses/", views.MyResponseList.as_view(), name="my-responses"),
    path("my-responses/<int:pk>/", views.MyResponseDetail.as_view(), name="my-response-detail"),
    path("moderation/comments/", views.ModerationQueue.as_view(), name="moderation-queue"),
    path(
        "moderation/comments/<int:pk>/",
        views.ModerationCommentDetail.as_view(),
        name="moderation-comment",
    ),
    path(
        "moderation/comments/<int:pk>/decisions/",
        views.ModerationDecisionCreate.as_view(),
        name="moderation-decisions",
    ),
]
