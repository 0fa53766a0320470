from __future__ import annotations

import importlib
import uuid
from datetime import UTC, datetime

import pytest
from django.apps import apps as django_apps
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.demo import demo_accounts_seed
from consultations import imports, services
from consultations.answers import OTHER, clean_answers
from consultations.demo import demo_consultation_seed
from consultations.models import SAYS_SOMETHING, Answer, Question, Response
from consultations.reporting import aggregate
from strategies.demo import demo_strategy_seed
from tests.consultations.test_imports import GOOD_ROWS, csv_bytes

pytestmark = pytest.mark.django_db


def profile(kind: str, size: str = "", *, consent: str = "anonymous", **extra: str) -> dict:
    fields = {
        "responding_as": "individual" if kind == "individual" else "organisation",
        "organisation_name": "" if kind == "individual" else "Example Ltd",
        "organisation_type": "" if kind == "individual" else kind,
        "size_band": size,
        "consent": consent,
    }
    fields.update(extra)
    return fields


class Survey:
    """The fixture consultation's questions, answered by label rather than by id."""

    def __init__(self, consultation) -> None:
        questions = list(consultation.questions.prefetch_related("options"))
        self.consultation = consultation
        self.single, self.multiple, self.scale, self.free = questions
        self.option = {(q.pk, o.label): o.pk for q in questions for o in q.options.all()}

    def pick(self, question: Question, *labels: str) -> list[str]:
        return [str(self.option[(question.pk, label)]) for label in labels]

    def respond(
        self,
        who: dict,
        *,
        single: str | None = None,
        multiple: tuple[str, ...] = (),
        other: str = "",
        scale: str | None = None,
        at: datetime | None = None,
    ) -> Response:
        raw: dict[int, object] = {}
        if single:
            raw[self.single.pk] = self.pick(self.single, single)[0]
        if multiple or other:
            raw[self.multiple.pk] = self.pick(self.multiple, *multiple) + ([OTHER] if other else [])
        if scale:
            raw[self.scale.pk] = self.pick(self.scale, scale)[0]
        response, _ = services.response_create_complete(
            consultation=self.consultation,
            profile=who,
            raw_answers=raw,
            other_answers={self.multiple.pk: other} if other else None,
            submission_key=uuid.uuid4(),
            source=Response.Source.API,
            submitted_at=at,
        )
        return response


@pytest.fixture
def survey(consultation) -> Survey:
    """Five submitted responses, counted by hand below, plus a draft and a withdrawn one."""
    survey = Survey(consultation)
    survey.respond(
        profile("business", "small", consent="with-name", sector="C", location="Cheshire East"),
        single="Yes",
        multiple=("Skills", "Premises"),
        other="Better broadband",
        scale="Agree",
        # 23:30 UTC on 10 June is 00:30 on 11 June in London (BST).
        at=datetime(2024, 6, 10, 23, 30, tzinfo=UTC),
    )
    survey.respond(
        profile("business", "micro", sector="C", location="Cheshire East"),
        single="No",
        multiple=("Skills",),
        scale="Strongly agree",
        at=datetime(2024, 6, 11, 10, 0, tzinfo=UTC),
    )
    survey.respond(
        profile("individual", consent="none", location="CW1"),
        single="Yes",
        other="Childcare",
        at=datetime(2024, 6, 12, 9, 0, tzinfo=UTC),
    )
    survey.respond(
        profile(
            "public-sector", "large", consent="with-name", sector="O", location="Cheshire East"
        ),
        single="Yes",
        multiple=("Skills", "Finance", "Digital"),
        scale="Agree",
        at=datetime(2024, 6, 12, 15, 0, tzinfo=UTC),
    )
    survey.respond(
        profile("voluntary", "small"),
        single="Not sure",
        scale="Disagree",
        at=datetime(2024, 6, 12, 16, 0, tzinfo=UTC),
    )
    withdrawn = survey.respond(
        profile("business", "large", sector="C", location="Warrington"),
        single="No",
        multiple=("Exporting",),
        other="Withdrawn text",
        scale="Disagree",
    )
    services.response_withdraw(response=withdrawn)
    draft = services.response_start(consultation=consultation)
    for question, label in ((survey.single, "No"), (survey.multiple, "Exporting")):
        option_id = survey.option[(question.pk, label)]
        Answer.objects.create(response=draft, question=question, option_id=option_id)
    return survey


