"""Comments, reports and moderation through the API: public reading of published comments,
writing when signed in through the moderation services, and decisions that leave exactly the
audit trail the moderation pages leave."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from consultations import moderation
from consultations.models import Comment, CommentReport, Consultation, ModerationLog
from tests.api.conftest import ROLES, assert_error
from tests.api.factories import approved_comments

pytestmark = pytest.mark.django_db
MODERATORS = {"moderator", "site_moderator", "admin"}


@pytest.fixture(autouse=True)
def no_pace_limit(settings):
    settings.COMMENT_SPAM_MIN_SECONDS_BETWEEN = 0


def section_of(consultation):
    return consultation.version.sections.order_by("position").first()


def post_comment(consultation, author, body="A fair point about skills."):
    return moderation.comment_post(
        consultation=consultation, section=section_of(consultation), author=author, body=body
    )


def comments_url(consultation):
    return f"/api/v1/consultations/{consultation.slug}/comments/"


@pytest.mark.parametrize("role", ROLES)
def test_published_comments_are_public_and_authors_unnamed(role, client_for, consultation, cast):
    published = post_comment(consultation, cast.respondent, "Published one")
    moderation.comment_moderate(comment=published, moderator=cast.moderator, action="approve")
    waiting = post_comment(consultation, cast.respondent, "Still waiting")
    response = client_for(role).get(comments_url(consultation))
    assert response.status_code == 200
    bodies = {row["body"] for row in response.json()["results"]}
    expected = {"Published one", "Still waiting"} if role == "respondent" else {"Published one"}
    assert bodies == expected
    assert waiting.pk not in {r["id"] for r in response.json()["results"]} or role == "respondent"
    text = response.content.decode()
    assert cast.respondent.email not in text and cast.respondent.display_name not in text


@pytest.mark.parametrize("role", ROLES)
def test_signed_in_people_comment_through_the_moderation_service(role, client_for, consultation):
    section = section_of(consultation)
    response = client_for(role).post(
        comments_url(consultation), {"section": section.pk, "body": "Good plan."}, format="json"
    )
    if role == "anonymous":
        assert_error(response, 401)
        assert not Comment.objects.exists()
        return
    assert response.status_code == 201, response.content
    assert response.json()["state"] == "pending"  # pre-moderation
    assert Comment.objects.get().body == "Good plan."


def test_comment_on_a_section_of_another_version_is_refused(client_for, consultation, cast):
    from strategies import services as strategy_services

    newer = strategy_services.version_create(
        strategy=consultation.strategy, label="Next", author=cast.editor
    )
    response = client_for("respondent").post(
        comments_url(consultation),
        {"section": newer.sections.first().pk, "body": "Wrong place."},
        format="json",
    )
    error = assert_error(response, 400, "invalid")
    assert set(error["fields"]) == {"section"}
    assert not Comment.objects.exists()


def test_reply_to_a_reply_is_refused_by_the_service(client_for, consultation, cast):
    Consultation.objects.filter(pk=consultation.pk).update(moderation="post")
    consultation.refresh_from_db()
    top = post_comment(consultation, cast.editor, "Top")
    reply = moderation.comment_post(
        consultation=consultation, section=top.section, author=cast.viewer, body="Reply", parent=top
    )
    response = client_for("respondent").post(
        comments_url(consultation),
        {"section": top.section_id, "parent": reply.pk, "body": "Too deep"},
        format="json",
    )
    assert_error(response, 400, "nested_reply")


def test_reporting_a_comment_once(client_for, consultation, cast):
    comment = post_comment(consultation, cast.editor)
    moderation.comment_moderate(comment=comment, moderator=cast.moderator, action="approve")
    url = f"{comments_url(consultation)}{comment.pk}/reports/"
    assert_error(client_for("anonymous").post(url, {"reason": "Rude"}, format="json"), 401)
    first = client_for("respondent").post(url, {"reason": "Rude"}, format="json")
    assert first.status_code == 201
    assert first.json()["comment"] == comment.pk
    again = client_for("respondent").post(url, {"reason": "Still rude"}, format="json")
    assert_error(again, 409, "already_reported")
    own = client_for("editor").post(url, {"reason": "Mine"}, format="json")
    assert_error(own, 400)
    assert CommentReport.objects.count() == 1


def test_an_unpublished_comment_cannot_be_reported(client_for, consultation, cast):
    comment = post_comment(consultation, cast.editor)
    url = f"{comments_url(consultation)}{comment.pk}/reports/"
    assert_error(client_for("respondent").post(url, {"reason": "Rude"}, format="json"), 404)


@pytest.mark.parametrize("role", ROLES)
def test_moderation_queue_for_moderators_only(role, client_for, consultation, cast):
    post_comment(consultation, cast.respondent)
    response = client_for(role).get("/api/v1/moderation/comments/")
    if role in MODERATORS:
        assert response.status_code == 200
        assert response.json()["count"] == 1
    elif role == "anonymous":
        assert_error(response, 401)
    else:
        assert_error(response, 404)


def test_moderator_of_another_lep_sees_nothing_of_this_one(client_for, consultation, cast):
    from accounts.models import Membership
    from tests.factories import MembershipFactory

    theirs = MembershipFactory(
        role=Membership.Role.MODERATOR, organisation=cast.other_organisation
    ).user
    comment = post_comment(consultation, cast.respondent)
    client = client_for("anonymous")
    client.force_authenticate(user=theirs)
    assert client.get("/api/v1/moderation/comments/").json()["count"] == 0
    assert_error(client.get(f"/api/v1/moderation/comments/{comment.pk}/"), 404)
    decision = client.post(
        f"/api/v1/moderation/comments/{comment.pk}/decisions/", {"action": "approve"}, format="json"
    )
    assert_error(decision, 404)
    assert not ModerationLog.objects.exists()


def test_api_decisions_leave_the_same_audit_trail_as_the_pages(
    client, client_for, consultation, cast, django_capture_on_commit_callbacks
):
    by_page = post_comment(consultation, cast.respondent, "First comment")
    by_api = post_comment(consultation, cast.respondent, "Second comment")
    client.force_login(cast.moderator)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(
            reverse("consultations:moderation_comment", kwargs={"pk": by_page.pk}),
            {"form": "decision", "action": "reject", "reject-reason": "Off topic."},
        )
    assert page.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        api = client_for("moderator").post(
            f"/api/v1/moderation/comments/{by_api.pk}/decisions/",
            {"action": "reject", "reason": "Off topic."},
            format="json",
        )
    assert api.status_code == 200, api.content
    assert api.json()["state"] == "rejected"
    assert api.json()["log"][-1]["action"] == "reject"

    def trail(comment):
        return list(
            ModerationLog.objects.filter(comment=comment).values_list(
                "moderator_id", "action", "from_state", "to_state", "reason"
            )
        )

    assert (
        trail(by_page)
        == trail(by_api)
        == [(cast.moderator.pk, "reject", "pending", "rejected", "Off topic.")]
    )
    by_page.refresh_from_db()
    by_api.refresh_from_db()
    assert (by_page.state, by_page.moderation_reason) == (by_api.state, by_api.moderation_reason)
    # Each author is told, once per decision, whichever way it was made.
    assert len(mail.outbox) == 2


def test_decisions_follow_the_state_machine(client_for, consultation, cast):
    comment = post_comment(consultation, cast.respondent)
    url = f"/api/v1/moderation/comments/{comment.pk}/decisions/"
    client = client_for("site_moderator")
    assert_error(
        client.post(url, {"action": "hide", "reason": "x"}, format="json"), 409, "wrong_state"
    )
    assert_error(client.post(url, {"action": "reject"}, format="json"), 400, "reason")
    assert_error(client.post(url, {"action": "explode"}, format="json"), 400, "invalid")
    assert client.post(url, {"action": "approve"}, format="json").status_code == 200
    assert list(ModerationLog.objects.values_list("action", flat=True)) == ["approve"]


def test_comment_list_query_count_is_flat(
    client_for, consultation, cast, django_assert_max_num_queries
):
    client = client_for("anonymous")
    approved_comments(consultation, cast.respondent, 10)
    with django_assert_max_num_queries(6) as few:
        assert client.get(comments_url(consultation) + "?page_size=100").json()["count"] == 10
    approved_comments(consultation, cast.respondent, 190)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(comments_url(consultation) + "?page_size=100").json()["count"] == 200


def test_moderation_queue_query_count_is_flat(
    client_for, consultation, cast, django_assert_max_num_queries
):
    client = client_for("site_moderator")
    approved = approved_comments(consultation, cast.respondent, 10)
    Comment.objects.filter(pk__in=[c.pk for c in approved]).update(state="pending")
    with django_assert_max_num_queries(8) as few:
        assert client.get("/api/v1/moderation/comments/?page_size=100").json()["count"] == 10
    more = approved_comments(consultation, cast.respondent, 190)
    Comment.objects.filter(pk__in=[c.pk for c in more]).update(state="pending")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/api/v1/moderation/comments/?page_size=100").json()["count"] == 200


@pytest.mark.parametrize("role", ROLES)
def test_only_moderators_decide(role, client_for, consultation, cast):
    comment = post_comment(consultation, cast.respondent)
    url = f"/api/v1/moderation/comments/{comment.pk}/decisions/"
    response = client_for(role).post(url, {"action": "approve"}, format="json")
    detail = client_for(role).get(f"/api/v1/moderation/comments/{comment.pk}/")
    comment.refresh_from_db()
    if role in MODERATORS:
        assert response.status_code == 200
        assert detail.status_code == 200
        assert comment.state == Comment.State.APPROVED
        assert ModerationLog.objects.filter(comment=comment, action="approve").count() == 1
    else:
        assert_error(response, 401 if role == "anonymous" else 404)
        assert comment.state == Comment.State.PENDING
        assert not ModerationLog.objects.exists()
