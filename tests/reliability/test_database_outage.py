"""The database goes away: visitors get the styled 503 page (never a traceback), /healthz and
JSON clients get JSON, and a write that was cut off half-way leaves nothing half-written."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connection
from django.db.utils import OperationalError
from django.urls import reverse

from consultations import abuse
from consultations.models import Answer, Response
from consultations.selectors_public import question_pages

from .conftest import FIGURES, PROFILE

pytestmark = [pytest.mark.reliability, pytest.mark.django_db(transaction=True)]


def closed_port() -> int:
    """A local port with nothing listening on it: connections are refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def database_down() -> Iterator[None]:
    """Every new connection goes to a port where no database listens, as when PostgreSQL has
    stopped; the real settings come back afterwards."""
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT=str(closed_port()))
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


def assert_styled_503(answer) -> None:
    html = answer.content.decode()
    assert answer.status_code == 503, html[:2000]
    assert answer["Content-Type"].startswith("text/html")
    assert int(answer["Retry-After"]) > 0
    assert "Sorry, the service is unavailable" in html
    assert "The service cannot reach its database" in html
    assert "govuk-template" in html and "govuk-frontend.min.css" in html  # the site's layout
    assert "Traceback" not in html and "OperationalError" not in html


def url(name: str, consultation, **kwargs: object) -> str:
    return reverse(f"consultations:{name}", kwargs={"slug": consultation.slug, **kwargs})


def test_with_the_database_down_every_page_answers_the_styled_503_page(
    client, consultation, cast
) -> None:
    client.force_login(cast.editor)  # a session that the pages will fail to read
    paths = [
        reverse("core:home"),
        consultation.get_absolute_url(),
        url("respond_profile", consultation),
        url("responses", consultation),
        reverse("accounts:login"),
    ]
    with database_down():
        for path in paths:
            assert_styled_503(client.get(path))
        # A form posted while the database is down is refused the same way.
        assert_styled_503(
            client.post(
                url("respond_profile", consultation),
                {**PROFILE, "started": abuse.started_token()},
            )
        )
        health = client.get(reverse("core:healthz"))
        payload = json.loads(health.content)
        assert health.status_code == 503
        assert payload["status"] == "degraded"
        assert payload["checks"]["database"]["ok"] is False
        # The API, and any client that asked for JSON, get JSON in the API's error shape.
        for machine in (
            client.get("/api/v1/consultations/"),
            client.get(consultation.get_absolute_url(), HTTP_ACCEPT="application/json"),
        ):
            assert machine.status_code == 503
            assert machine["Content-Type"] == "application/json"
            assert json.loads(machine.content)["error"]["code"] == "database_unavailable"
    # Once the database is back the same session works: nobody was signed out.
    assert client.get(url("responses", consultation)).status_code == 200
    FIGURES["database down"] = (
        f"{len(paths)} pages and a form POST answered the styled 503 page; /healthz, the API "
        "and a JSON client answered JSON 503; the signed-in session worked again afterwards"
    )


def test_a_write_cut_off_half_way_leaves_nothing_half_written(
    client, consultation, settings
) -> None:
    settings.CONSULTATION_MIN_SECONDS_ON_PAGE = 0
    answer = client.post(
        url("respond_profile", consultation), {**PROFILE, "started": abuse.started_token()}
    )
    assert answer.status_code == 302
    first_page = question_pages(consultation)[0]
    question = first_page.questions[0]
    yes, no = list(question.options.all())[:2]
    page_url = url("respond_questions", consultation, page=first_page.number)
    assert client.post(page_url, {f"q{question.pk}": yes.pk}).status_code == 302
    before = list(Answer.objects.values_list("question_id", "option_id", "text"))
    assert before == [(question.pk, yes.pk, "")]

    # Changing the answer deletes the old row, inserts the new one, then touches the response:
    # the connection dies at that last statement.
    statements: list[str] = []

    def cut_off(execute, sql, params, many, context):
        statements.append(sql.split(" ", 1)[0])
        if sql.startswith('UPDATE "consultations_response"'):
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(cut_off):
        assert_styled_503(client.post(page_url, {f"q{question.pk}": no.pk}))
    assert {"DELETE", "INSERT"} <= set(statements), statements
    # Neither the delete of "Yes" nor the insert of "No" survived: the answer is as it was.
    assert list(Answer.objects.values_list("question_id", "option_id", "text")) == before
    assert Response.objects.get().status == Response.Status.DRAFT
    # And the respondent can carry on where they were.
    assert client.post(page_url, {f"q{question.pk}": no.pk}).status_code == 302
    assert list(Answer.objects.values_list("option_id", flat=True)) == [no.pk]
