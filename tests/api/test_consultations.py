"""Consultations, their questions and the published outcome through the API: open, closed and
outcome-published consultations are public; upcoming ones are their organisation's staff's."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from consultations.models import Consultation
from tests.api.conftest import ROLES, STAFF, assert_error, make_consultation
from tests.api.factories import approved_comments, submitted_responses

pytestmark = pytest.mark.django_db


@pytest.fixture
def upcoming(strategy, version, cast):
    now = timezone.now()
    return make_consultation(
        strategy,
        version,
        cast.editor,
        title="Next year's consultation",
        opens_at=now + timedelta(days=10),
        closes_at=now + timedelta(days=40),
    )


@pytest.mark.parametrize("role", ROLES)
def test_upcoming_consultations_are_seen_only_by_staff(role, client_for, consultation, upcoming):
    client = client_for(role)
    slugs = {row["slug"] for row in client.get("/api/v1/consultations/").json()["results"]}
    detail = client.get(f"/api/v1/consultations/{upcoming.slug}/")
    questions = client.get(f"/api/v1/consultations/{upcoming.slug}/questions/")
    if role in STAFF:
        assert slugs == {consultation.slug, upcoming.slug}
        assert detail.status_code == 200
        assert detail.json()["state"] == "upcoming"
        assert questions.status_code == 200
    else:
        assert slugs == {consultation.slug}
        assert_error(detail, 404)
        assert_error(questions, 404)


@pytest.mark.parametrize("role", ROLES)
def test_open_consultation_and_its_questions_are_public(role, client_for, consultation):
    client = client_for(role)
    detail = client.get(f"/api/v1/consultations/{consultation.slug}/")
    assert detail.status_code == 200
    body = detail.json()
    assert body["state"] == "open"
    assert body["organisation"]["slug"] == consultation.organisation.slug
    assert "Our lawful basis is public task" in body["privacy_notice"]
    questions = client.get(f"/api/v1/consultations/{consultation.slug}/questions/").json()
    kinds = [q["kind"] for q in questions["results"]]
    assert kinds == ["single", "multiple", "scale", "free-text"]
    assert [o["label"] for o in questions["results"][0]["options"]] == ["Yes", "No", "Not sure"]
    assert questions["results"][1]["allow_other"] is True


def test_consultation_list_filters_by_state_and_organisation(client_for, consultation, upcoming):
    client = client_for("editor")
    open_only = client.get("/api/v1/consultations/?state=open").json()["results"]
    assert [row["slug"] for row in open_only] == [consultation.slug]
    upcoming_only = client.get("/api/v1/consultations/?state=upcoming").json()["results"]
    assert [row["slug"] for row in upcoming_only] == [upcoming.slug]
    assert client.get("/api/v1/consultations/?organisation=tees-valley").json()["count"] == 0
    assert_error(client.get("/api/v1/consultations/?state=later"), 400, "invalid")


def test_outcome_is_published_counts_only(client_for, consultation, cast):
    anonymous = client_for("anonymous")
    assert_error(anonymous.get(f"/api/v1/consultations/{consultation.slug}/outcome/"), 404)
    submitted_responses(consultation, 3)
    approved_comments(consultation, cast.respondent, 2)
    Consultation.objects.filter(pk=consultation.pk).update(
        closes_at=timezone.now() - timedelta(minutes=1), outcome_published_at=timezone.now()
    )
    response = anonymous.get(f"/api/v1/consultations/{consultation.slug}/outcome/")
    assert response.status_code == 200
    body = response.json()
    assert body["responses"]["submitted"] == 3
    assert body["responses"]["by_respondent_type"] == [
        {"value": "business", "label": "Businesses", "count": 3}
    ]
    assert body["approved_comments"] == 2
    assert "person0@example.com" not in response.content.decode()
    assert "Person 0" not in response.content.decode()


def test_consultation_list_query_count_is_flat(
    client_for, strategy, version, cast, django_assert_max_num_queries
):
    client = client_for("viewer")

    def add(count, start):
        for n in range(start, start + count):
            make_consultation(strategy, version, cast.editor, title=f"Consultation {n}")

    add(10, 0)
    with django_assert_max_num_queries(8) as few:
        assert client.get("/api/v1/consultations/?page_size=100").json()["count"] == 10
    add(190, 10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/api/v1/consultations/?page_size=100").json()["count"] == 200
