"""Consultations, questions, responses, comments and moderation as the API shows them.

Personal data: a response's respondent name and e-mail address appear only in
``StaffResponseSerializer``, used only for people who may read the consultation's responses
(``consultations.view_responses``). Comment authors are never named."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.api.serializers import OrganisationRefSerializer
from lepportal.core.api import StrictSerializer
from lepportal.core.reference import sic_sections

from ..answers import OTHER, clean_answers
from ..constants import Consent, OrganisationType, RespondentType, RespondingAs, SizeBand
from ..forms import ProfileForm
from ..models import (
    Comment,
    CommentReport,
    Compilation,
    Consultation,
    ModerationLog,
    Question,
    Response,
)
from ..moderation import ModerationAction

MAX_ANSWERS = 500
MAX_OPTIONS = 100
LARGEST_ID = 2**63 - 1


class ConsultationSerializer(serializers.ModelSerializer):
    organisation = OrganisationRefSerializer(read_only=True)
    strategy = serializers.IntegerField(source="strategy_id", read_only=True)
    version = serializers.IntegerField(
        source="version.number", read_only=True, help_text="The version consulted on."
    )
    state = serializers.ChoiceField(choices=Consultation.State.choices, read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Consultation
        fields = [
            "slug",
            "title",
            "organisation",
            "strategy",
            "version",
            "kind",
            "state",
            "state_label",
            "summary",
            "opens_at",
            "closes_at",
            "allow_anonymous",
            "moderation",
            "outcome_published_at",
            "url",
        ]
        read_only_fields = fields


class ConsultationDetailSerializer(ConsultationSerializer):
    class Meta(ConsultationSerializer.Meta):
        fields = [*ConsultationSerializer.Meta.fields, "body", "how_to_respond", "privacy_notice"]
        read_only_fields = fields


class OptionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    label = serializers.CharField()


class QuestionSerializer(serializers.ModelSerializer):
    section = serializers.IntegerField(
        source="section_id", allow_null=True, help_text="The section of the version consulted on."
    )
    section_anchor = serializers.CharField(source="section.anchor", allow_null=True, default=None)
    options = OptionSerializer(many=True, read_only=True)

    class Meta:
        model = Question
        fields = [
            "id",
            "position",
            "kind",
            "text",
            "hint",
            "required",
            "max_length",
            "allow_other",
            "section",
            "section_anchor",
            "options",
        ]
        read_only_fields = fields


# Responses -----------------------------------------------------------------------------------


class AnswerInputSerializer(StrictSerializer):
    question = serializers.IntegerField(min_value=1, max_value=LARGEST_ID)
    options = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=LARGEST_ID),
        required=False,
        max_length=MAX_OPTIONS,
        help_text="Chosen option ids (choice and scale questions).",
    )
    text = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=20_000,
        help_text="The answer to a free-text question, or the “Other” text of a multiple-choice "
        "question that allows one.",
    )


class ResponseCreateSerializer(StrictSerializer):
    """A whole response: the respondent profile and the answers, checked as the online form
    checks them. ``submission_key`` (a UUID the client makes) makes creation idempotent."""

    submission_key = serializers.UUIDField(
        help_text="A UUID you generate once per response: sending it again returns the "
        "response made the first time (200) instead of making another (201)."
    )
    responding_as = serializers.ChoiceField(choices=RespondingAs.choices)
    respondent_name = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="Never published."
    )
    organisation_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    organisation_type = serializers.ChoiceField(
        choices=OrganisationType.choices, required=False, allow_blank=True
    )
    size_band = serializers.ChoiceField(choices=SizeBand.choices, required=False, allow_blank=True)
    sector = serializers.ChoiceField(
        choices=sic_sections(), required=False, allow_blank=True, help_text="SIC 2007 section."
    )
    location = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text="A local authority or the first half of a postcode (a full postcode is cut).",
    )
    consent = serializers.ChoiceField(choices=Consent.choices)
    email = serializers.EmailField(
        required=False, allow_blank=True, help_text="For a receipt; never published."
    )
    answers = AnswerInputSerializer(many=True, required=False, max_length=MAX_ANSWERS)

    PROFILE = (
        "responding_as",
        "respondent_name",
        "organisation_name",
        "organisation_type",
        "size_band",
        "sector",
        "location",
        "consent",
        "email",
    )

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        profile = self._profile(data)
        raw, other = self._answers(data.get("answers", []))
        return {
            "submission_key": data["submission_key"],
            "profile": profile,
            "raw_answers": raw,
            "other_answers": other,
        }

    def _profile(self, data: dict[str, Any]) -> dict[str, str]:
        """The online form's own rules (organisation details, the postcode cut)."""
        form = ProfileForm(data={name: data.get(name, "") for name in self.PROFILE})
        if not form.is_valid():
            raise serializers.ValidationError(
                {
                    name if name != "__all__" else "non_field_errors": messages
                    for name, messages in form.errors.items()
                }
            )
        profile = {name: form.cleaned_data.get(name) or "" for name in self.PROFILE}
        if profile["responding_as"] == RespondingAs.INDIVIDUAL:
            # As on the form: an individual has no organisation to record or publish.
            profile["organisation_name"] = profile["organisation_type"] = ""
        return profile

    def _answers(self, answers: list[dict[str, Any]]) -> tuple[dict[int, Any], dict[int, str]]:
        questions: list[Question] = self.context["questions"]
        by_id = {question.pk: question for question in questions}
        errors: dict[str, list[str]] = {}
        raw: dict[int, Any] = {}
        other: dict[int, str] = {}
        index_of: dict[int, int] = {}
        for index, answer in enumerate(answers):
            question = by_id.get(answer["question"])
            if question is None:
                errors[f"answers.{index}.question"] = [
                    "This consultation has no question with that id."
                ]
                continue
            if question.pk in index_of:
                errors[f"answers.{index}.question"] = ["Answer each question once."]
                continue
            index_of[question.pk] = index
            options, text = answer.get("options", []), answer.get("text", "")
            if question.kind == Question.Kind.FREE_TEXT:
                if options:
                    errors[f"answers.{index}.options"] = ["This question takes a text answer."]
                raw[question.pk] = text
            else:
                raw[question.pk] = [str(option) for option in options] + ([OTHER] if text else [])
                other[question.pk] = text
        if not errors:
            _, problems = clean_answers(questions, raw, other)
            for question in questions:
                if question.pk in problems:
                    where = (
                        f"answers.{index_of[question.pk]}"
                        if question.pk in index_of
                        else f"answers.question_{question.pk}"
                    )
                    errors[where] = [f"Question {question.position}: {problems[question.pk]}"]
        if errors:
            raise serializers.ValidationError(errors)
        return raw, other


