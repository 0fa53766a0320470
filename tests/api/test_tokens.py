"""API tokens from the account page: staff create one (shown once), replace it and revoke it;
a revoked token stops working at once."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

CREATE = reverse("api_tokens:create")
REVOKE = reverse("api_tokens:revoke")


def shown_token(response) -> str:
    match = re.search(r'id="api-token">([0-9a-f]{40})<', response.content.decode())
    assert match, "the new token is on the page"
    return match.group(1)


def works(key: str) -> bool:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/v1/organisations/").status_code == 200


def test_staff_create_a_token_shown_once(client, cast):
    client.force_login(cast.editor)
    profile = client.get(reverse("accounts:profile"))
    assert "API tokens" in profile.content.decode()
    assert "Create an API token" in profile.content.decode()

    created = client.post(CREATE)
    assert created.status_code == 200
    assert "no-store" in created["Cache-Control"]
    key = shown_token(created)
    assert Token.objects.get(user=cast.editor).key == key
    assert works(key)

    again = client.get(reverse("accounts:profile")).content.decode()
    assert key not in again
    assert "You created a token on" in again


def test_a_new_token_replaces_the_old(client, cast):
    client.force_login(cast.lead)
    old = shown_token(client.post(CREATE))
    new = shown_token(client.post(CREATE))
    assert old != new
    assert not works(old)
    assert works(new)
    assert Token.objects.filter(user=cast.lead).count() == 1


def test_revoking_stops_the_token_at_once(client, cast):
    client.force_login(cast.moderator)
    key = shown_token(client.post(CREATE))
    response = client.post(REVOKE, follow=True)
    assert "Your API token has been revoked" in response.content.decode()
    assert not Token.objects.filter(user=cast.moderator).exists()
    assert not works(key)


def test_site_roles_may_hold_tokens(client, cast):
    for user in (cast.site_moderator, cast.admin):
        client.force_login(user)
        assert client.post(CREATE).status_code == 200


def test_respondents_have_no_token_section_and_cannot_create_one(client, cast):
    client.force_login(cast.respondent)
    assert "API tokens" not in client.get(reverse("accounts:profile")).content.decode()
    assert client.post(CREATE).status_code == 403
    assert not Token.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.post(CREATE)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_tokens_are_made_only_by_post(client, cast):
    client.force_login(cast.editor)
    assert client.get(CREATE).status_code == 405
    assert client.get(REVOKE).status_code == 405
    assert not Token.objects.exists()


def test_token_forms_need_the_csrf_token(cast):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.editor)
    assert client.post(CREATE).status_code == 403
    assert not Token.objects.exists()
