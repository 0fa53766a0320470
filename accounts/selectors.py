from __future__ import annotations

from itertools import groupby

from django.db.models import QuerySet

from .models import Membership, Organisation, User


def organisations_for_home() -> list[tuple[int | None, list[Organisation]]]:
    """Organisations grouped by Local Industrial Strategy wave (one query)."""
    organisations = Organisation.objects.order_by("wave", "name")
    return [(wave, list(group)) for wave, group in groupby(organisations, key=lambda o: o.wave)]


def memberships_of(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("organisation")


def members_of(organisation: Organisation) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("role", "user__display_name")
    )