def by_key(rows: list[dict]) -> dict[str, dict]:
    return {row["key"]: row for row in rows}


def options_by_label(result: dict) -> dict[str, tuple[int, float]]:
    return {option["label"]: (option["count"], option["percent"]) for option in result["options"]}


def test_overview_counts_submitted_responses_only(survey) -> None:
    result = aggregate.overview(survey.consultation.pk)
    assert result["responses"] == 5
    types = by_key(result["by_type"])
    assert types["business"]["count"] == 2
    assert types["business"]["percent"] == 40.0
    assert types["individual"]["count"] == 1
    assert types["trade-body"]["count"] == 0  # every type is listed, so tables line up
    assert [row["key"] for row in result["by_type"]][:2] == ["individual", "business"]
    sizes = result["by_size"]
    assert by_key(sizes)["small"]["count"] == 2
    assert by_key(sizes)["large"]["count"] == 1  # the withdrawn large business is not counted
    assert sizes[-1] == {"key": "", "label": "Not given", "count": 1, "percent": 20.0}
    assert [(row["key"], row["count"]) for row in result["by_sector"]] == [
        ("C", 2),
        ("O", 1),
        ("", 2),
    ]
    assert by_key(result["by_sector"])["C"]["label"] == "Manufacturing"
    assert [(row["label"], row["count"]) for row in result["by_location"]] == [
        ("Cheshire East", 3),
        ("CW1", 1),
        ("Not given", 1),
    ]


def test_overview_counts_days_in_london_time(survey) -> None:
    over_time = aggregate.overview(survey.consultation.pk)["over_time"]
    assert over_time == [{"date": "2024-06-11", "count": 2}, {"date": "2024-06-12", "count": 3}]


def test_single_choice_counts_and_percentages(survey) -> None:
    result = aggregate.closed_question(survey.single.pk)
    assert result["respondents"] == 5
    assert result["answered"] == 5
    assert options_by_label(result) == {"Yes": (3, 60.0), "No": (1, 20.0), "Not sure": (1, 20.0)}
    assert result["other"] is None


def test_multiple_choice_counts_options_not_combinations(survey) -> None:
    result = aggregate.closed_question(survey.multiple.pk)
    # Four responses chose an option or gave an "Other" text; the fifth skipped the question.
    assert result["answered"] == 4
    assert options_by_label(result) == {
        "Skills": (3, 75.0),
        "Premises": (1, 25.0),
        "Finance": (1, 25.0),
        "Digital": (1, 25.0),
        "Exporting": (0, 0.0),  # chosen only in a withdrawn response and a draft
    }
    assert sum(option["count"] for option in result["options"]) == 6


def test_other_is_counted_and_sampled_only_with_consent(survey) -> None:
    other = aggregate.closed_question(survey.multiple.pk)["other"]
    assert other["count"] == 2
    # "Childcare" came from someone who did not consent to publication.
    assert other["texts_sample"] == ["Better broadband"]


def test_crosstab_by_respondent_type(survey) -> None:
    result = aggregate.closed_question(survey.multiple.pk)
    option = {label: survey.option[(survey.multiple.pk, label)] for label in ("Skills", "Premises")}
    types = by_key(result["by_type"])
    assert set(types) == {"business", "individual", "public-sector"}
    assert types["business"]["answered"] == 2
    assert types["business"]["options"][option["Skills"]] == 2
    assert types["business"]["options"][option["Premises"]] == 1
    assert types["individual"]["answered"] == 1
    assert sum(types["individual"]["options"].values()) == 0
    assert types["individual"]["other"] == 1
    assert types["public-sector"]["options"][option["Skills"]] == 1


