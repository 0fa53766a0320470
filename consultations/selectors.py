"""Reads of consultations and their responses for staff pages and exports.

Every read here costs a fixed number of queries however many responses there are: lists are
counted and grouped in the database, answers are fetched for a page (or a chunk) at a time, and
nothing is loaded that is not shown or written out."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from .models import Answer, Consultation, Question, QuestionOption, Response

NOT_GIVEN = "Not given"


@dataclass(frozen=True)
class ResponseFilters:
    """What a member of staff narrowed the list of responses to; blank means "any"."""

    respondent_type: str = ""
    organisation_type: str = ""
    size_band: str = ""
    sector: str = ""
    consent: str = ""
    source: str = ""
    option_id: int | None = None
    search: str = ""
    include_withdrawn: bool = False


PROFILE_FILTERS = (
    "respondent_type",
    "organisation_type",
    "size_band",
    "sector",
    "consent",
    "source",
)


def questions_with_options(consultation: Consultation) -> list[Question]:
    """The consultation's questions in order, each with its options (two queries)."""
    return list(
        consultation.questions.order_by("position", "pk").prefetch_related(
            Prefetch("options", queryset=QuestionOption.objects.order_by("position", "pk"))
        )
    )


def _search(queryset: QuerySet[Response], text: str) -> QuerySet[Response]:
    """Responses whose free-text answers (and "Other" texts) or organisation name match.

    PostgreSQL: full-text search with English stemming ("skills" finds "skill"), reading the
    words as a web search does (quotes for phrases, "-word" to exclude) so that no input is a
    syntax error. Elsewhere (SQLite): a case-insensitive substring match."""
    texts = Answer.objects.filter(response=OuterRef("pk"), option__isnull=True)
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        query = SearchQuery(text, config="english", search_type="websearch")
        matching = texts.annotate(document=SearchVector("text", config="english")).filter(
            document=query
        )
        return queryset.annotate(
            organisation_document=SearchVector("organisation_name", config="english")
        ).filter(Q(organisation_document=query) | Exists(matching))
    return queryset.filter(
        Q(organisation_name__icontains=text) | Exists(texts.filter(text__icontains=text))
    )


def responses_for_staff(
    consultation: Consultation, filters: ResponseFilters | None = None
) -> QuerySet[Response]:
    """Submitted responses (and, if asked, withdrawn ones; never drafts), newest first."""
    filters = filters or ResponseFilters()
    statuses = [Response.Status.SUBMITTED]
    if filters.include_withdrawn:
        statuses.append(Response.Status.WITHDRAWN)
    queryset = Response.objects.filter(consultation=consultation, status__in=statuses)
    for name in PROFILE_FILTERS:
        value = getattr(filters, name)
        if value:
            queryset = queryset.filter(**{name: value})
    if filters.option_id is not None:
        queryset = queryset.filter(
            Exists(Answer.objects.filter(response=OuterRef("pk"), option_id=filters.option_id))
        )
    if filters.search.strip():
        queryset = _search(queryset, filters.search.strip())
    return queryset.order_by("-submitted_at", "-pk")


def with_free_text_answers(queryset: QuerySet[Response]) -> QuerySet[Response]:
    """Attach ``free_text_answers`` (in question order) to each response: one more query for a
    whole page, never one per row."""
    return queryset.prefetch_related(
        Prefetch(
            "answers",
            queryset=Answer.objects.filter(
                option__isnull=True, question__kind=Question.Kind.FREE_TEXT
            )
            .exclude(text="")
            .order_by("question__position", "question_id"),
            to_attr="free_text_answers",
        )
    )


@dataclass(frozen=True)
class CountRow:
    value: str
    label: str
    count: int


def _grouped(consultation: Consultation, name: str, choices: Any) -> list[CountRow]:
    labels = dict(choices)
    rows = (
        Response.objects.filter(consultation=consultation, status=Response.Status.SUBMITTED)
        .values(name)
        .annotate(count=Count("pk"))
        .order_by()  # no default ordering: it would join the GROUP BY
    )
    counts = {row[name]: row["count"] for row in rows}
    ordered = [CountRow(v, str(label), counts[v]) for v, label in labels.items() if v in counts]
    if "" in counts:
        ordered.append(CountRow("", NOT_GIVEN, counts[""]))
    return ordered


