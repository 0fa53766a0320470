"""Organisations: public, read-only."""

from __future__ import annotations

import django_filters
from rest_framework import generics

from accounts.models import Organisation
from lepportal.core.api import PUBLIC

from .serializers import OrganisationSerializer


class OrganisationFilter(django_filters.FilterSet):
    wave = django_filters.TypedChoiceFilter(choices=Organisation.Wave.choices, coerce=int)
    kind = django_filters.ChoiceFilter(choices=Organisation.Kind.choices)

    class Meta:
        model = Organisation
        fields = ["wave", "kind"]


class OrganisationList(generics.ListAPIView):
    """Every organisation (today, the 38 Local Enterprise Partnerships), by name."""

    permission_rules = {"GET": PUBLIC}
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter
    queryset = Organisation.objects.order_by("name")


class OrganisationDetail(generics.RetrieveAPIView):
    """One organisation, by its slug."""

    permission_rules = {"GET": PUBLIC}
    serializer_class = OrganisationSerializer
    queryset = Organisation.objects.all()
    lookup_field = "slug"
