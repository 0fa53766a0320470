"""The ready-made "street-level" survey: a short, mobile-friendly consultation for
micro-businesses and freelancers, who barely show in official statistics (SPEC §4).

It is launched in one step from a version of the strategy: the consultation, its privacy notice
and its six questions are created together or not at all."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from strategies.models import Strategy, StrategyVersion

from . import services
from .models import Consultation, Question

DEFAULT_DURATION = timedelta(weeks=8)
RETENTION_DAYS = 365
FREE_TEXT_MAX_LENGTH = 1000

STAFF_SIZES = ("Just me", "2 to 9 people", "10 to 49 people", "50 or more people")
SECTORS = (
    "Making or manufacturing things",
    "Building, trades and repairs",
    "Shops, cafés, pubs and hospitality",
    "Digital, creative and media",
    "Professional services, such as accounts, law or consulting",
    "Transport, delivery and logistics",
    "Health, care, education and training",
    "Farming, food and the countryside",
    "Something else",
)
TRADING_TIMES = (
    "Not started yet",
    "Less than 1 year",
    "1 to 3 years",
    "4 to 10 years",
    "More than 10 years",
)
GROWTH_NEEDS = (
    "Skills and training, for me or my staff",
    "Premises: somewhere affordable to work, make or sell",
    "Finance: loans, grants or investment",
    "Digital: faster broadband, selling online or help with technology",
    "Exporting: selling outside the UK",
)
EXPORTING = (
    "Yes",
    "No, but I would like to",
    "No, and I do not plan to",
)


QUESTIONS: tuple[dict[str, Any], ...] = (
    {
        "kind": Question.Kind.SINGLE,
        "text": "How many people work in your business, including you?",
        "options": STAFF_SIZES,
        "required": True,
    },
    {
        "kind": Question.Kind.SINGLE,
        "text": "What does your business mainly do?",
        "options": SECTORS,
        "required": True,
    },
    {
        "kind": Question.Kind.SINGLE,
        "text": "How long have you been trading?",
        "options": TRADING_TIMES,
    },
    {
        "kind": Question.Kind.MULTIPLE,
        "text": "What would help you grow?",
        "hint": "Select all that apply.",
        "options": GROWTH_NEEDS,
        "allow_other": True,
    },
    {
        "kind": Question.Kind.SINGLE,
        "text": "Do you sell to customers outside the UK now?",
        "options": EXPORTING,
    },
    {
        "kind": Question.Kind.FREE_TEXT,
        "text": "What one thing would help your business most?",
        "hint": "Up to 1,000 characters. Please do not include your name.",
        "max_length": FREE_TEXT_MAX_LENGTH,
    },
)
"""The six questions, in order (keyword arguments of ``services.question_save``)."""


def street_level_title(organisation_name: str) -> str:
    return f"Help us support small businesses and freelancers in {organisation_name}"


def _summary(organisation_name: str) -> str:
    return (
        f"Do you work for yourself or run a business with fewer than 10 people in "
        f"{organisation_name}? Tell us what would help you grow. It takes about 3 minutes, on "
        "your phone or computer, and you do not need to give your name. Your answers will "
        "shape our Local Industrial Strategy."
    )


HOW_TO_RESPOND = (
    "Answer the 6 short questions online. It takes about 3 minutes and works on a phone.\n\n"
    "You do not need an account and you do not need to give your name. If you do sign in, you "
    "can come back and change or withdraw your answers until the survey closes.\n\n"
    "There are no wrong answers. If you need the survey in another format, or help to "
    "answer it, contact us and we will help."
)


def privacy_notice_text(
    *, organisation_name: str, closes_at: datetime, retention_days: int, noun: str = "survey"
) -> str:
    """A privacy notice naming the lawful basis, FOI disclosure, retention and rights."""
    erase_on = timezone.localtime(closes_at + timedelta(days=retention_days))
    return (
        f"{organisation_name} Local Enterprise Partnership runs this {noun}. We use your "
        "answers to understand what businesses, organisations and people here need, and to "
        "write our Local Industrial Strategy.\n\n"
        "**Lawful basis.** We process your information because it is necessary to perform a "
        "task in the public interest (public task, UK GDPR Article 6(1)(e)): consulting "
        "people on the economic strategy for the area.\n\n"
        "**What we keep.** Your answers and, only if you give them, your name, e-mail "
        "address, organisation's name and location. Give only the first half of your "
        "postcode. Individuals' names are never published.\n\n"
        "**Freedom of Information.** Responses may be disclosed if we receive a request under "
        "the Freedom of Information Act 2000 or the Environmental Information Regulations "
        "2004. We will take your wishes about publication into account, but cannot promise "
        "confidentiality in every case.\n\n"
        "**How long we keep it.** We delete your name, e-mail address, location, the link to "
        "your account and, if you answered as an individual or a sole trader, your business "
        f"name {retention_days} days after the {noun} closes (by "
        f"{erase_on:%-d %B %Y}). We keep your answers, without them, to measure change over "
        "time.\n\n"
        "**Your rights.** You can ask to see, correct or delete your information, object to "
        "our using it, or ask us to restrict its use. If you signed in you can "
        f"[download everything we hold about your responses]({reverse('consultations:my_data')})."
        " If you are unhappy with how we handle your information you can complain to the "
        "Information Commissioner's Office (ico.org.uk)."
    )


@transaction.atomic
def street_level_survey_create(
    *,
    strategy: Strategy,
    version: StrategyVersion,
    author: Any,
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
) -> Consultation:
    """Create the street-level survey on ``version`` with its six questions, in one step.

    It opens now and closes in 8 weeks unless told otherwise; anyone may answer without
    signing in, and comments are post-moderated so that quick feedback appears at once."""
    name = strategy.organisation.name
    opens_at = opens_at or timezone.now()
    closes_at = closes_at or opens_at + DEFAULT_DURATION
    retention_days = RETENTION_DAYS
    consultation = services.consultation_create(
        strategy=strategy,
        version=version,
        kind=Consultation.Kind.STREET_LEVEL,
        title=street_level_title(name),
        summary=_summary(name),
        body=(
            "Micro-businesses and freelancers make up most businesses here but are rarely "
            "heard when plans for the local economy are made. This short survey asks who you "
            "are, what you do and what would help you grow, so that the strategy reflects "
            "what you need."
        ),
        how_to_respond=HOW_TO_RESPOND,
        privacy_notice=privacy_notice_text(
            organisation_name=name, closes_at=closes_at, retention_days=retention_days
        ),
        opens_at=opens_at,
        closes_at=closes_at,
        allow_anonymous=True,
        moderation=Consultation.Moderation.POST,
        author=author,
        retention_days=retention_days,
    )
    for question in QUESTIONS:
        services.question_save(consultation=consultation, **question)
    return consultation
