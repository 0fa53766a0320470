"""Shared set-up for the reliability suite: it runs only on PostgreSQL (live servers and
concurrent writers need real row locking and a database a worker process can share), and CI
demands that it runs with LEPPORTAL_REQUIRE_RELIABILITY=1."""

from __future__ import annotations

import http.client
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlencode, urlsplit

import pytest
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string

from consultations import services
from consultations.answers import clean_answers
from consultations.models import Consultation, Question, Response
from tests.conftest import required
from tests.consultations import conftest as consultation_fixtures

# The consultations suite's fixtures: a strategy with a version, and an open consultation with
# four questions (single, multiple with "Other", scale, free text) accepting anonymous answers.
strategy = consultation_fixtures.strategy
version = consultation_fixtures.version
consultation = consultation_fixtures.consultation

SESSION_DRAFTS = "consultation-responses"  # consultations.views.SESSION_DRAFTS


def skip_or_fail(reason: str) -> None:
    if required("LEPPORTAL_REQUIRE_RELIABILITY"):
        pytest.fail(f"LEPPORTAL_REQUIRE_RELIABILITY is set but {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def needs_postgresql() -> None:
    if connection.vendor != "postgresql":
        skip_or_fail(
            "the reliability suite needs a PostgreSQL DATABASE_URL: concurrent writers need "
            "row locking, and live servers and worker processes cannot share SQLite's "
            "in-memory test database"
        )


# A small HTTP client for live servers: cookies, a CSRF token, no redirects followed. ---------


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: str


@dataclass
class Browser:
    """One visitor: a keep-alive connection, a cookie jar and a CSRF secret of its own (as a
    browser would hold after its first page)."""

    base_url: str
    cookies: dict[str, str] = field(default_factory=dict)
    timeout: float = 30

    def __post_init__(self) -> None:
        parts = urlsplit(self.base_url)
        self.host, self.port = parts.hostname or "localhost", parts.port or 80
        self.csrf = secrets.token_hex(16)  # a well-formed 32-character CSRF secret
        self.cookies.setdefault("csrftoken", self.csrf)
        self._connection: http.client.HTTPConnection | None = None

    def _open(self) -> http.client.HTTPConnection:
        if self._connection is None:
            self._connection = http.client.HTTPConnection(
                self.host, self.port, timeout=self.timeout
            )
        return self._connection

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def request(
        self, method: str, path: str, data: dict[str, object] | None = None, **headers: str
    ) -> Answer:
        body = None
        sent = {
            "Host": f"{self.host}:{self.port}",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            **headers,
        }
        if data is not None:
            body = urlencode({"csrfmiddlewaretoken": self.csrf, **data}, doseq=True)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(3):
            conn = self._open()
            try:
                conn.request(method, path, body=body, headers=sent)
                reply = conn.getresponse()
                text = reply.read().decode("utf-8", "replace")
                break
            except (ConnectionError, http.client.RemoteDisconnected, http.client.BadStatusLine):
                # The server closed a kept-alive connection between requests: reconnect.
                self.close()
                if attempt == 2:
                    raise
                time.sleep(0.05)
        if reply.getheader("Connection", "").lower() == "close":
            self.close()
        for header, value in reply.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return Answer(reply.status, {k.lower(): v for k, v in reply.getheaders()}, text)

    def get(self, path: str, **headers: str) -> Answer:
        return self.request("GET", path, **headers)

    def post(self, path: str, data: dict[str, object], **headers: str) -> Answer:
        return self.request("POST", path, data, **headers)


@pytest.fixture
def browsers(live_server) -> Iterator[list[Browser]]:
    """Make browsers with ``browsers.append(Browser(live_server.url))``; all are closed."""
    made: list[Browser] = []
    yield made
    for browser in made:
        browser.close()


# Drafts ready to submit -----------------------------------------------------------------------


PROFILE = {
    "responding_as": "organisation",
    "organisation_name": "Crewe Widgets Ltd",
    "organisation_type": "business",
    "size_band": "small",
    "sector": "C",
    "location": "CW1",
    "consent": "anonymous",
    "email": "",
}


def full_answers(consultation: Consultation) -> dict[int, object]:
    """Raw answers to every question of the conftest consultation (a valid, complete form)."""
    raw: dict[int, object] = {}
    for question in consultation.questions.prefetch_related("options"):
        if question.kind == Question.Kind.FREE_TEXT:
            raw[question.pk] = "More apprenticeships, please, and faster broadband in Crewe."
        else:
            raw[question.pk] = [question.options.all()[0].pk]
    return raw


def prepare_anonymous_drafts(consultation: Consultation, count: int) -> list[tuple[str, str]]:
    """``count`` complete anonymous drafts, made through the same services as the form pages,
    each remembered in its own session as the "about you" page would. Returns (session key,
    submission key) pairs: what the final submit POST of each draft needs."""
    questions = list(consultation.questions.prefetch_related("options"))
    answers, errors = clean_answers(questions, full_answers(consultation))
    assert not errors, errors
    expires = timezone.now() + timedelta(hours=2)
    drafts: list[tuple[str, str]] = []
    sessions: list[Session] = []
    with transaction.atomic():
        for _ in range(count):
            response = services.response_start(consultation=consultation)
            services.response_save_profile(response=response, profile=PROFILE)
            services.response_save_answers(response=response, answers=answers, questions=questions)
            key = get_random_string(32, VALID_KEY_CHARS)
            data = SessionStore().encode({SESSION_DRAFTS: {str(consultation.pk): response.pk}})
            sessions.append(Session(session_key=key, session_data=data, expire_date=expires))
            drafts.append((key, str(response.submission_key)))
        Session.objects.bulk_create(sessions)
    assert Response.objects.filter(status=Response.Status.DRAFT).count() >= count
    return drafts


# Figures measured by the suite, printed at the end of the run (docs/reliability.md quotes them).

FIGURES: dict[str, object] = {}


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if FIGURES:
        terminalreporter.section("reliability figures")
        for name, value in FIGURES.items():
            terminalreporter.write_line(f"{name}: {value}")
