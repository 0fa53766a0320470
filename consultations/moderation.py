"""Section comments and their moderation: every write to comments, reports, the moderation
log and moderators' notes goes through these functions, and the reads the comment and
moderation pages share live at the end.

Invariants: a comment's state changes only through ``comment_moderate`` (which checks the
from-state, locks the row and writes one append-only ``ModerationLog`` row in the same
transaction); replies are one level deep; people write only while the consultation is open;
likely spam is held (pending, with ``held_reason``) whatever the moderation mode."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, models, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import Truncator

from accounts.models import Membership
from accounts.rules import is_site_admin, is_site_moderator, roles_by_organisation
from lepportal.core.exceptions import ApplicationError
from strategies.models import VersionSection

from .models import Comment, CommentReport, Consultation, ModerationLog, ModeratorNote
from .services import refuse_unless_open

logger = logging.getLogger(__name__)

State = Comment.State
COMMENT_MAX_CHARACTERS = 5_000
REASON_MAX_CHARACTERS = 500
NOTE_MAX_CHARACTERS = 2_000


class ModerationAction(models.TextChoices):
    APPROVE = "approve", "Approve"
    REJECT = "reject", "Reject"
    HIDE = "hide", "Hide"
    RESTORE = "restore", "Restore"
    # A reported comment that breaks no rule stays published; its reports are closed.
    KEEP = "keep", "Keep published"


# action: (states it may start from, state it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    ModerationAction.APPROVE: (frozenset({State.PENDING}), State.APPROVED),
    ModerationAction.REJECT: (frozenset({State.PENDING}), State.REJECTED),
    ModerationAction.HIDE: (frozenset({State.APPROVED}), State.HIDDEN),
    ModerationAction.RESTORE: (frozenset({State.HIDDEN, State.REJECTED}), State.APPROVED),
    ModerationAction.KEEP: (frozenset({State.APPROVED}), State.APPROVED),
}
REASON_REQUIRED = frozenset({ModerationAction.REJECT, ModerationAction.HIDE})
BULK_ACTIONS = (ModerationAction.APPROVE, ModerationAction.REJECT, ModerationAction.HIDE)
# The log's action for a comment the spam filter held as it was posted.
HOLD_ACTION = "hold"

WRONG_STATE_MESSAGES = {
    ModerationAction.APPROVE: "Only a comment waiting for moderation can be approved",
    ModerationAction.REJECT: "Only a comment waiting for moderation can be rejected",
    ModerationAction.HIDE: "Only a published comment can be hidden",
    ModerationAction.RESTORE: "Only a hidden or rejected comment can be restored",
    ModerationAction.KEEP: "Only a published comment with open reports can be kept",
}


# Spam filter ---------------------------------------------------------------------------------


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


LINK_PATTERN = re.compile(r"https?://\S+|(?<![/\w.@])www\.\S+", re.IGNORECASE)


def normalise_text(text: str) -> str:
    """The words of a text, lower-case, one space apart: spacing, case and punctuation do not
    make a copy different."""
    return " ".join(re.findall(r"\w+", (text or "").lower()))


def _banned_word_in(text: str) -> str | None:
    for word in _setting("COMMENT_SPAM_BANNED_WORDS", []):
        words = str(word).split()
        if not words:
            continue
        pattern = r"(?<!\w)" + r"\s+".join(re.escape(w) for w in words) + r"(?!\w)"
        if re.search(pattern, text, re.IGNORECASE):
            return " ".join(words)
    return None


def spam_reasons(
    *,
    consultation: Consultation,
    author: Any,
    body: str,
    now: datetime | None = None,
    exclude_pk: int | None = None,
    check_pace: bool = True,
) -> list[str]:
    """Why a comment looks like spam (empty when it does not): too many links, a blocked word,
    the same text again, or a second comment sooner than a person could read and write."""
    now = now or timezone.now()
    reasons: list[str] = []

    max_links = int(_setting("COMMENT_SPAM_MAX_LINKS", 2))
    links = len(LINK_PATTERN.findall(body))
    if links > max_links:
        reasons.append(f"It has {links} links (more than {max_links}).")

    word = _banned_word_in(body)
    if word is not None:
        reasons.append(f"It contains a blocked word: “{word}”.")

    normalised = normalise_text(body)
    if normalised:
        window = timedelta(seconds=int(_setting("COMMENT_SPAM_DUPLICATE_WINDOW_SECONDS", 86_400)))
        limit = int(_setting("COMMENT_SPAM_DUPLICATE_LIMIT", 3))
        recent = Comment.objects.filter(consultation=consultation, created_at__gte=now - window)
        if exclude_pk is not None:
            recent = recent.exclude(pk=exclude_pk)
        by_author, copies = False, 1
        for author_id, other in recent.values_list("author_id", "body").iterator():
            if normalise_text(other) == normalised:
                copies += 1
                by_author = by_author or (author is not None and author_id == author.pk)
        if by_author:
            reasons.append("Its author has posted the same text before.")
        elif copies >= limit:
            reasons.append(f"The same text has been posted {copies} times in this consultation.")

    min_seconds = int(_setting("COMMENT_SPAM_MIN_SECONDS_BETWEEN", 20))
    if check_pace and min_seconds > 0 and author is not None:
        since = now - timedelta(seconds=min_seconds)
        previous = (
            Comment.objects.filter(author=author, created_at__gte=since)
            .order_by("-created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        if previous is not None:
            seconds = max(int((now - previous).total_seconds()), 0)
            reasons.append(
                f"It came {seconds} seconds after its author's previous comment "
                f"(less than {min_seconds})."
            )
    return reasons


def _held_reason(reasons: list[str]) -> str:
    return Truncator(" ".join(reasons)).chars(300)


# Comments by the public ------------------------------------------------------------------------


def _clean_body(body: str) -> str:
    text = (body or "").strip()
    if not text:
        raise ApplicationError("Enter your comment.", code="empty")
    if len(text) > COMMENT_MAX_CHARACTERS:
        raise ApplicationError(
            f"Your comment must be {COMMENT_MAX_CHARACTERS:,} characters or fewer "
            f"(it has {len(text):,}).",
            code="too_long",
        )
    return text


def _refuse_unless_signed_in(user: Any, message: str) -> None:
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        raise ApplicationError(message, code="sign_in", status=403)


@transaction.atomic
def comment_post(
    *,
    consultation: Consultation,
    section: VersionSection,
    author: Any,
    body: str,
    parent: Comment | None = None,
) -> Comment:
    """Comment on a section of the version consulted on, or reply to a published comment
    (one level only). Pre-moderation: the comment waits for a moderator. Post-moderation: it
    is published at once. Either way, likely spam is held for a moderator."""
    refuse_unless_open(consultation)
    _refuse_unless_signed_in(author, "Sign in to comment.")
    if section.version_id != consultation.version_id:
        raise ApplicationError("Choose a section of the strategy being consulted on.")
    if parent is not None:
        # Judge the parent as it is now, not as the caller last saw it.
        parent = Comment.objects.get(pk=parent.pk)
        if parent.consultation_id != consultation.pk or parent.section_id != section.pk:
            raise ApplicationError("You can only reply to a comment on the same section.")
        if parent.parent_id is not None:
            raise ApplicationError(
                "You can reply to a comment, but not to a reply.", code="nested_reply"
            )
        if parent.state != State.APPROVED:
            raise ApplicationError("You can only reply to a published comment.", code="parent")
    text = _clean_body(body)
    reasons = spam_reasons(consultation=consultation, author=author, body=text)
    if reasons:
        state = State.PENDING
    elif consultation.moderation == Consultation.Moderation.POST:
        state = State.APPROVED
    else:
        state = State.PENDING
    comment = Comment(
        consultation=consultation,
        section=section,
        parent=parent,
        author=author,
        body=text,
        state=state,
        held_reason=_held_reason(reasons),
    )
    comment.full_clean()
    comment.save()
    if reasons:
        ModerationLog.objects.create(
            comment=comment,
            moderator=None,
            action=HOLD_ACTION,
            from_state="new",
            to_state=State.PENDING,
            reason=Truncator(comment.held_reason).chars(REASON_MAX_CHARACTERS),
        )
    return comment


def _refuse_unless_own_pending(comment: Comment, author: Any, verb: str) -> None:
    if author is None or comment.author_id != getattr(author, "pk", None):
        raise ApplicationError(f"You can only {verb} your own comments.", status=403)
    if comment.state != State.PENDING:
        raise ApplicationError(
            f"You can only {verb} a comment while it is waiting for moderation.",
            code="wrong_state",
            status=409,
        )


@transaction.atomic
def comment_edit(*, comment: Comment, author: Any, body: str) -> Comment:
    """Change one's own comment while it waits for moderation. The spam filter looks at the
    new text again."""
    refuse_unless_open(comment.consultation)
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    _refuse_unless_own_pending(comment, author, "change")
    text = _clean_body(body)
    reasons = spam_reasons(
        consultation=comment.consultation,
        author=author,
        body=text,
        exclude_pk=comment.pk,
        check_pace=False,
    )
    comment.body = text
    if reasons:
        comment.held_reason = _held_reason(reasons)
    comment.full_clean()
    comment.save(update_fields=["body", "held_reason", "updated_at"])
    return comment


@transaction.atomic
def comment_delete(*, comment: Comment, author: Any) -> None:
    """Delete one's own comment while it waits for moderation (nobody else has seen it)."""
    refuse_unless_open(comment.consultation)
    locked = Comment.objects.select_for_update().get(pk=comment.pk)
    _refuse_unless_own_pending(locked, author, "delete")
    locked.delete()


