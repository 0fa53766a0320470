"""Compiling responses through the API: the organisation's lead and editors start a
compilation, its staff poll its progress and follow the links to the report; the published
outcome is public."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from consultations.models import Compilation, Consultation
from consultations.reporting import compile as engine
from tests.api.conftest import ROLES, STAFF, assert_error
from tests.api.factories import submitted_responses

pytestmark = pytest.mark.django_db
WRITERS = {"editor", "lead", "admin"}


def url(consultation, tail=""):
    return f"/api/v1/consultations/{consultation.slug}/compilations/{tail}"


@pytest.mark.parametrize("role", ROLES)
def test_only_writers_start_a_compilation(role, client_for, consultation):
    response = client_for(role).post(url(consultation), {}, format="json")
    if role in WRITERS:
        assert response.status_code == 202, response.content
        body = response.json()
        assert body["status"] == "queued"
        assert body["finished"] is False
        assert body["links"] == {"page": None, "pdf": None, "docx": None, "xlsx": None}
        assert Compilation.objects.count() == 1
    else:
        assert_error(response, 404)
        assert not Compilation.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_staff_read_compilations_and_nobody_else(role, client_for, consultation, cast):
    compilation = engine.compilation_start(consultation=consultation, user=cast.editor)
    listing = client_for(role).get(url(consultation))
    detail = client_for(role).get(url(consultation, f"{compilation.pk}/"))
    if role in STAFF:
        assert listing.status_code == 200
        assert [row["id"] for row in listing.json()["results"]] == [compilation.pk]
        assert detail.status_code == 200
        assert detail["Cache-Control"] == "no-store"
    else:
        assert_error(listing, 404)
        assert_error(detail, 404)


def test_start_then_poll_until_the_report_links_appear(
    client_for, consultation, django_capture_on_commit_callbacks
):
    submitted_responses(consultation, 5)
    client = client_for("editor")
    # Without a broker the task runs when the transaction commits, as in `make run`.
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(url(consultation), {"final": False}, format="json")
    assert started.status_code == 202
    assert started["Location"].endswith(url(consultation, f"{started.json()['id']}/"))
    polled = client.get(url(consultation, f"{started.json()['id']}/")).json()
    assert polled["status"] == "succeeded", polled
    assert polled["progress"] == 100
    assert polled["finished"] is True
    assert polled["version"] is not None
    links = polled["links"]
    assert links["page"] == f"/consultations/{consultation.slug}/report/"
    assert links["xlsx"].endswith("report.xlsx")
    # Nothing changed since: asking again returns the finished compilation with 200.
    again = client.post(url(consultation), {}, format="json")
    assert again.status_code == 200
    assert again.json()["id"] == polled["id"]


def test_final_report_is_refused_while_open(client_for, consultation):
    response = client_for("lead").post(url(consultation), {"final": True}, format="json")
    assert_error(response, 409, "still_open")
    assert not Compilation.objects.exists()


def test_start_body_is_checked(client_for, consultation):
    client = client_for("lead")
    assert_error(client.post(url(consultation), {"final": "maybe"}, format="json"), 400)
    assert_error(client.post(url(consultation), {"colour": "red"}, format="json"), 400)
    assert not Compilation.objects.exists()


def test_outcome_has_you_said_we_did_and_report_links_once_published(
    client_for, consultation, cast, django_capture_on_commit_callbacks
):
    submitted_responses(consultation, 3)
    Consultation.objects.filter(pk=consultation.pk).update(
        closes_at=timezone.now() - timedelta(minutes=1)
    )
    consultation.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        compilation = engine.compilation_start(
            consultation=consultation, user=cast.lead, final=True
        )
    compilation.refresh_from_db()
    assert compilation.status == Compilation.Status.SUCCEEDED
    engine.outcome_publish(consultation=consultation, compilation=compilation, user=cast.lead)
    body = client_for("anonymous").get(f"/api/v1/consultations/{consultation.slug}/outcome/")
    assert body.status_code == 200
    outcome = body.json()
    assert outcome["report"]["page"] == f"/consultations/{consultation.slug}/outcome/"
    assert outcome["report"]["xlsx"].endswith("/outcome/report.xlsx")
    assert isinstance(outcome["you_said_we_did"], list)
    assert outcome["responses"]["submitted"] == 3
