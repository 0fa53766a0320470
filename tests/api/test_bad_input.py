"""Every write operation answers bad input with a 4xx and the API's error body — never a 500 —
and changes nothing: malformed JSON, unknown fields, NUL characters, over-long strings, wrong
types, ids that do not exist or are not ids, and bodies over the size limit."""

from __future__ import annotations

import json
import re
import uuid

import pytest
from django.conf import settings

from consultations import moderation
from consultations.models import Answer, Comment, CommentReport, ModerationLog, Response
from tests.api.conftest import assert_error

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_pace_limit(settings):
    settings.COMMENT_SPAM_MIN_SECONDS_BETWEEN = 0


@pytest.fixture
def targets(consultation, cast):
    """Each write operation with a body it accepts."""
    section = consultation.version.sections.order_by("position").first()
    comment = moderation.comment_post(
        consultation=consultation, section=section, author=cast.editor, body="Published"
    )
    moderation.comment_moderate(comment=comment, moderator=cast.moderator, action="approve")
    waiting = moderation.comment_post(
        consultation=consultation, section=section, author=cast.viewer, body="Waiting"
    )
    single = consultation.questions.order_by("position").first()
    base = f"/api/v1/consultations/{consultation.slug}"
    return {
        "response": (
            f"{base}/responses/",
            {
                "submission_key": str(uuid.uuid4()),
                "responding_as": "individual",
                "consent": "none",
                "location": "Crewe",
                "answers": [{"question": single.pk, "options": [single.options.first().pk]}],
            },
            "location",
        ),
        "comment": (f"{base}/comments/", {"section": section.pk, "body": "Fine."}, "body"),
        "report": (f"{base}/comments/{comment.pk}/reports/", {"reason": "Rude."}, "reason"),
        "decision": (
            f"/api/v1/moderation/comments/{waiting.pk}/decisions/",
            {"action": "reject", "reason": "Off topic."},
            "reason",
        ),
    }


def snapshot():
    return (
        Response.objects.count(),
        Answer.objects.count(),
        Comment.objects.count(),
        CommentReport.objects.count(),
        ModerationLog.objects.count(),
        list(Comment.objects.order_by("pk").values_list("state", "moderation_reason")),
    )


OPERATIONS = ["response", "comment", "report", "decision"]


@pytest.fixture
def send(client_for, targets):
    client = client_for("site_moderator")

    def go(operation, *, body=None, raw=None, path=None, content_type="application/json"):
        url, good, _ = targets[operation]
        payload = raw if raw is not None else json.dumps(good if body is None else body)
        return client.generic("POST", path or url, payload, content_type=content_type)

    return go


@pytest.mark.parametrize("operation", OPERATIONS)
def test_malformed_json(operation, send):
    before = snapshot()
    error = assert_error(send(operation, raw='{"body": "unterminated'), 400, "parse_error")
    assert "JSON" in error["message"]
    assert_error(send(operation, raw='{"reason": NaN}'), 400, "parse_error")
    assert snapshot() == before


@pytest.mark.parametrize("operation", OPERATIONS)
def test_unknown_field(operation, send, targets):
    before = snapshot()
    body = {**targets[operation][1], "colour": "blue"}
    error = assert_error(send(operation, body=body), 400, "invalid")
    assert error["fields"] == {"colour": ["This field is not known."]}
    assert snapshot() == before


@pytest.mark.parametrize("operation", OPERATIONS)
def test_nul_character(operation, send, targets):
    before = snapshot()
    _, good, text_field = targets[operation]
    error = assert_error(send(operation, body={**good, text_field: "bad\x00text"}), 400, "invalid")
    assert error["fields"] == {text_field: ["Null characters are not allowed."]}
    assert snapshot() == before


