"""Many respondents submitting at once, against a real (threaded) server and PostgreSQL: no
response is lost and none is counted twice."""

from __future__ import annotations

import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core import mail
from django.urls import reverse

from consultations.models import Consultation, Response
from consultations.selectors_public import question_pages

from .conftest import FIGURES, PROFILE, Browser, full_answers, prepare_anonymous_drafts

pytestmark = [pytest.mark.reliability, pytest.mark.django_db(transaction=True)]

CLIENTS = 20
PER_CLIENT = 50
DONE = re.compile(r"/respond/done/([A-Z]+-\d{4}-\d+)/$")


def url(name: str, consultation: Consultation, **kwargs: object) -> str:
    return reverse(f"consultations:{name}", kwargs={"slug": consultation.slug, **kwargs})


def test_a_thousand_concurrent_submissions_make_exactly_a_thousand_responses(
    live_server, consultation
) -> None:
    started = time.monotonic()
    drafts = prepare_anonymous_drafts(consultation, CLIENTS * PER_CLIENT)
    prepared_in = time.monotonic() - started
    submit = url("respond_check", consultation)
    gate = threading.Barrier(CLIENTS)

    def client(batch: list[tuple[str, str]]) -> list[tuple[str, int, str]]:
        browser = Browser(live_server.url)
        outcomes = []
        gate.wait()
        try:
            for session_key, submission_key in batch:
                browser.cookies["sessionid"] = session_key
                answer = browser.post(submit, {"submission_key": submission_key, "website": ""})
                outcomes.append((submission_key, answer.status, answer.headers.get("location", "")))
        finally:
            browser.close()
        return outcomes

    batches = [drafts[i::CLIENTS] for i in range(CLIENTS)]
    started = time.monotonic()
    with ThreadPoolExecutor(CLIENTS) as pool:
        outcomes = [o for batch in pool.map(client, batches) for o in batch]
    elapsed = time.monotonic() - started

    errors = [o for o in outcomes if o[1] != 302 or not DONE.search(o[2])]
    assert errors == [], f"{len(errors)} submissions failed, first: {errors[:3]}"
    references = {DONE.search(location).group(1) for _, _, location in outcomes}
    assert len(references) == CLIENTS * PER_CLIENT
    submitted = Response.objects.filter(consultation=consultation, status="submitted")
    assert submitted.count() == CLIENTS * PER_CLIENT
    assert set(submitted.values_list("reference", flat=True)) == references
    assert not Response.objects.filter(status=Response.Status.DRAFT).exists()
    # Each respondent's confirmation page shows their own reference.
    checker = Browser(live_server.url)
    for (session_key, _), (_, _, location) in list(
        zip(drafts, outcomes_by_draft(drafts, outcomes), strict=True)
    )[:20]:
        checker.cookies["sessionid"] = session_key
        page = checker.get(location)
        assert page.status == 200 and DONE.search(location).group(1) in page.body
    checker.close()
    FIGURES["1,000 concurrent submissions"] = (
        f"{CLIENTS} clients x {PER_CLIENT}: {len(outcomes)} answered 302 in {elapsed:.1f} s "
        f"({len(outcomes) / elapsed:.0f}/s); {submitted.count()} submitted, 0 drafts left, "
        f"0 errors; drafts prepared in {prepared_in:.1f} s"
    )


def outcomes_by_draft(
    drafts: list[tuple[str, str]], outcomes: list[tuple[str, int, str]]
) -> list[tuple[str, int, str]]:
    by_key = {o[0]: o for o in outcomes}
    return [by_key[submission_key] for _, submission_key in drafts]


def _fill_in_through_the_pages(browser: Browser, consultation: Consultation, email: str) -> str:
    """About you and every page of questions, as a respondent would; returns the submission
    key that the check-your-answers page carries."""
    page = browser.get(url("respond_profile", consultation))
    assert page.status == 200
    started = re.search(r'name="started" value="([^"]+)"', page.body).group(1)
    answer = browser.post(
        url("respond_profile", consultation),
        {**PROFILE, "email": email, "respondent_name": "", "website": "", "started": started},
    )
    assert answer.status == 302, answer.body[:2000]
    raw = full_answers(consultation)
    for question_page in question_pages(consultation):
        path = url("respond_questions", consultation, page=question_page.number)
        assert browser.get(path).status == 200
        data = {f"q{q.pk}": raw[q.pk] for q in question_page.questions}
        answer = browser.post(path, data)
        assert answer.status == 302, answer.body[:2000]
    check = browser.get(url("respond_check", consultation))
    assert check.status == 200
    return re.search(r'name="submission_key" value="([^"]+)"', check.body).group(1)


def test_the_same_form_submitted_twice_at_once_makes_one_response_and_one_confirmation(
    live_server, consultation, settings
) -> None:
    settings.CONSULTATION_MIN_SECONDS_ON_PAGE = 0
    pairs = 10
    for number in range(pairs):
        first = Browser(live_server.url)
        email = f"respondent{number}@example.org"
        key = _fill_in_through_the_pages(first, consultation, email)
        # The same browser, two tabs (or a double click): the same session and the same form.
        second = Browser(live_server.url, cookies=dict(first.cookies))
        second.csrf = first.csrf
        gate = threading.Barrier(2)

        def send(browser: Browser, key: str = key, gate: threading.Barrier = gate) -> str:
            gate.wait()
            answer = browser.post(
                url("respond_check", consultation), {"submission_key": key, "website": ""}
            )
            assert answer.status == 302, answer.body[:2000]
            return answer.headers["location"]

        with ThreadPoolExecutor(2) as pool:
            locations = list(pool.map(send, [first, second]))
        assert locations[0] == locations[1] and DONE.search(locations[0])
        # Both tabs show the same confirmation, with the one reference.
        reference = DONE.search(locations[0]).group(1)
        for browser in (first, second):
            page = browser.get(locations[0])
            assert page.status == 200 and reference in page.body
            browser.close()
        assert Response.objects.filter(submission_key=key).count() == 1
        assert Response.objects.get(submission_key=key).status == Response.Status.SUBMITTED
        assert [m.to for m in mail.outbox].count([email]) == 1, "one receipt, not two"
    assert Response.objects.filter(status=Response.Status.SUBMITTED).count() == pairs
    FIGURES["double submits"] = (
        f"{pairs} forms filled in through the pages, each submitted twice at the same moment: "
        f"{pairs} responses, each pair redirected to the same confirmation, one receipt each"
    )
