"""Consultations in a real browser: a business finds a consultation and responds to it (with a
mistake, save and return, and a double submit), a registered respondent changes and withdraws
their response, a closed consultation refuses answers, staff set one up with its questions, and
the whole form works without JavaScript. Every page on the way is checked with axe."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from consultations import services
from consultations.models import Consultation, Question, Response
from strategies import services as strategy_services
from strategies.models import Strategy
from tests.browser.conftest import PageProbe, assert_accessible, sign_in
from tests.consultations.conftest import make_consultation
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

REFERENCE = re.compile(r"CW-\d{4}-\d{6}")
FREE_TEXT = "What should we change?"
ANSWER = "More apprenticeships, please."


@pytest.fixture(autouse=True)
def quick_respondents(settings: Any) -> None:
    # The live server thread reads the same settings; no rate limit left over from other tests.
    settings.CONSULTATION_MIN_SECONDS_ON_PAGE = 0
    cache.clear()


@pytest.fixture
def new_page(browser: Any, live_server: Any) -> Iterator[Any]:
    """Pages in fresh browser contexts (another person, or no JavaScript), closed after."""
    contexts: list[Any] = []

    def make(**options: Any) -> Any:
        context = browser.new_context(base_url=live_server.url, **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.probe = PageProbe(page)
        return page

    yield make
    for context in contexts:
        context.close()


def drafted_strategy(organisation: Any, author: Any) -> Strategy:
    strategy = strategy_services.strategy_create(
        organisation=organisation, title="Local Industrial Strategy", author=author
    )
    for section in strategy.sections.all()[:3]:
        strategy_services.section_revise(
            section=section,
            title=section.title,
            body=f"What we plan for **{section.title}**.",
            author=author,
            base_revision=None,
        )
    return strategy


@pytest.fixture
def consultation(cast: Any) -> Consultation:
    """Four questions over four pages: single (section 1), multiple with Other, scale
    (section 2) and free text of up to 1,000 characters."""
    strategy = drafted_strategy(cast.organisation, cast.editor)
    version = strategy_services.version_create(
        strategy=strategy, label="Draft for consultation", author=cast.editor
    )
    consultation = make_consultation(strategy, version, cast.editor)
    sections = list(version.sections.order_by("position"))
    services.question_save(
        consultation=consultation,
        kind=Question.Kind.SINGLE,
        text="Do you support our vision?",
        options=["Yes", "No", "Not sure"],
        required=True,
        section_id=sections[0].pk,
    )
    services.question_save(
        consultation=consultation,
        kind=Question.Kind.MULTIPLE,
        text="What would help your business grow?",
        options=["Skills", "Premises", "Finance", "Digital", "Exporting"],
        allow_other=True,
    )
    services.question_save(
        consultation=consultation,
        kind=Question.Kind.SCALE,
        text="Our priorities are the right ones.",
        section_id=sections[1].pk,
    )
    services.question_save(
        consultation=consultation,
        kind=Question.Kind.FREE_TEXT,
        text=FREE_TEXT,
        hint="Tell us in your own words.",
        max_length=1000,
    )
    return consultation


def heading(page: Any) -> Any:
    return page.get_by_role("heading", level=1)


def error_summary(page: Any) -> Any:
    return page.locator(".govuk-error-summary")


def continue_(page: Any) -> None:
    page.get_by_role("button", name="Continue").click()


def about_you_as_a_business(page: Any) -> None:
    expect(heading(page)).to_have_text("About you")
    page.get_by_label("On behalf of an organisation").check()
    page.get_by_label("Name of your organisation").fill("Crewe Widgets Ltd")
    page.get_by_label("Business", exact=True).check()
    page.get_by_label("Small (10 to 49 people)").check()
    page.get_by_label("Main sector").select_option(label="C: Manufacturing")
    page.get_by_label("Where are you based?").fill("CW1 2AB")
    page.get_by_label("Publish my response anonymously").check()
    page.get_by_label("E-mail address (optional)").fill("owner@crewe.example")


def answer_the_first_three_pages(page: Any) -> None:
    expect(page.get_by_text("Questions 1 of 4")).to_be_visible()
    page.get_by_label("Yes", exact=True).check()
    continue_(page)
    expect(page.get_by_text("Questions 2 of 4")).to_be_visible()
    page.get_by_label("Skills").check()
    page.get_by_label("Other, please specify").check()
    page.get_by_label("Your other answer").fill("Broadband")
    continue_(page)
    expect(page.get_by_text("Questions 3 of 4")).to_be_visible()
    page.get_by_label("Agree", exact=True).check()
    continue_(page)
    expect(page.get_by_text("Questions 4 of 4")).to_be_visible()


def submitted() -> Any:
    return Response.objects.filter(status=Response.Status.SUBMITTED)


def test_a_business_finds_the_consultation_and_responds(
    page: Any, new_page: Any, cast: Any, consultation: Consultation
) -> None:
    from django.core import mail

    # Another partnership's consultation, for the filter to leave out.
    tees = drafted_strategy(cast.other_organisation, cast.other_member)
    tees_version = strategy_services.version_create(
        strategy=tees, label="Draft", author=cast.other_member
    )
    make_consultation(tees, tees_version, cast.other_member, title="Tees Valley consultation")

    page.goto("/consultations/")
    expect(heading(page)).to_have_text("Consultations")
    expect(page.get_by_role("link", name="Tees Valley consultation")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Local Enterprise Partnership").select_option(label="Cheshire and Warrington")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"lep=cheshire"))
    expect(page.get_by_role("link", name="Tees Valley consultation")).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("link", name=consultation.title).click()
    expect(heading(page)).to_have_text(consultation.title)
    expect(page.get_by_text("This consultation is open.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Respond online").click()
    about_you_as_a_business(page)
    assert_accessible(page)
    continue_(page)
    answer_the_first_three_pages(page)

    # A mistake: an answer over the limit. The error is explained and nothing typed is lost.
    too_long = "We need more apprenticeships for small firms in Crewe. " * 20
    answer = page.get_by_label(FREE_TEXT)
    answer.fill(too_long)
    expect(page.locator(".govuk-character-count__status")).to_have_text(
        "You have 100 characters too many"
    )
    continue_(page)
    expect(error_summary(page)).to_contain_text("There is a problem")
    expect(error_summary(page)).to_contain_text("Your answer must be 1,000 characters or fewer")
    assert page.title().startswith("Error:")
    expect(page.get_by_label(FREE_TEXT)).to_have_value(too_long)
    assert_accessible(page)
    error_summary(page).get_by_role("link").click()
    expect(page.get_by_label(FREE_TEXT)).to_be_focused()

    page.get_by_label(FREE_TEXT).fill(ANSWER)
    page.get_by_role("button", name="Save and come back later").click()
    expect(heading(page)).to_have_text("Save your answers and come back later")
    email = page.get_by_label("E-mail address")
    expect(email).to_have_value("owner@crewe.example")
    assert_accessible(page)
    email.fill("owner@crewe.example")
    page.get_by_role("button", name="Send me a link").click()
    expect(heading(page)).to_have_text("Your answers are saved")
    assert_accessible(page)

    message = mail.outbox[-1]
    assert message.to == ["owner@crewe.example"]
    link = re.search(r"https?://\S+/resume/\S+/", message.body).group(0)

    # Later, in another browser: everything comes back.
    later = new_page()
    later.goto(link)
    expect(later.get_by_text("Welcome back. Your answers so far are below.")).to_be_visible()
    expect(later.get_by_label("Name of your organisation")).to_have_value("Crewe Widgets Ltd")
    expect(later.get_by_label("Where are you based?")).to_have_value("CW1")
    expect(later.get_by_label("Small (10 to 49 people)")).to_be_checked()
    continue_(later)
    expect(later.get_by_label("Yes", exact=True)).to_be_checked()
    continue_(later)
    expect(later.get_by_label("Skills")).to_be_checked()
    expect(later.get_by_label("Other, please specify")).to_be_checked()
    expect(later.get_by_label("Your other answer")).to_have_value("Broadband")
    continue_(later)
    expect(later.get_by_label("Agree", exact=True)).to_be_checked()
    continue_(later)
    expect(later.get_by_label(FREE_TEXT)).to_have_value(ANSWER)
    continue_(later)

    expect(heading(later)).to_have_text("Check your answers before submitting your response")
    location = later.locator(".govuk-summary-list__row").filter(has_text="Location")
    expect(location.locator(".govuk-summary-list__value")).to_have_text("CW1")
    expect(later.get_by_text("CW1 2AB")).to_have_count(0)
    expect(later.locator("main")).to_contain_text("Other: Broadband")
    expect(later.locator("main")).to_contain_text(ANSWER)
    assert_accessible(later)

    key = later.locator("input[name=submission_key]").input_value()
    token = later.locator("input[name=csrfmiddlewaretoken]").input_value()
    check_url = later.url
    later.get_by_role("button", name="Submit your response").dblclick()
    expect(heading(later)).to_have_text("Response submitted")
    panel = later.locator(".govuk-panel--confirmation")
    expect(panel).to_contain_text(REFERENCE)
    reference = REFERENCE.search(panel.inner_text()).group(0)
    assert_accessible(later)

    # The same form sent again (a resubmit after going back) gets the same confirmation.
    again = later.context.request.post(
        check_url,
        form={"csrfmiddlewaretoken": token, "submission_key": key},
        headers={"Referer": check_url},
        max_redirects=0,
    )
    assert again.status == 302
    assert again.headers["location"].endswith(f"/done/{reference}/")
    # Going back does not offer to submit the response again.
    later.go_back()
    expect(heading(later)).not_to_have_text("Response submitted")
    expect(later.get_by_role("button", name="Submit your response")).to_have_count(0)

    assert submitted().count() == 1
    response = submitted().get()
    assert response.reference == reference
    assert response.location == "CW1"
    receipts = [m for m in mail.outbox if reference in m.subject]
    assert len(receipts) == 1
    assert receipts[0].to == ["owner@crewe.example"]
    assert reference in receipts[0].body
    assert ANSWER in receipts[0].body


def test_registered_respondent_changes_and_withdraws_their_response(
    page: Any, cast: Any, consultation: Consultation
) -> None:
    sign_in(page, cast.respondent.email, TEST_PASSWORD)
    page.goto(consultation.get_absolute_url())
    page.get_by_role("button", name="Respond online").click()
    expect(heading(page)).to_have_text("About you")
    expect(page.get_by_label("E-mail address (optional)")).to_have_value(cast.respondent.email)
    page.get_by_label("As an individual").check()
    page.get_by_label("Where are you based?").fill("Warrington")
    page.get_by_label("Do not publish my response").check()
    continue_(page)
    answer_the_first_three_pages(page)
    page.get_by_label(FREE_TEXT).fill(ANSWER)
    continue_(page)
    page.get_by_role("button", name="Submit your response").click()
    expect(heading(page)).to_have_text("Response submitted")
    reference = submitted().get(respondent=cast.respondent).reference

    page.get_by_role("link", name="See, change or withdraw your response").click()
    expect(heading(page)).to_have_text(f"Your response {reference}")
    expect(page.locator("main")).to_contain_text(ANSWER)
    assert_accessible(page)

    page.get_by_role("link", name=f"Change your answer to “{FREE_TEXT}”").click()
    expect(page.get_by_label(FREE_TEXT)).to_have_value(ANSWER)
    page.get_by_label(FREE_TEXT).fill("Changed my mind: more premises.")
    continue_(page)
    expect(page.get_by_text(f"Your reference is {reference}")).to_be_visible()
    page.get_by_role("link", name="Back to your response").click()
    expect(page.locator("main")).to_contain_text("Changed my mind: more premises.")
    expect(page.locator("main")).not_to_contain_text(ANSWER)

    page.get_by_role("button", name="Withdraw my response").click()
    expect(heading(page)).to_have_text("Are you sure you want to withdraw your response?")
    assert_accessible(page)
    page.get_by_role("link", name="No, keep my response").click()
    expect(heading(page)).to_have_text(f"Your response {reference}")
    assert submitted().filter(respondent=cast.respondent).exists(), "not withdrawn yet"
    page.get_by_role("button", name="Withdraw my response").click()
    page.get_by_role("button", name="Yes, withdraw my response").click()
    expect(page.get_by_text(f"Your response {reference} has been withdrawn.")).to_be_visible()
    expect(page.get_by_text("You withdrew this response on")).to_be_visible()
    expect(page.get_by_role("button", name="Withdraw my response")).to_have_count(0)
    assert_accessible(page)

    assert Response.objects.count() == 1
    response = Response.objects.get()
    assert response.status == Response.Status.WITHDRAWN
    assert response.answers.get(question__kind=Question.Kind.FREE_TEXT).text == (
        "Changed my mind: more premises."
    )


def test_closed_consultation_says_so_and_accepts_nothing(
    page: Any, consultation: Consultation
) -> None:
    now = timezone.now()
    Consultation.objects.filter(pk=consultation.pk).update(
        opens_at=now - timedelta(days=30), closes_at=now - timedelta(days=2)
    )
    closed_on = timezone.localtime(now - timedelta(days=2)).strftime("%-d %B %Y")

    page.goto(consultation.get_absolute_url())
    expect(page.get_by_text(f"This consultation closed on {closed_on}.")).to_be_visible()
    expect(page.get_by_role("button", name="Respond online")).to_have_count(0)
    assert_accessible(page)

    for path in ("respond/", "respond/about-you/", "respond/questions/1/"):
        answer = page.goto(f"{consultation.get_absolute_url()}{path}")
        assert answer.status == 409, path
        expect(heading(page)).to_contain_text(f"This consultation closed on {closed_on}")
        expect(page.get_by_text("Nothing has been saved.")).to_be_visible()
        expect(page.locator("form textarea, form input[type=radio]")).to_have_count(0)
    assert_accessible(page)
    assert not Response.objects.exists()


SUMMARY_TOO_LONG = " ".join(["Tell us what you think of our draft strategy."] * 15)


def test_staff_set_up_a_consultation_and_its_questions(page: Any, new_page: Any, cast: Any) -> None:
    strategy = drafted_strategy(cast.organisation, cast.editor)
    strategy_services.version_create(
        strategy=strategy, label="Draft for consultation", author=cast.editor
    )
    sign_in(page, cast.editor.email, TEST_PASSWORD)
    page.goto(strategy.get_draft_url())
    page.get_by_role("link", name="Open a version of this strategy to consultation").click()
    expect(heading(page)).to_have_text(f"Open {strategy.title} to consultation")
    assert_accessible(page)

    today = timezone.localdate()
    opens, closes = today - timedelta(days=1), today + timedelta(days=42)
    page.get_by_label("Title").fill("Have your say on our draft strategy")
    page.get_by_label("Summary").fill(SUMMARY_TOO_LONG)
    summary_count = page.locator(".govuk-character-count__status")
    expect(summary_count).to_have_text("You have 35 words too many")
    page.get_by_label("Version of the strategy consulted on").select_option(
        label="Version 1: Draft for consultation"
    )
    for name, day in (("Opens on", opens), ("Closes on", closes)):
        group = page.get_by_role("group", name=name)
        group.get_by_label("Day").fill(str(day.day))
        group.get_by_label("Month").fill(str(day.month))
        group.get_by_label("Year").fill(str(day.year))
    page.get_by_label("Opening time").fill("09:00")
    page.get_by_label("Closing time").fill("23:59")
    page.get_by_label("Accept responses from people who have not signed in").check()
    page.get_by_role("button", name="Save consultation").click()

    expect(error_summary(page)).to_contain_text("The summary must be 100 words or fewer")
    assert page.title().startswith("Error:")
    expect(page.get_by_label("Summary")).to_have_value(SUMMARY_TOO_LONG)
    expect(summary_count).to_have_text("You have 35 words too many")
    expect(page.get_by_label("Title")).to_have_value("Have your say on our draft strategy")
    expect(page.get_by_role("group", name="Closes on").get_by_label("Year")).to_have_value(
        str(closes.year)
    )
    assert_accessible(page)
    page.get_by_label("Summary").fill("Tell us what you think of our draft strategy.")
    page.get_by_role("button", name="Save consultation").click()

    expect(heading(page)).to_have_text("Questions")
    expect(page.get_by_text("The consultation has been created.")).to_be_visible()
    assert_accessible(page)
    consultation = Consultation.objects.get()
    assert consultation.is_open
    assert timezone.localtime(consultation.closes_at).strftime("%H:%M") == "23:59"

    def add(kind: str, text: str, **extra: Any) -> None:
        page.get_by_label(kind, exact=True).check()
        page.get_by_label("Question", exact=True).fill(text)
        if "options" in extra:
            page.get_by_label("Options").fill("\n".join(extra["options"]))
        if extra.get("other"):
            page.get_by_label("Add “Other, please specify”").check()
        if "limit" in extra:
            page.get_by_label("Character limit").fill(str(extra["limit"]))
        if extra.get("required"):
            page.get_by_label("An answer is required").check()
        page.get_by_role("button", name="Save question").click()
        expect(page.get_by_text("The question has been added.")).to_be_visible()

    expect(page.get_by_label("Character limit")).to_have_class(re.compile(r"\bgovuk-input\b"))
    add("Single choice", "Do you support our vision?", options=["Yes", "No"], required=True)
    add("Multiple choice", "What would help you grow?", options=["Skills", "Premises"], other=True)
    add("Free text", FREE_TEXT, limit=1000)
    add("Agree–disagree scale", "Our priorities are the right ones.")
    rows = page.locator("tbody tr th")
    expect(rows).to_have_count(4)
    expect(rows.nth(1)).to_contain_text("Skills; Premises; Other")
    expect(page.get_by_role("cell", name="Free text (1000 characters)")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Move up question 4").click()
    expect(rows.nth(2)).to_contain_text("3. Our priorities are the right ones.")
    expect(rows.nth(3)).to_contain_text(f"4. {FREE_TEXT}")
    assert list(consultation.questions.values_list("kind", flat=True)) == [
        "single",
        "multiple",
        "scale",
        "free-text",
    ]

    page.get_by_role("link", name="Change question 4").click()
    expect(heading(page)).to_have_text("Change question 4")
    expect(page.get_by_label("Question", exact=True)).to_have_value(FREE_TEXT)
    expect(page.get_by_label("Character limit")).to_have_value("1000")
    assert_accessible(page)
    page.get_by_role("button", name="Delete this question").click()
    expect(heading(page)).to_have_text("Are you sure you want to delete question 4?")
    assert_accessible(page)
    page.get_by_role("link", name="No, keep it").click()
    expect(heading(page)).to_have_text("Change question 4")
    page.get_by_role("link", name="Cancel").click()

    page.get_by_role("link", name="Preview the questions as respondents will see them").click()
    expect(heading(page)).to_have_text("Preview of the questions")
    expect(page.get_by_label(FREE_TEXT)).to_be_visible()
    assert_accessible(page)

    # What a respondent sees: GOV.UK Frontend's character count under the free-text question.
    visitor = new_page()
    visitor.goto(consultation.get_absolute_url())
    visitor.get_by_role("button", name="Respond online").click()
    visitor.get_by_label("As an individual").check()
    visitor.get_by_label("Do not publish my response").check()
    continue_(visitor)
    expect(visitor.get_by_label(FREE_TEXT)).to_be_visible()
    count = visitor.locator(".govuk-character-count__status")
    expect(count).to_have_text("You have 1,000 characters remaining")
    visitor.get_by_label(FREE_TEXT).press_sequentially("Skills")
    expect(count).to_have_text("You have 994 characters remaining")
    assert_accessible(visitor)


def test_a_respondent_completes_the_form_without_javascript(
    new_page: Any, consultation: Consultation
) -> None:
    from django.core import mail

    page = new_page(java_script_enabled=False)
    page.goto(consultation.get_absolute_url())
    page.get_by_role("button", name="Respond online").click()
    about_you_as_a_business(page)
    continue_(page)
    answer_the_first_three_pages(page)
    expect(page.get_by_text("You can enter up to 1000 characters")).to_be_visible()
    page.get_by_label(FREE_TEXT).fill(ANSWER)
    continue_(page)
    expect(heading(page)).to_have_text("Check your answers before submitting your response")
    page.get_by_role("button", name="Submit your response").click()
    expect(heading(page)).to_have_text("Response submitted")
    expect(page.locator(".govuk-panel--confirmation")).to_contain_text(REFERENCE)
    assert page.probe.console_errors == []

    response = submitted().get()
    assert response.answers.get(question__kind=Question.Kind.FREE_TEXT).text == ANSWER
    assert response.answers.filter(question__kind=Question.Kind.MULTIPLE).count() == 2
    assert len([m for m in mail.outbox if response.reference in m.subject]) == 1


def test_deleting_a_question_asks_first_and_works_without_javascript(
    new_page: Any, cast: Any, consultation: Consultation
) -> None:
    page = new_page(java_script_enabled=False)
    sign_in(page, cast.editor.email, TEST_PASSWORD)
    question = consultation.questions.get(kind=Question.Kind.SCALE)
    page.goto(
        reverse(
            "consultations:question_edit", kwargs={"slug": consultation.slug, "pk": question.pk}
        )
    )
    page.get_by_role("button", name="Delete this question").click()
    expect(heading(page)).to_have_text(
        f"Are you sure you want to delete question {question.position}?"
    )
    expect(page.locator(".govuk-warning-text")).to_contain_text("You cannot undo this.")
    assert consultation.questions.filter(pk=question.pk).exists()
    page.get_by_role("button", name="Yes, delete this question").click()
    expect(page.get_by_text("The question has been deleted.")).to_be_visible()
    assert not consultation.questions.filter(pk=question.pk).exists()
    assert page.probe.console_errors == []
