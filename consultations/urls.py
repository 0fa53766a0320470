from __future__ import annotations

from django.urls import path

from . import views
from .data_urls import urlpatterns as data_urlpatterns
from .moderation_urls import urlpatterns as moderation_urlpatterns
from .reporting.urls import urlpatterns as reporting_urlpatterns
from .staff_urls import urlpatterns as staff_urlpatterns

app_name = "consultations"

respond = "<slug:slug>/respond/"

# Fixed paths come before "<slug:slug>/..." so that a consultation can never shadow them.
urlpatterns = [
    path("", views.consultation_list, name="list"),
    path("new/<slug:org>/<slug:strategy_slug>/", views.consultation_create, name="create"),
    *data_urlpatterns,
    *moderation_urlpatterns,
    *staff_urlpatterns,
    *reporting_urlpatterns,
    path("<slug:slug>/", views.consultation_detail, name="detail"),
    path("<slug:slug>/edit/", views.consultation_edit, name="edit"),
    path("<slug:slug>/questions/", views.questions, name="questions"),
    path("<slug:slug>/questions/preview/", views.questions_preview, name="questions_preview"),
    path("<slug:slug>/questions/<int:pk>/", views.question_edit, name="question_edit"),
    path("<slug:slug>/questions/<int:pk>/move/", views.question_move, name="question_move"),
    path("<slug:slug>/questions/<int:pk>/delete/", views.question_delete, name="question_delete"),
    path(respond, views.respond_start, name="respond"),
    path(respond + "about-you/", views.respond_profile, name="respond_profile"),
    path(respond + "questions/<int:page>/", views.respond_questions, name="respond_questions"),
    path(respond + "save/", views.respond_save, name="respond_save"),
    path(respond + "resume/<str:token>/", views.respond_resume, name="respond_resume"),
    path(respond + "check/", views.respond_check, name="respond_check"),
    path(respond + "done/<str:reference>/", views.respond_done, name="respond_done"),
    path("<slug:slug>/my-response/", views.my_response, name="my_response"),
    path(
        "<slug:slug>/my-response/withdraw/",
        views.my_response_withdraw,
        name="my_response_withdraw",
    ),
]
