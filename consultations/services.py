"""Every write to consultations, questions and responses goes through these functions.
Comments and moderation live in ``moderation.py``."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from functools import cache
from typing import Any

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from kombu.exceptions import OperationalError as BrokerOperationalError

from lepportal.core.exceptions import ApplicationError
from strategies.models import Strategy, StrategyVersion

from .answers import CleanAnswer, clean_answers
from .constants import AGREE_SCALE, RespondentType, RespondingAs
from .models import Answer, Consultation, Question, QuestionOption, Response
from .selectors_public import answers_by_question, question_pages

logger = logging.getLogger(__name__)
SUMMARY_MAX_WORDS = 100
# What publishing a task raises when the broker cannot be reached (strategies.export_services).
BROKER_ERRORS: tuple[type[Exception], ...] = (BrokerOperationalError, ConnectionError)


def word_count(text: str) -> int:
    return len(re.findall(r"\S+", text or ""))


def reference_prefix(name: str) -> str:
    """Initials of the organisation's name: "Cheshire and Warrington" -> "CW"."""
    words = [w for w in re.findall(r"[A-Za-z]+", name) if w.lower() not in {"and", "of", "the"}]
    return ("".join(w[0] for w in words).upper() or "LEP")[:6]


def _validate_consultation(*, summary: str, opens_at: datetime, closes_at: datetime) -> None:
    if word_count(summary) > SUMMARY_MAX_WORDS:
        raise ApplicationError(
            f"The summary must be {SUMMARY_MAX_WORDS} words or fewer "
            f"(it has {word_count(summary)})."
        )
    if closes_at <= opens_at:
        raise ApplicationError("The closing date must be after the opening date.")


@transaction.atomic
def consultation_create(
    *,
    strategy: Strategy,
    version: StrategyVersion,
    title: str,
    summary: str,
    body: str,
    how_to_respond: str,
    privacy_notice: str,
    opens_at: datetime,
    closes_at: datetime,
    allow_anonymous: bool,
    moderation: str,
    author: Any,
    kind: str = Consultation.Kind.STANDARD,
    retention_days: int = 365,
) -> Consultation:
    """Open a named version of a strategy to consultation between two moments."""
    if version.strategy_id != strategy.pk:
        raise ApplicationError("Choose a version of this strategy.")
    _validate_consultation(summary=summary, opens_at=opens_at, closes_at=closes_at)
    base = slugify(f"{strategy.organisation.slug} {title}")[:180] or "consultation"
    slug, counter = base, 2
    while Consultation.objects.filter(slug=slug).exists():
        slug, counter = f"{base}-{counter}", counter + 1
    consultation = Consultation(
        organisation=strategy.organisation,
        strategy=strategy,
        version=version,
        kind=kind,
        title=title.strip(),
        slug=slug,
        summary=summary.strip(),
        body=body,
        how_to_respond=how_to_respond,
        privacy_notice=privacy_notice,
        opens_at=opens_at,
        closes_at=closes_at,
        allow_anonymous=allow_anonymous,
        moderation=moderation,
        reference_prefix=reference_prefix(strategy.organisation.name),
        created_by=author,
        retention_days=retention_days,
    )
    consultation.full_clean()
    consultation.save()
    return consultation


def consultation_update(*, consultation: Consultation, **fields: Any) -> Consultation:
    """Change a consultation's details. Its version cannot change once responses exist."""
    _validate_consultation(
        summary=fields.get("summary", consultation.summary),
        opens_at=fields.get("opens_at", consultation.opens_at),
        closes_at=fields.get("closes_at", consultation.closes_at),
    )
    for name, value in fields.items():
        setattr(consultation, name, value)
    consultation.full_clean()
    consultation.save()
    return consultation


def questions_frozen(consultation: Consultation) -> bool:
    return consultation.responses.exclude(status=Response.Status.DRAFT).exists()


def _refuse_if_frozen(consultation: Consultation) -> None:
    if questions_frozen(consultation):
        raise ApplicationError(
            "The questions cannot change now that responses have arrived: changing them would "
            "change what people have already answered.",
            code="frozen",
            status=409,
        )


