"""The consultation rules the pages and the API share, registered once in
``consultations/rules.py``."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from consultations.models import Consultation
from tests.consultations.test_response_rules import create

pytestmark = pytest.mark.django_db


def user(cast, role):
    return getattr(cast, role) or AnonymousUser()


@pytest.mark.parametrize(
    ("role", "sees_upcoming"),
    [
        ("anonymous", False),
        ("respondent", False),
        ("other_member", False),
        ("viewer", True),
        ("admin", True),
    ],
)
def test_an_upcoming_consultation_is_seen_only_by_its_staff(
    consultation, cast, role, sees_upcoming
) -> None:
    assert user(cast, role).has_perm("consultations.view_consultation", consultation)
    Consultation.objects.filter(pk=consultation.pk).update(
        opens_at=timezone.now() + timedelta(days=1), closes_at=timezone.now() + timedelta(days=9)
    )
    consultation.refresh_from_db()
    assert (
        user(cast, role).has_perm("consultations.view_consultation", consultation) is sees_upcoming
    )


def test_anonymous_people_respond_only_where_the_consultation_allows_it(consultation, cast):
    anonymous = AnonymousUser()
    assert anonymous.has_perm("consultations.respond", consultation)
    consultation.allow_anonymous = False
    assert not anonymous.has_perm("consultations.respond", consultation)
    assert cast.respondent.has_perm("consultations.respond", consultation)


@pytest.mark.parametrize(
    ("role", "reads"),
    [
        ("respondent", True),
        ("viewer", True),
        ("admin", True),
        ("editor", True),
        ("other_member", False),
        ("site_moderator", False),
        ("anonymous", False),
    ],
)
def test_a_response_is_read_by_its_respondent_and_the_organisations_staff(
    consultation, cast, role, reads
) -> None:
    response, _ = create(consultation, respondent=cast.respondent)
    assert user(cast, role).has_perm("consultations.view_response", response) is reads


@pytest.mark.parametrize(
    ("role", "moderates"),
    [("moderator", True), ("site_moderator", True), ("respondent", False), ("anonymous", False)],
)
def test_the_queue_is_for_anyone_who_moderates_something(cast, role, moderates) -> None:
    assert user(cast, role).has_perm("consultations.moderate_some") is moderates