def test_crosstab_by_size_band(survey) -> None:
    result = aggregate.closed_question(survey.scale.pk)
    agree = survey.option[(survey.scale.pk, "Agree")]
    disagree = survey.option[(survey.scale.pk, "Disagree")]
    sizes = by_key(result["by_size"])
    assert result["answered"] == 4
    assert sizes["small"]["answered"] == 2
    assert sizes["small"]["options"][agree] == 1
    assert sizes["small"]["options"][disagree] == 1
    assert sizes["large"]["options"][agree] == 1
    assert "" not in sizes  # the only response without a size skipped the scale question
    assert [row["key"] for row in result["by_size"]] == ["micro", "small", "large"]


def test_closed_questions_covers_every_choice_question_in_order(survey) -> None:
    results = aggregate.closed_questions(survey.consultation.pk)
    assert [r["question_id"] for r in results] == [
        survey.single.pk,
        survey.multiple.pk,
        survey.scale.pk,
    ]
    assert results[1] == aggregate.closed_question(survey.multiple.pk)


def test_no_responses_gives_zeros_not_errors(consultation) -> None:
    overview = aggregate.overview(consultation.pk)
    assert overview["responses"] == 0
    assert overview["over_time"] == []
    results = aggregate.closed_questions(consultation.pk)
    assert all(result["answered"] == 0 for result in results)
    assert all(option["percent"] == 0.0 for result in results for option in result["options"])


@pytest.mark.parametrize("responses", [3, 30])
def test_query_count_does_not_grow_with_responses(
    consultation, responses, django_assert_max_num_queries
) -> None:
    survey = Survey(consultation)
    sizes = ["small", "micro", "large"]
    for index in range(responses):
        survey.respond(
            profile("business", sizes[index % 3], consent="with-name"),
            single="Yes",
            multiple=("Skills", "Digital")[: 1 + index % 2],
            other=f"Other {index % 7}",
            scale="Agree",
        )
    with django_assert_max_num_queries(6):
        results = aggregate.closed_questions(consultation.pk)
    assert results[1]["answered"] == responses
    with django_assert_max_num_queries(5):
        assert aggregate.overview(consultation.pk)["responses"] == responses
    with django_assert_max_num_queries(6):
        aggregate.closed_question(survey.multiple.pk)


# The counted row: one per response's answer to a question -------------------------------------


def assert_one_counted_row_per_answer() -> None:
    """Every (response, question) that says something has exactly one row marked
    ``counts_response``, and no row that says nothing is marked."""
    groups = (
        Answer.objects.filter(SAYS_SOMETHING)
        .values("response_id", "question_id")
        .annotate(counted=Count("pk", filter=Q(counts_response=True)))
        .order_by()
    )
    assert [group for group in groups if group["counted"] != 1] == []
    assert not Answer.objects.filter(counts_response=True).exclude(SAYS_SOMETHING).exists()


def counted_row(response: Response, question: Question) -> Answer:
    return Answer.objects.get(response=response, question=question, counts_response=True)


def change(survey: Survey, response: Response, **answers: object) -> None:
    """Change a submitted response's answers as the respondent does while the consultation
    is open ("change your response"): the form's checks, then the service."""
    raw: dict[int, object] = {}
    other: dict[int, str] = {}
    if "multiple" in answers or "other" in answers:
        other_text = str(answers.get("other", ""))
        chosen = survey.pick(survey.multiple, *answers.get("multiple", ()))  # type: ignore[arg-type]
        raw[survey.multiple.pk] = chosen + ([OTHER] if other_text else [])
        other[survey.multiple.pk] = other_text
    if "single" in answers:
        raw[survey.single.pk] = survey.pick(survey.single, str(answers["single"]))
    questions = [question for question in (survey.single, survey.multiple) if question.pk in raw]
    clean, errors = clean_answers(questions, raw, other)
    assert errors == {}
    services.response_save_answers(response=response, answers=clean, questions=questions)


def test_the_fixture_marks_one_counted_row_per_answer(survey) -> None:
    # Made through the service (options with and without "Other", withdrawn) and, for the
    # draft, one row at a time with Answer.objects.create.
    assert_one_counted_row_per_answer()
    # Submitted: 5 single-choice, 4 multiple-choice, 4 scale; withdrawn 3; draft 2.
    assert Answer.objects.filter(counts_response=True).count() == 13 + 3 + 2