@transaction.atomic
def question_save(
    *,
    consultation: Consultation,
    kind: str,
    text: str,
    hint: str = "",
    required: bool = False,
    max_length: int = 2000,
    allow_other: bool = False,
    options: Iterable[str] = (),
    section_id: int | None = None,
    question: Question | None = None,
) -> Question:
    """Add or change a question. Choice questions need options; the agree–disagree scale
    always has the standard five."""
    _refuse_if_frozen(consultation)
    labels = [o.strip() for o in options if o.strip()]
    if kind == Question.Kind.SCALE:
        labels = list(AGREE_SCALE)
    elif kind in {Question.Kind.SINGLE, Question.Kind.MULTIPLE}:
        if len(labels) < 2:
            raise ApplicationError("Give at least two options, one per line.")
        if len(set(labels)) != len(labels):
            raise ApplicationError("Each option must be different.")
    else:
        labels = []
    if section_id is not None and not consultation.version.sections.filter(pk=section_id).exists():
        raise ApplicationError("Choose a section of the version being consulted on.")
    if question is None:
        top = consultation.questions.aggregate(top=Max("position"))["top"] or 0
        question = Question(consultation=consultation, position=top + 1)
    question.kind, question.text, question.hint = kind, text.strip(), hint.strip()
    question.required, question.max_length = required, max_length
    question.allow_other = allow_other and kind == Question.Kind.MULTIPLE
    question.section_id = section_id
    question.full_clean()
    question.save()
    if [o.label for o in question.options.all()] != labels:
        question.options.all().delete()
        QuestionOption.objects.bulk_create(
            QuestionOption(question=question, position=index, label=label)
            for index, label in enumerate(labels, start=1)
        )
    return question


@transaction.atomic
def question_move(*, question: Question, offset: int) -> None:
    _refuse_if_frozen(question.consultation)
    siblings = list(question.consultation.questions.select_for_update().order_by("position", "pk"))
    index = next(i for i, q in enumerate(siblings) if q.pk == question.pk)
    target = index + offset
    if 0 <= target < len(siblings):
        siblings[index], siblings[target] = siblings[target], siblings[index]
        for position, sibling in enumerate(siblings, start=1):
            Question.objects.filter(pk=sibling.pk).update(position=position)


def question_delete(*, question: Question) -> None:
    _refuse_if_frozen(question.consultation)
    question.delete()


# Responses -----------------------------------------------------------------------------------


def refuse_unless_open(consultation: Consultation) -> None:
    state = consultation.state
    if state == Consultation.State.UPCOMING:
        opens = timezone.localtime(consultation.opens_at)
        raise ApplicationError(
            f"This consultation opens on {opens:%-d %B %Y at %-I:%M%p}.".replace(
                "AM", "am"
            ).replace("PM", "pm"),
            code="not_open",
            status=409,
        )
    if state != Consultation.State.OPEN:
        closed = timezone.localtime(consultation.closes_at)
        raise ApplicationError(
            f"This consultation closed on {closed:%-d %B %Y at %-I:%M%p}.".replace(
                "AM", "am"
            ).replace("PM", "pm"),
            code="closed",
            status=409,
        )


def respondent_type_of(responding_as: str, organisation_type: str) -> str:
    if responding_as == RespondingAs.INDIVIDUAL or not organisation_type:
        return RespondentType.INDIVIDUAL
    return organisation_type


PROFILE_FIELDS = (
    "responding_as",
    "respondent_name",
    "organisation_name",
    "organisation_type",
    "size_band",
    "sector",
    "location",
    "consent",
    "email",
)


def response_start(*, consultation: Consultation, respondent: Any = None) -> Response:
    """A draft response: answers are kept on it as the respondent goes through the pages."""
    refuse_unless_open(consultation)
    if respondent is not None and getattr(respondent, "is_authenticated", False):
        existing = consultation.responses.filter(
            respondent=respondent, status=Response.Status.DRAFT
        ).first()
        if existing is not None:
            return existing
        return Response.objects.create(consultation=consultation, respondent=respondent)
    if not consultation.allow_anonymous:
        raise ApplicationError("Sign in to respond to this consultation.", code="sign_in")
    return Response.objects.create(consultation=consultation)


def _refuse_unless_editable(response: Response) -> None:
    refuse_unless_open(response.consultation)
    if response.status == Response.Status.WITHDRAWN:
        raise ApplicationError("This response has been withdrawn.", code="withdrawn", status=409)


def response_save_profile(*, response: Response, profile: Mapping[str, str]) -> Response:
    """Keep the "about you" answers on the response (draft or, while open, submitted)."""
    _refuse_unless_editable(response)
    _apply_profile(response, profile)
    _full_clean(response)
    response.save()
    return response


def _apply_profile(response: Response, profile: Mapping[str, str]) -> None:
    """Copy the profile onto the response. An individual has no organisation: a name typed
    there (which could be their own) is dropped rather than kept or published."""
    for name in PROFILE_FIELDS:
        setattr(response, name, (profile.get(name) or "").strip())
    if response.responding_as == RespondingAs.INDIVIDUAL:
        response.organisation_name = ""
        response.organisation_type = ""
    response.respondent_type = respondent_type_of(
        response.responding_as, response.organisation_type
    )


