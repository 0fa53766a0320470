"""One of everything the URL patterns point at, for the access-control matrix."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core import signing

from consultations import services as consultation_services
from consultations.models import Consultation, Question, Response
from consultations.moderation import comment_moderate, comment_post
from strategies import services as strategy_services
from strategies.evidence.services import dataset_upload, kpi_save
from strategies.models import Strategy
from tests.consultations.conftest import make_consultation

EXAMPLE = Path(__file__).resolve().parents[2] / "strategies/evidence/data/example.csv"


@dataclass
class World:
    kwargs: dict[str, dict[str, Any]]


def build_world(cast: Any) -> World:
    from datetime import date
    from decimal import Decimal

    org = cast.organisation
    strategy = strategy_services.strategy_create(
        organisation=org, title="Local Industrial Strategy", author=cast.editor
    )
    section = strategy.sections.first()
    revision = strategy_services.section_revise(
        section=section,
        title=section.title,
        body="Our foreword.",
        author=cast.editor,
        base_revision=None,
    )
    priority = strategy_services.priority_save(
        strategy=strategy,
        title="Skills",
        description="",
        foundations=["people"],
        grand_challenges=[],
        place_kinds=[],
    )
    for step in ("internal-review", "consultation", "revising", "submitted", "agreed"):
        strategy_services.strategy_transition(strategy=strategy, target=step, actor=cast.lead)
    version = strategy_services.version_create(strategy=strategy, label="Final", author=cast.lead)
    strategy_services.strategy_transition(
        strategy=strategy, target=Strategy.Status.PUBLISHED, actor=cast.lead, version=version
    )
    dataset_upload(
        organisation=org,
        year=2017,
        nation="england",
        source_note="ONS BRES 2017",
        data=EXAMPLE.read_bytes(),
        file_name="example.csv",
        author=cast.editor,
    )
    kpi = kpi_save(
        strategy=strategy,
        name="GVA per hour",
        unit="£",
        baseline_value=Decimal("30"),
        baseline_date=date(2017, 1, 1),
        target_value=Decimal("40"),
        target_date=date(2030, 1, 1),
        priority=priority,
    )
    consultation = make_consultation(strategy, version, cast.editor)
    version_section = version.sections.first()
    question = consultation_services.question_save(
        consultation=consultation,
        kind=Question.Kind.SINGLE,
        text="Do you agree?",
        options=["Yes", "No"],
        section_id=version_section.pk,
    )
    free_text = consultation_services.question_save(
        consultation=consultation, kind=Question.Kind.FREE_TEXT, text="What is missing?"
    )
    response, _ = consultation_services.response_create_complete(
        consultation=consultation,
        profile={"responding_as": "individual", "consent": "anonymous"},
        raw_answers={question.pk: str(question.options.first().pk)},
        submission_key=uuid.uuid4(),
        source=Response.Source.WEB,
        respondent=cast.respondent,
    )
    comment = comment_post(
        consultation=consultation,
        section=version_section,
        author=cast.respondent,
        body="A fair draft.",
    )
    comment_moderate(comment=comment, moderator=cast.moderator, action="approve")
    from consultations.reporting.compile import compilation_start

    compilation = compilation_start(consultation=consultation, user=cast.editor)
    draft = consultation_services.response_start(consultation=consultation)
    token = signing.dumps(
        {"r": draft.pk, "k": str(draft.submission_key)}, salt="consultations.resume"
    )
    s = {"org": org.slug, "slug": strategy.slug}
    c = {"slug": consultation.slug}
    return World(
        kwargs={
            "org": {"org": org.slug},
            "organisation": {"slug": org.slug},
            "member": {"slug": org.slug, "membership_id": cast.organisation.memberships.first().pk},
            "strategy": s,
            "section": {**s, "pk": section.pk},
            "revision": {**s, "pk": section.pk, "number": revision.number},
            "version": {**s, "number": version.number},
            "export": {**s, "number": version.number, "fmt": "docx"},
            "transition": {**s, "target": "revising"},
            "priority": {**s, "pk": priority.pk},
            "kpi": {**s, "pk": kpi.pk},
            "dataset": {"org": org.slug, "year": 2017},
            "file": {"name": "template"},
            "consultation": c,
            "create_consultation": {"org": org.slug, "strategy_slug": strategy.slug},
            "question": {**c, "pk": question.pk},
            "page": {**c, "page": 1},
            "resume": {**c, "token": token},
            "done": {**c, "reference": response.reference},
            "response": {**c, "pk": response.pk},
            "comment": {**c, "pk": comment.pk},
            "comment_section": {**c, "section_pk": version_section.pk},
            "moderation_comment": {"pk": comment.pk},
            "theme_question": {**c, "question_pk": free_text.pk},
            "compilation": {**c, "pk": compilation.pk},
            "compilation_download": {**c, "pk": compilation.pk, "fmt": "xlsx"},
            "outcome_download": {**c, "fmt": "pdf"},
            "api_strategy": {"pk": strategy.pk},
            "api_version": {"pk": strategy.pk, "number": version.number},
            "api_org": {"slug": org.slug},
            "api_dataset": {"slug": org.slug, "year": 2017},
            "api_consultation": c,
            "api_compilation": {**c, "pk": compilation.pk},
            "api_response": {**c, "pk": response.pk},
            "api_my_response": {"pk": response.pk},
            "api_comment": {**c, "pk": comment.pk},
            "api_moderation_comment": {"pk": comment.pk},
            "password_reset": {"uidb64": "MQ", "token": "set-password"},
        }
    )


__all__ = ["Consultation", "World", "build_world"]