@transaction.atomic
def comment_report(*, comment: Comment, reporter: Any, reason: str) -> CommentReport:
    """Report a published comment to the moderators, once per person. The comment stays
    published and joins the moderation queue."""
    refuse_unless_open(comment.consultation)
    _refuse_unless_signed_in(reporter, "Sign in to report a comment.")
    locked = Comment.objects.select_for_update().get(pk=comment.pk)
    if locked.state != State.APPROVED:
        raise ApplicationError("You can only report a published comment.", code="wrong_state")
    if locked.author_id == reporter.pk:
        raise ApplicationError("You cannot report your own comment.")
    text = (reason or "").strip()
    if not text:
        raise ApplicationError("Say why you are reporting this comment.", code="empty")
    if len(text) > REASON_MAX_CHARACTERS:
        raise ApplicationError(
            f"Your reason must be {REASON_MAX_CHARACTERS} characters or fewer.", code="too_long"
        )
    already = ApplicationError(
        "You have already reported this comment.", code="already_reported", status=409
    )
    if CommentReport.objects.filter(comment=locked, reporter=reporter).exists():
        raise already
    try:
        with transaction.atomic():
            report = CommentReport.objects.create(comment=locked, reporter=reporter, reason=text)
    except IntegrityError as error:  # a simultaneous second report by the same person
        raise already from error
    Comment.objects.filter(pk=locked.pk).update(report_count=F("report_count") + 1)
    comment.report_count = locked.report_count + 1
    return report


