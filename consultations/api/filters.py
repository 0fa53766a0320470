"""Query-string filters of the consultation endpoints (django-filter): each refuses a value it
cannot use with a 400 rather than ignoring it."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from lepportal.core.reference import sic_sections

from .. import selectors
from ..constants import Consent, OrganisationType, RespondentType, SizeBand
from ..models import Answer, Comment, Consultation, Response
from ..moderation import QUEUE_STATES

LARGEST_ID = 2**63 - 1


class IdFilter(django_filters.Filter):
    """A database id: a whole number in the range the database can hold."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", LARGEST_ID)
        super().__init__(*args, **kwargs)


class ConsultationFilter(django_filters.FilterSet):
    organisation = django_filters.CharFilter(
        field_name="organisation__slug", max_length=200, help_text="The organisation's slug."
    )
    strategy = IdFilter(field_name="strategy_id", help_text="The strategy's id.")
    kind = django_filters.ChoiceFilter(choices=Consultation.Kind.choices)
    state = django_filters.ChoiceFilter(choices=Consultation.State.choices, method="by_state")

    class Meta:
        model = Consultation
        fields = ["organisation", "strategy", "kind", "state"]

    def by_state(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        now = timezone.now()
        pending = Q(outcome_published_at__isnull=True)
        conditions: dict[str, Q] = {
            Consultation.State.UPCOMING: pending & Q(opens_at__gt=now),
            Consultation.State.OPEN: pending & Q(opens_at__lte=now, closes_at__gt=now),
            Consultation.State.CLOSED: pending & Q(closes_at__lte=now),
            Consultation.State.OUTCOME: ~pending,
        }
        return queryset.filter(conditions[value])


class ResponseFilter(django_filters.FilterSet):
    """The staff list's filters, as on the responses page (``selectors.ResponseFilters``)."""

    respondent_type = django_filters.ChoiceFilter(choices=RespondentType.choices)
    organisation_type = django_filters.ChoiceFilter(choices=OrganisationType.choices)
    size_band = django_filters.ChoiceFilter(choices=SizeBand.choices)
    sector = django_filters.ChoiceFilter(choices=sic_sections())
    consent = django_filters.ChoiceFilter(choices=Consent.choices)
    source = django_filters.ChoiceFilter(choices=Response.Source.choices)
    option = IdFilter(method="by_option", help_text="Only responses that chose this option.")
    search = django_filters.CharFilter(
        method="by_search",
        max_length=200,
        help_text="Words in the free-text answers or the organisation's name.",
    )
    include_withdrawn = django_filters.BooleanFilter(
        method="by_withdrawn", help_text="Include withdrawn responses (left out by default)."
    )

    class Meta:
        model = Response
        fields = [
            "respondent_type",
            "organisation_type",
            "size_band",
            "sector",
            "consent",
            "source",
        ]

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        if not self.form.cleaned_data.get("include_withdrawn"):
            queryset = queryset.exclude(status=Response.Status.WITHDRAWN)
        return super().filter_queryset(queryset)

    def by_option(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        return queryset.filter(
            Exists(Answer.objects.filter(response=OuterRef("pk"), option_id=value))
        )

    def by_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        text = value.strip()
        return selectors._search(queryset, text) if text else queryset

    def by_withdrawn(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        return queryset  # applied in filter_queryset, before the other filters


class CommentFilter(django_filters.FilterSet):
    section = IdFilter(field_name="section_id", help_text="Only comments on this section.")
    parent = IdFilter(field_name="parent_id", help_text="Only replies to this comment.")

    class Meta:
        model = Comment
        fields = ["section", "parent"]


class ModerationFilter(django_filters.FilterSet):
    """The moderation queue's views, as on the queue page; filtering happens in the view
    through ``moderation.moderation_queue``."""

    consultation = django_filters.CharFilter(
        max_length=200, method="noop", help_text="A consultation's slug."
    )
    state = django_filters.ChoiceFilter(
        choices=[(value, label) for value, label in QUEUE_STATES if value],
        method="noop",
        help_text="By default, everything that needs a decision.",
    )
    reported = django_filters.BooleanFilter(method="noop", help_text="Only reported comments.")

    class Meta:
        model = Comment
        fields: list[str] = []

    def noop(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return queryset
