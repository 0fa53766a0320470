from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse

from .models import Membership, Organisation, User
from .rules import roles_by_organisation


@dataclass(frozen=True)
class NavigationItem:
    label: str
    url: str
    active: bool


def navigation_for(request: HttpRequest) -> list[NavigationItem]:
    """The header navigation: what the signed-in user's roles give them access to."""
    user = getattr(request, "user", None)
    path = request.path
    items: list[tuple[str, str]] = [("Local Enterprise Partnerships", reverse("core:home"))]
    if user is not None and user.is_authenticated:
        roles = roles_by_organisation(user)
        if roles:
            organisation = Organisation.objects.filter(pk__in=roles).order_by("name").first()
            if organisation is not None:
                items.append((organisation.name, organisation.get_absolute_url()))
        items.append(("Your account", reverse("accounts:profile")))
        if user.is_site_admin:
            items.append(("Site administration", reverse("admin:index")))
    return [
        NavigationItem(label=label, url=url, active=(url != "/" and path.startswith(url)))
        for label, url in items
    ]


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
