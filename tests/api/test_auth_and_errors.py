"""Authentication (per-user tokens and the session with CSRF), throttling, pagination and the
one error body."""

from __future__ import annotations

import uuid

import pytest
from django.conf import settings
from django.test import override_settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from consultations.models import Comment
from tests.api.conftest import assert_error

pytestmark = pytest.mark.django_db


def test_a_token_authenticates_as_its_owner(cast, draft):
    token = Token.objects.create(user=cast.viewer)
    client = APIClient()
    assert_error(client.get(f"/api/v1/strategies/{draft.pk}/"), 404)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get(f"/api/v1/strategies/{draft.pk}/").status_code == 200


def test_a_bad_token_is_a_401_with_a_challenge(db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = client.get("/api/v1/organisations/")
    assert_error(response, 401, "authentication_failed")
    assert response["WWW-Authenticate"] == "Token"


def test_a_token_of_a_deactivated_user_stops_working(cast):
    token = Token.objects.create(user=cast.editor)
    cast.editor.is_active = False
    cast.editor.save()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert_error(client.get("/api/v1/organisations/"), 401)


def test_session_writes_need_the_csrf_token(cast, consultation):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(cast.respondent)
    section = consultation.version.sections.order_by("position").first()
    url = f"/api/v1/consultations/{consultation.slug}/comments/"
    refused = client.post(url, {"section": section.pk, "body": "Hello"}, format="json")
    error = assert_error(refused, 403, "permission_denied")
    assert "CSRF" in error["message"]
    assert not Comment.objects.exists()
    client.get("/accounts/profile/")  # sets the CSRF cookie, as a page visit would
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    accepted = client.post(
        url, {"section": section.pk, "body": "Hello"}, format="json", HTTP_X_CSRFTOKEN=token
    )
    assert accepted.status_code == 201


def test_token_writes_need_no_csrf_token(cast, consultation):
    token = Token.objects.create(user=cast.respondent)
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    section = consultation.version.sections.order_by("position").first()
    response = client.post(
        f"/api/v1/consultations/{consultation.slug}/comments/",
        {"section": section.pk, "body": "Hello"},
        format="json",
    )
    assert response.status_code == 201


def throttled(rates):
    rest = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    return override_settings(REST_FRAMEWORK=rest)


def test_anonymous_callers_are_throttled_by_the_settings_rate(db):
    client = APIClient()
    with throttled({"anon": "3/minute", "user": "100/minute"}):
        for _ in range(3):
            assert client.get("/api/v1/organisations/").status_code == 200
        response = client.get("/api/v1/organisations/")
    assert_error(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0


def test_signed_in_callers_have_their_own_rate(cast):
    client = APIClient()
    client.force_authenticate(cast.editor)
    with throttled({"anon": "1/minute", "user": "2/minute"}):
        assert client.get("/api/v1/organisations/").status_code == 200
        assert client.get("/api/v1/organisations/").status_code == 200
        assert_error(client.get("/api/v1/organisations/"), 429, "throttled")


def test_every_list_is_paginated(client_for):
    body = client_for("anonymous").get("/api/v1/organisations/?page_size=5").json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 38 and len(body["results"]) == 5
    assert "page=2" in body["next"]
    big = client_for("anonymous").get("/api/v1/organisations/?page_size=1000").json()
    assert len(big["results"]) == 38  # capped at 100 a page, and there are 38


def test_organisations_are_public_facts(client_for):
    response = client_for("anonymous").get("/api/v1/organisations/tees-valley/")
    assert response.status_code == 200
    assert response.json()["ons_code"] == "E37000034"
    assert response.json()["wave"] == 2
    assert client_for("anonymous").get("/api/v1/organisations/?wave=1").json()["count"] == 8


def test_unknown_addresses_and_methods_answer_with_the_error_body(client_for, consultation):
    client = client_for("editor")
    assert_error(client.get("/api/v1/nothing-here/"), 404, "not_found")
    assert_error(client.get("/api/v1/strategies"), 404, "not_found")
    assert_error(client.delete("/api/v1/organisations/"), 405, "method_not_allowed")
    assert_error(
        client.put(f"/api/v1/consultations/{consultation.slug}/", {}, format="json"),
        405,
        "method_not_allowed",
    )


def test_responses_are_json_even_when_asked_for_html(client_for):
    response = client_for("anonymous").get("/api/v1/organisations/", HTTP_ACCEPT="text/html")
    assert_error(response, 406, "not_acceptable")


def test_a_submission_key_is_only_a_uuid(client_for, consultation):
    response = client_for("respondent").post(
        f"/api/v1/consultations/{consultation.slug}/responses/",
        {
            "submission_key": str(uuid.uuid4())[:-1],
            "responding_as": "individual",
            "consent": "none",
        },
        format="json",
    )
    error = assert_error(response, 400, "invalid")
    assert "submission_key" in error["fields"]