def response_counts(consultation: Consultation) -> dict[str, Any]:
    """Submitted responses by respondent type and by size band, and how many were withdrawn
    (three GROUP BY queries)."""
    by_status = dict(
        Response.objects.filter(consultation=consultation)
        .exclude(status=Response.Status.DRAFT)
        .values_list("status")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return {
        "submitted": by_status.get(Response.Status.SUBMITTED, 0),
        "withdrawn": by_status.get(Response.Status.WITHDRAWN, 0),
        "by_respondent_type": _grouped(
            consultation, "respondent_type", Response._meta.get_field("respondent_type").choices
        ),
        "by_size_band": _grouped(
            consultation, "size_band", Response._meta.get_field("size_band").choices
        ),
    }


def response_for_staff(consultation: Consultation, pk: int) -> Response | None:
    """One submitted or withdrawn response of the consultation; drafts are never shown."""
    return (
        Response.objects.filter(consultation=consultation, pk=pk)
        .exclude(status=Response.Status.DRAFT)
        .first()
    )


@dataclass
class AnsweredQuestion:
    question: Question
    options: list[str] = field(default_factory=list)
    text: str = ""

    @property
    def answered(self) -> bool:
        return bool(self.options or self.text)


def answers_by_question(response: Response, questions: list[Question]) -> list[AnsweredQuestion]:
    """Every question with what this response chose or wrote (one query for the answers)."""
    chosen: dict[int, set[int]] = defaultdict(set)
    texts: dict[int, str] = {}
    for question_id, option_id, text in Answer.objects.filter(response=response).values_list(
        "question_id", "option_id", "text"
    ):
        if option_id is None:
            texts[question_id] = text
        else:
            chosen[question_id].add(option_id)
    return [
        AnsweredQuestion(
            question=question,
            options=[o.label for o in question.options.all() if o.pk in chosen[question.pk]],
            text=texts.get(question.pk, ""),
        )
        for question in questions
    ]


# Exports -------------------------------------------------------------------------------------

EXPORT_FIELDS = (
    "pk",
    "reference",
    "submitted_at",
    "source",
    "responding_as",
    "respondent_type",
    "organisation_name",
    "organisation_type",
    "size_band",
    "sector",
    "location",
    "consent",
)


@dataclass
class ExportRecord:
    """One submitted response as the export needs it: its profile (never e-mail or name)
    and, by question id, the chosen option ids and the text."""

    pk: int
    reference: str
    submitted_at: datetime | None
    source: str
    responding_as: str
    respondent_type: str
    organisation_name: str
    organisation_type: str
    size_band: str
    sector: str
    location: str
    consent: str
    options: dict[int, list[int]] = field(default_factory=dict)
    texts: dict[int, str] = field(default_factory=dict)


def responses_for_export(
    consultation: Consultation, *, chunk_size: int = 2000
) -> Iterator[ExportRecord]:
    """Submitted responses in reference order, read ``chunk_size`` at a time (two queries a
    chunk: the profiles, then their answers), so memory stays flat for 100,000 responses.

    Keyset pagination on the primary key rather than OFFSET, so later chunks cost no more than
    the first; withdrawn responses and drafts are left out."""
    last_pk = 0
    responses = Response.objects.filter(
        consultation=consultation, status=Response.Status.SUBMITTED
    ).order_by("pk")
    while True:
        rows = list(responses.filter(pk__gt=last_pk).values_list(*EXPORT_FIELDS)[:chunk_size])
        if not rows:
            return
        records = {row[0]: ExportRecord(*row) for row in rows}
        answers = Answer.objects.filter(response_id__in=list(records)).values_list(
            "response_id", "question_id", "option_id", "text"
        )
        for response_id, question_id, option_id, text in answers.order_by():
            record = records[response_id]
            if option_id is None:
                record.texts[question_id] = text
            else:
                record.options.setdefault(question_id, []).append(option_id)
        yield from records.values()
        last_pk = rows[-1][0]
        if len(rows) < chunk_size:
            return
