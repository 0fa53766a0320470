"""Oversized and absurd input gets a clear 4xx on the site's own pages, never a 500: a body
over the upload limit, a 1 MB comment, a form with 10,000 options ticked."""

from __future__ import annotations

import secrets

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from consultations import abuse
from consultations.models import Answer, Comment, Question

from .conftest import FIGURES, PROFILE

pytestmark = [pytest.mark.reliability, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser() -> Client:
    """A client that checks CSRF as the real site does, so the body is read where a browser's
    would be (in the CSRF middleware, before any view)."""
    client = Client(enforce_csrf_checks=True)
    client.csrf = secrets.token_hex(16)
    client.cookies["csrftoken"] = client.csrf
    return client


def post(client: Client, path: str, data: dict[str, object]):
    return client.post(path, {"csrfmiddlewaretoken": client.csrf, **data})


def comment_url(consultation) -> str:
    section = consultation.version.sections.order_by("position").first()
    return reverse(
        "consultations:comment_create",
        kwargs={"slug": consultation.slug, "section_pk": section.pk},
    )


def assert_styled_error(answer, status: int, words: str) -> None:
    html = answer.content.decode()
    assert answer.status_code == status, html[:2000]
    assert "govuk-template" in html and "Sorry, there is a problem with your request" in html
    assert words in html
    assert "Traceback" not in html


def test_a_body_over_the_upload_limit_gets_the_styled_413_page(browser, consultation, cast):
    browser.force_login(cast.respondent)
    too_big = settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1024
    answer = post(browser, comment_url(consultation), {"body": "a" * too_big})
    assert_styled_error(answer, 413, "larger than this service accepts (2 MB)")
    assert not Comment.objects.exists()


def test_a_one_megabyte_comment_is_refused_with_the_length_limit(browser, consultation, cast):
    browser.force_login(cast.respondent)
    answer = post(browser, comment_url(consultation), {"body": "a" * 1_000_000})
    html = answer.content.decode()
    assert answer.status_code == 400
    assert "govuk-error-summary" in html
    assert "Your comment must be 5,000 characters or fewer (it has 1000000)" in html
    assert not Comment.objects.exists()


def test_ten_thousand_options_in_one_post_get_a_clear_400(browser, consultation, settings):
    settings.CONSULTATION_MIN_SECONDS_ON_PAGE = 0
    answer = post(
        browser,
        reverse("consultations:respond_profile", kwargs={"slug": consultation.slug}),
        {**PROFILE, "started": abuse.started_token()},
    )
    assert answer.status_code == 302
    multiple = consultation.questions.get(kind=Question.Kind.MULTIPLE)
    page = reverse(
        "consultations:respond_questions",
        kwargs={"slug": consultation.slug, "page": multiple.position},
    )
    option = multiple.options.first().pk
    answer = post(browser, page, {f"q{multiple.pk}": [option] * 10_000})
    assert_styled_error(answer, 400, "far more answers than any form on this service")
    assert not Answer.objects.exists()
    # The same question answered sensibly still works.
    assert post(browser, page, {f"q{multiple.pk}": [option]}).status_code == 302
    assert Answer.objects.count() == 1
    FIGURES["bad input"] = (
        f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1024:,}-byte comment: styled 413; 1,000,000-"
        "character comment: 400 with the 5,000-character message; 10,000 options: styled 400"
    )