class ReceiptSerializer(serializers.ModelSerializer):
    """What a respondent gets back: the reference, never the answers or personal data."""

    consultation = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Response
        fields = ["id", "reference", "status", "submitted_at", "consultation"]
        read_only_fields = fields


class AnswerSerializer(serializers.Serializer):
    question = serializers.IntegerField()
    options = serializers.ListField(child=serializers.IntegerField())
    text = serializers.CharField(allow_blank=True)


def _profile_choice(choices: Any) -> serializers.ChoiceField:
    """A profile answer, blank when the respondent did not give it."""
    return serializers.ChoiceField(choices=choices, allow_blank=True, read_only=True)


class ResponseSerializer(serializers.ModelSerializer):
    """A response without its respondent's name or e-mail address."""

    responding_as = _profile_choice(RespondingAs.choices)
    respondent_type = _profile_choice(RespondentType.choices)
    organisation_type = _profile_choice(OrganisationType.choices)
    size_band = _profile_choice(SizeBand.choices)
    sector = _profile_choice(sic_sections())
    consent = _profile_choice(Consent.choices)
    answers = serializers.SerializerMethodField()

    class Meta:
        model = Response
        fields = [
            "id",
            "reference",
            "status",
            "source",
            "submitted_at",
            "withdrawn_at",
            "responding_as",
            "respondent_type",
            "organisation_name",
            "organisation_type",
            "size_band",
            "sector",
            "location",
            "consent",
            "answers",
        ]
        read_only_fields = fields

    @extend_schema_field(AnswerSerializer(many=True))
    def get_answers(self, response: Response) -> list[dict[str, Any]]:
        options: dict[int, list[int]] = defaultdict(list)
        texts: dict[int, str] = {}
        for answer in response.answers.all():
            if answer.option_id is None:
                texts[answer.question_id] = answer.text
            else:
                options[answer.question_id].append(answer.option_id)
        return [
            {"question": q, "options": sorted(options.get(q, [])), "text": texts.get(q, "")}
            for q in sorted(set(options) | set(texts))
        ]


class StaffResponseSerializer(ResponseSerializer):
    """A response as the owning organisation's staff read it: with the personal data."""

    class Meta(ResponseSerializer.Meta):
        fields = [*ResponseSerializer.Meta.fields, "respondent_name", "email"]
        read_only_fields = fields


# Comments and moderation ---------------------------------------------------------------------


class CommentSerializer(serializers.ModelSerializer):
    """A comment as the public sees it (its author is never named)."""

    section_anchor = serializers.CharField(source="section.anchor", read_only=True)

    class Meta:
        model = Comment
        fields = [
            "id",
            "section",
            "section_anchor",
            "parent",
            "body",
            "state",
            "moderation_reason",
            "created_at",
        ]
        read_only_fields = fields


class CommentCreateSerializer(StrictSerializer):
    section = serializers.IntegerField(
        min_value=1, max_value=LARGEST_ID, help_text="A section id of the version consulted on."
    )
    parent = serializers.IntegerField(
        min_value=1,
        max_value=LARGEST_ID,
        required=False,
        allow_null=True,
        help_text="The published comment this replies to (one level of replies).",
    )
    body = serializers.CharField(max_length=5_000)


class ReportCreateSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=500, help_text="Why the comment breaks the rules.")