# Moderation ------------------------------------------------------------------------------------


def _refuse_unless_moderator(user: Any, consultation: Consultation) -> None:
    if user is None or not user.has_perm("consultations.moderate", consultation):
        raise ApplicationError(
            "You cannot moderate comments on this consultation.", code="forbidden", status=403
        )


def _author_name(user: Any) -> str:
    return (getattr(user, "display_name", "") or "").strip() or "there"


DECISION_WORDS = {
    ModerationAction.APPROVE: ("approved", "It is now published with the strategy."),
    ModerationAction.REJECT: ("rejected", "It will not be published."),
    ModerationAction.HIDE: ("hidden", "It is no longer shown on the consultation's pages."),
    ModerationAction.RESTORE: ("restored", "It is published again."),
}


def decision_email(comment: Comment, action: str, reason: str) -> tuple[str, str]:
    """The subject and plain-text body of the e-mail telling an author what was decided."""
    verb, outcome = DECISION_WORDS[ModerationAction(action)]
    consultation = comment.consultation
    lines = [
        f"Hello {_author_name(comment.author)},",
        "",
        f"A moderator has {verb} your comment on “{comment.section.title}” in the "
        f"consultation “{consultation.title}”. {outcome}",
        "",
        f"Reason: {reason}" if reason else "The moderator gave no reason.",
        "",
        "Your comment:",
        Truncator(comment.body).chars(1_000),
        "",
        f"{consultation.organisation.name} Local Enterprise Partnership",
    ]
    return f"Your comment has been {verb}: {consultation.title}", "\n".join(lines)