def _full_clean(response: Response) -> None:
    """Model validation, reported as an ApplicationError naming the fields."""
    try:
        response.full_clean(exclude=["consultation", "respondent"])
    except ValidationError as error:
        detail = "; ".join(
            f"{name.replace('_', ' ')}: {' '.join(messages)}"
            for name, messages in error.message_dict.items()
        )
        raise ApplicationError(f"Check your details: {detail}.", code="invalid_profile") from error


@transaction.atomic
def response_save_answers(
    *, response: Response, answers: Mapping[int, CleanAnswer], questions: Iterable[Question]
) -> None:
    """Replace the answers to ``questions`` with ``answers`` (already cleaned)."""
    _refuse_unless_editable(response)
    question_ids = [q.pk for q in questions]
    Answer.objects.filter(response=response, question_id__in=question_ids).delete()
    rows = []
    for question_id in question_ids:
        answer = answers.get(question_id)
        if answer is None or answer.empty:
            continue
        rows += [
            Answer(response=response, question_id=question_id, option_id=option_id)
            for option_id in answer.option_ids
        ]
        if answer.text:
            rows.append(Answer(response=response, question_id=question_id, text=answer.text))
    Answer.objects.bulk_create(rows)
    Response.objects.filter(pk=response.pk).update(updated_at=timezone.now())


def missing_required(response: Response) -> list[Question]:
    """Required questions the response has no answer to, in order (one query)."""
    answered = Answer.objects.filter(response_id=response.pk).values("question_id")
    required = Question.objects.filter(consultation_id=response.consultation_id, required=True)
    return list(required.exclude(pk__in=answered))


@cache
def _unanswered_required_question() -> Exists:
    """True for a response (the outer row) with a required question it has not answered.
    Built once: a query copies an expression before resolving it."""
    answered = Answer.objects.filter(
        response_id=OuterRef(OuterRef("pk")), question_id=OuterRef("pk")
    )
    return Exists(
        Question.objects.filter(consultation_id=OuterRef("consultation_id"), required=True).exclude(
            Exists(answered)
        )
    )


def _reference(response: Response) -> str:
    year = timezone.localtime(response.consultation.opens_at).year
    return f"{response.consultation.reference_prefix}-{year}-{response.pk:06d}"


def response_submit(*, response: Response) -> tuple[Response, bool]:
    """Submit a draft. Idempotent: a double submit, or a resubmit of the same form, returns
    the one submitted response (second value False) instead of making another.

    The draft is claimed by one conditional ``UPDATE`` that also requires every required
    question to be answered, so a complete draft costs one statement; why a claim failed
    (another request got there first, or answers are missing) is read only when it does."""
    refuse_unless_open(response.consultation)
    if response.status == Response.Status.SUBMITTED:
        return response, False
    if response.status == Response.Status.WITHDRAWN:
        raise ApplicationError("This response has been withdrawn.", code="withdrawn", status=409)
    if not response.responding_as or not response.consent:
        raise ApplicationError("Tell us about yourself before you submit.", code="incomplete")
    reference = _reference(response)
    for _attempt in range(2):
        now = timezone.now()
        claimed = (
            Response.objects.filter(pk=response.pk, status=Response.Status.DRAFT)
            .exclude(_unanswered_required_question())
            .update(status=Response.Status.SUBMITTED, submitted_at=now, reference=reference)
        )
        if claimed:
            # This call made the change: the row holds exactly what was written.
            response.status, response.submitted_at, response.reference = (
                Response.Status.SUBMITTED,
                now,
                reference,
            )
            return response, True
        # Another request got there first, the draft changed state, or answers are missing.
        response.refresh_from_db()
        if response.status != Response.Status.DRAFT:
            break
        missing = missing_required(response)
        if missing:
            raise ApplicationError(
                f"Answer every required question before you submit ({len(missing)} to go).",
                code="incomplete",
            )
        # The missing answers arrived in between: claim again.
    if response.status == Response.Status.WITHDRAWN:
        raise ApplicationError("This response has been withdrawn.", code="withdrawn", status=409)
    return response, False


# Receipts --------------------------------------------------------------------------------------


def response_receipt_context(response: Response) -> dict[str, Any]:
    """What the receipt and the check-your-answers page list: every page of questions with
    the response's answer to each (three queries)."""
    saved = answers_by_question(response)
    return {
        "consultation": response.consultation,
        "response": response,
        "pages": [
            {"page": page, "rows": [(q, saved.get(q.pk)) for q in page.questions]}
            for page in question_pages(response.consultation)
        ],
    }


