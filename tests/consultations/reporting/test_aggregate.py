from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from consultations import services
from consultations.answers import OTHER
from consultations.models import Answer, Question, Response
from consultations.reporting import aggregate

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