def _send_quietly(subject: str, body: str, recipient: str) -> None:
    """Send after the decision is committed; a mail failure must not undo or break it."""
    try:
        send_mail(subject, body, None, [recipient])
    except Exception:  # the decision stands; the failure is logged for the operators
        logger.exception("Could not send the moderation e-mail to the author.")


@transaction.atomic
def comment_moderate(*, comment: Comment, moderator: Any, action: str, reason: str = "") -> Comment:
    """Approve (pending → approved), reject (pending → rejected), hide (approved → hidden),
    restore (hidden or rejected → approved) or keep (approved with open reports → approved)
    a comment. Reject and hide need a reason, which the author is told by e-mail. Writes one
    moderation log row and closes the comment's open reports."""
    try:
        chosen = ModerationAction(action)
    except ValueError as error:
        raise ApplicationError("Choose what to do with the comment.", code="action") from error
    text = (reason or "").strip()
    if chosen in REASON_REQUIRED and not text:
        raise ApplicationError(
            f"Give a reason to {chosen.label.lower()} the comment: its author is told it.",
            code="reason",
        )
    if len(text) > REASON_MAX_CHARACTERS:
        raise ApplicationError(
            f"The reason must be {REASON_MAX_CHARACTERS} characters or fewer.", code="too_long"
        )
    # Lock only the comment's row: its author is on the nullable side of an outer join.
    locked = (
        Comment.objects.select_for_update(of=("self",))
        .select_related("consultation__organisation", "section", "author")
        .get(pk=comment.pk)
    )
    _refuse_unless_moderator(moderator, locked.consultation)
    from_states, to_state = TRANSITIONS[chosen]
    now = timezone.now()
    open_reports = locked.reports.filter(resolved_at__isnull=True)
    if locked.state not in from_states or (
        chosen == ModerationAction.KEEP and not open_reports.exists()
    ):
        raise ApplicationError(
            f"{WRONG_STATE_MESSAGES[chosen]}; this one is “{State(locked.state).label.lower()}”.",
            code="wrong_state",
            status=409,
        )
    from_state = locked.state
    locked.state = to_state
    if chosen in REASON_REQUIRED:
        locked.moderation_reason = text
    elif to_state == State.APPROVED and chosen != ModerationAction.KEEP:
        locked.moderation_reason = ""
    locked.save(update_fields=["state", "moderation_reason", "updated_at"])
    ModerationLog.objects.create(
        comment=locked,
        moderator=moderator,
        action=chosen.value,
        from_state=from_state,
        to_state=to_state,
        reason=text,
    )
    open_reports.update(resolved_at=now)
    author = locked.author
    if chosen in DECISION_WORDS and author is not None and author.email:
        subject, body = decision_email(locked, chosen, text)
        recipient = author.email
        transaction.on_commit(lambda: _send_quietly(subject, body, recipient))
    return locked


@dataclass
class BulkResult:
    action: str
    changed: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)  # not in a state the action applies to
    not_found: list[int] = field(default_factory=list)  # absent, or not the moderator's to judge

    @property
    def changed_count(self) -> int:
        return len(self.changed)


