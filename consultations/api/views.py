"""Consultations and their questions, responses, comments, moderation and outcome.

Visibility follows the pages: open, closed and outcome-published consultations are public,
upcoming ones are their organisation's staff's; responses are read by the owning
organisation's staff (``consultations.view_responses``) and by each respondent (their own, at
/my-responses/); everything private answers 404. Writes go through the same services as the
pages: ``response_create_complete`` for responses, the moderation services for comments,
reports and decisions (which write the same audit log)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.request import Request
from rest_framework.response import Response as ApiResponse

from accounts.rules import is_site_admin
from lepportal.core.api import SIGNED_IN, Rule, VisibleListMixin, pk_or_none, schema_generation
from strategies.api.views import staff_organisation_ids
from strategies.models import VersionSection

from .. import abuse, moderation, selectors, services
from ..models import (
    Comment,
    CommentReport,
    Compilation,
    Consultation,
    ModerationLog,
    Question,
    Response,
)
from ..reporting import compile as engine
from . import serializers as s
from .filters import CommentFilter, ConsultationFilter, ModerationFilter, ResponseFilter

VIEW = "consultations.view_consultation"
VIEW_RESPONSES = "consultations.view_responses"
VISIBLE = Rule(VIEW, on="parent")


def consultations_visible_to(user: Any) -> QuerySet[Consultation]:
    """What ``consultations.view_consultation`` allows, as a query: everything but upcoming
    consultations, and those of the organisations the user is staff of (all for admins)."""
    consultations = Consultation.objects.select_related("organisation", "version")
    if is_site_admin.test(user):
        return consultations
    return consultations.filter(
        Q(opens_at__lte=timezone.now())
        | Q(outcome_published_at__isnull=False)
        | Q(organisation_id__in=staff_organisation_ids(user))
    )


class ConsultationList(VisibleListMixin, generics.ListAPIView):
    """Open, closed and outcome-published consultations; upcoming ones too for their
    organisation's staff. Soonest to close first."""

    permission_rules = {"GET": ()}
    item_perm = VIEW
    serializer_class = s.ConsultationSerializer
    filterset_class = ConsultationFilter

    def get_queryset(self) -> QuerySet[Consultation]:
        return consultations_visible_to(self.request.user).order_by("-closes_at", "pk")


class ConsultationDetail(generics.RetrieveAPIView):
    permission_rules = {"GET": (Rule(VIEW),)}
    serializer_class = s.ConsultationDetailSerializer
    lookup_field = "slug"

    def get_queryset(self) -> QuerySet[Consultation]:
        return consultations_visible_to(self.request.user)


class ConsultationMixin:
    """Views under /consultations/{slug}/: the consultation, fetched once, judged by the rules."""

    request: Request
    kwargs: dict[str, Any]

    def get_consultation(self) -> Consultation:
        if not hasattr(self, "_consultation"):
            self._consultation = get_object_or_404(
                consultations_visible_to(self.request.user), slug=self.kwargs["slug"]
            )
        return self._consultation

    def get_permission_parent(self) -> Consultation:
        return self.get_consultation()


class QuestionList(ConsultationMixin, generics.ListAPIView):
    """The questions in order, each with its options."""

    permission_rules = {"GET": (VISIBLE,)}
    serializer_class = s.QuestionSerializer

    def get_queryset(self) -> QuerySet[Question]:
        if schema_generation(self):
            return Question.objects.none()
        return (
            self.get_consultation()
            .questions.select_related("section")
            .prefetch_related("options")
            .order_by("position", "pk")
        )


# Responses -----------------------------------------------------------------------------------


def _staff_responses(consultation: Consultation) -> QuerySet[Response]:
    return (
        Response.objects.filter(consultation=consultation)
        .exclude(status=Response.Status.DRAFT)
        .select_related("consultation")
        .prefetch_related("answers")
        .order_by("-submitted_at", "-pk")
    )


