"""The data the query budgets grow from: the access matrix's world (one of everything the URL
patterns point at) and a second, closed consultation whose final report is compiled and
published, so that the report and outcome pages render too."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.test import TestCase

from consultations import services as consultation_services
from consultations.models import Comment, Compilation, Consultation, Question, Response
from consultations.reporting import compile as engine
from strategies.models import Kpi, Priority, Section, Strategy, StrategyVersion, VersionSection
from tests.conftest import Cast, build_cast
from tests.consultations.conftest import make_consultation
from tests.consultations.reporting.test_compile import close, fill
from tests.security.world import build_world


@dataclass
class BudgetWorld:
    cast: Cast
    kwargs: dict[str, dict[str, Any]]
    strategy: Strategy
    section: Section
    version: StrategyVersion
    version_section: VersionSection
    priority: Priority
    kpi: Kpi
    consultation: Consultation
    question: Question
    response: Response
    comment: Comment
    closed: Consultation
    closed_free_text: Question
    compilation: Compilation
    # The questions the world was built with: grown responses answer these only, so that
    # growing questions and responses together stays 1,000 of each, not a million answers.
    last_question_pk: int


def _questions(consultation: Consultation) -> None:
    """The four questions that tests/consultations/reporting's ``fill`` answers."""
    sections = list(consultation.version.sections.order_by("position"))
    save = consultation_services.question_save
    save(
        consultation=consultation,
        kind=Question.Kind.SINGLE,
        text="Do you support our vision?",
        options=["Yes", "No", "Not sure"],
        required=True,
        section_id=sections[0].pk,
    )
    save(
        consultation=consultation,
        kind=Question.Kind.MULTIPLE,
        text="What would help your business grow?",
        options=["Skills", "Premises", "Finance", "Digital", "Exporting"],
        allow_other=True,
    )
    save(
        consultation=consultation,
        kind=Question.Kind.SCALE,
        text="Our priorities are the right ones.",
        section_id=sections[1].pk,
    )
    save(
        consultation=consultation,
        kind=Question.Kind.FREE_TEXT,
        text="What should we change?",
        max_length=1000,
    )


def build_budget_world() -> BudgetWorld:
    cast = build_cast()
    world = build_world(cast)
    kwargs = dict(world.kwargs)
    consultation = Consultation.objects.select_related("strategy", "version").get(
        slug=kwargs["consultation"]["slug"]
    )
    strategy = consultation.strategy
    version = consultation.version
    question = Question.objects.get(pk=kwargs["question"]["pk"])

    # A second consultation on the same version: closed, its final report compiled (the task
    # runs in this process) and published as the outcome.
    closed = make_consultation(strategy, version, cast.editor, title="Our closed consultation")
    _questions(closed)
    fill(closed, 30)
    close(closed)
    with TestCase.captureOnCommitCallbacks(execute=True):
        compilation = engine.compilation_start(consultation=closed, user=cast.editor, final=True)
    compilation.refresh_from_db()
    assert compilation.status == Compilation.Status.SUCCEEDED, compilation.error
    engine.outcome_publish(consultation=closed, compilation=compilation, user=cast.lead)
    closed.refresh_from_db()
    free_text = closed.questions.get(kind=Question.Kind.FREE_TEXT)
    c = {"slug": closed.slug}
    kwargs.update(
        {
            "closed": c,
            "closed_compilation": {**c, "pk": compilation.pk},
            "closed_theme_question": {**c, "question_pk": free_text.pk},
            "api_closed": c,
        }
    )
    section = Section.objects.get(pk=kwargs["section"]["pk"])
    return BudgetWorld(
        cast=cast,
        kwargs=kwargs,
        strategy=strategy,
        section=section,
        version=version,
        version_section=VersionSection.objects.get(pk=kwargs["comment_section"]["section_pk"]),
        priority=Priority.objects.get(pk=kwargs["priority"]["pk"]),
        kpi=Kpi.objects.get(pk=kwargs["kpi"]["pk"]),
        consultation=consultation,
        question=question,
        response=Response.objects.get(pk=kwargs["response"]["pk"]),
        comment=Comment.objects.get(pk=kwargs["comment"]["pk"]),
        closed=closed,
        closed_free_text=free_text,
        compilation=compilation,
        last_question_pk=Question.objects.order_by("-pk").values_list("pk", flat=True)[0],
    )


__all__ = ["BudgetWorld", "build_budget_world"]
