"""Consultations on a named version of a strategy: questions, responses, section comments
and their moderation.

Invariants: a response's answers are one row per chosen option (so counting options is a
GROUP BY, never a count of combinations); moderation decisions are append-only log rows; a
consultation's questions are frozen once it has a response."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation
from lepportal.core.reference import sic_sections
from strategies.models import Strategy, StrategyVersion, VersionSection

from .constants import Consent, OrganisationType, RespondentType, RespondingAs, SizeBand


class Consultation(models.Model):
    class State(models.TextChoices):
        UPCOMING = "upcoming", "Upcoming"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"
        OUTCOME = "outcome", "Outcome published"

    class Moderation(models.TextChoices):
        PRE = "pre", "Pre-moderation: comments appear once a moderator approves them"
        POST = "post", "Post-moderation: comments appear at once unless held or hidden"

    class Kind(models.TextChoices):
        STANDARD = "standard", "Consultation on the strategy"
        STREET_LEVEL = "street-level", "Street-level survey of micro-businesses and freelancers"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="consultations"
    )
    strategy = models.ForeignKey(Strategy, on_delete=models.PROTECT, related_name="consultations")
    version = models.ForeignKey(
        StrategyVersion,
        on_delete=models.PROTECT,
        related_name="consultations",
        help_text="The named version of the strategy that is consulted on.",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.STANDARD)
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    summary = models.TextField(max_length=1000, help_text="At most 100 words.")
    body = models.TextField(blank=True, max_length=50_000)
    how_to_respond = models.TextField(max_length=5_000)
    privacy_notice = models.TextField(max_length=20_000)
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    allow_anonymous = models.BooleanField(
        default=False, help_text="Accept responses from people who have not signed in."
    )
    moderation = models.CharField(max_length=10, choices=Moderation.choices, default=Moderation.PRE)
    reference_prefix = models.CharField(max_length=6)
    outcome_published_at = models.DateTimeField(null=True, blank=True)
    retention_days = models.PositiveIntegerField(
        default=365, help_text="Personal data is erased this many days after closing."
    )
    personal_data_erased_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="consultation_closes_after_it_opens",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("consultations:detail", kwargs={"slug": self.slug})

    def state_at(self, moment: datetime | None = None) -> str:
        now = moment or timezone.now()
        if self.outcome_published_at is not None:
            return self.State.OUTCOME
        if now < self.opens_at:
            return self.State.UPCOMING
        if now < self.closes_at:
            return self.State.OPEN
        return self.State.CLOSED

    @property
    def state(self) -> str:
        return self.state_at()

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN

    def get_state_display(self) -> str:
        return self.State(self.state).label


class Question(models.Model):
    class Kind(models.TextChoices):
        FREE_TEXT = "free-text", "Free text"
        SINGLE = "single", "Single choice"
        MULTIPLE = "multiple", "Multiple choice"
        SCALE = "scale", "Agree–disagree scale"

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.CharField(max_length=500)
    hint = models.CharField(max_length=500, blank=True)
    required = models.BooleanField(default=False)
    max_length = models.PositiveIntegerField(
        default=2000, help_text="For free text: the most characters an answer may have."
    )
    allow_other = models.BooleanField(
        default=False, help_text="For multiple choice: add “Other, please specify”."
    )
    section = models.ForeignKey(
        VersionSection,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The strategy section this question is about.",
    )

    class Meta:
        ordering = ["consultation", "position", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def is_choice(self) -> bool:
        return self.kind != self.Kind.FREE_TEXT


class QuestionOption(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveIntegerField()
    label = models.CharField(max_length=300)

    class Meta:
        ordering = ["question", "position", "pk"]

    def __str__(self) -> str:
        return self.label


class Response(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft (not submitted)"
        SUBMITTED = "submitted", "Submitted"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Source(models.TextChoices):
        WEB = "web", "Online form"
        API = "api", "API"
        IMPORT = "import", "Imported"

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="responses"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    reference = models.CharField(
        max_length=40, blank=True, help_text="Given on submission, such as CW-2019-000123."
    )
    submission_key = models.UUIDField(default=uuid.uuid4)
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultation_responses",
    )
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.WEB)
    source_detail = models.CharField(max_length=200, blank=True)
    # The respondent profile.
    responding_as = models.CharField(max_length=20, choices=RespondingAs.choices, blank=True)
    respondent_name = models.CharField(max_length=200, blank=True)
    organisation_name = models.CharField(max_length=200, blank=True)
    organisation_type = models.CharField(
        max_length=20, choices=OrganisationType.choices, blank=True
    )
    size_band = models.CharField(max_length=20, choices=SizeBand.choices, blank=True)
    sector = models.CharField(
        "sector (SIC 2007 section)", max_length=1, blank=True, choices=sic_sections()
    )
    location = models.CharField(
        max_length=100,
        blank=True,
        help_text="A local authority, or only the first half of a postcode.",
    )
    respondent_type = models.CharField(max_length=20, choices=RespondentType.choices, blank=True)
    consent = models.CharField(max_length=20, choices=Consent.choices, blank=True)
    email = models.EmailField(blank=True)
    # Lifecycle.
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    personal_data_erased = models.BooleanField(default=False)

    class Meta:
        ordering = ["consultation", "submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "submission_key"], name="one_response_per_submission"
            ),
            models.UniqueConstraint(
                fields=["reference"],
                name="response_reference_unique",
                condition=~models.Q(reference=""),
            ),
        ]
        indexes = [
            # The staff list's newest-first page is a backward scan of this index, and its
            # counts by status, respondent type and size band read only the index (the last
            # two columns are there for them; docs/benchmarks.md, "Web").
            models.Index(
                fields=[
                    "consultation",
                    "status",
                    "submitted_at",
                    "id",
                    "respondent_type",
                    "size_band",
                ],
                name="response_staff_list_idx",
            ),
            models.Index(fields=["consultation", "respondent_type"]),
        ]

    def __str__(self) -> str:
        return self.reference or f"Draft response {self.pk}"


SAYS_SOMETHING = models.Q(option__isnull=False) | ~models.Q(text="")


def mark_counted(rows: Iterable[Answer]) -> None:
    """Set ``counts_response`` on answer rows about to be saved together: true on one row of
    each (response, question) that says something (the "Other" text if there is one, so that
    it survives the question's options being replaced, else the first option), false on the
    rest. The rows of one response's answer to a question must be saved together."""
    counted: dict[tuple[int | None, int | None], Answer] = {}
    for row in rows:
        row.counts_response = False
        if row.option_id is None and not row.text:
            continue
        key = (row.response_id, row.question_id)
        chosen = counted.get(key)
        if chosen is None or (row.option_id is None and chosen.option_id is not None):
            counted[key] = row
    for row in counted.values():
        row.counts_response = True


class AnswerQuerySet(models.QuerySet["Answer"]):
    def bulk_create(self, objs: Iterable[Answer], *args: Any, **kwargs: Any) -> list[Answer]:
        """Save rows as ``QuerySet.bulk_create`` does, marking the counted ones first."""
        rows = list(objs)
        mark_counted(rows)
        return super().bulk_create(rows, *args, **kwargs)

    def recount(self) -> int:
        """Mark the counted row of every (response, question) among these rows that says
        something but has no counted row (left so by deleting an option): one UPDATE."""
        firsts = (
            self.filter(SAYS_SOMETHING)
            .values("response_id", "question_id")
            .annotate(
                counted=models.Count("pk", filter=models.Q(counts_response=True)),
                first=Coalesce(
                    models.Min("pk", filter=models.Q(option__isnull=True)), models.Min("pk")
                ),
            )
            .filter(counted=0)
            .values("first")
        )
        return Answer.objects.filter(pk__in=firsts).update(counts_response=True)


class Answer(models.Model):
    """One chosen option (choice questions: one row per option) or one text (free text, and
    the text of "Other, please specify" with no option).

    Exactly one row of each response's answer to a question is marked ``counts_response``, so
    that the responses that answered a multiple-choice question are counted in the same
    GROUP BY as its options. Rows written through ``Answer.objects`` (``bulk_create``,
    ``create``) are marked as they are saved, a constraint refuses a second counted row, and
    ``recount`` mends a response's answer that lost its counted row when an option was
    deleted."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    option = models.ForeignKey(
        QuestionOption, on_delete=models.CASCADE, null=True, blank=True, related_name="answers"
    )
    text = models.TextField(blank=True, max_length=20_000)
    counts_response = models.BooleanField(
        default=False,
        editable=False,
        help_text="True on one row of each response's answer to a question: the row counted "
        "when counting the responses that answered.",
    )

    objects = AnswerQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question", "option"],
                name="one_answer_per_option",
                condition=models.Q(option__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["response", "question"],
                name="one_text_answer_per_question",
                condition=models.Q(option__isnull=True),
            ),
            models.UniqueConstraint(
                fields=["response", "question"],
                name="one_counted_answer_per_question",
                condition=models.Q(counts_response=True),
            ),
        ]
        indexes = [models.Index(fields=["question", "option"])]

    def __str__(self) -> str:
        return f"Answer to {self.question_id} in {self.response_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._state.adding:
            # Saved on its own: counted if it says something and nothing else counts yet.
            self.counts_response = (self.option_id is not None or bool(self.text)) and not (
                Answer.objects.filter(
                    response_id=self.response_id, question_id=self.question_id, counts_response=True
                ).exists()
            )
        super().save(*args, **kwargs)


@receiver(post_delete, sender=QuestionOption, dispatch_uid="answers_recount_on_option_delete")
def _recount_on_option_delete(
    sender: type[QuestionOption], instance: QuestionOption, **_: Any
) -> None:
    """Deleting an option deletes the answer rows that chose it: mark another row counted on
    the responses whose counted row went with it."""
    Answer.objects.filter(question_id=instance.question_id).recount()


class Comment(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "Waiting for moderation"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        HIDDEN = "hidden", "Hidden after publication"

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="comments"
    )
    section = models.ForeignKey(VersionSection, on_delete=models.CASCADE, related_name="+")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(max_length=5_000)
    state = models.CharField(max_length=20, choices=State.choices, default=State.PENDING)
    held_reason = models.CharField(
        max_length=300, blank=True, help_text="Why the spam filter held it, if it did."
    )
    moderation_reason = models.CharField(
        max_length=500, blank=True, help_text="Shown to the author when rejected or hidden."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    report_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["consultation", "state"])]

    def __str__(self) -> str:
        return f"Comment {self.pk} on {self.section.title}"


class CommentReport(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter"], name="one_report_per_user")
        ]

    def __str__(self) -> str:
        return f"Report on comment {self.comment_id}"


class ModerationLog(models.Model):
    """Append-only record of every moderation decision: who, what, when, why, before/after."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="log")
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(max_length=30)
    from_state = models.CharField(max_length=20)
    to_state = models.CharField(max_length=20)
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.action} comment {self.comment_id}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise ValueError("Moderation log rows are append-only.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class ModeratorNote(models.Model):
    """A private note by a moderator on a comment; never shown to its author or the public."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(max_length=2_000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Note on comment {self.comment_id}"


# The compile engine (consultations/reporting/) -------------------------------------------------


class Compilation(models.Model):
    """One run of the compile engine over a consultation's submitted responses and approved
    comments: its progress while it runs, then the whole report as data, the compiled draft
    version of the strategy and the report files.

    Invariants: at most one queued or running compilation per consultation (a partial unique
    constraint); ``attempts`` counts claims, and only the holder of the current attempt may
    write the result; the result, the files and the final status are written together."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Compiling"
        SUCCEEDED = "succeeded", "Finished"
        FAILED = "failed", "Failed"

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="compilations"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent done, 0 to 100.")
    stage = models.CharField(max_length=300, blank=True, help_text="What it is doing, in words.")
    is_final = models.BooleanField(
        default=False, help_text="Compiled after the consultation closed."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    parts_total = models.PositiveSmallIntegerField(default=0)
    parts_done = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True, help_text="Why it failed, in plain words.")
    input_hash = models.CharField(max_length=64, blank=True)
    result = models.JSONField(default=dict, blank=True)
    version = models.ForeignKey(
        StrategyVersion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_theme_keys = models.JSONField(
        default=list,
        blank=True,
        help_text="The themes staff had edited when it ran, as “question id:theme key”.",
    )
    pdf = models.FileField(upload_to="reports/%Y/%m/", blank=True)
    docx = models.FileField(upload_to="reports/%Y/%m/", blank=True)
    xlsx = models.FileField(upload_to="reports/%Y/%m/", blank=True)
    published_at = models.DateTimeField(
        null=True, blank=True, help_text="When this compilation became the published outcome."
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation"],
                condition=models.Q(status__in=["queued", "running"]),
                name="one_active_compilation_per_consultation",
            ),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="compilation_progress_at_most_100"
            ),
        ]
        indexes = [
            models.Index(fields=["consultation", "status"]),
            models.Index(fields=["status", "heartbeat_at"]),
        ]

    def __str__(self) -> str:
        return f"Compilation {self.pk} of {self.consultation_id} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in {self.Status.QUEUED, self.Status.RUNNING}