class ReportReceiptSerializer(serializers.ModelSerializer):
    class Meta:
        model = CommentReport
        fields = ["comment", "created_at"]
        read_only_fields = fields


class ModerationCommentSerializer(serializers.ModelSerializer):
    consultation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    section_title = serializers.CharField(source="section.title", read_only=True)
    open_report_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Comment
        fields = [
            "id",
            "consultation",
            "section",
            "section_title",
            "parent",
            "body",
            "state",
            "held_reason",
            "moderation_reason",
            "report_count",
            "open_report_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = CommentReport
        fields = ["reason", "created_at", "resolved_at"]
        read_only_fields = fields


class LogEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = ModerationLog
        fields = ["action", "from_state", "to_state", "reason", "created_at"]
        read_only_fields = fields


class ModerationCommentDetailSerializer(ModerationCommentSerializer):
    reports = ReportSerializer(many=True, read_only=True)
    log = LogEntrySerializer(many=True, read_only=True)

    class Meta(ModerationCommentSerializer.Meta):
        fields = [*ModerationCommentSerializer.Meta.fields, "reports", "log"]
        read_only_fields = fields


class DecisionSerializer(StrictSerializer):
    action = serializers.ChoiceField(choices=ModerationAction.choices)
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=500,
        help_text="Needed to reject or hide: the author is told it.",
    )


# The published outcome -----------------------------------------------------------------------


class CountSerializer(serializers.Serializer):
    value = serializers.CharField(allow_blank=True)
    label = serializers.CharField()
    count = serializers.IntegerField()


class ResponseCountsSerializer(serializers.Serializer):
    submitted = serializers.IntegerField()
    withdrawn = serializers.IntegerField()
    by_respondent_type = CountSerializer(many=True)
    by_size_band = CountSerializer(many=True)


# Compilations --------------------------------------------------------------------------------


class ReportLinksSerializer(serializers.Serializer):
    """Where to read and download the compiled report (null until it has finished)."""

    page = serializers.CharField(allow_null=True, help_text="The report in the browser.")
    pdf = serializers.CharField(allow_null=True)
    docx = serializers.CharField(allow_null=True)
    xlsx = serializers.CharField(allow_null=True)


class CompilationSerializer(serializers.ModelSerializer):
    """One run of the compile engine: its progress while it runs, then links to the result."""

    status_label = serializers.CharField(source="get_status_display", read_only=True)
    finished = serializers.SerializerMethodField()
    version = serializers.IntegerField(
        source="version.number",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="The strategy version compiled from the responses, once finished.",
    )
    links = serializers.SerializerMethodField()

    class Meta:
        model = Compilation
        fields = [
            "id",
            "status",
            "status_label",
            "progress",
            "stage",
            "error",
            "finished",
            "is_final",
            "created_at",
            "started_at",
            "finished_at",
            "published_at",
            "version",
            "links",
        ]
        read_only_fields = fields

    def get_finished(self, compilation: Compilation) -> bool:
        return not compilation.is_active

    @extend_schema_field(ReportLinksSerializer)
    def get_links(self, compilation: Compilation) -> dict[str, str | None]:
        done = compilation.status == Compilation.Status.SUCCEEDED
        slug = compilation.consultation.slug
        links: dict[str, str | None] = {
            "page": reverse("consultations:report", kwargs={"slug": slug}) if done else None
        }
        for fmt in ("pdf", "docx", "xlsx"):
            stored = done and bool(getattr(compilation, fmt))
            links[fmt] = (
                reverse(
                    "consultations:report_download",
                    kwargs={"slug": slug, "pk": compilation.pk, "fmt": fmt},
                )
                if stored
                else None
            )
        return links


class CompilationStartSerializer(StrictSerializer):
    final = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Ask for the final report (only once the consultation has closed; every "
        "compilation after closing is final anyway).",
    )


class OutcomeRowSerializer(serializers.Serializer):
    topic = serializers.CharField()
    context = serializers.CharField(allow_blank=True)
    you_said = serializers.CharField(allow_blank=True)
    we_did = serializers.CharField(allow_blank=True)


class PublishedReportSerializer(serializers.Serializer):
    page = serializers.CharField(help_text="The “We asked, you said, we did” page.")
    pdf = serializers.CharField(allow_null=True)
    docx = serializers.CharField(allow_null=True)
    xlsx = serializers.CharField(allow_null=True)


class OutcomeSerializer(serializers.Serializer):
    """The published outcome: who responded (counts only) and what was heard."""

    consultation = serializers.CharField(source="consultation.slug")
    title = serializers.CharField(source="consultation.title")
    outcome_published_at = serializers.DateTimeField(source="consultation.outcome_published_at")
    responses = ResponseCountsSerializer()
    approved_comments = serializers.IntegerField()
    you_said_we_did = OutcomeRowSerializer(
        many=True, help_text="What people said, theme by theme, and what was done about it."
    )
    report = PublishedReportSerializer(
        allow_null=True, help_text="The published report, or null if none was published."
    )
