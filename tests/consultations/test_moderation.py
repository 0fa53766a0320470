"""Section comments and their moderation, through the services in consultations/moderation.py:
posting under pre- and post-moderation, one level of replies, the spam filter, authors'
edits, reports, refusals when the consultation is not open, every moderation transition with
its audit row and e-mail, private notes and bulk decisions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import Membership
from consultations import moderation
from consultations.models import (
    Comment,
    CommentReport,
    Consultation,
    ModerationLog,
    ModeratorNote,
)
from lepportal.core.exceptions import ApplicationError
from strategies import services as strategy_services
from tests.factories import MembershipFactory, UserFactory

from .conftest import make_consultation

pytestmark = pytest.mark.django_db
State = Comment.State


@pytest.fixture(autouse=True)
def unhurried(settings):
    """Most tests post several comments in a row: switch the pace rule off unless a test
    is about it."""
    settings.COMMENT_SPAM_MIN_SECONDS_BETWEEN = 0


def sections(consultation):
    return list(consultation.version.sections.order_by("position"))


def post(consultation, author, body="Skills matter most to us.", *, section=None, parent=None):
    return moderation.comment_post(
        consultation=consultation,
        section=section or (parent.section if parent else sections(consultation)[0]),
        author=author,
        body=body,
        parent=parent,
    )


def approved(consultation, author, body="Skills matter most to us.", **kwargs):
    comment = post(consultation, author, body, **kwargs)
    if comment.state != State.APPROVED:
        comment = moderation.comment_moderate(
            comment=comment, moderator=_any_admin(), action="approve", reason=""
        )
    return comment


def _any_admin():
    return UserFactory(email="approver@example.com", site_role="admin")


def close(consultation):
    now = timezone.now()
    Consultation.objects.filter(pk=consultation.pk).update(
        opens_at=now - timedelta(days=40), closes_at=now - timedelta(days=1)
    )
    consultation.refresh_from_db()
    return consultation


def state_of(comment):
    comment.refresh_from_db()
    return comment.state


# Posting ---------------------------------------------------------------------------------


def test_pre_moderated_comment_waits_for_a_moderator(consultation, cast):
    comment = post(consultation, cast.respondent)
    assert comment.state == State.PENDING
    assert comment.held_reason == ""
    assert comment.section.version_id == consultation.version_id


def test_post_moderated_comment_is_published_at_once(consultation, cast):
    consultation.moderation = Consultation.Moderation.POST
    consultation.save()
    comment = post(consultation, cast.respondent)
    assert comment.state == State.APPROVED


def test_comment_keeps_its_text_as_typed_apart_from_surrounding_space(consultation, cast):
    comment = post(consultation, cast.respondent, "  <b>Bold</b> & brave\nSecond line  ")
    assert comment.body == "<b>Bold</b> & brave\nSecond line"


def test_empty_comment_is_refused(consultation, cast):
    with pytest.raises(ApplicationError, match="Enter your comment"):
        post(consultation, cast.respondent, "   ")
    assert not Comment.objects.exists()


def test_comment_over_5000_characters_is_refused_with_the_limit(consultation, cast):
    with pytest.raises(ApplicationError, match=r"5,000 characters or fewer \(it has 5,001\)"):
        post(consultation, cast.respondent, "a" * 5_001)
    assert post(consultation, cast.respondent, "b" * 5_000).body == "b" * 5_000


def test_anonymous_visitor_cannot_comment(consultation):
    with pytest.raises(ApplicationError, match="Sign in"):
        post(consultation, None)


def test_comment_on_a_section_of_another_version_is_refused(consultation, cast, strategy):
    other_version = strategy_services.version_create(
        strategy=strategy, label="Later draft", author=cast.editor
    )
    with pytest.raises(ApplicationError, match="section of the strategy being consulted on"):
        post(consultation, cast.respondent, section=other_version.sections.first())


def test_reply_goes_under_a_published_comment(consultation, cast):
    parent = approved(consultation, cast.respondent)
    reply = post(consultation, cast.viewer, "I agree.", parent=parent)
    assert reply.parent == parent
    assert reply.section == parent.section
    assert list(parent.replies.all()) == [reply]


def test_reply_to_a_reply_is_refused(consultation, cast):
    parent = approved(consultation, cast.respondent)
    reply = approved(consultation, cast.viewer, "I agree.", parent=parent)
    with pytest.raises(ApplicationError, match="not to a reply"):
        post(consultation, cast.editor, "And me.", parent=reply)
    assert Comment.objects.count() == 2


def test_reply_to_an_unpublished_comment_is_refused(consultation, cast):
    parent = post(consultation, cast.respondent)
    with pytest.raises(ApplicationError, match="only reply to a published comment"):
        post(consultation, cast.viewer, "I agree.", parent=parent)


# The spam filter ---------------------------------------------------------------------------


def test_more_links_than_allowed_hold_a_comment_even_under_post_moderation(consultation, cast):
    consultation.moderation = Consultation.Moderation.POST
    consultation.save()
    two = post(consultation, cast.respondent, "See https://a.example and www.b.example")
    three = post(
        consultation,
        cast.viewer,
        "Cheap http://a.example http://b.example https://c.example/offer",
    )
    assert two.state == State.APPROVED
    assert three.state == State.PENDING
    assert "3 links (more than 2)" in three.held_reason


def test_link_limit_follows_the_setting(consultation, cast, settings):
    settings.COMMENT_SPAM_MAX_LINKS = 0
    comment = post(consultation, cast.respondent, "Our plan: https://example.org/plan")
    assert "1 links (more than 0)" in comment.held_reason


def test_blocked_word_holds_a_comment_whatever_its_case(consultation, cast, settings):
    settings.COMMENT_SPAM_BANNED_WORDS = ["casino", "payday loan"]
    consultation.moderation = Consultation.Moderation.POST
    consultation.save()
    held = post(consultation, cast.respondent, "Visit our CASINO tonight")
    phrase = post(consultation, cast.viewer, "Need a Payday   Loan?")
    innocent = post(consultation, cast.editor, "Occasionally we need more skills.")
    assert held.state == State.PENDING and "casino" in held.held_reason
    assert phrase.state == State.PENDING and "payday loan" in phrase.held_reason
    assert innocent.state == State.APPROVED


def test_same_author_posting_the_same_text_again_is_held(consultation, cast):
    consultation.moderation = Consultation.Moderation.POST
    consultation.save()
    first = post(consultation, cast.respondent, "Fund the ring road now!")
    again = post(
        consultation, cast.respondent, "fund  the ring-road NOW", section=sections(consultation)[1]
    )
    assert first.state == State.APPROVED
    assert again.state == State.PENDING
    assert "same text before" in again.held_reason


def test_same_text_from_several_people_is_held_at_the_limit(consultation, cast, settings):
    settings.COMMENT_SPAM_DUPLICATE_LIMIT = 3
    consultation.moderation = Consultation.Moderation.POST
    consultation.save()
    first = post(consultation, cast.respondent, "Stop the bypass.")
    second = post(consultation, cast.viewer, "Stop the bypass!")
    third = post(consultation, cast.editor, "stop the BYPASS")
    assert [first.state, second.state] == [State.APPROVED, State.APPROVED]
    assert third.state == State.PENDING
    assert "posted 3 times" in third.held_reason


def test_copies_older_than_the_window_do_not_count(consultation, cast, settings):
    settings.COMMENT_SPAM_DUPLICATE_WINDOW_SECONDS = 3600
    consultation.moderation = Consultation.Moderation.POST
    consultation.save()
    old = post(consultation, cast.respondent, "Fund the ring road now!")
    Comment.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=2))
    again = post(consultation, cast.respondent, "Fund the ring road now!")
    assert again.state == State.APPROVED


def test_second_comment_sooner_than_a_person_could_write_is_held(consultation, cast, settings):
    settings.COMMENT_SPAM_MIN_SECONDS_BETWEEN = 20
    consultation.moderation = Consultation.Moderation.POST
    consultation.save()
    first = post(consultation, cast.respondent, "First thought.")
    quick = post(consultation, cast.respondent, "Second thought, very quickly.")
    other_person = post(consultation, cast.viewer, "Someone else at the same moment.")
    assert first.state == State.APPROVED
    assert quick.state == State.PENDING
    assert "previous comment" in quick.held_reason
    assert other_person.state == State.APPROVED


def test_comment_after_the_pause_is_not_held(consultation, cast, settings):
    settings.COMMENT_SPAM_MIN_SECONDS_BETWEEN = 20
    consultation.moderation = Consultation.Moderation.POST
    consultation.save()
    first = post(consultation, cast.respondent, "First thought.")
    Comment.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(seconds=30))
    later = post(consultation, cast.respondent, "A considered second thought.")
    assert later.state == State.APPROVED


def test_held_comment_is_recorded_in_the_log_as_held_by_the_filter(consultation, cast):
    comment = post(
        consultation, cast.respondent, "a http://1.example http://2.example www.3.example"
    )
    entry = ModerationLog.objects.get(comment=comment)
    assert (entry.action, entry.moderator, entry.to_state) == ("hold", None, State.PENDING)
    assert "links" in entry.reason


# Authors' own comments ------------------------------------------------------------------------


def test_author_changes_own_comment_while_it_waits(consultation, cast):
    comment = post(consultation, cast.respondent, "Frist draft")
    moderation.comment_edit(comment=comment, author=cast.respondent, body="First draft")
    comment.refresh_from_db()
    assert comment.body == "First draft"
    assert comment.state == State.PENDING


def test_changed_text_goes_through_the_spam_filter_again(consultation, cast):
    comment = post(consultation, cast.respondent, "Harmless")
    moderation.comment_edit(
        comment=comment,
        author=cast.respondent,
        body="Now with http://1.example http://2.example http://3.example",
    )
    comment.refresh_from_db()
    assert "links" in comment.held_reason


def test_author_cannot_change_a_comment_once_moderated(consultation, cast):
    comment = approved(consultation, cast.respondent, "Original")
    with pytest.raises(ApplicationError, match="while it is waiting for moderation"):
        moderation.comment_edit(comment=comment, author=cast.respondent, body="Changed")
    comment.refresh_from_db()
    assert comment.body == "Original"


def test_nobody_else_can_change_or_delete_a_comment(consultation, cast):
    comment = post(consultation, cast.respondent, "Mine")
    with pytest.raises(ApplicationError, match="your own comments"):
        moderation.comment_edit(comment=comment, author=cast.moderator, body="Theirs")
    with pytest.raises(ApplicationError, match="your own comments"):
        moderation.comment_delete(comment=comment, author=cast.viewer)
    comment.refresh_from_db()
    assert comment.body == "Mine"


def test_author_deletes_own_waiting_comment(consultation, cast):
    comment = post(consultation, cast.respondent)
    moderation.comment_delete(comment=comment, author=cast.respondent)
    assert not Comment.objects.filter(pk=comment.pk).exists()


def test_author_cannot_delete_a_published_comment(consultation, cast):
    comment = approved(consultation, cast.respondent)
    with pytest.raises(ApplicationError, match="while it is waiting for moderation"):
        moderation.comment_delete(comment=comment, author=cast.respondent)
    assert Comment.objects.filter(pk=comment.pk).exists()


# Reports ------------------------------------------------------------------------------------


def test_reported_comment_stays_published_and_joins_the_queue(consultation, cast):
    comment = approved(consultation, cast.respondent)
    queue_before = list(moderation.moderation_queue(user=cast.moderator))
    moderation.comment_report(comment=comment, reporter=cast.viewer, reason="It is rude.")
    comment.refresh_from_db()
    assert comment.state == State.APPROVED
    assert comment.report_count == 1
    assert comment not in queue_before
    queued = list(moderation.moderation_queue(user=cast.moderator))
    assert queued == [comment]
    assert queued[0].open_report_count == 1


def test_a_person_reports_a_comment_only_once(consultation, cast):
    comment = approved(consultation, cast.respondent)
    moderation.comment_report(comment=comment, reporter=cast.viewer, reason="Rude")
    with pytest.raises(ApplicationError, match="already reported"):
        moderation.comment_report(comment=comment, reporter=cast.viewer, reason="Still rude")
    moderation.comment_report(comment=comment, reporter=cast.editor, reason="Off topic")
    comment.refresh_from_db()
    assert comment.report_count == 2
    assert CommentReport.objects.filter(comment=comment).count() == 2


@pytest.mark.parametrize(
    ("reason", "message"),
    [("", "Say why"), ("x" * 501, "500 characters or fewer")],
)
def test_report_needs_a_short_reason(consultation, cast, reason, message):
    comment = approved(consultation, cast.respondent)
    with pytest.raises(ApplicationError, match=message):
        moderation.comment_report(comment=comment, reporter=cast.viewer, reason=reason)
    assert not CommentReport.objects.exists()


def test_own_or_unpublished_comments_cannot_be_reported(consultation, cast):
    mine = approved(consultation, cast.respondent)
    with pytest.raises(ApplicationError, match="your own comment"):
        moderation.comment_report(comment=mine, reporter=cast.respondent, reason="Oops")
    waiting = post(consultation, cast.viewer)
    with pytest.raises(ApplicationError, match="published comment"):
        moderation.comment_report(comment=waiting, reporter=cast.respondent, reason="Spam")
    assert not CommentReport.objects.exists()


# Closed and upcoming consultations -------------------------------------------------------------


WRITES = ["comment", "reply", "edit", "delete", "report"]


def _attempt(write, consultation, cast, parent, pending):
    if write == "comment":
        post(consultation, cast.viewer, "Too late")
    elif write == "reply":
        post(consultation, cast.viewer, "Too late", parent=parent)
    elif write == "edit":
        moderation.comment_edit(comment=pending, author=cast.respondent, body="Too late")
    elif write == "delete":
        moderation.comment_delete(comment=pending, author=cast.respondent)
    else:
        moderation.comment_report(comment=parent, reporter=cast.viewer, reason="Too late")


@pytest.mark.parametrize("write", WRITES)
def test_closed_consultation_refuses_every_write_and_changes_nothing(consultation, cast, write):
    parent = approved(consultation, cast.lead, "Published before closing")
    pending = post(consultation, cast.respondent, "Waiting when it closed")
    close(consultation)
    parent.consultation, pending.consultation = consultation, consultation
    before = list(Comment.objects.order_by("pk").values_list("pk", "body", "state"))
    with pytest.raises(ApplicationError, match="This consultation closed on") as refused:
        _attempt(write, consultation, cast, parent, pending)
    assert refused.value.status == 409
    assert list(Comment.objects.order_by("pk").values_list("pk", "body", "state")) == before
    assert not CommentReport.objects.exists()


def test_upcoming_consultation_refuses_comments(strategy, version, cast):
    now = timezone.now()
    upcoming = make_consultation(
        strategy,
        version,
        cast.editor,
        opens_at=now + timedelta(days=1),
        closes_at=now + timedelta(days=20),
    )
    with pytest.raises(ApplicationError, match="This consultation opens on"):
        post(upcoming, cast.respondent)


def test_moderators_can_still_clear_the_queue_after_closing(consultation, cast):
    comment = post(consultation, cast.respondent)
    close(consultation)
    moderation.comment_moderate(comment=comment, moderator=cast.moderator, action="approve")
    assert state_of(comment) == State.APPROVED


# Moderation transitions --------------------------------------------------------------------


def in_state(consultation, cast, state):
    comment = post(consultation, cast.respondent, f"A comment that will be {state}.")
    Comment.objects.filter(pk=comment.pk).update(state=state)
    comment.refresh_from_db()
    return comment


@pytest.mark.parametrize(
    ("start", "action", "reason", "end"),
    [
        (State.PENDING, "approve", "", State.APPROVED),
        (State.PENDING, "reject", "Personal attack on a named officer.", State.REJECTED),
        (State.APPROVED, "hide", "Shares a private phone number.", State.HIDDEN),
        (State.HIDDEN, "restore", "The number was a public switchboard.", State.APPROVED),
        (State.REJECTED, "restore", "Rejected by mistake.", State.APPROVED),
    ],
)
def test_each_transition_changes_state_and_writes_one_audit_row(
    consultation, cast, start, action, reason, end
):
    comment = in_state(consultation, cast, start)
    moderation.comment_moderate(
        comment=comment, moderator=cast.moderator, action=action, reason=reason
    )
    comment.refresh_from_db()
    assert comment.state == end
    entry = ModerationLog.objects.get(comment=comment, action=action)
    assert (entry.moderator, entry.from_state, entry.to_state, entry.reason) == (
        cast.moderator,
        start,
        end,
        reason,
    )
    assert entry.created_at is not None


@pytest.mark.parametrize(
    ("start", "action"),
    [
        (State.APPROVED, "approve"),
        (State.REJECTED, "approve"),
        (State.HIDDEN, "approve"),
        (State.APPROVED, "reject"),
        (State.HIDDEN, "reject"),
        (State.PENDING, "hide"),
        (State.REJECTED, "hide"),
        (State.PENDING, "restore"),
        (State.APPROVED, "restore"),
    ],
)
def test_transition_from_the_wrong_state_is_refused_and_not_logged(
    consultation, cast, start, action
):
    comment = in_state(consultation, cast, start)
    with pytest.raises(ApplicationError) as refused:
        moderation.comment_moderate(
            comment=comment, moderator=cast.moderator, action=action, reason="Because."
        )
    assert refused.value.code == "wrong_state"
    assert refused.value.status == 409
    assert state_of(comment) == start
    assert not ModerationLog.objects.filter(comment=comment).exclude(action="hold").exists()


@pytest.mark.parametrize(("start", "action"), [(State.PENDING, "reject"), (State.APPROVED, "hide")])
def test_reject_and_hide_need_a_reason(consultation, cast, start, action):
    comment = in_state(consultation, cast, start)
    with pytest.raises(ApplicationError, match="Give a reason"):
        moderation.comment_moderate(
            comment=comment, moderator=cast.moderator, action=action, reason="   "
        )
    assert state_of(comment) == start
    assert not ModerationLog.objects.filter(comment=comment, action=action).exists()


def test_unknown_action_is_refused(consultation, cast):
    comment = post(consultation, cast.respondent)
    with pytest.raises(ApplicationError, match="Choose what to do"):
        moderation.comment_moderate(comment=comment, moderator=cast.moderator, action="delete")


@pytest.mark.parametrize("role", ["respondent", "viewer", "editor", "lead", "other_member"])
def test_people_who_are_not_its_moderators_cannot_moderate(consultation, cast, role):
    comment = post(consultation, cast.respondent)
    with pytest.raises(ApplicationError, match="cannot moderate") as refused:
        moderation.comment_moderate(
            comment=comment, moderator=getattr(cast, role), action="approve"
        )
    assert refused.value.status == 403
    assert state_of(comment) == State.PENDING


def test_another_partnerships_moderator_cannot_moderate(consultation, cast):
    outsider = MembershipFactory(
        role=Membership.Role.MODERATOR, organisation=cast.other_organisation
    ).user
    comment = post(consultation, cast.respondent)
    with pytest.raises(ApplicationError, match="cannot moderate"):
        moderation.comment_moderate(comment=comment, moderator=outsider, action="approve")


@pytest.mark.parametrize("role", ["moderator", "site_moderator", "admin"])
def test_lep_and_site_moderators_and_admins_can_moderate(consultation, cast, role):
    comment = post(consultation, cast.respondent)
    moderation.comment_moderate(comment=comment, moderator=getattr(cast, role), action="approve")
    assert state_of(comment) == State.APPROVED


def test_author_is_emailed_the_decision_and_the_reason(
    consultation, cast, django_capture_on_commit_callbacks
):
    comment = post(consultation, cast.respondent, "Buy my widgets.")
    with django_capture_on_commit_callbacks(execute=True):
        moderation.comment_moderate(
            comment=comment,
            moderator=cast.moderator,
            action="reject",
            reason="Advertising is not allowed.",
        )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [cast.respondent.email]
    assert "rejected" in message.subject
    assert consultation.title in message.subject
    assert "Reason: Advertising is not allowed." in message.body
    assert "Buy my widgets." in message.body
    assert message.alternatives == []  # plain text only


def test_email_waits_for_the_decision_to_be_committed(
    consultation, cast, django_capture_on_commit_callbacks
):
    comment = post(consultation, cast.respondent)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        moderation.comment_moderate(comment=comment, moderator=cast.moderator, action="approve")
    assert mail.outbox == []
    assert len(callbacks) == 1


def test_each_decision_emails_the_author(consultation, cast, django_capture_on_commit_callbacks):
    comment = approved(consultation, cast.respondent)
    with django_capture_on_commit_callbacks(execute=True):
        moderation.comment_moderate(
            comment=comment, moderator=cast.moderator, action="hide", reason="Off topic."
        )
        moderation.comment_moderate(
            comment=comment, moderator=cast.moderator, action="restore", reason="On reflection."
        )
    subjects = [m.subject for m in mail.outbox]
    assert any("hidden" in s for s in subjects) and any("restored" in s for s in subjects)
    assert "Reason: Off topic." in mail.outbox[-2].body


def test_reason_is_shown_to_the_author_until_restored(consultation, cast):
    comment = in_state(consultation, cast, State.APPROVED)
    moderation.comment_moderate(
        comment=comment, moderator=cast.moderator, action="hide", reason="Off topic."
    )
    comment.refresh_from_db()
    assert comment.moderation_reason == "Off topic."
    moderation.comment_moderate(comment=comment, moderator=cast.moderator, action="restore")
    comment.refresh_from_db()
    assert comment.moderation_reason == ""


def test_hiding_a_reported_comment_closes_its_reports(consultation, cast):
    comment = approved(consultation, cast.respondent)
    moderation.comment_report(comment=comment, reporter=cast.viewer, reason="Abusive")
    moderation.comment_moderate(
        comment=comment, moderator=cast.moderator, action="hide", reason="Abusive language."
    )
    report = CommentReport.objects.get(comment=comment)
    assert report.resolved_at is not None
    assert list(moderation.moderation_queue(user=cast.moderator)) == []


def test_keeping_a_reported_comment_closes_reports_and_keeps_it_published(consultation, cast):
    comment = approved(consultation, cast.respondent)
    moderation.comment_report(comment=comment, reporter=cast.viewer, reason="I disagree")
    moderation.comment_moderate(
        comment=comment, moderator=cast.moderator, action="keep", reason="Disagreement is fine."
    )
    assert state_of(comment) == State.APPROVED
    assert CommentReport.objects.get(comment=comment).resolved_at is not None
    entry = ModerationLog.objects.get(comment=comment, action="keep")
    assert (entry.from_state, entry.to_state) == (State.APPROVED, State.APPROVED)
    with pytest.raises(ApplicationError, match="open reports"):
        moderation.comment_moderate(comment=comment, moderator=cast.moderator, action="keep")


def test_moderation_log_rows_cannot_be_changed(consultation, cast):
    comment = post(consultation, cast.respondent)
    moderation.comment_moderate(comment=comment, moderator=cast.moderator, action="approve")
    entry = ModerationLog.objects.get(comment=comment)
    entry.reason = "Rewritten history"
    with pytest.raises(ValueError, match="append-only"):
        entry.save()


# Notes ----------------------------------------------------------------------------------------


def test_moderator_adds_a_private_note(consultation, cast):
    comment = post(consultation, cast.respondent)
    note = moderation.moderator_note_add(
        comment=comment, author=cast.moderator, body="Same wording as comment 12."
    )
    assert list(ModeratorNote.objects.filter(comment=comment)) == [note]
    assert note.author == cast.moderator


def test_only_moderators_add_notes_and_notes_need_text(consultation, cast):
    comment = post(consultation, cast.respondent)
    with pytest.raises(ApplicationError, match="cannot moderate"):
        moderation.moderator_note_add(comment=comment, author=cast.respondent, body="Hi")
    with pytest.raises(ApplicationError, match="Enter the note"):
        moderation.moderator_note_add(comment=comment, author=cast.moderator, body=" ")
    assert not ModeratorNote.objects.exists()


# Bulk decisions -------------------------------------------------------------------------------


def test_bulk_approval_changes_waiting_comments_and_names_the_skipped(
    consultation, cast, django_capture_on_commit_callbacks
):
    waiting = [post(consultation, cast.respondent, f"Comment {n}") for n in range(3)]
    published = in_state(consultation, cast, State.APPROVED)
    with django_capture_on_commit_callbacks(execute=True):
        result = moderation.comments_bulk_moderate(
            comment_ids=[c.pk for c in [*waiting, published]],
            moderator=cast.moderator,
            action="approve",
            reason="",
        )
    assert result.changed_count == 3
    assert result.skipped == [published.pk]
    assert {state_of(c) for c in waiting} == {State.APPROVED}
    assert ModerationLog.objects.filter(action="approve").count() == 3
    assert len(mail.outbox) == 3


def test_bulk_rejection_needs_a_reason_and_changes_nothing_without_one(consultation, cast):
    waiting = [post(consultation, cast.respondent, f"Comment {n}") for n in range(2)]
    with pytest.raises(ApplicationError, match="Give a reason"):
        moderation.comments_bulk_moderate(
            comment_ids=[c.pk for c in waiting], moderator=cast.moderator, action="reject"
        )
    assert {state_of(c) for c in waiting} == {State.PENDING}


def test_bulk_rejection_gives_each_author_the_reason(consultation, cast):
    waiting = [post(consultation, cast.respondent, f"Comment {n}") for n in range(2)]
    result = moderation.comments_bulk_moderate(
        comment_ids=[c.pk for c in waiting],
        moderator=cast.moderator,
        action="reject",
        reason="Campaign text.",
    )
    assert result.changed_count == 2
    assert set(Comment.objects.values_list("moderation_reason", flat=True)) == {"Campaign text."}


def test_bulk_decision_leaves_other_partnerships_comments_alone(consultation, cast):
    other_strategy = strategy_services.strategy_create(
        organisation=cast.other_organisation, title="Tees Valley LIS", author=cast.other_member
    )
    other_version = strategy_services.version_create(
        strategy=other_strategy, label="Draft", author=cast.other_member
    )
    other = make_consultation(other_strategy, other_version, cast.other_member)
    theirs = post(other, cast.respondent, "Tees Valley comment")
    ours = post(consultation, cast.viewer, "Cheshire comment")
    result = moderation.comments_bulk_moderate(
        comment_ids=[theirs.pk, ours.pk], moderator=cast.moderator, action="approve"
    )
    assert result.changed == [ours.pk]
    assert result.not_found == [theirs.pk]
    assert state_of(theirs) == State.PENDING


def test_bulk_only_offers_approve_reject_and_hide(consultation, cast):
    comment = in_state(consultation, cast, State.HIDDEN)
    with pytest.raises(ApplicationError, match="approve, reject or hide"):
        moderation.comments_bulk_moderate(
            comment_ids=[comment.pk], moderator=cast.moderator, action="restore"
        )


# The queue ------------------------------------------------------------------------------------


def test_queue_lists_waiting_held_and_reported_comments_oldest_first(consultation, cast):
    waiting = post(consultation, cast.respondent, "Waiting")
    held = post(consultation, cast.viewer, "http://1.example http://2.example http://3.example")
    reported = approved(consultation, cast.editor, "Reported")
    moderation.comment_report(comment=reported, reporter=cast.lead, reason="Rude")
    in_state(consultation, cast, State.REJECTED)
    in_state(consultation, cast, State.HIDDEN)
    approved(consultation, cast.lead, "Fine and unreported")
    now = timezone.now()
    for age, comment in enumerate([waiting, held, reported]):
        Comment.objects.filter(pk=comment.pk).update(created_at=now - timedelta(hours=10 - age))
    queue = moderation.moderation_queue(user=cast.moderator)
    assert list(queue) == [waiting, held, reported]
    assert list(moderation.moderation_queue(user=cast.moderator, state="held")) == [held]
    assert list(moderation.moderation_queue(user=cast.moderator, reported_only=True)) == [reported]
    assert [c.state for c in moderation.moderation_queue(user=cast.moderator, state="hidden")] == [
        State.HIDDEN
    ]


def test_queue_of_a_partnership_moderator_holds_only_its_consultations(consultation, cast):
    other_strategy = strategy_services.strategy_create(
        organisation=cast.other_organisation, title="Tees Valley LIS", author=cast.other_member
    )
    other_version = strategy_services.version_create(
        strategy=other_strategy, label="Draft", author=cast.other_member
    )
    other = make_consultation(other_strategy, other_version, cast.other_member)
    theirs = post(other, cast.respondent, "Tees Valley comment")
    ours = post(consultation, cast.viewer, "Cheshire comment")
    assert list(moderation.moderation_queue(user=cast.moderator)) == [ours]
    assert set(moderation.moderation_queue(user=cast.site_moderator)) == {ours, theirs}
    assert list(moderation.moderation_queue(user=cast.editor)) == []
