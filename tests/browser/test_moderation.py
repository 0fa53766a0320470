"""Section comments and moderation in a real browser: a respondent comments on a section, the
partnership's moderator approves it from the queue and rejects another with a reason, and the
public page shows only the approved one. Every page on the way is checked with axe."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from consultations import moderation
from consultations.models import Comment, Consultation, ModerationLog
from strategies import services as strategy_services
from tests.browser.conftest import assert_accessible, sign_in
from tests.consultations.conftest import make_consultation
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def consultation(cast: Any) -> Any:
    strategy = strategy_services.strategy_create(
        organisation=cast.organisation, title="Local Industrial Strategy", author=cast.editor
    )
    for section in strategy.sections.all()[:2]:
        strategy_services.section_revise(
            section=section,
            title=section.title,
            body=f"## Our aim\n\nWhat we plan for **{section.title}**.",
            author=cast.editor,
            base_revision=None,
        )
    version = strategy_services.version_create(
        strategy=strategy, label="Draft for consultation", author=cast.editor
    )
    return make_consultation(strategy, version, cast.editor)


def sign_out(page: Any) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"^https?://[^/]+/$"))


def test_comment_is_moderated_from_the_queue_and_only_the_approved_one_is_public(
    page: Any, cast: Any, consultation: Any
) -> None:
    section = consultation.version.sections.order_by("position").first()
    spam = moderation.comment_post(
        consultation=consultation,
        section=section,
        author=cast.viewer,
        body="Buy cheap office chairs from our shop today.",
    )
    strategy_path = f"/consultations/{consultation.slug}/strategy/"

    # A respondent reads the draft and comments on its first section.
    sign_in(page, cast.respondent.email, TEST_PASSWORD)
    page.goto(strategy_path)
    expect(page.get_by_role("heading", level=2, name=section.title)).to_be_visible()
    assert_accessible(page)
    page.locator(f"#{section.anchor} ~ .portal-comments summary").click()
    page.locator(f"#comment-on-{section.anchor}").fill(
        "Please add more about apprenticeships for small firms."
    )
    page.locator(f"#{section.anchor} ~ .portal-comments").get_by_role(
        "button", name="Post comment"
    ).click()
    expect(page.get_by_text("once a moderator has approved it")).to_be_visible()
    expect(page.get_by_text("Only you can see this comment")).to_be_visible()
    assert_accessible(page)
    mine = Comment.objects.get(author=cast.respondent)
    assert mine.state == Comment.State.PENDING
    sign_out(page)

    # The partnership's moderator approves it from the queue with the bulk form.
    sign_in(page, cast.moderator.email, TEST_PASSWORD)
    page.goto("/consultations/moderation/")
    expect(page.get_by_role("heading", level=1, name="Moderation queue")).to_be_visible()
    assert_accessible(page)
    page.get_by_label(f"Select comment {mine.pk}", exact=True).check()
    page.get_by_label("Approve", exact=True).check()
    page.get_by_role("button", name="Apply to the selected comments").click()
    expect(page.get_by_text("1 comment approved.")).to_be_visible()
    assert_accessible(page)

    # ...and rejects the other with a reason, from the comment's own page.
    page.get_by_role("link", name=f"Comment {spam.pk}", exact=True).click()
    expect(page.get_by_role("heading", level=1, name=f"Comment {spam.pk}")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Reject").click()  # without the reason first
    expect(page.locator(".govuk-error-summary")).to_contain_text("Give a reason")
    assert page.title().startswith("Error:")
    assert_accessible(page)
    page.get_by_label("Reason for rejecting").fill("Advertising is not allowed.")
    page.get_by_role("button", name="Reject").click()
    expect(page.get_by_text(f"Comment {spam.pk} rejected.")).to_be_visible()
    spam.refresh_from_db()
    assert spam.state == Comment.State.REJECTED
    assert ModerationLog.objects.filter(comment=spam, moderator=cast.moderator).exists()
    sign_out(page)

    # The public sees the approved comment and not the rejected one.
    page.goto(strategy_path)
    expect(
        page.get_by_text("Please add more about apprenticeships for small firms.")
    ).to_be_visible()
    assert page.get_by_text("office chairs").count() == 0
    assert_accessible(page)

    # A site administrator reads the audit log.
    sign_in(page, cast.admin.email, TEST_PASSWORD)
    page.goto("/consultations/moderation/log/")
    expect(page.get_by_role("cell", name="Advertising is not allowed.")).to_be_visible()
    assert_accessible(page)


def test_closed_consultation_page_has_no_forms_and_no_violations(
    page: Any, cast: Any, consultation: Any
) -> None:
    now = timezone.now()
    Consultation.objects.filter(pk=consultation.pk).update(
        opens_at=now - timedelta(days=30), closes_at=now - timedelta(hours=1)
    )
    sign_in(page, cast.respondent.email, TEST_PASSWORD)
    page.goto(f"/consultations/{consultation.slug}/strategy/")
    expect(page.get_by_text("This consultation closed on")).to_be_visible()
    assert page.locator("textarea").count() == 0
    assert_accessible(page)


def test_reply_report_change_and_delete_pages_have_no_violations(
    page: Any, cast: Any, consultation: Any, settings: Any
) -> None:
    settings.COMMENT_SPAM_MIN_SECONDS_BETWEEN = 0
    section = consultation.version.sections.order_by("position").first()
    published = moderation.comment_post(
        consultation=consultation, section=section, author=cast.viewer, body="Buses first."
    )
    moderation.comment_moderate(comment=published, moderator=cast.moderator, action="approve")
    mine = moderation.comment_post(
        consultation=consultation, section=section, author=cast.respondent, body="Trains too."
    )
    base = f"/consultations/{consultation.slug}/strategy"
    sign_in(page, cast.respondent.email, TEST_PASSWORD)

    page.goto(f"{base}/comments/{published.pk}/reply/")
    page.get_by_label("Your comment").fill("x" * 5_001)
    page.get_by_role("button", name="Post reply").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("5,000 characters or fewer")
    assert_accessible(page)

    page.goto(f"{base}/comments/{published.pk}/report/")
    assert_accessible(page)
    page.get_by_label("Why should a moderator look at this comment?").fill("It is off topic.")
    page.get_by_role("button", name="Report comment").click()
    expect(page.get_by_text("You reported this comment")).to_be_visible()

    page.goto(f"{base}/comments/{mine.pk}/edit/")
    assert_accessible(page)
    page.get_by_label("Your comment").fill("Trains and trams too.")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Trains and trams too.")).to_be_visible()

    page.goto(f"{base}/comments/{mine.pk}/delete/")
    assert_accessible(page)
    page.get_by_role("button", name="Yes, delete my comment").click()
    expect(page.get_by_text("Your comment has been deleted.")).to_be_visible()
    assert not Comment.objects.filter(pk=mine.pk).exists()
