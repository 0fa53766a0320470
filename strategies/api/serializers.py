"""Strategies, their sections, versions, comparisons, KPIs, the tracker and the evidence base
as the API shows them. Read-only: writes stay on the pages for now."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.api.serializers import OrganisationRefSerializer
from accounts.models import Organisation

from ..constants import Foundation, GrandChallenge, PlaceKind, SectionKind
from ..models import EvidenceDataset, Strategy, StrategyVersion

STAGES = [("not-started", "Not started"), *Strategy.Status.choices]
SECTION_SOURCES = [("published", "The published version"), ("live", "The live draft")]


class VersionSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = StrategyVersion
        fields = ["number", "label", "source", "created_at"]
        read_only_fields = fields


class PrioritySerializer(serializers.Serializer):
    """A priority as the published version recorded it."""

    title = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    foundations = serializers.ListField(child=serializers.ChoiceField(choices=Foundation.choices))
    grand_challenges = serializers.ListField(
        child=serializers.ChoiceField(choices=GrandChallenge.choices)
    )
    place_kinds = serializers.ListField(child=serializers.ChoiceField(choices=PlaceKind.choices))


class StrategySerializer(serializers.ModelSerializer):
    organisation = OrganisationRefSerializer(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    published_version = VersionSummarySerializer(read_only=True, allow_null=True)
    public_url = serializers.SerializerMethodField(
        help_text="The published strategy's page, or null while it is unpublished."
    )

    class Meta:
        model = Strategy
        fields = [
            "id",
            "organisation",
            "title",
            "slug",
            "status",
            "status_label",
            "status_changed_at",
            "updated_at",
            "published_at",
            "published_version",
            "public_url",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_public_url(self, strategy: Strategy) -> str | None:
        return strategy.get_absolute_url() if strategy.published_version_id else None


class StrategyDetailSerializer(StrategySerializer):
    priorities = serializers.SerializerMethodField(
        help_text="The priorities of the published version (empty while unpublished)."
    )

    class Meta(StrategySerializer.Meta):
        fields = [*StrategySerializer.Meta.fields, "priorities"]
        read_only_fields = fields

    @extend_schema_field(PrioritySerializer(many=True))
    def get_priorities(self, strategy: Strategy) -> list[dict[str, Any]]:
        version = strategy.published_version
        return PrioritySerializer(version.priorities if version else [], many=True).data


class SectionSerializer(serializers.Serializer):
    """A section of a version (the published one, for the public) or of the live draft."""

    id = serializers.IntegerField(help_text="The section's id within its source.")
    source = serializers.ChoiceField(
        choices=SECTION_SOURCES,
        help_text="`published`: the published version's copy; `live`: the draft staff edit.",
    )
    version = serializers.IntegerField(
        allow_null=True, help_text="The version's number, or null for the live draft."
    )
    position = serializers.IntegerField()
    anchor = serializers.CharField()
    kind = serializers.ChoiceField(choices=SectionKind.choices)
    title = serializers.CharField()
    body = serializers.CharField(allow_blank=True, help_text="The text, in Markdown.")
    html = serializers.CharField(
        allow_blank=True, help_text="The text rendered to sanitised HTML, evidence included."
    )


class VersionSerializer(serializers.ModelSerializer):
    is_published = serializers.SerializerMethodField()

    class Meta:
        model = StrategyVersion
        fields = ["number", "label", "source", "created_at", "strategy_title", "is_published"]
        read_only_fields = fields

    def get_is_published(self, version: StrategyVersion) -> bool:
        return version.pk == version.strategy.published_version_id


class VersionSectionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    anchor = serializers.CharField()
    kind = serializers.ChoiceField(choices=SectionKind.choices)
    title = serializers.CharField()
    body = serializers.CharField(allow_blank=True, help_text="The text, in Markdown.")


class VersionDetailSerializer(VersionSerializer):
    priorities = PrioritySerializer(many=True, read_only=True)
    sections = serializers.SerializerMethodField()

    class Meta(VersionSerializer.Meta):
        fields = [*VersionSerializer.Meta.fields, "priorities", "sections"]
        read_only_fields = fields

    @extend_schema_field(VersionSectionSerializer(many=True))
    def get_sections(self, version: StrategyVersion) -> list[dict[str, Any]]:
        return VersionSectionSerializer(version.sections.order_by("position"), many=True).data


class DiffChunkSerializer(serializers.Serializer):
    op = serializers.ChoiceField(
        choices=[("equal", "Unchanged"), ("insert", "Inserted"), ("delete", "Deleted")]
    )
    text = serializers.CharField(allow_blank=True, trim_whitespace=False)


class SectionChangeSerializer(serializers.Serializer):
    anchor = serializers.CharField()
    title = serializers.CharField()
    old_title = serializers.CharField(allow_blank=True)
    status = serializers.ChoiceField(
        choices=[("added", "Added"), ("kept", "In both"), ("removed", "Removed")]
    )
    inserted_words = serializers.IntegerField()
    deleted_words = serializers.IntegerField()
    chunks = DiffChunkSerializer(many=True)


class ComparisonSerializer(serializers.Serializer):
    """Two versions compared word by word, section by section (matched by anchor)."""

    old = VersionSummarySerializer(source="from_version")
    new = VersionSummarySerializer(source="to_version")
    sections = SectionChangeSerializer(many=True)


class KpiReadingSerializer(serializers.Serializer):
    date = serializers.DateField()
    value = serializers.DecimalField(max_digits=16, decimal_places=3)
    note = serializers.CharField(allow_blank=True)


class KpiSerializer(serializers.Serializer):
    """A key performance indicator with its readings and derived status."""

    id = serializers.IntegerField(source="kpi.pk")
    name = serializers.CharField(source="kpi.name")
    unit = serializers.CharField(source="kpi.unit")
    priority = serializers.CharField(
        source="kpi.priority.title", allow_null=True, default=None, help_text="Its priority."
    )
    baseline_value = serializers.DecimalField(
        source="kpi.baseline_value", max_digits=16, decimal_places=3
    )
    baseline_date = serializers.DateField(source="kpi.baseline_date")
    target_value = serializers.DecimalField(
        source="kpi.target_value", max_digits=16, decimal_places=3
    )
    target_date = serializers.DateField(source="kpi.target_date")
    status = serializers.CharField(help_text="Such as “On track”.")
    status_key = serializers.ChoiceField(
        choices=[
            ("no-readings", "No readings yet"),
            ("on-track", "On track"),
            ("behind", "Behind"),
            ("achieved", "Achieved"),
        ]
    )
    latest = KpiReadingSerializer(allow_null=True)
    readings = KpiReadingSerializer(many=True)


class TrackerOrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["slug", "name", "ons_code", "wave"]
        read_only_fields = fields


class TrackerRowSerializer(serializers.Serializer):
    """One organisation and where its current strategy stands."""

    organisation = TrackerOrganisationSerializer()
    stage = serializers.ChoiceField(choices=STAGES, source="stage_value")
    stage_label = serializers.CharField(source="stage")
    strategy_title = serializers.CharField(source="strategy.title", allow_null=True, default=None)
    last_updated = serializers.DateTimeField(
        source="strategy.updated_at", allow_null=True, default=None
    )
    published_at = serializers.DateTimeField(
        source="strategy.published_at", allow_null=True, default=None
    )
    strategy_id = serializers.SerializerMethodField(
        help_text="The published strategy's id in this API, or null while unpublished."
    )
    public_url = serializers.SerializerMethodField()

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_strategy_id(self, row: Any) -> int | None:
        strategy = row.strategy
        return strategy.pk if strategy and strategy.published_version_id else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_public_url(self, row: Any) -> str | None:
        strategy = row.strategy
        return strategy.get_absolute_url() if strategy and strategy.published_version_id else None


class TrackerQuerySerializer(serializers.Serializer):
    wave = serializers.ChoiceField(
        choices=Organisation.Wave.choices, required=False, help_text="Only this wave."
    )
    stage = serializers.ChoiceField(choices=STAGES, required=False, help_text="Only this stage.")
    sort = serializers.ChoiceField(
        choices=[("name", "Name"), ("wave", "Wave"), ("stage", "Stage"), ("updated", "Updated")],
        required=False,
        default="name",
    )


class DatasetSerializer(serializers.ModelSerializer):
    class Meta:
        model = EvidenceDataset
        fields = ["year", "nation", "source_note", "productivity_basis", "uploaded_at"]
        read_only_fields = fields


class SectorResultSerializer(serializers.Serializer):
    section = serializers.CharField(help_text="The SIC 2007 section letter.")
    name = serializers.CharField()
    area_employment = serializers.DecimalField(max_digits=16, decimal_places=2)
    national_employment = serializers.DecimalField(max_digits=16, decimal_places=2)
    area_share = serializers.FloatField(allow_null=True)
    national_share = serializers.FloatField(allow_null=True)
    location_quotient = serializers.FloatField(allow_null=True)
    productivity = serializers.FloatField(allow_null=True)
    national_productivity = serializers.FloatField(allow_null=True)
    is_specialism = serializers.BooleanField()
    is_super_strength = serializers.BooleanField()


class AnalysisSerializer(serializers.Serializer):
    area_employment = serializers.DecimalField(max_digits=18, decimal_places=2)
    national_employment = serializers.DecimalField(max_digits=18, decimal_places=2)
    area_productivity = serializers.FloatField(allow_null=True)
    national_productivity = serializers.FloatField(allow_null=True)
    specialism_threshold = serializers.FloatField()
    minimum_employment = serializers.IntegerField()
    sectors = SectorResultSerializer(many=True)


class DatasetDetailSerializer(DatasetSerializer):
    analysis = serializers.SerializerMethodField(
        help_text="Location quotients, specialisms and super strengths."
    )

    class Meta(DatasetSerializer.Meta):
        fields = [*DatasetSerializer.Meta.fields, "analysis"]
        read_only_fields = fields

    @extend_schema_field(AnalysisSerializer)
    def get_analysis(self, dataset: EvidenceDataset) -> dict[str, Any]:
        return AnalysisSerializer(self.context["analysis"]).data
