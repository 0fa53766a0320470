"""Strategies, their sections, versions and comparisons, KPIs, the national progress tracker
and the evidence base.

Published strategies are public; drafts, history and evidence belong to the organisation's
staff and site administrators (``strategies.view_draft`` / ``strategies.view_evidence``).
Everything private answers 404 to everyone else, exactly as the pages do."""

from __future__ import annotations

from typing import Any

import django_filters
from django.conf import settings
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Organisation
from accounts.rules import STAFF_ROLES, is_site_admin, roles_by_organisation
from lepportal.core.api import (
    PUBLIC,
    Rule,
    VisibleListMixin,
    conditional,
    entity_tag,
    pk_or_none,
    schema_generation,
)

from .. import selectors
from ..diff import diff_stats, word_diff
from ..evidence.analysis import analyse
from ..evidence.services import dataset_rows
from ..evidence.views import kpi_rows
from ..models import EvidenceDataset, Kpi, Section, Strategy, StrategyVersion
from . import serializers as s

VIEW_PUBLISHED = "strategies.view_published"
VIEW_DRAFT = "strategies.view_draft"


def staff_organisation_ids(user: Any) -> list[int]:
    """The organisations whose drafts ``user`` reads: the same roles as ``is_staff_of``."""
    return [org for org, role in roles_by_organisation(user).items() if role in STAFF_ROLES]


def strategies_visible_to(user: Any) -> QuerySet[Strategy]:
    """What ``strategies.view_published`` allows, as a query: published strategies, and the
    drafts of the organisations the user is staff of (every strategy for site admins)."""
    strategies = Strategy.objects.select_related("organisation", "published_version")
    if is_site_admin.test(user):
        return strategies
    return strategies.filter(
        Q(published_version__isnull=False) | Q(organisation_id__in=staff_organisation_ids(user))
    )


class StrategyFilter(django_filters.FilterSet):
    organisation = django_filters.CharFilter(
        field_name="organisation__slug", max_length=200, help_text="The organisation's slug."
    )
    status = django_filters.ChoiceFilter(choices=Strategy.Status.choices)
    published = django_filters.BooleanFilter(
        field_name="published_version", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = Strategy
        fields = ["organisation", "status", "published"]


class StrategyList(VisibleListMixin, generics.ListAPIView):
    """Published strategies, and the drafts of the organisations you are staff of."""

    permission_rules = {"GET": PUBLIC}
    item_perm = VIEW_PUBLISHED
    serializer_class = s.StrategySerializer
    filterset_class = StrategyFilter

    def get_queryset(self) -> QuerySet[Strategy]:
        return strategies_visible_to(self.request.user).order_by("organisation__name", "title")


def published_version(strategy: Strategy) -> StrategyVersion:
    """The version the public reads; only published strategies reach a public reader."""
    if strategy.published_version is None:
        raise exceptions.NotFound()
    return strategy.published_version


class StrategyMixin:
    """Views under /strategies/{id}/: the strategy, fetched once, that the rules judge."""

    request: Request
    kwargs: dict[str, Any]

    def get_strategy(self) -> Strategy:
        if not hasattr(self, "_strategy"):
            self._strategy = get_object_or_404(
                strategies_visible_to(self.request.user), pk=self.kwargs["pk"]
            )
        return self._strategy

    def get_permission_parent(self) -> Strategy:
        return self.get_strategy()


@extend_schema(
    parameters=[
        OpenApiParameter(
            "If-None-Match",
            OpenApiTypes.STR,
            OpenApiParameter.HEADER,
            description="An ETag from an earlier response: 304 when unchanged.",
        ),
        OpenApiParameter(
            "If-Modified-Since",
            OpenApiTypes.STR,
            OpenApiParameter.HEADER,
            description="An HTTP date: 304 when unchanged since.",
        ),
    ],
    responses={
        200: s.StrategyDetailSerializer,
        304: OpenApiResponse(description="Not modified since the copy you hold."),
    },
)
class StrategyDetail(generics.RetrieveAPIView):
    """One strategy. A published strategy carries `ETag` and `Last-Modified`, and answers a
    conditional GET with 304 when nothing has changed."""

    permission_rules = {"GET": (Rule(VIEW_PUBLISHED),)}
    serializer_class = s.StrategyDetailSerializer

    def get_queryset(self) -> QuerySet[Strategy]:
        return strategies_visible_to(self.request.user)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        strategy = self.get_object()

        def build() -> Response:
            return Response(self.get_serializer(strategy).data)

        if strategy.published_version_id is None:
            return build()
        organisation = strategy.organisation
        # Workflow steps update the row without touching updated_at: judge them apart.
        moments = [strategy.updated_at, strategy.status_changed_at, strategy.published_at]
        last_modified = max(moment for moment in moments if moment is not None)
        etag = entity_tag(
            "strategy",
            strategy.pk,
            *(moment.isoformat() if moment else "" for moment in moments),
            strategy.status,
            strategy.published_version_id,
            organisation.slug,
            organisation.name,
        )
        return conditional(request, etag=etag, last_modified=last_modified, build=build)


class StrategySections(StrategyMixin, generics.ListAPIView):
    """The strategy's sections: the published version's for the public, the live draft's for
    the organisation's staff."""

    permission_rules = {"GET": (Rule(VIEW_PUBLISHED, on="parent"),)}
    serializer_class = s.SectionSerializer

    def get_queryset(self) -> Any:
        if schema_generation(self):
            return Section.objects.none()
        strategy = self.get_strategy()
        if self.request.user.has_perm(VIEW_DRAFT, strategy):
            return selectors.live_sections(strategy)
        return selectors.version_sections(published_version(strategy))

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        strategy = self.get_strategy()
        live = request.user.has_perm(VIEW_DRAFT, strategy)
        page = self.paginate_queryset(self.get_queryset())
        rendered = selectors.render_sections(page, organisation_id=strategy.organisation_id)
        version = None if live else published_version(strategy).number
        rows = [
            {
                "id": section.pk,
                "source": "live" if live else "published",
                "version": version,
                "position": section.position,
                "anchor": section.anchor,
                "kind": section.kind,
                "title": section.title,
                "body": section.body,
                "html": str(html.html),
            }
            for section, html in zip(page, rendered, strict=True)
        ]
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)


