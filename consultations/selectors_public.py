"""Reads for the public consultation pages and the response form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import Consultation, Question, Response


@dataclass(frozen=True)
class QuestionPage:
    number: int
    section: Any  # VersionSection or None
    questions: list[Question]

    @property
    def title(self) -> str:
        return self.section.title if self.section is not None else "General questions"


def question_pages(consultation: Consultation) -> list[QuestionPage]:
    """Questions in order, one page per run of questions about the same section."""
    questions = list(consultation.questions.select_related("section").prefetch_related("options"))
    pages: list[QuestionPage] = []
    for question in questions:
        if pages and pages[-1].section == question.section:
            pages[-1].questions.append(question)
        else:
            pages.append(
                QuestionPage(number=len(pages) + 1, section=question.section, questions=[question])
            )
    return pages


def public_consultations(
    *, organisation_slug: str | None = None, state: str | None = None
) -> QuerySet[Consultation]:
    """Open, closed and outcome-published consultations (upcoming ones are not yet public)."""
    now = timezone.now()
    queryset = Consultation.objects.select_related("organisation").filter(opens_at__lte=now)
    if organisation_slug:
        queryset = queryset.filter(organisation__slug=organisation_slug)
    if state == Consultation.State.OPEN:
        queryset = queryset.filter(closes_at__gt=now, outcome_published_at__isnull=True)
    elif state == Consultation.State.CLOSED:
        queryset = queryset.filter(closes_at__lte=now, outcome_published_at__isnull=True)
    elif state == Consultation.State.OUTCOME:
        queryset = queryset.filter(outcome_published_at__isnull=False)
    return queryset.order_by("-closes_at")


def answers_by_question(response: Response) -> dict[int, dict[str, Any]]:
    """{question id: {"options": [labels], "option_ids": [..], "text": str}} in two queries."""
    result: dict[int, dict[str, Any]] = {}
    for answer in response.answers.select_related("option").order_by("option__position"):
        entry = result.setdefault(answer.question_id, {"options": [], "option_ids": [], "text": ""})
        if answer.option_id:
            entry["options"].append(answer.option.label)
            entry["option_ids"].append(answer.option_id)
        else:
            entry["text"] = answer.text
    return result


def live_response_of(user: Any, consultation: Consultation) -> Response | None:
    return (
        consultation.responses.filter(respondent=user)
        .filter(Q(status=Response.Status.DRAFT) | Q(status=Response.Status.SUBMITTED))
        .order_by("-status", "-pk")  # a submitted response before a stray draft
        .first()
    )