@pytest.mark.parametrize("operation", OPERATIONS)
def test_over_long_string(operation, send, targets):
    before = snapshot()
    _, good, text_field = targets[operation]
    error = assert_error(send(operation, body={**good, text_field: "x" * 6000}), 400, "invalid")
    assert list(error["fields"]) == [text_field]
    assert snapshot() == before


@pytest.mark.parametrize("operation", OPERATIONS)
def test_wrong_types(operation, send, targets):
    before = snapshot()
    _, good, text_field = targets[operation]
    assert_error(send(operation, body={**good, text_field: {"a": 1}}), 400, "invalid")
    assert_error(send(operation, body=[good]), 400, "invalid")
    assert_error(send(operation, body="just a string"), 400, "invalid")
    assert_error(send(operation, raw="null"), 400, "invalid")
    assert snapshot() == before


def test_wrong_types_inside_a_response(send, targets):
    before = snapshot()
    _, good, _ = targets["response"]
    for bad in (
        {**good, "submission_key": "not-a-uuid"},
        {**good, "answers": "yes"},
        {**good, "answers": [{"question": "first", "options": [1]}]},
        {**good, "answers": [{"question": 1, "options": 7}]},
        {**good, "answers": [{"question": 2**70, "options": [1]}]},
        {**good, "consent": ["none"]},
        {**good, "email": "not an address"},
    ):
        assert_error(send("response", body=bad), 400, "invalid")
    assert snapshot() == before


@pytest.mark.parametrize("operation", OPERATIONS)
def test_invalid_ids_in_the_path(operation, send, targets):
    before = snapshot()
    url = targets[operation][0]
    bad_paths = [url.replace("/api/v1/", "/api/v1/x"), url.rstrip("/") + "x/"]
    if operation in {"report", "decision"}:
        for bad in ("99999999999999999999999", "-1", "abc", "0", "1e3"):
            bad_paths.append(re.sub(r"/comments/\d+/", f"/comments/{bad}/", url))
    else:
        bad_paths.append(url.replace("/consultations/", "/consultations/no-such-"))
    for path in bad_paths:
        assert_error(send(operation, path=path), 404, "not_found")
    assert snapshot() == before


def test_ids_in_the_body_that_do_not_exist(send, targets):
    before = snapshot()
    assert_error(send("comment", body={"section": 10**15, "body": "Hi"}), 400, "invalid")
    assert_error(send("comment", body={"section": -1, "body": "Hi"}), 400, "invalid")
    assert_error(send("comment", body={**targets["comment"][1], "parent": 10**15}), 400, "invalid")
    assert snapshot() == before


@pytest.mark.parametrize("operation", OPERATIONS)
def test_oversized_body(operation, send, targets):
    before = snapshot()
    _, good, text_field = targets[operation]
    huge = {**good, text_field: "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)}
    assert_error(send(operation, body=huge), 413, "too_large")
    assert snapshot() == before


@pytest.mark.parametrize("operation", OPERATIONS)
def test_not_json_at_all(operation, send):
    before = snapshot()
    response = send(operation, raw="reason=x", content_type="application/x-www-form-urlencoded")
    assert_error(response, 415, "unsupported_media_type")
    assert snapshot() == before


def test_bad_query_strings_on_reads(client_for, consultation):
    client = client_for("editor")
    base = f"/api/v1/consultations/{consultation.slug}"
    assert_error(client.get(f"{base}/responses/?search=a%00b"), 400, "invalid")
    assert_error(client.get(f"{base}/responses/?option=abc"), 400, "invalid")
    assert_error(client.get(f"{base}/comments/?section=1.5"), 400, "invalid")
    assert_error(client.get("/api/v1/strategies/?organisation=%00"), 400, "invalid")
    assert_error(client.get("/api/v1/strategies/?page=0"), 404, "not_found")
    assert_error(client.get("/api/v1/strategies/99999999999999999999999/"), 404)
    assert_error(client.get("/api/v1/consultations/no-such-thing/"), 404)
    assert client.get("/api/v1/strategies/?page_size=abc").status_code == 200