class StrategyVersions(StrategyMixin, generics.ListAPIView):
    """Named versions: every one for the organisation's staff, the published one for others."""

    permission_rules = {"GET": (Rule(VIEW_PUBLISHED, on="parent"),)}
    serializer_class = s.VersionSerializer

    def get_queryset(self) -> QuerySet[StrategyVersion]:
        if schema_generation(self):
            return StrategyVersion.objects.none()
        strategy = self.get_strategy()
        versions = StrategyVersion.objects.filter(strategy=strategy).select_related("strategy")
        if not self.request.user.has_perm(VIEW_DRAFT, strategy):
            versions = versions.filter(pk=published_version(strategy).pk)
        return versions.order_by("-number")


class StrategyVersionDetail(StrategyMixin, generics.RetrieveAPIView):
    """One version with its sections and priorities. The published version is public; the
    others are the staff's."""

    permission_rules = {"GET": (Rule(VIEW_PUBLISHED, on="parent"),)}
    serializer_class = s.VersionDetailSerializer

    def get_object(self) -> StrategyVersion:
        strategy = self.get_strategy()
        number = pk_or_none(self.kwargs["number"])
        version = get_object_or_404(
            StrategyVersion.objects.select_related("strategy"), strategy=strategy, number=number
        )
        if version.pk != strategy.published_version_id and not self.request.user.has_perm(
            VIEW_DRAFT, strategy
        ):
            raise exceptions.NotFound()
        return version


@extend_schema(
    parameters=[
        OpenApiParameter("from", int, required=True, description="The older version's number."),
        OpenApiParameter("to", int, required=True, description="The newer version's number."),
    ],
    responses={200: s.ComparisonSerializer},
)
class StrategyComparison(StrategyMixin, generics.GenericAPIView):
    """Two versions compared word by word, section by section (staff only)."""

    permission_rules = {"GET": (Rule(VIEW_DRAFT, on="parent"),)}
    serializer_class = s.ComparisonSerializer
    error_codes = {"GET": (400,)}

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        strategy = self.get_strategy()
        numbers = {name: pk_or_none(request.query_params.get(name)) for name in ("from", "to")}
        missing = {
            name: ["Give a version number."] for name, number in numbers.items() if number is None
        }
        if missing:
            raise exceptions.ValidationError(missing)
        versions = {v.number: v for v in strategy.versions.filter(number__in=numbers.values())}
        old = versions.get(numbers["from"] or 0)
        new = versions.get(numbers["to"] or 0)
        if old is None or new is None:
            raise exceptions.NotFound("The strategy has no version with that number.")
        old_sections = {section.anchor: section for section in selectors.version_sections(old)}
        changes = []
        for section in selectors.version_sections(new):
            before = old_sections.pop(section.anchor, None)
            old_title = before.title if before else ""
            changes.append(_change(section.anchor, section.title, old_title, before, section))
        for before in old_sections.values():
            changes.append(_change(before.anchor, before.title, before.title, before, None))
        data = {"from_version": old, "to_version": new, "sections": changes}
        return Response(self.get_serializer(data).data)


