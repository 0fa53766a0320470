"""Counts and percentages for the compiled report, done by the database: GROUP BY queries
whose number does not depend on the number of responses, and no loop over rows in Python.

Only submitted responses count: drafts and withdrawn responses never do. A multiple-choice
question counts options, not combinations (SPEC §4): an answer is one row per chosen option,
so each chosen option counts once per response and the percentages of a multiple-choice
question may add up to more than 100."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncDate

from lepportal.core.reference import sic_sections

from ..constants import Consent, RespondentType, SizeBand
from ..models import SAYS_SOMETHING, Answer, Question, Response

LONDON = ZoneInfo("Europe/London")
NOT_GIVEN = "Not given"
OTHER_SAMPLE_SIZE = 5
OTHER_SAMPLE_READ = 50
# Consent to publish is explicit: a blank consent is not one.
QUOTABLE_CONSENT = (Consent.WITH_NAME, Consent.ANONYMOUS)
CHOICE_KINDS = (Question.Kind.SINGLE, Question.Kind.MULTIPLE, Question.Kind.SCALE)
SUBMITTED = Response.Status.SUBMITTED


def _percent(count: int, total: int) -> float:
    return round(100 * count / total, 1) if total else 0.0


def _submitted(consultation_id: int) -> QuerySet[Response]:
    return Response.objects.filter(consultation_id=consultation_id, status=SUBMITTED)


# Overview ------------------------------------------------------------------------------------


def overview(consultation_id: int) -> dict[str, Any]:
    """Submitted responses: how many, by respondent type, size band, sector and location, and
    by day received (Europe/London). ``by_type`` and ``by_size`` list every group in the
    order of the choices, zeros included, so tables line up; ``by_sector`` (SIC order) and
    ``by_location`` (most first) list the groups present. A blank profile field is
    "Not given", listed last. Five queries."""
    responses = _submitted(consultation_id)
    by_type = _counts(responses, "respondent_type")
    total = sum(by_type.values())
    by_day = (
        responses.annotate(date=TruncDate("submitted_at", tzinfo=LONDON))
        .values("date")
        .annotate(count=Count("id"))
        .order_by("date")
    )
    locations = _counts(responses, "location")
    return {
        "responses": total,
        "by_type": _rows(by_type, RespondentType.choices, total, zeros=True),
        "by_size": _rows(_counts(responses, "size_band"), SizeBand.choices, total, zeros=True),
        "by_sector": _rows(_counts(responses, "sector"), sic_sections(), total),
        "by_location": _rows(
            locations,
            sorted(
                ((key, key) for key in locations if key),
                key=lambda item: (-locations[item[0]], item[0].lower()),
            ),
            total,
        ),
        "over_time": [
            {"date": row["date"].isoformat(), "count": row["count"]}
            for row in by_day
            if row["date"] is not None
        ],
    }


def _counts(responses: QuerySet[Response], field: str) -> dict[str, int]:
    rows = responses.values(field).annotate(count=Count("id")).order_by()
    return {row[field] or "": row["count"] for row in rows}


def _rows(
    counts: dict[str, int],
    choices: Sequence[tuple[str, str]],
    total: int,
    *,
    zeros: bool = False,
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [
        {"key": key, "label": str(label), "count": counts.get(key, 0)}
        for key, label in choices
        if zeros or counts.get(key)
    ]
    known = {row["key"] for row in rows} | {key for key, _ in choices}
    # Blank, and any stored value the choices no longer list, come last as they are.
    rows += [
        {"key": key, "label": key or NOT_GIVEN, "count": count}
        for key, count in sorted(counts.items(), key=lambda item: (item[0] == "", item[0]))
        if key not in known and count
    ]
    for row in rows:
        row["percent"] = _percent(row["count"], total)
    return rows


# Closed questions ----------------------------------------------------------------------------


def closed_question(question_id: int) -> dict[str, Any]:
    """Counts for one single-choice, multiple-choice or scale question (see
    ``closed_questions``)."""
    questions = list(Question.objects.filter(pk=question_id).prefetch_related("options"))
    if not questions:
        raise Question.DoesNotExist(f"No question {question_id}.")
    return _closed(questions[0].consultation_id, questions)[0]


def closed_questions(consultation_id: int) -> list[dict[str, Any]]:
    """Counts for every single-choice, multiple-choice and scale question of a consultation,
    in question order: four queries, plus one per question with an "Other" option, whatever
    the number of responses.

    Each question's dict: ``respondents`` (submitted responses to the consultation),
    ``answered`` (submitted responses that chose an option or gave an "Other" text),
    ``options`` with counts and percentages of ``answered``, ``other`` (how many gave an
    "Other" text, and up to five different texts from respondents who consented to
    publication) or None when the question has no "Other", and every option's count broken
    down by respondent type (``by_type``) and by size band (``by_size``), each group with how
    many of it answered."""
    questions = (
        Question.objects.filter(consultation_id=consultation_id, kind__in=CHOICE_KINDS)
        .order_by("position", "pk")
        .prefetch_related("options")
    )
    return _closed(consultation_id, list(questions))


def _closed(consultation_id: int, questions: Sequence[Question]) -> list[dict[str, Any]]:
    if not questions:
        return []
    respondents = _submitted(consultation_id).count()
    # One row per (question, option or Other, respondent type, size band): every count is a
    # sum of these cells. A multiple-choice answer is a row per option, so each cell also
    # counts its rows marked ``counts_response`` (one per response's answer to a question):
    # summed, they are the responses that answered, with no second pass over the answers.
    cells = (
        _answers([question.pk for question in questions])
        .values(
            "question_id",
            "option_id",
            respondent_type=F("response__respondent_type"),
            size_band=F("response__size_band"),
        )
        .annotate(count=Count("*"), answered=Count("pk", filter=Q(counts_response=True)))
        .order_by()
    )
    cells_of: defaultdict[int, list[dict[str, Any]]] = defaultdict(list)
    for cell in cells:
        cells_of[cell["question_id"]].append(cell)
    return [
        _question_result(
            question,
            respondents,
            cells_of[question.pk],
            _other_sample(question.pk) if question.allow_other else [],
        )
        for question in questions
    ]


def _answers(question_ids: Sequence[int]) -> QuerySet[Answer]:
    """Answer rows of submitted responses that say something: an option, or an "Other"
    text."""
    return Answer.objects.filter(question_id__in=question_ids, response__status=SUBMITTED).filter(
        SAYS_SOMETHING
    )


def _other_sample(question_id: int) -> list[str]:
    """Up to five different "Other" texts from respondents who consented to publication: the
    most repeated of the earliest few dozen, then the earliest. One short query (an index
    range on the question's text rows), whatever the number of responses."""
    texts = list(
        Answer.objects.filter(
            question_id=question_id,
            option__isnull=True,
            response__status=SUBMITTED,
            response__consent__in=QUOTABLE_CONSENT,
        )
        .exclude(text="")
        .order_by("pk")
        .values_list("text", flat=True)[:OTHER_SAMPLE_READ]
    )
    seen: dict[str, tuple[int, int, str]] = {}
    for position, text in enumerate(texts):
        key = " ".join(text.lower().split())
        count, first, shown = seen.get(key, (0, position, text))
        seen[key] = (count + 1, first, shown)
    ranked = sorted(seen.values(), key=lambda item: (-item[0], item[1]))
    return [shown for _, _, shown in ranked[:OTHER_SAMPLE_SIZE]]


def _question_result(
    question: Question,
    respondents: int,
    cells: list[dict[str, Any]],
    other_texts: list[str],
) -> dict[str, Any]:
    options = list(question.options.all())
    option_counts: defaultdict[int | None, int] = defaultdict(int)
    by_type: defaultdict[str, defaultdict[int | None, int]] = defaultdict(lambda: defaultdict(int))
    by_size: defaultdict[str, defaultdict[int | None, int]] = defaultdict(lambda: defaultdict(int))
    answered_by_type: defaultdict[str, int] = defaultdict(int)
    answered_by_size: defaultdict[str, int] = defaultdict(int)
    for cell in cells:
        respondent_type, size_band = cell["respondent_type"] or "", cell["size_band"] or ""
        option_counts[cell["option_id"]] += cell["count"]
        by_type[respondent_type][cell["option_id"]] += cell["count"]
        by_size[size_band][cell["option_id"]] += cell["count"]
        answered_by_type[respondent_type] += cell["answered"]
        answered_by_size[size_band] += cell["answered"]
    answered = sum(answered_by_type.values())
    other_count = option_counts.get(None, 0)
    has_other = question.allow_other or other_count > 0
    return {
        "question_id": question.pk,
        "text": question.text,
        "kind": question.kind,
        "respondents": respondents,
        "answered": answered,
        "options": [
            {
                "option_id": option.pk,
                "label": option.label,
                "count": option_counts.get(option.pk, 0),
                "percent": _percent(option_counts.get(option.pk, 0), answered),
            }
            for option in options
        ],
        "other": (
            {
                "count": other_count,
                "percent": _percent(other_count, answered),
                "texts_sample": other_texts,
            }
            if has_other
            else None
        ),
        "by_type": _crosstab(RespondentType.choices, answered_by_type, by_type, options),
        "by_size": _crosstab(SizeBand.choices, answered_by_size, by_size, options),
    }


def _crosstab(
    choices: Iterable[tuple[str, str]],
    answered: Mapping[str, int],
    counts: Mapping[str, Mapping[int | None, int]],
    options: Sequence[Any],
) -> list[dict[str, Any]]:
    """One row per group in choice order, then blank ("Not given"), each with how many of the
    group answered and their count for every option (zeros included) and for "Other"."""
    keys = [(key, str(label)) for key, label in choices]
    listed = {key for key, _ in keys}
    keys += [(key, key) for key in sorted(answered) if key and key not in listed]
    keys.append(("", NOT_GIVEN))
    rows = []
    for key, label in keys:
        if not answered.get(key):
            continue
        group = counts.get(key, {})
        rows.append(
            {
                "key": key,
                "label": label,
                "answered": answered[key],
                "options": {option.pk: group.get(option.pk, 0) for option in options},
                "other": group.get(None, 0),
            }
        )
    return rows


# Benchmark comparison ------------------------------------------------------------------------


def raw_groupby_seconds(consultation_id: int) -> float:
    """Seconds for one raw SQL GROUP BY over the same answers the closed-question counts read
    (the benchmark's yardstick: SPEC §5, "within 2× a raw SQL GROUP BY over the same rows")."""
    question_ids = list(
        Question.objects.filter(consultation_id=consultation_id, kind__in=CHOICE_KINDS).values_list(
            "pk", flat=True
        )
    )
    if not question_ids:
        return 0.0
    placeholders = ", ".join(["%s"] * len(question_ids))
    sql = (
        "SELECT a.question_id, a.option_id, COUNT(*) "  # noqa: S608 (table names from the models)
        f"FROM {Answer._meta.db_table} a "
        f"JOIN {Response._meta.db_table} r ON r.id = a.response_id "
        f"WHERE a.question_id IN ({placeholders}) AND r.status = %s "
        "GROUP BY 1, 2"
    )
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, [*question_ids, SUBMITTED])
        cursor.fetchall()
    return time.perf_counter() - started
