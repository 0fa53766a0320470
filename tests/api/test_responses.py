"""Responses through the API: made by anyone the consultation admits, idempotently on the
client's submission key, with the same checks as the online form; read by the owning
organisation's staff (with the personal data) and by each respondent (their own, without)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from consultations.models import Answer, Consultation, Response
from tests.api.conftest import ROLES, STAFF, assert_error
from tests.api.factories import submitted_responses

pytestmark = pytest.mark.django_db


def body_for(consultation, **overrides):
    questions = list(consultation.questions.order_by("position").prefetch_related("options"))
    single, multiple, scale, free = questions
    body = {
        "submission_key": str(uuid.uuid4()),
        "responding_as": "organisation",
        "respondent_name": "Alex Example",
        "organisation_name": "Acme Widgets Ltd",
        "organisation_type": "business",
        "size_band": "micro",
        "sector": "C",
        "location": "CW1 2AB",
        "consent": "with-name",
        "email": "alex@example.com",
        "answers": [
            {"question": single.pk, "options": [single.options.all()[0].pk]},
            {
                "question": multiple.pk,
                "options": [o.pk for o in multiple.options.all()[:2]],
                "text": "Faster broadband",
            },
            {"question": scale.pk, "options": [scale.options.all()[1].pk]},
            {"question": free.pk, "text": "More support for apprenticeships."},
        ],
    }
    body.update(overrides)
    return body


def post(client, consultation, body):
    return client.post(f"/api/v1/consultations/{consultation.slug}/responses/", body, format="json")


def test_a_response_is_made_once_whatever_the_retries(client_for, consultation):
    client = client_for("respondent")
    body = body_for(consultation)
    first = post(client, consultation, body)
    assert first.status_code == 201, first.content
    receipt = first.json()
    assert receipt["reference"].startswith("CW-")
    assert receipt["status"] == "submitted"
    again = post(client, consultation, body)
    assert again.status_code == 200
    assert again.json() == receipt
    assert Response.objects.filter(consultation=consultation).count() == 1
    response = Response.objects.get()
    assert response.source == Response.Source.API
    # The form's rules: only the first half of a postcode is kept.
    assert response.location == "CW1"
    # One row per chosen option and one for the "Other" text.
    assert Answer.objects.filter(response=response).count() == 6


def test_the_receipt_carries_no_personal_data(client_for, consultation):
    text = post(client_for("anonymous"), consultation, body_for(consultation)).content.decode()
    assert "alex@example.com" not in text
    assert "Alex Example" not in text


def test_anonymous_responses_only_where_the_consultation_allows_them(client_for, consultation):
    Consultation.objects.filter(pk=consultation.pk).update(allow_anonymous=False)
    response = post(client_for("anonymous"), consultation, body_for(consultation))
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Token"
    assert not Response.objects.exists()
    assert post(client_for("respondent"), consultation, body_for(consultation)).status_code == 201


@override_settings(CONSULTATION_ANONYMOUS_STARTS_PER_HOUR=2)
def test_anonymous_responses_share_the_forms_hourly_limit(client_for, consultation):
    client = client_for("anonymous")
    for _ in range(2):
        assert post(client, consultation, body_for(consultation)).status_code == 201
    refused = post(client, consultation, body_for(consultation))
    assert_error(refused, 429, "throttled")
    assert Response.objects.count() == 2


def test_a_closed_consultation_accepts_nothing(client_for, consultation):
    Consultation.objects.filter(pk=consultation.pk).update(
        closes_at=timezone.now() - timedelta(minutes=1)
    )
    assert_error(
        post(client_for("respondent"), consultation, body_for(consultation)), 409, "closed"
    )
    assert not Response.objects.exists()


def test_a_retry_after_closing_still_gets_its_response(client_for, consultation):
    client = client_for("respondent")
    body = body_for(consultation)
    assert post(client, consultation, body).status_code == 201
    Consultation.objects.filter(pk=consultation.pk).update(
        closes_at=timezone.now() - timedelta(minutes=1)
    )
    assert post(client, consultation, body).status_code == 200


def test_someone_elses_key_is_refused(client_for, consultation):
    body = body_for(consultation)
    assert post(client_for("respondent"), consultation, body).status_code == 201
    error = assert_error(post(client_for("editor"), consultation, body), 409, "key_in_use")
    assert error["message"] == "This submission key belongs to another response. Make a new key."
    assert_error(post(client_for("anonymous"), consultation, body), 409, "key_in_use")


def test_a_registered_respondent_responds_once(client_for, consultation):
    client = client_for("respondent")
    assert post(client, consultation, body_for(consultation)).status_code == 201
    error = assert_error(
        post(client, consultation, body_for(consultation)), 409, "already_responded"
    )
    assert error["message"] == (
        "You have already responded to this consultation. You can change your response on the "
        "consultation's page while it is open."
    )
    assert Response.objects.filter(consultation=consultation).count() == 1


def test_answers_are_checked_as_the_form_checks_them(client_for, consultation):
    client = client_for("respondent")
    single = consultation.questions.order_by("position").first()
    missing = body_for(consultation, answers=[])
    error = assert_error(post(client, consultation, missing), 400, "invalid")
    assert any("Choose an answer" in m for ms in error["fields"].values() for m in ms)

    wrong = body_for(consultation)
    wrong["answers"][0] = {"question": single.pk, "options": [999_999]}
    error = assert_error(post(client, consultation, wrong), 400, "invalid")
    assert error["fields"] == {"answers.0": ["Question 1: Choose from the options given."]}

    organisation = body_for(consultation, organisation_name="")
    error = assert_error(post(client, consultation, organisation), 400, "invalid")
    assert error["fields"] == {"organisation_name": ["Enter the name of your organisation."]}

    other = body_for(consultation)
    other["answers"].append({"question": 10**12, "options": [1]})
    error = assert_error(post(client, consultation, other), 400, "invalid")
    assert "answers.4.question" in error["fields"]
    assert not Response.objects.exists()


def test_an_individuals_organisation_is_not_kept(client_for, consultation):
    body = body_for(consultation, responding_as="individual")
    assert post(client_for("respondent"), consultation, body).status_code == 201
    response = Response.objects.get()
    assert (response.organisation_name, response.respondent_type) == ("", "individual")


@pytest.mark.parametrize("role", ROLES)
def test_staff_list_responses_with_personal_data_and_nobody_else_sees_them(
    role, client_for, consultation
):
    submitted_responses(consultation, 2)
    client = client_for(role)
    listing = client.get(f"/api/v1/consultations/{consultation.slug}/responses/")
    one = Response.objects.first()
    detail = client.get(f"/api/v1/consultations/{consultation.slug}/responses/{one.pk}/")
    if role in STAFF:
        assert listing.status_code == 200
        rows = listing.json()["results"]
        assert len(rows) == 2
        assert {"email", "respondent_name"} <= set(rows[0])
        assert detail.json()["email"] == one.email
        assert detail.json()["answers"][0]["options"]
    else:
        assert_error(listing, 404)
        assert_error(detail, 404)


def test_staff_filter_responses(client_for, consultation):
    client = client_for("viewer")
    client_for("respondent")  # a second user makes no difference to the staff list
    post(client_for("anonymous"), consultation, body_for(consultation, responding_as="individual"))
    post(client_for("anonymous"), consultation, body_for(consultation))
    url = f"/api/v1/consultations/{consultation.slug}/responses/"
    assert client.get(url).json()["count"] == 2
    assert client.get(url + "?respondent_type=individual").json()["count"] == 1
    assert client.get(url + "?size_band=large").json()["count"] == 0
    assert client.get(url + "?search=apprenticeships").json()["count"] == 2
    assert client.get(url + "?search=Acme").json()["count"] == 1
    single = consultation.questions.order_by("position").first()
    chosen = single.options.order_by("position").first()
    assert client.get(url + f"?option={chosen.pk}").json()["count"] == 2
    assert_error(client.get(url + "?size_band=huge"), 400, "invalid")
    assert_error(client.get(url + "?option=-3"), 400, "invalid")


def test_withdrawn_responses_only_when_asked(client_for, consultation):
    (first, _) = submitted_responses(consultation, 2)
    Response.objects.filter(pk=first.pk).update(status=Response.Status.WITHDRAWN)
    url = f"/api/v1/consultations/{consultation.slug}/responses/"
    client = client_for("lead")
    assert client.get(url).json()["count"] == 1
    assert client.get(url + "?include_withdrawn=true").json()["count"] == 2


def test_a_respondent_reads_their_own_responses_without_personal_data(client_for, consultation):
    post(client_for("respondent"), consultation, body_for(consultation))
    submitted_responses(consultation, 2)
    mine = client_for("respondent").get("/api/v1/my-responses/")
    assert mine.status_code == 200
    rows = mine.json()["results"]
    assert len(rows) == 1
    assert "email" not in rows[0] and "respondent_name" not in rows[0]
    assert "alex@example.com" not in mine.content.decode()
    detail = client_for("respondent").get(f"/api/v1/my-responses/{rows[0]['id']}/")
    assert detail.status_code == 200
    assert len(detail.json()["answers"]) == 4
    others = Response.objects.exclude(pk=rows[0]["id"]).first()
    assert_error(client_for("respondent").get(f"/api/v1/my-responses/{others.pk}/"), 404)
    assert client_for("editor").get("/api/v1/my-responses/").json()["count"] == 0
    assert_error(client_for("anonymous").get("/api/v1/my-responses/"), 401)


def test_response_list_query_count_is_flat(client_for, consultation, django_assert_max_num_queries):
    client = client_for("viewer")
    url = f"/api/v1/consultations/{consultation.slug}/responses/?page_size=100"
    submitted_responses(consultation, 10)
    with django_assert_max_num_queries(10) as few:
        assert client.get(url).json()["count"] == 10
    submitted_responses(consultation, 190, start=10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).json()["count"] == 200


@pytest.mark.parametrize("role", ROLES)
def test_everyone_the_consultation_admits_may_respond(role, client_for, consultation):
    response = post(client_for(role), consultation, body_for(consultation))
    assert response.status_code == 201, response.content
    made = Response.objects.get()
    assert made.source == Response.Source.API
    assert (made.respondent is None) == (role == "anonymous")


@pytest.mark.parametrize("role", ROLES)
def test_nobody_responds_to_an_upcoming_consultation_they_cannot_see(
    role, client_for, consultation
):
    Consultation.objects.filter(pk=consultation.pk).update(
        opens_at=timezone.now() + timedelta(days=1), closes_at=timezone.now() + timedelta(days=9)
    )
    response = post(client_for(role), consultation, body_for(consultation))
    if role in STAFF:
        assert_error(response, 409, "not_open")  # they see it, but it is not open yet
    else:
        assert_error(response, 404)
    assert not Response.objects.exists()
