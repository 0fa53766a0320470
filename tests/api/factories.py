"""Many rows fast, for the tests that prove query counts stay flat as data grows. Rows are
made in bulk (not through the services, which would take minutes for hundreds)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from consultations.models import Comment, Response
from strategies.models import Strategy, StrategyVersion


def published_strategies(cast: Any, count: int, *, start: int = 0) -> list[Strategy]:
    now = timezone.now()
    strategies = Strategy.objects.bulk_create(
        Strategy(
            organisation=cast.organisation if n % 2 else cast.other_organisation,
            title=f"Strategy {n}",
            slug=f"strategy-{n}",
            status=Strategy.Status.PUBLISHED,
            published_at=now,
            status_changed_at=now,
        )
        for n in range(start, start + count)
    )
    versions = StrategyVersion.objects.bulk_create(
        StrategyVersion(strategy=s, number=1, label="Published", strategy_title=s.title)
        for s in strategies
    )
    for strategy, version in zip(strategies, versions, strict=True):
        strategy.published_version = version
    Strategy.objects.bulk_update(strategies, ["published_version"])
    return strategies


def submitted_responses(consultation: Any, count: int, *, start: int = 0) -> list[Response]:
    """Submitted responses, each answering the first (single-choice) question."""
    question = consultation.questions.order_by("position").first()
    option = question.options.order_by("position").first()
    now = timezone.now()
    responses = Response.objects.bulk_create(
        Response(
            consultation=consultation,
            status=Response.Status.SUBMITTED,
            reference=f"CW-T-{n:06d}",
            submitted_at=now,
            responding_as="organisation",
            organisation_name=f"Firm {n}",
            organisation_type="business",
            respondent_type="business",
            respondent_name=f"Person {n}",
            email=f"person{n}@example.com",
            consent="anonymous",
            source=Response.Source.WEB,
        )
        for n in range(start, start + count)
    )
    from consultations.models import Answer

    Answer.objects.bulk_create(
        Answer(response=r, question=question, option=option) for r in responses
    )
    return responses


def approved_comments(consultation: Any, author: Any, count: int) -> list[Comment]:
    section = consultation.version.sections.order_by("position").first()
    return Comment.objects.bulk_create(
        Comment(
            consultation=consultation,
            section=section,
            author=author,
            body=f"Comment number {n}",
            state=Comment.State.APPROVED,
        )
        for n in range(count)
    )