def test_other_text_is_the_counted_row_when_there_is_one(survey) -> None:
    first = Response.objects.filter(status=Response.Status.SUBMITTED).earliest("submitted_at")
    assert counted_row(first, survey.multiple).text == "Better broadband"
    public_sector = Response.objects.get(respondent_type="public-sector")
    skills = survey.option[(survey.multiple.pk, "Skills")]
    assert counted_row(public_sector, survey.multiple).option_id == skills


def test_multiple_choice_with_other_counts_each_respondent_once_per_group(survey) -> None:
    result = aggregate.closed_question(survey.multiple.pk)
    sizes = by_key(result["by_size"])
    # Small: options and an "Other" text, one response. Large: the public-sector body only,
    # not the withdrawn large business. Not given: the individual, with only "Other".
    assert {key: row["answered"] for key, row in sizes.items()} == {
        "micro": 1,
        "small": 1,
        "large": 1,
        "": 1,
    }
    assert sizes["small"]["other"] == 1
    assert sum(sizes["small"]["options"].values()) == 2
    assert sizes[""]["other"] == 1


def test_changed_answers_are_counted_as_they_now_are(survey) -> None:
    first = Response.objects.filter(status=Response.Status.SUBMITTED).earliest("submitted_at")
    second = Response.objects.get(size_band="micro")
    # Skills, Premises and "Other" become Finance and Exporting; Skills becomes nothing.
    change(survey, first, multiple=("Finance", "Exporting"))
    change(survey, second, multiple=())
    assert_one_counted_row_per_answer()
    finance = survey.option[(survey.multiple.pk, "Finance")]
    assert counted_row(first, survey.multiple).option_id == finance
    result = aggregate.closed_question(survey.multiple.pk)
    assert result["answered"] == 3
    assert options_by_label(result) == {
        "Skills": (1, 33.3),
        "Premises": (0, 0.0),
        "Finance": (2, 66.7),
        "Digital": (1, 33.3),
        "Exporting": (1, 33.3),
    }
    assert result["other"]["count"] == 1
    types = by_key(result["by_type"])
    assert types["business"]["answered"] == 1
    assert by_key(result["by_size"])["small"]["answered"] == 1
    assert "micro" not in by_key(result["by_size"])


def test_a_response_changed_then_withdrawn_is_not_counted(survey) -> None:
    public_sector = Response.objects.get(respondent_type="public-sector")
    change(survey, public_sector, multiple=("Exporting",), other="Ports")
    services.response_withdraw(response=public_sector)
    assert_one_counted_row_per_answer()
    result = aggregate.closed_question(survey.multiple.pk)
    assert result["answered"] == 3
    assert options_by_label(result)["Exporting"] == (0, 0.0)
    assert "public-sector" not in by_key(result["by_type"])
    assert result["other"]["count"] == 2


def test_the_online_form_marks_the_counted_row(survey) -> None:
    response = services.response_start(consultation=survey.consultation)
    services.response_save_profile(response=response, profile=profile("business", "micro"))
    change(survey, response, single="No", multiple=("Premises", "Finance"), other="Roads")
    change(survey, response, multiple=("Premises", "Finance"))
    services.response_submit(response=response)
    assert_one_counted_row_per_answer()
    result = aggregate.closed_question(survey.multiple.pk)
    assert result["answered"] == 5
    assert by_key(result["by_type"])["business"]["answered"] == 3
    assert by_key(result["by_size"])["micro"]["answered"] == 2


def test_imported_responses_mark_the_counted_row(consultation) -> None:
    questions = list(consultation.questions.order_by("position").prefetch_related("options"))
    parsed = imports.parse_csv(csv_bytes(*GOOD_ROWS))
    rows = imports.validate_rows(
        parsed, imports.guess_targets(parsed.headers, questions), questions
    )
    imports.responses_import(
        consultation=consultation, rows=rows, source_detail="Paper forms", digest="d" * 64
    )
    assert_one_counted_row_per_answer()
    # Row 2 chose Skills and Finance; row 3 Skills and "Other: roads, rail"; row 4 nothing.
    result = aggregate.closed_question(questions[1].pk)
    assert result["respondents"] == 3
    assert result["answered"] == 2
    assert result["other"]["count"] == 1
    assert by_key(result["by_type"])["business"]["answered"] == 1
    assert by_key(result["by_type"])["individual"]["answered"] == 1