def _change(anchor: str, title: str, old_title: str, before: Any, after: Any) -> dict[str, Any]:
    chunks = word_diff(before.body if before else "", after.body if after else "")
    stats = diff_stats(chunks)
    status = "added" if before is None else "removed" if after is None else "kept"
    return {
        "anchor": anchor,
        "title": title,
        "old_title": old_title,
        "status": status,
        "inserted_words": stats.inserted_words,
        "deleted_words": stats.deleted_words,
        "chunks": [{"op": op, "text": text} for op, text in chunks],
    }


class StrategyKpis(StrategyMixin, generics.ListAPIView):
    """Key performance indicators with baseline, target, readings and derived status. Public
    for published strategies, as on the published page."""

    permission_rules = {"GET": (Rule(VIEW_PUBLISHED, on="parent"),)}
    serializer_class = s.KpiSerializer
    queryset = Kpi.objects.none()  # the rows come from kpi_rows(); this names the model

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        rows = kpi_rows(self.get_strategy())
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


@extend_schema(parameters=[s.TrackerQuerySerializer])
class Tracker(generics.ListAPIView):
    """The national progress tracker: every organisation, its wave and where its strategy
    stands (the same rows as the public page and its CSV)."""

    permission_rules = {"GET": PUBLIC}
    serializer_class = s.TrackerRowSerializer
    filter_backends: list[Any] = []
    queryset = Organisation.objects.none()  # the rows come from tracker_rows()

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        query = s.TrackerQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        wave = query.validated_data.get("wave")
        rows = selectors.tracker_rows(
            wave=int(wave) if wave else None, stage=query.validated_data.get("stage")
        )
        keys = {
            "name": lambda r: r.organisation.name,
            "wave": lambda r: (r.organisation.wave or 9, r.organisation.name),
            "stage": lambda r: (r.stage, r.organisation.name),
            "updated": lambda r: r.strategy.updated_at.timestamp() if r.strategy else 0,
        }
        sort = query.validated_data["sort"]
        rows.sort(key=keys[sort], reverse=sort == "updated")
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class OrganisationMixin:
    request: Request
    kwargs: dict[str, Any]

    def get_permission_parent(self) -> Organisation:
        if not hasattr(self, "_organisation"):
            self._organisation = get_object_or_404(Organisation, slug=self.kwargs["slug"])
        return self._organisation


class EvidenceDatasets(OrganisationMixin, generics.ListAPIView):
    """The organisation's evidence datasets, newest year first (its staff only)."""

    permission_rules = {"GET": (Rule("strategies.view_evidence", on="parent"),)}
    serializer_class = s.DatasetSerializer

    def get_queryset(self) -> QuerySet[EvidenceDataset]:
        if schema_generation(self):
            return EvidenceDataset.objects.none()
        return EvidenceDataset.objects.filter(organisation=self.get_permission_parent()).order_by(
            "-year"
        )


class EvidenceDatasetDetail(OrganisationMixin, generics.RetrieveAPIView):
    """One year's figures analysed: location quotients, specialisms and super strengths."""

    permission_rules = {"GET": (Rule("strategies.view_evidence", on="parent"),)}
    serializer_class = s.DatasetDetailSerializer

    def get_object(self) -> EvidenceDataset:
        return get_object_or_404(
            EvidenceDataset.objects.prefetch_related("figures"),
            organisation=self.get_permission_parent(),
            year=pk_or_none(self.kwargs["year"]),
        )

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        dataset = self.get_object()
        analysis = analyse(
            dataset_rows(dataset),
            productivity_basis=dataset.productivity_basis or None,  # type: ignore[arg-type]
            specialism_threshold=settings.EVIDENCE_SPECIALISM_THRESHOLD,
            minimum_employment=settings.EVIDENCE_MINIMUM_EMPLOYMENT,
        )
        context = {**self.get_serializer_context(), "analysis": analysis}
        return Response(s.DatasetDetailSerializer(dataset, context=context).data)