def response_receipt_send(*, response_id: int, link: str) -> bool:
    """E-mail the copy of a submitted response to the address it gave; ``link`` is the
    consultation's page. Returns False, sending nothing, when the response is not submitted
    (it has gone, or been withdrawn) or has no address (none given, or erased). Mail errors
    (``OSError``, which ``smtplib`` errors are) reach the caller."""
    response = (
        Response.objects.select_related("consultation__organisation")
        .filter(pk=response_id, status=Response.Status.SUBMITTED)
        .first()
    )
    if response is None or not response.email:
        return False
    consultation = response.consultation
    context = {**response_receipt_context(response), "link": link}
    send_mail(
        subject=f"Your response to {consultation.title}: {response.reference}",
        message=render_to_string("consultations/email/receipt.txt", context),
        from_email=None,
        recipient_list=[response.email],
    )
    return True


def response_receipt_queue(*, response: Response, link: str) -> None:
    """Send the receipt of a response just submitted, once the submission is committed, from a
    task: with a broker, a worker renders and sends it and the request does not wait for the
    mail server; without one the task runs here (decision 0002). If the broker cannot be
    reached the receipt is sent here rather than lost."""
    response_id = response.pk

    def queue() -> None:
        from .tasks import send_response_receipt_task

        try:
            send_response_receipt_task.delay(response_id, link)
        except BROKER_ERRORS:
            logger.warning("Task queue unreachable: sending receipt %s now", response_id)
            try:
                response_receipt_send(response_id=response_id, link=link)
            except OSError:
                logger.exception("Receipt for response %s could not be sent", response_id)

    transaction.on_commit(queue)


def response_withdraw(*, response: Response) -> Response:
    refuse_unless_open(response.consultation)
    Response.objects.filter(pk=response.pk, status=Response.Status.SUBMITTED).update(
        status=Response.Status.WITHDRAWN, withdrawn_at=timezone.now()
    )
    response.refresh_from_db()
    return response


@transaction.atomic
def response_create_complete(
    *,
    consultation: Consultation,
    profile: Mapping[str, str],
    raw_answers: Mapping[int, Any],
    other_answers: Mapping[int, str] | None = None,
    submission_key: Any,
    source: str,
    source_detail: str = "",
    respondent: Any = None,
    check_open: bool = True,
    submitted_at: datetime | None = None,
) -> tuple[Response, bool]:
    """Create a whole submitted response at once (API, import). Idempotent on
    ``submission_key``: the same key returns the response made the first time, but never a
    signed-in respondent's response to anyone else (409 ``key_in_use``). A signed-in
    respondent responds once to a consultation and changes that response afterwards: a second
    one is refused (409 ``already_responded``)."""
    signed_in = respondent if getattr(respondent, "is_authenticated", False) else None

    def made_before(existing: Response) -> tuple[Response, bool]:
        # A retry of a request that already succeeded, even after closing, gets its response.
        if existing.respondent_id not in {None, getattr(signed_in, "pk", None)}:
            raise ApplicationError(
                "This submission key belongs to another response. Make a new key.",
                code="key_in_use",
                status=409,
            )
        return existing, False

    existing = consultation.responses.filter(submission_key=submission_key).first()
    if existing is not None:
        return made_before(existing)
    if (
        signed_in is not None
        and consultation.responses.filter(
            respondent=signed_in, status=Response.Status.SUBMITTED
        ).exists()
    ):
        raise ApplicationError(
            "You have already responded to this consultation. You can change your response on "
            "the consultation's page while it is open.",
            code="already_responded",
            status=409,
        )
    if check_open:
        refuse_unless_open(consultation)
    questions = list(consultation.questions.prefetch_related("options"))
    answers, errors = clean_answers(questions, raw_answers, other_answers)
    if errors:
        detail = "; ".join(
            f"question {q.position}: {errors[q.pk]}" for q in questions if q.pk in errors
        )
        raise ApplicationError(f"Some answers need correcting: {detail}.", code="invalid_answers")
    response = Response(
        consultation=consultation,
        submission_key=submission_key,
        source=source,
        source_detail=source_detail[:200],
        respondent=signed_in,
    )
    for name in PROFILE_FIELDS:
        setattr(response, name, (profile.get(name) or "").strip())
    response.respondent_type = respondent_type_of(
        response.responding_as, response.organisation_type
    )
    try:
        _full_clean(response)
        with transaction.atomic():
            response.save()
    except IntegrityError:
        return made_before(consultation.responses.get(submission_key=submission_key))
    rows = []
    for question in questions:
        answer = answers[question.pk]
        rows += [
            Answer(response=response, question=question, option_id=o) for o in answer.option_ids
        ]
        if answer.text:
            rows.append(Answer(response=response, question=question, text=answer.text))
    Answer.objects.bulk_create(rows)
    Response.objects.filter(pk=response.pk).update(
        status=Response.Status.SUBMITTED,
        submitted_at=submitted_at or timezone.now(),
        reference=_reference(response),
    )
    response.refresh_from_db()
    return response, True