def comments_bulk_moderate(
    *, comment_ids: list[int], moderator: Any, action: str, reason: str = ""
) -> BulkResult:
    """Apply one decision to many comments: each goes through ``comment_moderate`` (its own
    transaction, log row and e-mail). Comments in the wrong state are skipped and named;
    comments the moderator may not moderate are left alone."""
    if action not in BULK_ACTIONS:
        raise ApplicationError("Choose approve, reject or hide.", code="action")
    if action in REASON_REQUIRED and not (reason or "").strip():
        raise ApplicationError(
            f"Give a reason to {ModerationAction(action).label.lower()} the comments: "
            "their authors are told it.",
            code="reason",
        )
    wanted = sorted(set(comment_ids))
    if not wanted:
        raise ApplicationError("Select at least one comment.", code="empty")
    mine = moderatable_comments(moderator).filter(pk__in=wanted)
    comments = {comment.pk: comment for comment in mine}
    result = BulkResult(action=action)
    for pk in wanted:
        comment = comments.get(pk)
        if comment is None:
            result.not_found.append(pk)
            continue
        try:
            comment_moderate(comment=comment, moderator=moderator, action=action, reason=reason)
        except ApplicationError as error:
            if error.code != "wrong_state":
                raise
            result.skipped.append(pk)
        else:
            result.changed.append(pk)
    return result


def moderator_note_add(*, comment: Comment, author: Any, body: str) -> ModeratorNote:
    """A private note for other moderators; never shown to the comment's author or the public."""
    _refuse_unless_moderator(author, comment.consultation)
    text = (body or "").strip()
    if not text:
        raise ApplicationError("Enter the note.", code="empty")
    if len(text) > NOTE_MAX_CHARACTERS:
        raise ApplicationError(
            f"The note must be {NOTE_MAX_CHARACTERS:,} characters or fewer.", code="too_long"
        )
    note = ModeratorNote(comment=comment, author=author, body=text)
    note.full_clean()
    note.save()
    return note


# Reads -----------------------------------------------------------------------------------------


def moderated_organisation_ids(user: Any) -> list[int] | None:
    """The organisations whose comments ``user`` moderates; None means every organisation."""
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return []
    # The predicates themselves, not has_perm: no permission tables to read on every page.
    if is_site_moderator(user) or is_site_admin(user):
        return None
    return sorted(
        organisation_id
        for organisation_id, role in roles_by_organisation(user).items()
        if role == Membership.Role.MODERATOR
    )


def is_any_moderator(user: Any) -> bool:
    return moderated_organisation_ids(user) != []


def moderatable_comments(user: Any) -> QuerySet[Comment]:
    organisation_ids = moderated_organisation_ids(user)
    comments = Comment.objects.all()
    if organisation_ids is not None:
        comments = comments.filter(consultation__organisation_id__in=organisation_ids)
    return comments


def moderatable_consultations(user: Any) -> QuerySet[Consultation]:
    organisation_ids = moderated_organisation_ids(user)
    consultations = Consultation.objects.select_related("organisation").order_by(
        "organisation__name", "-opens_at"
    )
    if organisation_ids is not None:
        consultations = consultations.filter(organisation_id__in=organisation_ids)
    return consultations


def _open_reports() -> QuerySet[CommentReport]:
    return CommentReport.objects.filter(comment=OuterRef("pk"), resolved_at__isnull=True)


def with_open_reports(comments: QuerySet[Comment]) -> QuerySet[Comment]:
    """Annotate ``open_report_count``, counted in the database."""
    count = _open_reports().order_by().values("comment").annotate(n=Count("pk")).values("n")[:1]
    return comments.annotate(
        open_report_count=Coalesce(Subquery(count, output_field=models.IntegerField()), 0)
    )


