"""Pages for respondents' own data (the subject access download) and the staff action that
launches the street-level survey in one step."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Organisation
from lepportal.core.exceptions import ApplicationError
from lepportal.core.forms import GDSFormMixin
from lepportal.core.permissions import ensure_permission
from strategies.models import StrategyVersion

from .data_protection import respondent_data_export
from .street_level import (
    DEFAULT_DURATION,
    QUESTIONS,
    RETENTION_DAYS,
    street_level_survey_create,
    street_level_title,
)


@never_cache
@require_GET
def my_data(request: HttpRequest) -> HttpResponse:
    """Everything held about the signed-in user's responses, as a JSON file to download."""
    # "consultations.comment" is the rule for "is signed in"; anonymous visitors are sent to
    # sign in and come back here.
    ensure_permission(request, "consultations.comment", hide=False)
    data = respondent_data_export(user=request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="my-consultation-data.json"'
    return response


class StreetLevelSurveyForm(GDSFormMixin, forms.Form):
    submit_label = "Create the survey"

    def __init__(self, *args: Any, versions: list[StrategyVersion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.versions = {str(v.pk): v for v in versions}
        self.fields["version"] = forms.ChoiceField(
            label="Version of the strategy the survey is about",
            choices=[
                (str(v.pk), f"{v.strategy.title}: version {v.number}, {v.label}") for v in versions
            ],
            initial=str(versions[0].pk) if versions else None,
            widget=forms.RadioSelect,
            help_text="The survey is shown alongside this saved version.",
            error_messages={
                "required": "Choose a version of the strategy",
                "invalid_choice": "Choose a version of the strategy",
            },
        )

    def clean_version(self) -> StrategyVersion:
        version = self.versions.get(self.cleaned_data["version"])
        if version is None:
            raise forms.ValidationError("Choose a version of the strategy")
        return version


@never_cache
@require_http_methods(["GET", "POST"])
def street_level_new(request: HttpRequest, org: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=org)
    ensure_permission(request, "consultations.create_consultation", organisation)
    versions = list(
        StrategyVersion.objects.filter(strategy__organisation=organisation)
        .select_related("strategy")
        .order_by("-created_at", "-pk")
    )
    data = request.POST if request.method == "POST" else None
    form = StreetLevelSurveyForm(data, versions=versions)
    if request.method == "POST" and versions and form.is_valid():
        version = form.cleaned_data["version"]
        try:
            consultation = street_level_survey_create(
                strategy=version.strategy, version=version, author=request.user
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "The street-level survey is open for responses.")
            return redirect(consultation.get_absolute_url())
    now = timezone.localtime()
    return render(
        request,
        "consultations/street_level_new.html",
        {
            "organisation": organisation,
            "form": form,
            "versions": versions,
            "title": street_level_title(organisation.name),
            "opens_at": now,
            "closes_at": now + DEFAULT_DURATION,
            "questions": QUESTIONS,
            "retention_days": RETENTION_DAYS,
            "strategies_url": reverse("strategies:organisation", kwargs={"org": organisation.slug}),
        },
        status=400 if request.method == "POST" else 200,
    )
