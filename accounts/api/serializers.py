"""Organisations as the API shows them: public facts only (no members)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Organisation


class OrganisationRefSerializer(serializers.ModelSerializer):
    """An organisation named inside another resource."""

    class Meta:
        model = Organisation
        fields = ["slug", "name"]
        read_only_fields = fields


class OrganisationSerializer(serializers.ModelSerializer):
    wave_label = serializers.SerializerMethodField()
    website = serializers.SerializerMethodField(help_text="Its own website, if known.")
    url = serializers.SerializerMethodField(help_text="The organisation's page on the portal.")

    class Meta:
        model = Organisation
        fields = ["slug", "name", "kind", "ons_code", "wave", "wave_label", "website", "url"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_wave_label(self, organisation: Organisation) -> str | None:
        return organisation.get_wave_display() if organisation.wave else None

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_website(self, organisation: Organisation) -> str | None:
        return organisation.website or None

    def get_url(self, organisation: Organisation) -> str:
        return organisation.get_absolute_url()