QUEUE_STATES = [
    ("", "Everything that needs a decision"),
    ("pending", "Waiting for moderation"),
    ("held", "Held by the spam filter"),
    ("reported", "Published and reported"),
    ("approved", "Published"),
    ("rejected", "Rejected"),
    ("hidden", "Hidden"),
]


def moderation_queue(
    *,
    user: Any,
    consultation_id: int | None = None,
    state: str = "",
    reported_only: bool = False,
) -> QuerySet[Comment]:
    """Comments for ``user`` to moderate, oldest first. By default: those waiting (including
    held ones) and published ones with open reports."""
    comments = with_open_reports(moderatable_comments(user)).select_related(
        "consultation", "consultation__organisation", "section", "author"
    )
    if state == "pending":
        comments = comments.filter(state=State.PENDING)
    elif state == "held":
        comments = comments.filter(state=State.PENDING).exclude(held_reason="")
    elif state == "reported":
        comments = comments.filter(Exists(_open_reports()), state=State.APPROVED)
    elif state in {State.APPROVED, State.REJECTED, State.HIDDEN}:
        comments = comments.filter(state=state)
    else:
        comments = comments.filter(
            Q(state=State.PENDING) | (Q(state=State.APPROVED) & Q(Exists(_open_reports())))
        )
    if reported_only:
        comments = comments.filter(Exists(_open_reports()))
    if consultation_id is not None:
        comments = comments.filter(consultation_id=consultation_id)
    return comments.order_by("created_at", "pk")


def moderation_comment(*, user: Any, pk: int) -> Comment | None:
    """One comment for its moderation page, with what the page shows fetched up front."""
    return (
        with_open_reports(moderatable_comments(user))
        .select_related(
            "consultation",
            "consultation__organisation",
            "section",
            "author",
            "parent",
            "parent__author",
        )
        .prefetch_related(
            models.Prefetch("reports", CommentReport.objects.select_related("reporter")),
            models.Prefetch("log", ModerationLog.objects.select_related("moderator")),
            models.Prefetch("notes", ModeratorNote.objects.select_related("author")),
        )
        .filter(pk=pk)
        .first()
    )


def moderation_log(*, consultation_id: int | None = None) -> QuerySet[ModerationLog]:
    entries = ModerationLog.objects.select_related(
        "moderator", "comment", "comment__consultation", "comment__section"
    ).order_by("-created_at", "-pk")
    if consultation_id is not None:
        entries = entries.filter(comment__consultation_id=consultation_id)
    return entries


@dataclass
class SectionComments:
    """A section of the version consulted on, with the comments ``viewer`` may see."""

    section: VersionSection
    html: Any
    comments: list[Comment]

    @property
    def count(self) -> int:
        return sum(1 + len(getattr(c, "visible_replies", [])) for c in self.comments)


def visible_comments(*, consultation: Consultation, viewer: Any) -> dict[int, list[Comment]]:
    """{section id: top-level comments, each with ``visible_replies``} that ``viewer`` may see:
    published ones, and the viewer's own in any state. One query whatever the number."""
    visible = Q(state=State.APPROVED)
    if getattr(viewer, "is_authenticated", False):
        visible |= Q(author=viewer)
    comments = list(
        consultation.comments.filter(visible).select_related("author").order_by("created_at", "pk")
    )
    tops: dict[int, Comment] = {}
    by_section: dict[int, list[Comment]] = {}
    for comment in comments:
        if comment.parent_id is None:
            comment.visible_replies = []  # type: ignore[attr-defined]
            tops[comment.pk] = comment
            by_section.setdefault(comment.section_id, []).append(comment)
    for comment in comments:
        if comment.parent_id is not None and comment.parent_id in tops:
            tops[comment.parent_id].visible_replies.append(comment)  # type: ignore[attr-defined]
    return by_section


def reported_by(*, consultation: Consultation, user: Any) -> set[int]:
    """Ids of the comments in ``consultation`` that ``user`` has reported."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(
        CommentReport.objects.filter(comment__consultation=consultation, reporter=user).values_list(
            "comment_id", flat=True
        )
    )