class ResponseListCreate(ConsultationMixin, VisibleListMixin, generics.ListCreateAPIView):
    """Responses to a consultation: read by its organisation's staff, made by respondents."""

    permission_rules = {
        "GET": (VISIBLE, Rule(VIEW_RESPONSES, on="parent")),
        "POST": (VISIBLE, Rule("consultations.respond", on="parent", hide=False)),
    }
    item_perm = "consultations.view_response"
    filterset_class = ResponseFilter
    error_codes = {"POST": (409,)}

    def get_serializer_class(self) -> type:
        if self.request.method == "POST":
            return s.ResponseCreateSerializer
        return s.StaffResponseSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        if self.request.method == "POST":
            context["questions"] = list(
                self.get_consultation().questions.prefetch_related("options")
            )
        return context

    def get_queryset(self) -> QuerySet[Response]:
        if schema_generation(self):
            return Response.objects.none()
        return _staff_responses(self.get_consultation())

    @extend_schema(
        description="The submitted responses, with the respondents' personal data, for the "
        "consultation's organisation's staff; filterable as on the responses page (withdrawn "
        "responses only when asked). Newest first."
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> ApiResponse:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        description="Respond: anyone the consultation admits — anonymous callers only where it "
        "accepts anonymous responses, and then at most the online form's hourly number per "
        "network address. The answers are checked as the online form checks them. Make a fresh "
        "`submission_key` (a UUID) for each new response and keep it for retries: sending the "
        "same key again returns the response made the first time, with 200 instead of 201.",
        request=s.ResponseCreateSerializer,
        responses={
            201: OpenApiResponse(s.ReceiptSerializer, description="The response was made."),
            200: OpenApiResponse(
                s.ReceiptSerializer,
                description="This submission key was sent before: the response it made.",
            ),
        },
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> ApiResponse:
        consultation = self.get_consultation()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = request.user if request.user.is_authenticated else None
        # Only a new response counts towards the network's hourly limit, not a retry. The rules
        # on keys and on responding twice are the service's, whose ApplicationError (409
        # key_in_use or already_responded) the API's error handler answers.
        if (
            user is None
            and not consultation.responses.filter(submission_key=data["submission_key"]).exists()
            and abuse.rate_limited(request._request, "responses")
        ):
            raise exceptions.Throttled(
                detail="Too many responses have come from your network in the last hour. "
                "Try again later."
            )
        response, created = services.response_create_complete(
            consultation=consultation,
            profile=data["profile"],
            raw_answers=data["raw_answers"],
            other_answers=data["other_answers"],
            submission_key=data["submission_key"],
            source=Response.Source.API,
            source_detail="API",
            respondent=user,
        )
        return ApiResponse(
            s.ReceiptSerializer(response).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class ResponseDetail(ConsultationMixin, generics.RetrieveAPIView):
    """One submitted or withdrawn response, for the owning organisation's staff."""

    permission_rules = {
        "GET": (VISIBLE, Rule(VIEW_RESPONSES, on="parent"), Rule("consultations.view_response"))
    }
    serializer_class = s.StaffResponseSerializer

    def get_queryset(self) -> QuerySet[Response]:
        if schema_generation(self):
            return Response.objects.none()
        return _staff_responses(self.get_consultation())


class MyResponseMixin:
    request: Request
    permission_rules = {"GET": (SIGNED_IN, Rule("consultations.view_response"))}
    serializer_class = s.ResponseSerializer

    def get_queryset(self) -> QuerySet[Response]:
        if schema_generation(self):
            return Response.objects.none()
        return (
            Response.objects.filter(respondent=self.request.user)
            .exclude(status=Response.Status.DRAFT)
            .select_related("consultation")
            .prefetch_related("answers")
            .order_by("-submitted_at", "-pk")
        )


class MyResponseList(MyResponseMixin, VisibleListMixin, generics.ListAPIView):
    """Your own submitted (and withdrawn) responses, newest first, without personal data."""

    item_perm = "consultations.view_response"


class MyResponseDetail(MyResponseMixin, generics.RetrieveAPIView):
    """One of your own responses."""


# Comments ------------------------------------------------------------------------------------


class CommentListCreate(ConsultationMixin, generics.ListCreateAPIView):
    """Comments on the sections of the version consulted on."""

    permission_rules = {
        "GET": (VISIBLE,),
        "POST": (VISIBLE, SIGNED_IN, Rule("consultations.comment", on="parent", hide=False)),
    }
    filterset_class = CommentFilter
    error_codes = {"POST": (409,)}

    def get_serializer_class(self) -> type:
        if self.request.method == "POST":
            return s.CommentCreateSerializer
        return s.CommentSerializer

    def get_queryset(self) -> QuerySet[Comment]:
        if schema_generation(self):
            return Comment.objects.none()
        visible = Q(state=Comment.State.APPROVED)
        if self.request.user.is_authenticated:
            visible |= Q(author=self.request.user)
        return (
            self.get_consultation()
            .comments.filter(visible)
            .select_related("section")
            .order_by("created_at", "pk")
        )

    @extend_schema(
        description="The published comments (and your own, in any state), oldest first. "
        "Authors are not named."
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> ApiResponse:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        description="Comment on a section, or reply to a published comment (one level of "
        "replies), when signed in and while the consultation is open. Under pre-moderation the "
        "comment waits for a moderator; under post-moderation it is published at once. Likely "
        "spam is held for a moderator either way.",
        request=s.CommentCreateSerializer,
        responses={201: s.CommentSerializer},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> ApiResponse:
        consultation = self.get_consultation()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        section = VersionSection.objects.filter(
            pk=data["section"], version_id=consultation.version_id
        ).first()
        if section is None:
            raise exceptions.ValidationError(
                {"section": ["Choose a section of the strategy being consulted on."]}
            )
        parent = None
        if data.get("parent") is not None:
            parent = consultation.comments.filter(
                pk=data["parent"], state=Comment.State.APPROVED
            ).first()
            if parent is None:
                raise exceptions.ValidationError(
                    {"parent": ["You can only reply to a published comment."]}
                )
        comment = moderation.comment_post(
            consultation=consultation,
            section=section,
            author=request.user,
            body=data["body"],
            parent=parent,
        )
        comment.section = section
        return ApiResponse(s.CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


class CommentReportCreate(ConsultationMixin, generics.GenericAPIView):
    """Report a published comment to the moderators (once each; not your own)."""

    permission_rules = {
        "POST": (
            VISIBLE,
            SIGNED_IN,
            Rule("consultations.report_comment", on="parent", hide=False),
        )
    }
    serializer_class = s.ReportCreateSerializer
    error_codes = {"POST": (409,)}

    @extend_schema(request=s.ReportCreateSerializer, responses={201: s.ReportReceiptSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> ApiResponse:
        consultation = self.get_consultation()
        comment = get_object_or_404(
            consultation.comments,
            pk=pk_or_none(self.kwargs["pk"]),
            state=Comment.State.APPROVED,
        )
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = moderation.comment_report(
            comment=comment, reporter=request.user, reason=serializer.validated_data["reason"]
        )
        return ApiResponse(s.ReportReceiptSerializer(report).data, status=status.HTTP_201_CREATED)


# Moderation ----------------------------------------------------------------------------------

MODERATE = Rule("consultations.moderate")


class ModerationMixin:
    request: Request

    def get_permission_target(self, comment: Comment) -> Consultation:
        return comment.consultation

    def get_queryset(self) -> QuerySet[Comment]:
        return (
            moderation.with_open_reports(moderation.moderatable_comments(self.request.user))
            .select_related("consultation", "consultation__organisation", "section")
            .prefetch_related(
                Prefetch("reports", CommentReport.objects.order_by("created_at", "pk")),
                Prefetch("log", ModerationLog.objects.order_by("created_at", "pk")),
            )
        )


class ModerationQueue(generics.ListAPIView):
    """The comments you moderate, oldest first: by default everything that needs a decision
    (waiting, held by the spam filter, or published and reported)."""

    permission_rules = {"GET": (SIGNED_IN, Rule("consultations.moderate_some", on="none"))}
    serializer_class = s.ModerationCommentSerializer
    filterset_class = ModerationFilter

    def get_queryset(self) -> QuerySet[Comment]:
        form = ModerationFilter(self.request.query_params).form
        values = form.cleaned_data if form.is_valid() else {}
        consultation_id = None
        if values.get("consultation"):
            consultation_id = (
                Consultation.objects.filter(slug=values["consultation"])
                .values_list("pk", flat=True)
                .first()
            ) or 0
        return moderation.moderation_queue(
            user=self.request.user,
            consultation_id=consultation_id,
            state=values.get("state") or "",
            reported_only=bool(values.get("reported")),
        )


class ModerationCommentDetail(ModerationMixin, generics.RetrieveAPIView):
    """One comment with its reports and its moderation log."""

    permission_rules = {"GET": (SIGNED_IN, MODERATE)}
    serializer_class = s.ModerationCommentDetailSerializer


class ModerationDecisionCreate(ModerationMixin, generics.GenericAPIView):
    """Decide on a comment: approve or reject one waiting, hide or keep one published, or
    restore one hidden or rejected. Rejecting and hiding need a reason, which the author is
    told by e-mail. Recorded in the moderation log exactly as decisions on the pages are."""

    permission_rules = {"POST": (SIGNED_IN, MODERATE)}
    serializer_class = s.DecisionSerializer
    error_codes = {"POST": (409,)}

    @extend_schema(
        request=s.DecisionSerializer,
        responses={200: s.ModerationCommentDetailSerializer},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> ApiResponse:
        comment = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        moderation.comment_moderate(
            comment=comment,
            moderator=request.user,
            action=serializer.validated_data["action"],
            reason=serializer.validated_data.get("reason", ""),
        )
        fresh = self.get_queryset().get(pk=comment.pk)
        return ApiResponse(s.ModerationCommentDetailSerializer(fresh).data)


# The published outcome -----------------------------------------------------------------------


class Outcome(ConsultationMixin, generics.GenericAPIView):
    """Once the outcome is published: how many responded, by type of respondent and size of
    organisation (counts only, no personal data), how many comments were published, the “You
    said, we did” table and links to the published report."""

    permission_rules = {"GET": (VISIBLE,)}
    serializer_class = s.OutcomeSerializer

    def get(self, request: Request, *args: Any, **kwargs: Any) -> ApiResponse:
        consultation = self.get_consultation()
        if consultation.state != Consultation.State.OUTCOME:
            raise exceptions.NotFound("The outcome of this consultation is not published yet.")
        counts = selectors.response_counts(consultation)
        approved = consultation.comments.aggregate(
            n=Count("pk", filter=Q(state=Comment.State.APPROVED))
        )["n"]
        compilation = engine.published_report(consultation)
        rows, report = [], None
        if compilation is not None:
            rows = engine.outcome_rows(consultation, compilation)
            report = {
                "page": reverse("consultations:outcome", kwargs={"slug": consultation.slug}),
                **{
                    fmt: reverse(
                        "consultations:outcome_download",
                        kwargs={"slug": consultation.slug, "fmt": fmt},
                    )
                    if getattr(compilation, fmt)
                    else None
                    for fmt in ("pdf", "docx", "xlsx")
                },
            }
        data = {
            "consultation": consultation,
            "responses": counts,
            "approved_comments": approved,
            "you_said_we_did": rows,
            "report": report,
        }
        return ApiResponse(self.get_serializer(data).data)


# Compilations ----------------------------------------------------------------------------


class CompilationListCreate(ConsultationMixin, generics.ListCreateAPIView):
    """Compilations of the responses into a draft report: read by the organisation's staff,
    started by its lead and editors (as on the report page)."""

    permission_rules = {
        "GET": (VISIBLE, Rule(VIEW_RESPONSES, on="parent")),
        "POST": (VISIBLE, Rule("consultations.manage_consultation", on="parent")),
    }
    error_codes = {"POST": (409, 503)}

    def get_serializer_class(self) -> type:
        if self.request.method == "POST":
            return s.CompilationStartSerializer
        return s.CompilationSerializer

    def get_queryset(self) -> QuerySet[Compilation]:
        if schema_generation(self):
            return Compilation.objects.none()
        return (
            self.get_consultation()
            .compilations.select_related("consultation", "version")
            .order_by("-created_at", "-pk")
        )

    @extend_schema(description="The consultation's compilations, newest first.")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> ApiResponse:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        description="Start compiling the submitted responses and approved comments. Nothing "
        "changed since a finished compilation: that one is returned (200). One already queued "
        "or running: that one is returned (202). Otherwise a new one starts (202). Poll its "
        "address for progress; when finished it links to the report and its downloads.",
        request=s.CompilationStartSerializer,
        responses={
            202: OpenApiResponse(s.CompilationSerializer, description="Queued or running."),
            200: OpenApiResponse(s.CompilationSerializer, description="Already finished."),
        },
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> ApiResponse:
        consultation = self.get_consultation()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        compilation = engine.compilation_start(
            consultation=consultation,
            user=request.user,
            final=serializer.validated_data["final"],
        )
        compilation = self.get_queryset().get(pk=compilation.pk)
        running = compilation.is_active
        return ApiResponse(
            s.CompilationSerializer(compilation).data,
            status=status.HTTP_202_ACCEPTED if running else status.HTTP_200_OK,
            headers={"Location": request.build_absolute_uri(f"{compilation.pk}/")},
        )


class CompilationDetail(ConsultationMixin, generics.RetrieveAPIView):
    """One compilation: status, progress in per cent and what it is doing; when finished, the
    strategy version it compiled and links to the report and its downloads."""

    permission_rules = {"GET": (VISIBLE, Rule(VIEW_RESPONSES, on="parent"))}
    serializer_class = s.CompilationSerializer

    def get_queryset(self) -> QuerySet[Compilation]:
        if schema_generation(self):
            return Compilation.objects.none()
        return self.get_consultation().compilations.select_related("consultation", "version")

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> ApiResponse:
        response = super().retrieve(request, *args, **kwargs)
        response["Cache-Control"] = "no-store"  # progress changes from one poll to the next
        return response
