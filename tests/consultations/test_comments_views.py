"""The comment pages and the moderation pages over HTTP: what each role may open, what the
public sees (never hidden or rejected text), refusals when closed, the queue's filters,
pagination and bulk form, and query counts that stay flat as comments grow."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from consultations import moderation
from consultations.models import Comment, CommentReport, Consultation, ModerationLog, ModeratorNote
from strategies import services as strategy_services
from tests.factories import MembershipFactory, UserFactory

from .conftest import make_consultation

pytestmark = pytest.mark.django_db
State = Comment.State

ROLES = [
    "anonymous",
    "respondent",
    "other_member",
    "viewer",
    "editor",
    "lead",
    "moderator",
    "site_moderator",
    "admin",
]


@pytest.fixture(autouse=True)
def unhurried(settings):
    settings.COMMENT_SPAM_MIN_SECONDS_BETWEEN = 0


def login(client, cast, role):
    user = getattr(cast, role)
    if user is not None:
        client.force_login(user)
    return user


def first_section(consultation):
    return consultation.version.sections.order_by("position").first()


def post(consultation, author, body="Skills matter most to us.", *, section=None, parent=None):
    return moderation.comment_post(
        consultation=consultation,
        section=section or (parent.section if parent else first_section(consultation)),
        author=author,
        body=body,
        parent=parent,
    )


def set_state(comment, state, reason=""):
    Comment.objects.filter(pk=comment.pk).update(state=state, moderation_reason=reason)
    comment.refresh_from_db()
    return comment


def close(consultation):
    now = timezone.now()
    Consultation.objects.filter(pk=consultation.pk).update(
        opens_at=now - timedelta(days=40), closes_at=now - timedelta(days=1)
    )
    consultation.refresh_from_db()


def strategy_url(consultation):
    return reverse("consultations:strategy", kwargs={"slug": consultation.slug})


def url(name, consultation, **kwargs):
    return reverse(f"consultations:{name}", kwargs={"slug": consultation.slug, **kwargs})


def other_consultation(cast):
    strategy = strategy_services.strategy_create(
        organisation=cast.other_organisation, title="Tees Valley LIS", author=cast.other_member
    )
    version = strategy_services.version_create(
        strategy=strategy, label="Draft", author=cast.other_member
    )
    return make_consultation(strategy, version, cast.other_member, title="Tees Valley draft")


# The public strategy page ---------------------------------------------------------------------


def test_strategy_page_shows_the_consulted_sections_rendered(client, consultation):
    response = client.get(strategy_url(consultation))
    assert response.status_code == 200
    html = response.content.decode()
    for section in consultation.version.sections.all():
        assert f'id="{section.anchor}"' in html
    first = first_section(consultation)
    assert f'<p class="govuk-body">Text of {first.title}.</p>' in html


def test_public_sees_published_comments_but_never_hidden_or_rejected_text(
    client, consultation, cast
):
    published = set_state(post(consultation, cast.respondent, "PUBLISHED-TEXT"), State.APPROVED)
    post(consultation, cast.respondent, "WAITING-TEXT")
    set_state(post(consultation, cast.respondent, "REJECTED-TEXT"), State.REJECTED, "Rude")
    set_state(post(consultation, cast.respondent, "HIDDEN-TEXT"), State.HIDDEN, "Private data")
    for role in ["anonymous", "viewer", "moderator", "admin"]:
        client.logout()
        login(client, cast, role)
        html = client.get(strategy_url(consultation)).content.decode()
        assert "PUBLISHED-TEXT" in html
        assert f'id="comment-{published.pk}"' in html
        for secret in ["WAITING-TEXT", "REJECTED-TEXT", "HIDDEN-TEXT", "Private data"]:
            assert secret not in html, (role, secret)


def test_author_sees_own_waiting_and_rejected_comments_with_state_and_reason(
    client, consultation, cast
):
    post(consultation, cast.respondent, "WAITING-TEXT")
    set_state(
        post(consultation, cast.respondent, "REJECTED-TEXT"),
        State.REJECTED,
        "Names a private individual",
    )
    client.force_login(cast.respondent)
    html = client.get(strategy_url(consultation)).content.decode()
    assert "WAITING-TEXT" in html and "Waiting for moderation" in html
    assert "REJECTED-TEXT" in html and "Rejected" in html
    assert "Names a private individual" in html


def test_replies_to_hidden_comments_are_not_shown(client, consultation, cast):
    parent = set_state(post(consultation, cast.respondent, "PARENT"), State.APPROVED)
    set_state(post(consultation, cast.viewer, "THE-REPLY", parent=parent), State.APPROVED)
    assert "THE-REPLY" in client.get(strategy_url(consultation)).content.decode()
    set_state(parent, State.HIDDEN, "Abuse")
    html = client.get(strategy_url(consultation)).content.decode()
    assert "PARENT" not in html and "THE-REPLY" not in html


def test_comment_text_is_inert_and_keeps_its_line_breaks(client, consultation, cast):
    set_state(
        post(consultation, cast.respondent, '<script>alert("x")</script>\nSecond <b>line</b>'),
        State.APPROVED,
    )
    html = client.get(strategy_url(consultation)).content.decode()
    assert "<script>alert" not in html
    assert (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<br>Second &lt;b&gt;line&lt;/b&gt;"
        in html
    )


def test_upcoming_consultation_strategy_page_is_for_staff_only(client, strategy, version, cast):
    now = timezone.now()
    upcoming = make_consultation(
        strategy,
        version,
        cast.editor,
        title="Upcoming one",
        opens_at=now + timedelta(days=2),
        closes_at=now + timedelta(days=30),
    )
    assert client.get(strategy_url(upcoming)).status_code == 404
    client.force_login(cast.viewer)
    response = client.get(strategy_url(upcoming))
    assert response.status_code == 200
    assert "This consultation opens on" in response.content.decode()


def test_signed_in_visitor_gets_a_comment_form_per_section_and_anonymous_a_sign_in_link(
    client, consultation, cast
):
    section = first_section(consultation)
    action = url("comment_create", consultation, section_pk=section.pk)
    html = client.get(strategy_url(consultation)).content.decode()
    assert action not in html and "Sign in" in html
    client.force_login(cast.respondent)
    html = client.get(strategy_url(consultation)).content.decode()
    assert f'action="{action}"' in html


# Writing comments -------------------------------------------------------------------------------


def test_posting_under_pre_moderation_thanks_and_waits(client, consultation, cast):
    client.force_login(cast.respondent)
    section = first_section(consultation)
    response = client.post(
        url("comment_create", consultation, section_pk=section.pk),
        {"body": "More apprenticeships, please."},
        follow=True,
    )
    comment = Comment.objects.get()
    assert comment.state == State.PENDING and comment.author == cast.respondent
    assert comment.section == section
    html = response.content.decode()
    assert "once a moderator has approved it" in html
    client.logout()
    assert "More apprenticeships" not in client.get(strategy_url(consultation)).content.decode()


def test_posting_under_post_moderation_publishes_at_once(client, consultation, cast):
    consultation.moderation = Consultation.Moderation.POST
    consultation.save()
    client.force_login(cast.respondent)
    client.post(
        url("comment_create", consultation, section_pk=first_section(consultation).pk),
        {"body": "More apprenticeships, please."},
    )
    client.logout()
    assert "More apprenticeships" in client.get(strategy_url(consultation)).content.decode()


def test_overlong_comment_is_refused_with_a_clear_message(client, consultation, cast):
    client.force_login(cast.respondent)
    response = client.post(
        url("comment_create", consultation, section_pk=first_section(consultation).pk),
        {"body": "x" * 5_001},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "Your comment must be 5,000 characters or fewer (it has 5001)" in html
    assert not Comment.objects.exists()


def test_anonymous_visitor_is_sent_to_sign_in_to_comment(client, consultation):
    response = client.post(
        url("comment_create", consultation, section_pk=first_section(consultation).pk),
        {"body": "Hello"},
    )
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
    assert not Comment.objects.exists()


def test_section_from_another_version_is_not_found(client, consultation, cast, strategy):
    later = strategy_services.version_create(strategy=strategy, label="Later", author=cast.editor)
    client.force_login(cast.respondent)
    response = client.post(
        url("comment_create", consultation, section_pk=later.sections.first().pk),
        {"body": "Hello"},
    )
    assert response.status_code == 404


def test_reply_is_posted_under_its_comment(client, consultation, cast):
    parent = set_state(post(consultation, cast.respondent, "Parent"), State.APPROVED)
    client.force_login(cast.viewer)
    client.post(url("comment_reply", consultation, pk=parent.pk), {"body": "A reply"})
    reply = Comment.objects.get(parent=parent)
    assert reply.author == cast.viewer and reply.section == parent.section


def test_reply_to_a_reply_is_refused_on_the_page(client, consultation, cast):
    parent = set_state(post(consultation, cast.respondent, "Parent"), State.APPROVED)
    reply = set_state(post(consultation, cast.viewer, "Reply", parent=parent), State.APPROVED)
    client.force_login(cast.editor)
    page = client.get(url("comment_reply", consultation, pk=reply.pk)).content.decode()
    assert "not to a reply" in page and 'name="body"' not in page
    response = client.post(url("comment_reply", consultation, pk=reply.pk), {"body": "Deeper"})
    assert response.status_code == 400
    assert "not to a reply" in response.content.decode()
    assert Comment.objects.count() == 2


def test_replying_to_an_unpublished_comment_is_not_found(client, consultation, cast):
    waiting = post(consultation, cast.respondent, "Waiting")
    client.force_login(cast.viewer)
    assert client.get(url("comment_reply", consultation, pk=waiting.pk)).status_code == 404


def test_author_changes_and_deletes_own_waiting_comment(client, consultation, cast):
    comment = post(consultation, cast.respondent, "Frist")
    client.force_login(cast.respondent)
    assert client.get(url("comment_edit", consultation, pk=comment.pk)).status_code == 200
    client.post(url("comment_edit", consultation, pk=comment.pk), {"body": "First"})
    comment.refresh_from_db()
    assert comment.body == "First"
    response = client.post(url("comment_delete", consultation, pk=comment.pk))
    assert response.status_code == 302
    assert not Comment.objects.filter(pk=comment.pk).exists()


@pytest.mark.parametrize("name", ["comment_edit", "comment_delete"])
def test_someone_elses_comment_cannot_be_changed_or_deleted(client, consultation, cast, name):
    comment = post(consultation, cast.respondent, "Mine")
    client.force_login(cast.moderator)
    assert client.get(url(name, consultation, pk=comment.pk)).status_code == 404
    assert client.post(url(name, consultation, pk=comment.pk), {"body": "X"}).status_code == 404
    comment.refresh_from_db()
    assert comment.body == "Mine"


def test_published_comment_cannot_be_changed_by_its_author(client, consultation, cast):
    comment = set_state(post(consultation, cast.respondent, "Mine"), State.APPROVED)
    client.force_login(cast.respondent)
    response = client.post(url("comment_edit", consultation, pk=comment.pk), {"body": "Changed"})
    assert response.status_code == 409
    assert "while it is waiting for moderation" in response.content.decode()
    comment.refresh_from_db()
    assert comment.body == "Mine"


def test_reporting_a_comment_once(client, consultation, cast):
    comment = set_state(post(consultation, cast.respondent, "Rude words"), State.APPROVED)
    client.force_login(cast.viewer)
    report_url = url("comment_report", consultation, pk=comment.pk)
    response = client.post(report_url, {"reason": "It is abusive."}, follow=True)
    assert "A moderator will look at the comment" in response.content.decode()
    assert "You reported this comment" in response.content.decode()
    again = client.post(report_url, {"reason": "Still abusive."})
    assert again.status_code == 409
    assert "already reported" in again.content.decode()
    comment.refresh_from_db()
    assert comment.report_count == 1
    assert comment.state == State.APPROVED


def test_report_without_a_reason_shows_an_error(client, consultation, cast):
    comment = set_state(post(consultation, cast.respondent, "Rude words"), State.APPROVED)
    client.force_login(cast.viewer)
    response = client.post(url("comment_report", consultation, pk=comment.pk), {"reason": ""})
    assert response.status_code == 400
    assert "Say why you are reporting this comment" in response.content.decode()
    assert not CommentReport.objects.exists()


# A closed consultation ------------------------------------------------------------------------


def test_closed_consultation_page_shows_the_message_instead_of_forms(client, consultation, cast):
    set_state(post(consultation, cast.respondent, "Published"), State.APPROVED)
    close(consultation)
    client.force_login(cast.viewer)
    html = client.get(strategy_url(consultation)).content.decode()
    assert "This consultation closed on" in html
    assert 'name="body"' not in html
    assert "Reply" not in html and "Report" not in html
    assert "Published" in html


@pytest.mark.parametrize("write", ["comment", "reply", "edit", "delete", "report"])
def test_closed_consultation_refuses_every_write_over_http(client, consultation, cast, write):
    parent = set_state(post(consultation, cast.lead, "Published"), State.APPROVED)
    pending = post(consultation, cast.respondent, "Waiting")
    close(consultation)
    targets = {
        "comment": (
            url("comment_create", consultation, section_pk=parent.section_id),
            {"body": "Late"},
            cast.viewer,
        ),
        "reply": (url("comment_reply", consultation, pk=parent.pk), {"body": "Late"}, cast.viewer),
        "edit": (
            url("comment_edit", consultation, pk=pending.pk),
            {"body": "Late"},
            cast.respondent,
        ),
        "delete": (url("comment_delete", consultation, pk=pending.pk), {}, cast.respondent),
        "report": (
            url("comment_report", consultation, pk=parent.pk),
            {"reason": "Late"},
            cast.viewer,
        ),
    }
    target, data, user = targets[write]
    client.force_login(user)
    before = list(Comment.objects.order_by("pk").values_list("pk", "body", "state"))
    page = client.get(target).content.decode()
    assert "This consultation closed on" in page and 'name="body"' not in page
    response = client.post(target, data)
    assert response.status_code == 409
    assert "This consultation closed on" in response.content.decode()
    assert list(Comment.objects.order_by("pk").values_list("pk", "body", "state")) == before
    assert not CommentReport.objects.exists()


# Who may open which page --------------------------------------------------------------------

QUEUE_OUTCOME = {
    "anonymous": 302,
    "respondent": 404,
    "other_member": 404,
    "viewer": 404,
    "editor": 404,
    "lead": 404,
    "moderator": 200,
    "site_moderator": 200,
    "admin": 200,
}
LOG_OUTCOME = {**{role: 404 for role in ROLES}, "anonymous": 302, "admin": 200}
PUBLIC_OUTCOME = dict.fromkeys(ROLES, 200)
WRITE_OUTCOME = {**PUBLIC_OUTCOME, "anonymous": 302}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("page", "outcomes"),
    [
        ("strategy", PUBLIC_OUTCOME),
        ("comment_create", WRITE_OUTCOME),
        ("comment_reply", WRITE_OUTCOME),
        ("comment_report", {**WRITE_OUTCOME, "respondent": 200}),
        ("moderation_queue", QUEUE_OUTCOME),
        ("moderation_comment", QUEUE_OUTCOME),
        ("moderation_log", LOG_OUTCOME),
    ],
)
def test_who_may_open_each_page(client, consultation, cast, role, page, outcomes):
    comment = set_state(post(consultation, cast.respondent, "Published"), State.APPROVED)
    moderation.comment_moderate(comment=comment, moderator=cast.admin, action="hide", reason="x")
    moderation.comment_moderate(comment=comment, moderator=cast.admin, action="restore")
    targets = {
        "strategy": strategy_url(consultation),
        "comment_create": url("comment_create", consultation, section_pk=comment.section_id),
        "comment_reply": url("comment_reply", consultation, pk=comment.pk),
        "comment_report": url("comment_report", consultation, pk=comment.pk),
        "moderation_queue": reverse("consultations:moderation_queue"),
        "moderation_comment": reverse(
            "consultations:moderation_comment", kwargs={"pk": comment.pk}
        ),
        "moderation_log": reverse("consultations:moderation_log"),
    }
    login(client, cast, role)
    response = client.get(targets[page])
    assert response.status_code == outcomes[role]
    if response.status_code == 302:
        assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("role", ROLES)
def test_only_moderators_can_post_decisions_and_notes(client, consultation, cast, role):
    comment = post(consultation, cast.respondent, "Waiting")
    login(client, cast, role)
    target = reverse("consultations:moderation_comment", kwargs={"pk": comment.pk})
    decision = client.post(target, {"form": "decision", "action": "approve"})
    note = client.post(target, {"form": "note", "note-body": "A note"})
    bulk = client.post(
        reverse("consultations:moderation_queue"), {"comments": [comment.pk], "action": "approve"}
    )
    expected = QUEUE_OUTCOME[role]
    if expected == 200:
        assert decision.status_code == 302
        assert note.status_code == 302
        assert state_of(comment) == State.APPROVED
        assert ModeratorNote.objects.count() == 1
    else:
        assert {decision.status_code, note.status_code, bulk.status_code} == {expected}
        assert state_of(comment) == State.PENDING
        assert not ModeratorNote.objects.exists()


def state_of(comment):
    comment.refresh_from_db()
    return comment.state


def test_partnership_moderator_cannot_open_another_partnerships_comment(client, consultation, cast):
    theirs = post(other_consultation(cast), cast.respondent, "Tees Valley")
    client.force_login(cast.moderator)
    target = reverse("consultations:moderation_comment", kwargs={"pk": theirs.pk})
    assert client.get(target).status_code == 404
    assert client.post(target, {"form": "decision", "action": "approve"}).status_code == 404
    assert state_of(theirs) == State.PENDING
    outsider = MembershipFactory(
        role=Membership.Role.MODERATOR, organisation=cast.other_organisation
    ).user
    client.force_login(outsider)
    assert client.get(target).status_code == 200


# The queue -------------------------------------------------------------------------------------


def test_queue_shows_only_the_moderators_own_partnership(client, consultation, cast):
    post(other_consultation(cast), cast.respondent, "TEES-COMMENT")
    post(consultation, cast.respondent, "CHESHIRE-COMMENT")
    client.force_login(cast.moderator)
    html = client.get(reverse("consultations:moderation_queue")).content.decode()
    assert "CHESHIRE-COMMENT" in html and "TEES-COMMENT" not in html
    client.force_login(cast.site_moderator)
    html = client.get(reverse("consultations:moderation_queue")).content.decode()
    assert "CHESHIRE-COMMENT" in html and "TEES-COMMENT" in html


def test_queue_filters_by_consultation_state_and_reports(client, consultation, cast):
    other = other_consultation(cast)
    post(other, cast.respondent, "TEES-WAITING")
    post(consultation, cast.respondent, "CHESHIRE-WAITING")
    post(consultation, cast.viewer, "HELD http://1.example http://2.example http://3.example")
    reported = set_state(post(consultation, cast.editor, "REPORTED-ONE"), State.APPROVED)
    moderation.comment_report(comment=reported, reporter=cast.lead, reason="Rude")
    client.force_login(cast.admin)
    queue = reverse("consultations:moderation_queue")

    def shown(**params):
        html = client.get(queue, params).content.decode()
        labels = ["TEES-WAITING", "CHESHIRE-WAITING", "HELD", "REPORTED-ONE"]
        return {label for label in labels if label in html}

    assert shown() == {"TEES-WAITING", "CHESHIRE-WAITING", "HELD", "REPORTED-ONE"}
    assert shown(consultation=other.pk) == {"TEES-WAITING"}
    assert shown(state="held") == {"HELD"}
    assert shown(reported="on") == {"REPORTED-ONE"}
    assert shown(consultation=consultation.pk, state="pending") == {"CHESHIRE-WAITING", "HELD"}


def test_queue_is_paginated_25_a_page_with_govuk_pagination(client, consultation, cast):
    section = first_section(consultation)
    Comment.objects.bulk_create(
        Comment(
            consultation=consultation,
            section=section,
            author=cast.respondent,
            body=f"Queued comment number {n:03d}.",
        )
        for n in range(30)
    )
    client.force_login(cast.moderator)
    queue = reverse("consultations:moderation_queue")
    first = client.get(queue).content.decode()
    assert first.count('name="comments"') == 25
    assert "govuk-pagination" in first and 'aria-current="page"' in first
    assert "Queued comment number 000." in first
    second = client.get(queue, {"page": 2}).content.decode()
    assert second.count('name="comments"') == 5
    assert "Queued comment number 029." in second


def test_bulk_form_approves_selected_comments_and_reports_skipped(
    client, consultation, cast, django_capture_on_commit_callbacks
):
    waiting = [post(consultation, cast.respondent, f"Waiting {n}") for n in range(2)]
    hidden = set_state(post(consultation, cast.viewer, "Hidden one"), State.HIDDEN)
    client.force_login(cast.moderator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("consultations:moderation_queue"),
            {"comments": [c.pk for c in [*waiting, hidden]], "action": "approve", "reason": ""},
            follow=True,
        )
    html = response.content.decode()
    assert "2 comments approved." in html
    assert "1 comment skipped" in html and str(hidden.pk) in html
    assert {state_of(c) for c in waiting} == {State.APPROVED}
    assert state_of(hidden) == State.HIDDEN


def test_bulk_rejection_without_a_reason_shows_errors_and_keeps_the_ticks(
    client, consultation, cast
):
    waiting = post(consultation, cast.respondent, "Waiting")
    client.force_login(cast.moderator)
    response = client.post(
        reverse("consultations:moderation_queue"),
        {"comments": [waiting.pk], "action": "reject", "reason": ""},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "govuk-error-summary" in html and "Give a reason" in html
    assert f'value="{waiting.pk}" checked' in html
    assert state_of(waiting) == State.PENDING


def test_bulk_form_without_a_selection_asks_for_one(client, consultation, cast):
    post(consultation, cast.respondent, "Waiting")
    client.force_login(cast.moderator)
    response = client.post(reverse("consultations:moderation_queue"), {"action": "approve"})
    assert response.status_code == 400
    assert "Select at least one comment" in response.content.decode()


# One comment's page -----------------------------------------------------------------------------


def test_comment_page_shows_section_reports_log_and_notes(client, consultation, cast):
    comment = set_state(post(consultation, cast.respondent, "Contested text"), State.APPROVED)
    moderation.comment_report(comment=comment, reporter=cast.viewer, reason="REPORT-REASON")
    moderation.moderator_note_add(comment=comment, author=cast.moderator, body="NOTE-BODY")
    moderation.comment_moderate(
        comment=comment, moderator=cast.site_moderator, action="hide", reason="LOG-REASON"
    )
    client.force_login(cast.moderator)
    html = client.get(
        reverse("consultations:moderation_comment", kwargs={"pk": comment.pk})
    ).content.decode()
    for text in ["Contested text", comment.section.title, "REPORT-REASON", "NOTE-BODY"]:
        assert text in html
    assert "LOG-REASON" in html and "approved → hidden" in html
    assert 'value="restore"' in html and 'value="approve"' not in html


def test_rejecting_from_the_comment_page_needs_a_reason(client, consultation, cast):
    comment = post(consultation, cast.respondent, "Waiting")
    client.force_login(cast.moderator)
    target = reverse("consultations:moderation_comment", kwargs={"pk": comment.pk})
    response = client.post(target, {"form": "decision", "action": "reject", "reject-reason": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "govuk-error-summary" in html and "Give a reason to reject the comment" in html
    assert state_of(comment) == State.PENDING
    response = client.post(
        target, {"form": "decision", "action": "reject", "reject-reason": "Off topic."}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("consultations:moderation_queue")
    comment.refresh_from_db()
    assert (comment.state, comment.moderation_reason) == (State.REJECTED, "Off topic.")
    entry = ModerationLog.objects.get(comment=comment)
    assert (entry.moderator, entry.reason) == (cast.moderator, "Off topic.")


def test_decision_that_no_longer_applies_is_refused(client, consultation, cast):
    comment = set_state(post(consultation, cast.respondent, "Published"), State.APPROVED)
    client.force_login(cast.moderator)
    response = client.post(
        reverse("consultations:moderation_comment", kwargs={"pk": comment.pk}),
        {"form": "decision", "action": "approve"},
    )
    assert response.status_code == 409
    assert not ModerationLog.objects.exists()


# The audit log --------------------------------------------------------------------------------


def test_audit_log_lists_every_decision_and_filters_by_consultation(client, consultation, cast):
    ours = post(consultation, cast.respondent, "Cheshire")
    theirs = post(other_consultation(cast), cast.respondent, "Tees")
    moderation.comment_moderate(comment=ours, moderator=cast.moderator, action="approve")
    moderation.comment_moderate(
        comment=theirs, moderator=cast.site_moderator, action="reject", reason="TEES-REASON"
    )
    client.force_login(cast.admin)
    log = reverse("consultations:moderation_log")
    html = client.get(log).content.decode()
    assert f"Comment {ours.pk}" in html and f"Comment {theirs.pk}" in html
    assert "TEES-REASON" in html and cast.moderator.display_name in html
    filtered = client.get(log, {"consultation": consultation.pk}).content.decode()
    assert f"Comment {ours.pk}" in filtered and "TEES-REASON" not in filtered


# Query counts -----------------------------------------------------------------------------------


def fill(consultation, cast, count):
    """``count`` comments across the sections: published ones with replies and reports,
    waiting, held, rejected and hidden ones."""
    authors = [UserFactory() for _ in range(5)]
    sections = list(consultation.version.sections.all())
    states = [State.APPROVED, State.PENDING, State.REJECTED, State.HIDDEN]
    tops = Comment.objects.bulk_create(
        Comment(
            consultation=consultation,
            section=sections[n % len(sections)],
            author=authors[n % len(authors)],
            body=f"Comment {n}",
            state=states[n % len(states)],
            held_reason="Links" if n % 8 == 1 else "",
        )
        for n in range(count // 2)
    )
    published = [c for c in tops if c.state == State.APPROVED]
    replies = Comment.objects.bulk_create(
        Comment(
            consultation=consultation,
            section=parent.section,
            parent=parent,
            author=authors[n % len(authors)],
            body=f"Reply {n}",
            state=State.APPROVED if n % 2 else State.PENDING,
        )
        for n, parent in enumerate(published * 3)
    )
    extra = count - len(tops) - len(replies)
    Comment.objects.bulk_create(
        Comment(
            consultation=consultation,
            section=sections[0],
            author=cast.respondent,
            body=f"Mine {n}",
        )
        for n in range(max(extra, 0))
    )
    CommentReport.objects.bulk_create(
        CommentReport(comment=comment, reporter=authors[(n + 1) % len(authors)], reason="Rude")
        for n, comment in enumerate(published)
    )


@pytest.mark.parametrize("count", [10, 200])
def test_strategy_page_queries_stay_flat_as_comments_grow(
    client, consultation, cast, count, django_assert_max_num_queries
):
    fill(consultation, cast, count)
    client.force_login(cast.respondent)
    with django_assert_max_num_queries(8):
        response = client.get(strategy_url(consultation))
    assert response.status_code == 200


@pytest.mark.parametrize("count", [10, 200])
def test_queue_and_comment_page_queries_stay_flat_as_comments_grow(
    client, consultation, cast, count, django_assert_max_num_queries
):
    fill(consultation, cast, count)
    client.force_login(cast.moderator)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("consultations:moderation_queue"))
    assert response.status_code == 200
    busiest = Comment.objects.filter(state=State.APPROVED, parent=None).first()
    with django_assert_max_num_queries(11):
        response = client.get(
            reverse("consultations:moderation_comment", kwargs={"pk": busiest.pk})
        )
    assert response.status_code == 200


@pytest.mark.parametrize("count", [10, 200])
def test_log_queries_stay_flat_as_decisions_grow(
    client, consultation, cast, count, django_assert_max_num_queries
):
    fill(consultation, cast, count)
    for comment in Comment.objects.filter(state=State.PENDING)[: count // 4]:
        moderation.comment_moderate(comment=comment, moderator=cast.moderator, action="approve")
    client.force_login(cast.admin)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("consultations:moderation_log"))
    assert response.status_code == 200