def test_responses_through_the_api_mark_the_counted_row(survey) -> None:
    cache.clear()
    multiple = survey.multiple
    body = {
        "submission_key": str(uuid.uuid4()),
        "responding_as": "organisation",
        "organisation_name": "Acme Widgets Ltd",
        "organisation_type": "business",
        "size_band": "micro",
        "consent": "with-name",
        "answers": [
            {"question": survey.single.pk, "options": [int(survey.pick(survey.single, "No")[0])]},
            {
                "question": multiple.pk,
                "options": [int(pk) for pk in survey.pick(multiple, "Skills", "Finance")],
                "text": "Ports",
            },
        ],
    }
    reply = APIClient().post(
        f"/api/v1/consultations/{survey.consultation.slug}/responses/", body, format="json"
    )
    assert reply.status_code == 201, reply.content
    assert_one_counted_row_per_answer()
    result = aggregate.closed_question(multiple.pk)
    assert result["answered"] == 5
    assert by_key(result["by_size"])["micro"]["answered"] == 2
    assert result["other"]["count"] == 3


def test_rows_saved_in_bulk_or_one_at_a_time_mark_the_counted_row(survey) -> None:
    response = services.response_start(consultation=survey.consultation)
    skills, finance = (
        survey.option[(survey.multiple.pk, label)] for label in ("Skills", "Finance")
    )
    made = Answer.objects.bulk_create(
        [
            Answer(response=response, question=survey.multiple, option_id=skills),
            Answer(response=response, question=survey.multiple, option_id=finance),
            Answer(response=response, question=survey.multiple, text="Mentoring"),
            Answer(response=response, question=survey.free, text=""),  # says nothing
        ],
        batch_size=2,
    )
    assert [row.counts_response for row in made] == [False, False, True, False]
    no = survey.option[(survey.single.pk, "No")]
    one = Answer.objects.create(response=response, question=survey.single, option_id=no)
    assert one.counts_response
    Answer.objects.create(response=response, question=survey.scale, text="")
    assert_one_counted_row_per_answer()


def test_deleting_a_chosen_option_moves_the_counted_row(survey) -> None:
    public_sector = Response.objects.get(respondent_type="public-sector")
    skills = survey.multiple.options.get(label="Skills")
    assert counted_row(public_sector, survey.multiple).option_id == skills.pk
    skills.delete()  # as in the admin, where the questions are not frozen
    assert_one_counted_row_per_answer()
    result = aggregate.closed_question(survey.multiple.pk)
    assert result["answered"] == 3  # the micro business chose Skills alone
    assert by_key(result["by_type"])["public-sector"]["answered"] == 1


def test_the_migration_marks_existing_rows_in_one_update(survey) -> None:
    backfill = importlib.import_module("consultations.migrations.0003_answer_counts_response")
    marked = set(Answer.objects.filter(counts_response=True).values_list("pk", flat=True))
    Answer.objects.update(counts_response=False)
    with CaptureQueriesContext(connection) as queries:
        backfill.mark_counted_rows(django_apps, None)
    assert len(queries) == 1
    assert set(Answer.objects.filter(counts_response=True).values_list("pk", flat=True)) == marked
    assert aggregate.closed_question(survey.multiple.pk)["answered"] == 4


def test_demo_responses_mark_the_counted_row_and_count_each_respondent_once() -> None:
    demo_accounts_seed()
    demo_strategy_seed()
    demo = demo_consultation_seed()
    assert_one_counted_row_per_answer()
    for result in aggregate.closed_questions(demo.pk):
        said = Answer.objects.filter(
            SAYS_SOMETHING, question_id=result["question_id"], response__status="submitted"
        )
        by_type: dict[str, set[int]] = {}
        for response_id, respondent_type in said.values_list(
            "response_id", "response__respondent_type"
        ):
            by_type.setdefault(respondent_type, set()).add(response_id)
        assert result["answered"] == len(set(said.values_list("response_id", flat=True)))
        assert {row["key"]: row["answered"] for row in result["by_type"]} == {
            key: len(ids) for key, ids in by_type.items()
        }
