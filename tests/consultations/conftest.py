from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from consultations import services
from consultations.models import Consultation, Question
from strategies import services as strategy_services


@pytest.fixture
def strategy(cast):
    strategy = strategy_services.strategy_create(
        organisation=cast.organisation, title="Local Industrial Strategy", author=cast.editor
    )
    for section in strategy.sections.all()[:3]:
        strategy_services.section_revise(
            section=section,
            title=section.title,
            body=f"Text of {section.title}.",
            author=cast.editor,
            base_revision=None,
        )
    return strategy


@pytest.fixture
def version(strategy, cast):
    return strategy_services.version_create(
        strategy=strategy, label="Draft for consultation", author=cast.editor
    )


def make_consultation(strategy, version, author, **overrides) -> Consultation:
    now = timezone.now()
    fields = {
        "title": "Our draft Local Industrial Strategy",
        "summary": "Tell us what you think of our draft strategy.",
        "body": "We want to hear from businesses of every size.",
        "how_to_respond": "Answer online. It takes about 10 minutes.",
        "privacy_notice": "Our lawful basis is public task. Responses may be disclosed under FOI.",
        "opens_at": now - timedelta(days=1),
        "closes_at": now + timedelta(days=30),
        "allow_anonymous": True,
        "moderation": Consultation.Moderation.PRE,
    }
    fields.update(overrides)
    return services.consultation_create(strategy=strategy, version=version, author=author, **fields)


@pytest.fixture
def consultation(strategy, version, cast) -> Consultation:
    consultation = make_consultation(strategy, version, cast.editor)
    sections = list(version.sections.order_by("position"))
    services.question_save(
        consultation=consultation,
        kind=Question.Kind.SINGLE,
        text="Do you support our vision?",
        options=["Yes", "No", "Not sure"],
        required=True,
        section_id=sections[0].pk,
    )
    services.question_save(
        consultation=consultation,
        kind=Question.Kind.MULTIPLE,
        text="What would help your business grow?",
        options=["Skills", "Premises", "Finance", "Digital", "Exporting"],
        allow_other=True,
    )
    services.question_save(
        consultation=consultation,
        kind=Question.Kind.SCALE,
        text="Our priorities are the right ones.",
        section_id=sections[1].pk,
    )
    services.question_save(
        consultation=consultation,
        kind=Question.Kind.FREE_TEXT,
        text="What should we change?",
        hint="Up to 1,000 characters.",
        max_length=1000,
    )
    return consultation
