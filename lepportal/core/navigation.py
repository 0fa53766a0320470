"""The header navigation: public sections for everyone, and what the signed-in user's roles
give them access to."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse

from accounts.models import Organisation
from accounts.rules import roles_by_organisation
from consultations.moderation import is_any_moderator


@dataclass(frozen=True)
class NavigationItem:
    label: str
    url: str
    active: bool


def navigation_for(request: HttpRequest) -> list[NavigationItem]:
    user = getattr(request, "user", None)
    path = request.path
    items: list[tuple[str, str]] = [
        ("Partnerships", reverse("core:home")),
        ("Consultations", reverse("consultations:list")),
        ("Progress", reverse("strategies:tracker")),
    ]
    if user is not None and user.is_authenticated:
        roles = roles_by_organisation(user)
        if roles:
            organisation = Organisation.objects.filter(pk__in=roles).order_by("name").first()
            if organisation is not None:
                items.append(
                    (
                        organisation.name,
                        reverse("strategies:organisation", kwargs={"org": organisation.slug}),
                    )
                )
        if is_any_moderator(user):
            items.append(("Moderation", reverse("consultations:moderation_queue")))
        items.append(("Your account", reverse("accounts:profile")))
        if user.is_site_admin:
            items.append(("Site administration", reverse("admin:index")))
    return [
        NavigationItem(label=label, url=url, active=(url != "/" and path.startswith(url)))
        for label, url in items
    ]