class ThemeEdit(models.Model):
    """A reviewer's change to one theme found in the answers to one free-text question:
    renamed, hidden or merged into another. Later compilations apply it to the theme with the
    same key (``term_weights`` lets the analysis find that theme again)."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="theme_edits"
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="theme_edits")
    theme_key = models.CharField(max_length=100)
    original_label = models.CharField(max_length=200, blank=True)
    label = models.CharField(max_length=100)
    hidden = models.BooleanField(default=False)
    merged_into = models.CharField(max_length=100, blank=True)
    term_weights = models.JSONField(default=dict, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    edited_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["question", "theme_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "theme_key"], name="one_edit_per_question_theme"
            )
        ]

    def __str__(self) -> str:
        return f"Theme {self.theme_key} of question {self.question_id}"


class OutcomeRow(models.Model):
    """One row of the “You said, we did” table as staff completed it. Keyed like the compiled
    rows (“theme:<question id>:<theme key>” or “section:<anchor>”) so that what staff wrote
    survives compiling again."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="outcome_rows"
    )
    key = models.CharField(max_length=200)
    topic = models.CharField(max_length=300)
    you_said = models.TextField(max_length=2_000)
    we_did = models.TextField(max_length=2_000, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    edited_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["consultation", "key"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "key"], name="one_outcome_row_per_key")
        ]

    def __str__(self) -> str:
        return f"You said, we did: {self.topic}"
